import assert from 'node:assert/strict';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { cardText, type LoopbackConnector, type SentActivity } from '../harness/connector.js';
import {
  channelMessage,
  newChannel,
  personalInstall,
  users,
  type ChannelPlace,
} from '../harness/activities.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * How a round's sends meet Teams' rate limits, seen from the connector: every attempt is one the bot's own retry
 * policy and pacer decided on (the connector client's built-in retries are off), a Retry-After holds its chat,
 * and a chat that is held back does not hold up the cards for other places (the scheduler runs jobs side by
 * side). That the pacer holds the thread for sends asked for during the Retry-After is in retryPolicy.test.ts.
 */

const secret = 'a-long-enough-trigger-secret';
const env = { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' };
const pattiChat = 'a:patti-personal-chat';
/** Tuesday 4 May 2021, 09:00 in Stockholm: a working day in office hours. */
const tuesdayMorning = Date.parse('2021-05-04T07:00:00Z');

interface Places {
  strategisk: ChannelPlace;
  fordjupning: ChannelPlace;
  beredning: ChannelPlace;
}

/** A request as the connector saw it (accepted or answered with a fault), and when: performance.now(). */
interface Arrival {
  at: number;
  conversationId: string;
  measureId?: string;
}

describe('pacing of a round’s sends (over HTTP, Azurite and the loopback connector)', () => {
  let bot: TestBot;
  let places: Places;
  beforeEach(async () => {
    bot = await startTestBot({ env, now: () => new Date(tuesdayMorning) });
    places = { strategisk: newChannel(), fordjupning: newChannel(), beredning: newChannel() };
    await setUp(bot, places);
  });
  afterEach(async () => {
    await bot.close();
  });

  it('a Retry-After holds that chat and only that chat: nothing new reaches it before, the other cards do not wait', async () => {
    const retryAfterMs = 2_000;
    const arrivals = recordArrivals(bot.connector);
    let pattiRequests = 0;
    bot.connector.failWhen((request) => request.conversationId === pattiChat && ++pattiRequests === 1, {
      status: 429,
      retryAfterSeconds: retryAfterMs / 1000,
    });
    await say(bot, 'ny runda 2021 kvartal 2', places.beredning);
    await bot.connector.waitFor((sent) => promptCards(sent).length >= 11);
    await bot.runJobs();

    // Each of the 11 cards once: 9 in the working groups' channels, Patti's two in her chat.
    assert.equal(promptCards(bot.connector.sent).length, 11);
    assert.equal(new Set(promptCards(bot.connector.sent).map(cardKey)).size, 11);
    // The recorder sees each request before the 429 rule: Patti's first is the throttled one.
    const [throttled, ...toPatti] = arrivals.filter((a) => a.conversationId === pattiChat);
    assert.ok(throttled?.measureId);
    const heldUntil = throttled.at + retryAfterMs;
    // The throttled card once more, and Patti's other card, which may already have been on its way when the
    // 429 came (both cards go out side by side): nothing else before the Retry-After has passed. A timer may
    // fire a millisecond or two early on the connector's clock.
    assert.equal(toPatti.length, 2);
    for (const a of toPatti) {
      const underWay = a.measureId !== throttled.measureId && a.at - throttled.at < 100;
      assert.ok(
        underWay || a.at >= heldUntil - 20,
        `a request reached Patti's chat ${Math.round(a.at - throttled.at)} ms after the 429`,
      );
    }
    const elsewhere = arrivals.filter((a) => a.conversationId !== pattiChat && a.measureId !== undefined);
    assert.equal(elsewhere.length, 9);
    for (const a of elsewhere) {
      assert.ok(
        a.at < heldUntil,
        `a card for a channel waited ${Math.round(a.at - throttled.at)} ms for Patti's chat`,
      );
    }
  });

  it('a chat that always answers 503 is tried exactly as often as the retry policy says, then reported', async () => {
    let pattiRequests = 0;
    bot.connector.failWhen((request) => request.conversationId === pattiChat && ++pattiRequests > 0, {
      status: 503,
      retryAfterSeconds: 0,
    });

    await say(bot, 'ny runda 2021 kvartal 2', places.beredning);
    await bot.connector.waitFor((sent) => told(sent, places).length >= 2);
    await bot.runJobs();

    // Two cards, six attempts each (retryPolicy.ts's default); retried inside the connector client as well, it
    // would be up to four times that.
    assert.equal(pattiRequests, 12);
    assert.equal(promptCards(bot.connector.sent).length, 9);
    const rounds = new RoundRepository(bot.store);
    const [round] = await rounds.list('upplands-vasby-sollentuna-2021-2022');
    assert.ok(round);
    const failed = (await rounds.deliveries('', round.id)).filter((d) => d.status === 'failed');
    assert.deepEqual(failed.map((d) => `${d.measureId} ${d.error ?? ''}`).sort(), [
      '2.1 HTTP 503',
      '2.2 HTTP 503',
    ]);
  });
});

/** Every request the connector would accept, with its arrival time; the rule answers nothing itself. */
function recordArrivals(connector: LoopbackConnector): Arrival[] {
  const arrivals: Arrival[] = [];
  connector.failWhen(
    (request) => {
      const measureId = measureOf(request);
      arrivals.push({
        at: performance.now(),
        conversationId: request.conversationId,
        ...(measureId ? { measureId } : {}),
      });
      return false;
    },
    { status: 500 },
  );
  return arrivals;
}

async function post(bot: TestBot, activity: unknown): Promise<void> {
  const response = await fetch(`${bot.app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  assert.equal(response.status, 200, await response.text());
}

function say(bot: TestBot, text: string, where: ChannelPlace): Promise<void> {
  return post(bot, channelMessage(text, where, { serviceUrl: bot.connector.serviceUrl, from: users.alex }));
}

/** The coordinator binds the three channels; Patti has the bot in her personal chat. */
async function setUp(bot: TestBot, places: Places): Promise<void> {
  await say(bot, 'koppla est-strategisk', places.strategisk);
  await say(bot, 'koppla est-fordjupning', places.fordjupning);
  await say(bot, 'koppla beredningsgrupp', places.beredning);
  await post(
    bot,
    personalInstall('installationUpdate', {
      serviceUrl: bot.connector.serviceUrl,
      conversationId: pattiChat,
      from: users.patti,
    }),
  );
  bot.connector.clear();
}

/** The measure a check-in card is about, from its heading. */
function measureOf(request: SentActivity): string | undefined {
  if (request.kind === 'update' || request.kind === 'delete') return undefined;
  const heading = cardText(request.body.attachments).find((t) => t.startsWith('Lägesrapport '));
  return heading ? /^Lägesrapport (\d+\.\d+):/.exec(heading)?.[1] : undefined;
}

function promptCards(sent: SentActivity[]): SentActivity[] {
  return sent.filter((s) => measureOf(s) !== undefined);
}

function cardKey(s: SentActivity): string {
  return `${s.conversationId.split(';')[0] ?? ''} ${measureOf(s) ?? ''}`;
}

/** What the coordinators' channel is told about cards that could not be sent. */
function told(sent: SentActivity[], places: Places): SentActivity[] {
  return sent.filter(
    (s) =>
      s.conversationId === places.beredning.channelId &&
      String(s.body.text ?? '').startsWith('Jag kunde inte skicka kortet'),
  );
}
