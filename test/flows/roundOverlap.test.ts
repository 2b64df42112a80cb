import assert from 'node:assert/strict';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import {
  channelMessage,
  newChannel,
  personalInstall,
  users,
  type ChannelPlace,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const secret = 'a-long-enough-trigger-secret';

/** A measure is in at most one open round, and a coordinator is told when the cards really go out. */
describe('rounds never overlap, and the reply says when the cards go out', () => {
  let bot: TestBot;
  let now = 0;
  const beredning: ChannelPlace = newChannel();
  const strategisk: ChannelPlace = newChannel();

  const start = async (env: Record<string, string>) => {
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, ...env },
      now: () => new Date(now),
    });
    await say('koppla beredningsgrupp', beredning);
    await say('koppla est-strategisk', strategisk);
    bot.connector.clear();
  };
  afterEach(async () => {
    await bot.close();
  });

  const say = (text: string, where: ChannelPlace) =>
    bot.post(channelMessage(text, where, { serviceUrl: bot.connector.serviceUrl, from: users.alex }));
  const text = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].join('\n');
  const lastReply = () => text(bot.connector.sent.at(-1) ?? ({ body: {} } as SentActivity));
  const openRounds = async () =>
    (await new RoundRepository(bot.store).list(agreementId)).filter((r) => r.status === 'open');

  it('refuses a second `ny runda` while one is open, names it and says how to close it', async () => {
    now = Date.parse('2021-05-04T07:00:00Z'); // Tuesday 09:00 in Stockholm
    await start({ AUTOMATIC_ROUNDS: 'off' });
    await say('ny runda vårens genomgång', beredning);
    assert.match(
      lastReply(),
      /Omgången \*\*vårens genomgång\*\* är öppnad för 9 insatser\. \d+ kort skickas nu/,
    );
    await bot.runJobs();
    const cardsAfterFirst = bot.connector.sent.filter((s) => s.kind === 'createConversation').length;
    assert.ok(cardsAfterFirst > 0, 'the first round posts its cards');

    await say('ny runda igen', beredning);
    assert.match(lastReply(), /omgången vårens genomgång är öppen/);
    assert.match(lastReply(), /Ingen ny omgång är öppnad/);
    assert.match(lastReply(), /\*\*stäng runda\*\*/);
    await bot.runJobs();
    assert.equal(bot.connector.sent.filter((s) => s.kind === 'createConversation').length, cardsAfterFirst);
    assert.deepEqual(
      (await openRounds()).map((r) => r.label),
      ['vårens genomgång'],
    );

    await say('stäng runda', beredning);
    await say('ny runda igen', beredning);
    assert.match(lastReply(), /Omgången \*\*igen\*\* är öppnad/);
  });

  it('says the cards of a round opened on a Friday evening go out on Monday at 08:00', async () => {
    now = Date.parse('2021-05-07T17:30:00Z'); // Friday 19:30 in Stockholm
    await start({ AUTOMATIC_ROUNDS: 'off' });
    await say('ny runda', beredning);
    assert.match(lastReply(), /kort skickas måndag 10 maj kl\. 08:00, när kontorstiden börjar,/);
    await bot.runJobs();
    assert.equal(
      bot.connector.sent.filter((s) => s.kind === 'createConversation').length,
      0,
      'not before then',
    );
    now = Date.parse('2021-05-10T06:00:00Z'); // Monday 08:00
    await bot.runJobs();
    assert.ok(bot.connector.sent.filter((s) => s.kind === 'createConversation').length > 0);
  });

  it('after `förläng` opens only the current period’s rounds, each measure in one, and `ny runda` is refused', async () => {
    now = Date.parse('2023-03-15T08:00:00Z'); // Wednesday 09:00, after the agreement ended on 2022-12-31
    await start({});
    await bot.post(
      personalInstall('installationUpdate', {
        serviceUrl: bot.connector.serviceUrl,
        conversationId: `a:${users.alex.aadObjectId}`,
        from: users.alex,
      }),
    );
    await say('förläng', beredning);
    await bot.runJobs();
    await say('förläng', beredning);
    await bot.runJobs();
    const open = await openRounds();
    assert.deepEqual(open.map((r) => r.id).sort(), ['monthly-2023-03', 'quarterly-2023-q1']);
    const measureIds = open.flatMap((r) => r.measureIds);
    assert.equal(new Set(measureIds).size, measureIds.length, 'no measure is in two open rounds');

    bot.connector.clear();
    await say('ny runda', beredning);
    assert.match(
      lastReply(),
      /omgångarna (mars 2023|2023 kvartal 1) och (mars 2023|2023 kvartal 1) är öppna/,
    );
    assert.equal((await openRounds()).length, 2);
  });

  it("closes last month's round when this month's opens", async () => {
    now = Date.parse('2021-05-04T07:00:00Z');
    await start({});
    await bot.runJobs();
    assert.ok((await openRounds()).some((r) => r.id === 'monthly-2021-05'));
    now = Date.parse('2021-06-01T07:00:00Z'); // Tuesday 1 June, 09:00
    await bot.runJobs();
    const open = (await openRounds()).map((r) => r.id);
    assert.ok(open.includes('monthly-2021-06'), open.join());
    assert.ok(!open.includes('monthly-2021-05'), open.join());
  });
});
