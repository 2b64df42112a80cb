import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Delivery } from '../../src/domain/checkInRound.js';
import { JobStore } from '../../src/storage/jobStore.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import {
  channelMessage,
  newChannel,
  personalInstall,
  users,
  type ChannelPlace,
} from '../harness/activities.js';
import {
  cardText,
  startLoopbackConnector,
  type LoopbackConnector,
  type SentActivity,
} from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * The check-in round when things go wrong: an instance dies mid-round, two instances run the scheduler at
 * once, Teams throttles or fails. What matters is what people see in Teams, i.e. what reached the connector:
 * every card exactly once, and a card that cannot be sent reported to the coordinators rather than lost.
 */

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const secret = 'a-long-enough-trigger-secret';
const env = { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' };
const pattiChat = 'a:patti-personal-chat';

/** Tuesday 4 May 2021, 09:00 in Stockholm (UTC+2). */
const tuesdayMorning = Date.parse('2021-05-04T07:00:00Z');
/** Friday 7 May 2021, 09:00: three working days on, the first reminders are due. */
const fridayMorning = Date.parse('2021-05-07T07:00:00Z');
/** Tuesday 18 May 2021, 09:00: after the second reminder, the missing-reports summary is due. */
const summaryMorning = Date.parse('2021-05-18T07:00:00Z');
const minutes = 60_000;

type GroupName = 'strategisk' | 'fordjupning' | 'beredning';
type Places = Record<GroupName, ChannelPlace>;

/** Each card of a round of the example agreement, once: the working groups' threads and Patti's two forms. */
const everyCardOnce = {
  '1.1 strategisk': 1,
  '1.2 strategisk': 1,
  '1.3 strategisk': 1,
  '2.1 fordjupning': 1,
  '2.1 Patti': 1,
  '2.2 fordjupning': 1,
  '2.2 Patti': 1,
  '2.3 fordjupning': 1,
  '3.1 strategisk': 1,
  '3.2 strategisk': 1,
  '3.3 strategisk': 1,
};

describe('check-in rounds when things go wrong (over HTTP, Azurite and the loopback connector)', () => {
  it('a server killed mid-round and a new one on the same storage: nothing sent twice, what was on its way reported', async () => {
    const azurite = await startLocalAzurite();
    const connector = await startLoopbackConnector();
    let now = tuesdayMorning;
    const places = newPlaces();
    let a: BotProcess | undefined;
    let b: TestBot | undefined;
    try {
      // Server A runs as its own process, so that it can be killed outright, as a crash or a redeploy would.
      a = await startBotProcess(azurite, tuesdayMorning);
      await setUp(a.url, connector, places);
      // A is killed while it sends the round's cards: five have arrived (and A has recorded them), the others are
      // on their way and never arrive. A runs several jobs at once, so it is killed once the five are recorded.
      connector.holdWhen(
        (request) =>
          checkInCards([request], places).length > 0 && checkInCards(connector.sent, places).length >= 5,
      );
      await say(a.url, connector, 'ny runda 2021 kvartal 2', places.beredning);
      await connector.waitFor(() => connector.held.length > 0);
      const jobs = new JobStore(new TableStore({ connectionString: azurite.connectionString }));
      for (let waited = 0; (await jobs.pending('prompt')).length > 6; waited += 20) {
        assert.ok(waited < 10_000, 'A records the five cards that arrived');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await a.kill();
      connector.holdWhen(undefined);
      assert.equal(checkInCards(connector.sent, places).length, 5);

      // Server B starts on the same storage. While A's leases on the remaining cards last, it leaves them be.
      now += 1 * minutes;
      b = await startTestBot({ azurite, connector, env, now: () => new Date(now) });
      assert.equal((await b.runJobs()).ran, 0);
      assert.equal(checkInCards(connector.sent, places).length, 5);

      // Once they have run out (five minutes), B takes A's jobs. A card that left for Teams without an answer may
      // be there, and Teams cannot be asked: B sends none twice, and marks them for the coordinators. Cards A had
      // not started would be sent now; A had started all (it runs up to 16 jobs at once).
      now += 5 * minutes;
      assert.equal((await b.runJobs()).ran, 6);
      const arrived = tally(checkInCards(connector.sent, places));
      assert.ok(
        Object.values(arrived).every((n) => n === 1),
        `no card twice: ${JSON.stringify(arrived)}`,
      );
      assert.equal(Object.keys(arrived).length, 5);
      const round = await onlyRound(b.store);
      const deliveries = await new RoundRepository(b.store).deliveries('', round.id);
      const byStatus = Object.values(statuses(deliveries, places)).sort();
      assert.deepEqual(byStatus, [...Array(5).fill('sent'), ...Array(6).fill('unconfirmed')].sort());
      assert.deepEqual(await new JobStore(b.store).pending('prompt'), []);

      // On Friday B reminds everyone in the thread or chat their card is in, once.
      const threads = cardThreads(connector.sent, places);
      connector.clear();
      now = fridayMorning;
      await b.runJobs();
      await b.runJobs();
      const reminders = connector.sent.filter(isReminder).map((r) => ({ r, card: reminderOf(r, threads) }));
      const atArrived = reminders.filter((x) => x.card.place !== 'elsewhere').map((x) => x.card);
      assert.deepEqual(tally(atArrived), arrived);
      // An unconfirmed card in a personal chat is reminded there too, with the card; channel threads it may have
      // started are unknown, so nothing is said there.
      const others = reminders.filter((x) => x.card.place === 'elsewhere');
      assert.ok(
        others.every((x) => x.r.conversationId === pattiChat),
        'only personal chats get the others',
      );
    } finally {
      await a?.kill();
      await b?.close();
      await connector.close();
      await azurite.stop();
    }
  });

  it('a server killed while Teams holds its answers: a card that may have arrived is not posted again', async () => {
    const azurite = await startLocalAzurite();
    const connector = await startLoopbackConnector();
    let now = tuesdayMorning;
    const places = newPlaces();
    let a: BotProcess | undefined;
    let b: TestBot | undefined;
    try {
      a = await startBotProcess(azurite, tuesdayMorning);
      await setUp(a.url, connector, places);
      // Five cards are answered; Teams posts the others but its answers never come back before A dies.
      connector.holdAnswersWhen(
        (request) =>
          checkInCards([request], places).length > 0 && checkInCards(connector.sent, places).length > 5,
      );
      await say(a.url, connector, 'ny runda 2021 kvartal 2', places.beredning);
      await connector.waitFor(() => checkInCards(connector.sent, places).length >= 11);
      // A has what Teams answered stored before it dies: the five answered cards are sent, the others not known.
      await sentRecorded(azurite, 5);
      await a.kill();
      connector.holdAnswersWhen(undefined);

      // B, once A's leases have run out, finds the sends that may have arrived and does not repeat them.
      now += 6 * minutes;
      b = await startTestBot({ azurite, connector, env, now: () => new Date(now) });
      await b.runJobs();
      const cards = tally(checkInCards(connector.sent, places));
      const twice = Object.values(cards).filter((n) => n > 1).length;
      const missing = Object.keys(everyCardOnce).filter((card) => !cards[card]).length;
      assert.deepEqual({ twice, missing }, { twice: 0, missing: 0 });
      assert.deepEqual(cards, everyCardOnce);
      const round = await onlyRound(b.store);
      const deliveries = await new RoundRepository(b.store).deliveries('', round.id);
      const unconfirmed = deliveries.filter((d) => d.status === 'unconfirmed').length;
      assert.equal(unconfirmed, 11 - 5, 'the six whose answers never came are marked, not sent again');
      assert.deepEqual(await new JobStore(b.store).pending('prompt'), []);

      // Patti's unconfirmed forms still reach her with Friday's reminder, which carries the card.
      connector.clear();
      now = fridayMorning;
      await b.runJobs();
      const toPatti = connector.sent.filter((s) => s.conversationId === pattiChat && isReminder(s));
      assert.ok(toPatti.length > 0, 'Patti is reminded in her chat');
    } finally {
      await a?.kill();
      await b?.close();
      await connector.close();
      await azurite.stop();
    }
  });

  it('two servers running the scheduler at once: each card and each reminder exactly once', async () => {
    const azurite = await startLocalAzurite();
    const connector = await startLoopbackConnector();
    // Opened at 07:00, before office hours, so the cards come due at 08:00 with both servers running.
    let now = tuesdayMorning - 2 * 60 * minutes;
    const options = { azurite, connector, env, now: () => new Date(now) };
    const x = await startTestBot(options);
    const y = await startTestBot(options);
    try {
      const places = newPlaces();
      await setUp(x.app.url, connector, places);
      await say(x.app.url, connector, 'ny runda 2021 kvartal 2', places.beredning);
      await Promise.all([x.runJobs(), y.runJobs()]);
      assert.deepEqual(checkInCards(connector.sent, places), [], 'nothing is sent before 08:00');

      now = tuesdayMorning;
      await Promise.all([x, y, x, y, x, y].map((bot) => bot.runJobs()));
      assert.deepEqual(tally(checkInCards(connector.sent, places)), everyCardOnce);

      const threads = cardThreads(connector.sent, places);
      connector.clear();
      now = fridayMorning;
      await Promise.all([y, x, y, x, y, x].map((bot) => bot.runJobs()));
      const reminders = connector.sent.filter(isReminder);
      assert.deepEqual(tally(reminders.map((r) => reminderOf(r, threads))), everyCardOnce);
    } finally {
      await x.close();
      await y.close();
      await connector.close();
      await azurite.stop();
    }
  });

  const faults = [
    {
      name: 'Teams answers 429 with Retry-After to a share of the sends',
      every: 3,
      fault: { status: 429, retryAfterSeconds: 1 },
    },
    { name: 'Teams answers 500 to a share of the sends', every: 4, fault: { status: 500 } },
  ] as const;
  for (const { name, every, fault } of faults) {
    it(`${name}: every card arrives exactly once`, async () => {
      const bot = await startTestBot({ env, now: () => new Date(tuesdayMorning) });
      try {
        const places = newPlaces();
        await setUp(bot.app.url, bot.connector, places);
        bot.connector.failEvery(every, fault, 3);
        await say(bot.app.url, bot.connector, 'ny runda 2021 kvartal 2', places.beredning);
        await bot.connector.waitFor((sent) => checkInCards(sent, places).length >= 11);
        await bot.runJobs();

        assert.equal(bot.connector.faultsServed, 3);
        assert.deepEqual(tally(checkInCards(bot.connector.sent, places)), everyCardOnce);
        const deliveries = await new RoundRepository(bot.store).deliveries(
          '',
          (await onlyRound(bot.store)).id,
        );
        assert.deepEqual(statuses(deliveries, places), statusesOf(everyCardOnce, 'sent'));
      } finally {
        await bot.close();
      }
    });
  }

  it('a card that cannot be sent is recorded, reported to the coordinators and listed in the summary', async () => {
    let now = tuesdayMorning;
    const bot = await startTestBot({ env, now: () => new Date(now) });
    try {
      const places = newPlaces();
      await setUp(bot.app.url, bot.connector, places);
      // The bot was removed from est-fordjupning's team (403), and Patti's chat fails for good (503 each time).
      bot.connector.failWhen(
        (request) =>
          request.kind === 'createConversation' && request.conversationId === places.fordjupning.channelId,
        { status: 403 },
      );
      let pattiAttempts = 0;
      const toPatti = (request: SentActivity) => request.conversationId === pattiChat && ++pattiAttempts > 0;
      bot.connector.failWhen(toPatti, { status: 503, retryAfterSeconds: 0 });
      await say(bot.app.url, bot.connector, 'ny runda 2021 kvartal 2', places.beredning);
      const told = (sent: SentActivity[]) =>
        sent.filter(
          (s) =>
            s.conversationId === places.beredning.channelId &&
            String(s.body.text ?? '').startsWith('Jag kunde inte skicka kortet'),
        );
      await bot.connector.waitFor((sent) => told(sent).length >= 5);
      await bot.runJobs();

      // Patti's chat was tried again and again before the bot gave up on it (Retry-After: 0 keeps this quick).
      assert.ok(pattiAttempts > 2, `${pattiAttempts} attempts`);
      // The cards that could be sent arrived once; the others did not arrive at all.
      assert.deepEqual(tally(checkInCards(bot.connector.sent, places)), {
        '1.1 strategisk': 1,
        '1.2 strategisk': 1,
        '1.3 strategisk': 1,
        '3.1 strategisk': 1,
        '3.2 strategisk': 1,
        '3.3 strategisk': 1,
      });
      // The coordinators' channel is told about each one that could not be sent, naming the measure.
      assert.deepEqual(
        told(bot.connector.sent)
          .map((s) => String(s.body.text))
          .sort(),
        [
          'Jag kunde inte skicka kortet för insats 2.1 till Patti Fernandez personliga chatt i omgången 2021 kvartal 2, trots flera försök.',
          'Jag kunde inte skicka kortet för insats 2.1 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
          'Jag kunde inte skicka kortet för insats 2.2 till Patti Fernandez personliga chatt i omgången 2021 kvartal 2, trots flera försök.',
          'Jag kunde inte skicka kortet för insats 2.2 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
          'Jag kunde inte skicka kortet för insats 2.3 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
        ],
      );

      // Stored as failed with the reason, and given up on rather than retried for ever.
      const round = await onlyRound(bot.store);
      const deliveries = await new RoundRepository(bot.store).deliveries('', round.id);
      const failed = deliveries
        .filter((d) => d.status === 'failed')
        .map((d) => `${d.measureId} ${placeName(d, places)} ${d.error ?? ''}`)
        .sort();
      assert.deepEqual(failed, [
        '2.1 Patti HTTP 503',
        '2.1 fordjupning HTTP 403',
        '2.2 Patti HTTP 503',
        '2.2 fordjupning HTTP 403',
        '2.3 fordjupning HTTP 403',
      ]);
      assert.deepEqual(await new JobStore(bot.store).pending('prompt'), []);

      // After the reminders, the coordinators' missing-reports summary lists them under their own heading.
      bot.connector.clear();
      now = summaryMorning;
      await bot.runJobs();
      const summary = bot.connector.sent.find((s) =>
        cardText(s.body.attachments).includes('Saknade lägesrapporter: 2021 kvartal 2'),
      );
      assert.ok(summary, 'the coordinators get the summary');
      assert.equal(summary.conversationId, places.beredning.channelId);
      const lines = cardText(summary.body.attachments);
      const heading = lines.indexOf('Kort som inte kunde skickas eller kanske inte kom fram');
      assert.ok(heading > 0, 'the summary has a list of cards that could not be sent');
      assert.deepEqual(lines.slice(heading + 1).sort(), [
        '**2.1** till Patti Fernandez personliga chatt',
        '**2.1** till en kanal',
        '**2.2** till Patti Fernandez personliga chatt',
        '**2.2** till en kanal',
        '**2.3** till en kanal',
      ]);
    } finally {
      await bot.close();
    }
  });

  it('a reminder that cannot be sent in one place still reaches the others, and the coordinators are told', async () => {
    let now = tuesdayMorning;
    const bot = await startTestBot({ env, now: () => new Date(now) });
    try {
      const places = newPlaces();
      await setUp(bot.app.url, bot.connector, places);
      await say(bot.app.url, bot.connector, 'ny runda 2021 kvartal 2', places.beredning);
      await bot.connector.waitFor((sent) => tally(checkInCards(sent, places))['2.1 Patti'] === 1);
      // By Friday the bot has lost the right to answer in est-fordjupning's threads.
      bot.connector.failWhen(
        (request) =>
          request.kind === 'reply' && request.conversationId.startsWith(`${places.fordjupning.channelId};`),
        { status: 403 },
      );
      bot.connector.clear();
      now = fridayMorning;
      await bot.runJobs();

      const reminders = bot.connector.sent.filter(isReminder);
      // In either order: the jobs run side by side.
      assert.deepEqual(
        reminders
          .filter((s) => s.conversationId === pattiChat)
          .map((s) => /insats (\d\.\d)/.exec(String(s.body.text))?.[1])
          .sort(),
        ['2.1', '2.2'],
      );
      const told = bot.connector.sent
        .filter((s) => s.conversationId === places.beredning.channelId)
        .map((s) => String(s.body.text))
        .filter((t) => t.startsWith('Jag kunde inte skicka påminnelsen'))
        .sort();
      assert.deepEqual(told, [
        'Jag kunde inte skicka påminnelsen för insats 2.1 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
        'Jag kunde inte skicka påminnelsen för insats 2.2 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
        'Jag kunde inte skicka påminnelsen för insats 2.3 till en kanal i omgången 2021 kvartal 2, trots flera försök.',
      ]);
      assert.deepEqual(
        await new JobStore(bot.store)
          .pending('reminder')
          .then((jobs) => jobs.filter((j) => j.dueAt <= new Date(now).toISOString())),
        [],
      );
    } finally {
      await bot.close();
    }
  });
});

function newPlaces(): Places {
  return { strategisk: newChannel(), fordjupning: newChannel(), beredning: newChannel() };
}

async function post(url: string, activity: unknown): Promise<void> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  assert.equal(response.status, 200, await response.text());
}

function say(url: string, connector: LoopbackConnector, text: string, where: ChannelPlace): Promise<void> {
  return post(url, channelMessage(text, where, { serviceUrl: connector.serviceUrl, from: users.alex }));
}

/** The coordinator binds the three channels; Patti has the bot in her personal chat. */
async function setUp(url: string, connector: LoopbackConnector, places: Places): Promise<void> {
  await say(url, connector, 'koppla est-strategisk', places.strategisk);
  await say(url, connector, 'koppla est-fordjupning', places.fordjupning);
  await say(url, connector, 'koppla beredningsgrupp', places.beredning);
  await post(
    url,
    personalInstall('installationUpdate', {
      serviceUrl: connector.serviceUrl,
      conversationId: pattiChat,
      from: users.patti,
    }),
  );
  connector.clear();
}

interface CardSeen {
  measureId: string;
  /** `strategisk`, `fordjupning`, `beredning` or `Patti`. */
  place: string;
}

function placeOf(conversationId: string, places: Places): string {
  if (conversationId === pattiChat) return 'Patti';
  const channel = conversationId.split(';')[0];
  const group = (Object.keys(places) as GroupName[]).find((g) => places[g].channelId === channel);
  return group ?? conversationId;
}

function placeName(delivery: Delivery, places: Places): string {
  return delivery.target.kind === 'channel' ? placeOf(delivery.target.channelId, places) : 'Patti';
}

/** The check-in cards among what was sent: new channel threads and personal messages, not updates or reminders. */
function checkInCards(sent: SentActivity[], places: Places): CardSeen[] {
  return sent.flatMap((s) => {
    if (s.kind === 'update' || s.kind === 'delete' || isReminder(s)) return [];
    const heading = cardText(s.body.attachments).find((t) => t.startsWith('Lägesrapport '));
    const measureId = heading ? /^Lägesrapport (\d+\.\d+):/.exec(heading)?.[1] : undefined;
    return measureId ? [{ measureId, place: placeOf(s.conversationId, places) }] : [];
  });
}

/** Thread or chat id → the card it holds, for telling where a reminder went. */
function cardThreads(sent: SentActivity[], places: Places): Map<string, CardSeen> {
  const threads = new Map<string, CardSeen>();
  for (const s of sent) {
    const [card] = checkInCards([s], places);
    if (!card) continue;
    const thread =
      s.kind === 'createConversation' ? `${s.conversationId};messageid=${s.id}` : s.conversationId;
    threads.set(`${thread} ${card.measureId}`, card);
  }
  return threads;
}

function isReminder(sent: SentActivity): boolean {
  return String(sent.body.text ?? '').startsWith('Påminnelse');
}

/** The card a reminder is about, provided it went to the thread or chat that card is in. */
function reminderOf(reminder: SentActivity, threads: Map<string, CardSeen>): CardSeen {
  const measureId = /insats (\d+\.\d+)/.exec(String(reminder.body.text))?.[1] ?? '?';
  return threads.get(`${reminder.conversationId} ${measureId}`) ?? { measureId, place: 'elsewhere' };
}

/** How many times each card (measure and place) arrived. */
function tally(cards: CardSeen[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const card of cards) {
    const key = `${card.measureId} ${card.place}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function statuses(deliveries: Delivery[], places: Places): Record<string, string> {
  const entries = deliveries.map((d) => [`${d.measureId} ${placeName(d, places)}`, d.status] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

function statusesOf(cards: Record<string, number>, status: Delivery['status']): Record<string, string> {
  return Object.fromEntries(Object.keys(cards).map((key) => [key, status]));
}

/** Waits until this many of the round's deliveries are recorded as sent (A writes them as Teams answers). */
async function sentRecorded(azurite: LocalAzurite, count: number, timeoutMs = 20_000): Promise<void> {
  const store = new TableStore({ connectionString: azurite.connectionString });
  const started = Date.now();
  for (;;) {
    const rounds = await new RoundRepository(store).list(agreementId);
    const deliveries = rounds[0] ? await new RoundRepository(store).deliveries('', rounds[0].id) : [];
    if (deliveries.filter((d) => d.status === 'sent').length >= count) return;
    if (Date.now() - started > timeoutMs) throw new Error(`fewer than ${count} deliveries recorded as sent`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function onlyRound(store: TableStore) {
  const rounds = await new RoundRepository(store).list(agreementId);
  assert.equal(rounds.length, 1);
  const [round] = rounds;
  assert.ok(round);
  return round;
}

interface BotProcess {
  url: string;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * The real app in a child process (on the given Azurite, its clock fixed at `now`), so that a test can kill it
 * with SIGKILL: no graceful stop, no finishing the batch, exactly what a crash leaves behind.
 */
async function startBotProcess(azurite: LocalAzurite, now: number): Promise<BotProcess> {
  const href = (path: string) => new URL(path, import.meta.url).href;
  const settings = {
    NODE_ENV: 'test',
    PORT: '0',
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    AGREEMENT_FILE: 'agreements/example.yaml',
    ...env,
  };
  const script = `
    const [settings, now, logLevel] = JSON.parse(process.argv[1]);
    const { setLogLevel } = await import(${JSON.stringify(href('../../src/platform/log.js'))});
    setLogLevel(logLevel);
    const { loadConfig } = await import(${JSON.stringify(href('../../src/config/env.js'))});
    const { startApp } = await import(${JSON.stringify(href('../../src/app.js'))});
    const app = await startApp(loadConfig(settings), { now: () => new Date(now), exampleHistory: false });
    process.stdout.write('started ' + app.url + '\\n');
  `;
  const args = JSON.stringify([settings, now, process.env.LOG_LEVEL ?? 'silent']);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--disable-warning=DEP0111', '--input-type=module', '-e', script, '--', args],
    { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      // Logs (LOG_LEVEL=debug) go to stdout too; reading on also keeps the pipe from filling up.
      lines.on('line', (line) => {
        if (line.startsWith('started ')) resolve(line.slice('started '.length));
      });
      child.once('exit', (code) => reject(new Error(`The bot process exited (${code}) before it started`)));
    });
    return { url, kill };
  } catch (err) {
    await kill();
    throw err;
  }
}
