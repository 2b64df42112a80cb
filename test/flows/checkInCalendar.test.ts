import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import { channelMessage, newChannel, type ChannelPlace } from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const secret = 'calendar-walk-trigger-secret';
const hour = 60 * 60_000;

/**
 * Sinon's fake clock walks the bot through March–April and June 2021 an hour at a time, running due jobs at
 * every step as the scheduler's timer would. What reaches Teams is stamped with the (fake) time it arrived.
 */
describe('check-ins follow the Swedish working calendar (sinon fake clock)', () => {
  let bot: TestBot;
  let clock: sinon.SinonFakeTimers;
  const strategisk: ChannelPlace = newChannel();
  const fordjupning: ChannelPlace = newChannel();
  const beredning: ChannelPlace = newChannel();
  const arrivals: Array<{ at: string; sent: SentActivity }> = [];

  before(async () => {
    // Only Date is faked: Azurite, the HTTP server and the connector keep their real timers.
    clock = sinon.useFakeTimers({ now: Date.parse('2021-03-26T14:30:00Z'), toFake: ['Date'] });
    bot = await startTestBot({ env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret } });
    for (const [group, where] of [
      ['est-strategisk', strategisk],
      ['est-fordjupning', fordjupning],
      ['beredningsgrupp', beredning],
    ] as const) {
      await bot.post(channelMessage(`koppla ${group}`, where, { serviceUrl: bot.connector.serviceUrl }));
    }
    bot.connector.clear();
  });
  after(async () => {
    await bot.close();
    clock.restore();
  });

  const stamp = () => {
    for (const sent of bot.connector.sent.splice(0)) arrivals.push({ at: new Date().toISOString(), sent });
  };
  const runJobs = async () => {
    await bot.runJobs();
    stamp();
  };
  const walkUntil = async (isoUtc: string) => {
    const end = Date.parse(isoUtc);
    while (Date.now() < end) {
      clock.tick(hour);
      await runJobs();
    }
  };
  const textOf = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].filter((t) => t !== '').join('\n');
  const arrivalTimes = (matches: (text: string) => boolean) => [
    ...new Set(arrivals.filter((a) => matches(textOf(a.sent))).map((a) => a.at)),
  ];

  it('opens March and April rounds on working days in office hours, across the DST change and Easter', async () => {
    await walkUntil('2021-04-08T10:00:00Z');

    // Friday 26 March, 16:30 CET: the March round (monthly measures) opens at the first tick of the walk.
    assert.deepEqual(
      arrivalTimes((t) => t.includes('mars 2021') && t.includes('Lägesrapport ')),
      ['2021-03-26T15:30:00.000Z'],
    );
    // Its first reminder, three working days later: Wednesday 31 March 16:30, now CEST (UTC+2).
    assert.deepEqual(
      arrivalTimes((t) => t.startsWith('Påminnelse') && t.includes('omgången mars 2021')).slice(0, 1),
      ['2021-03-31T14:30:00.000Z'],
    );
    // April's monthly round and Q2's quarterly round open on Thursday 1 April at 08:00 CEST.
    assert.deepEqual(
      arrivalTimes((t) => /Lägesrapport [\s\S]*(april 2021|2021 kvartal 2)/.test(t)),
      ['2021-04-01T06:30:00.000Z'],
    );
    // Good Friday, the Easter weekend and Easter Monday are skipped: April's first reminder comes on the 8th.
    assert.deepEqual(
      arrivalTimes((t) => t.startsWith('Påminnelse') && t.includes('omgången april 2021')).slice(0, 1),
      ['2021-04-08T06:30:00.000Z'],
    );
    // Nothing at all reaches Teams on a day off or outside 08:00–17:00 Stockholm time.
    for (const { at } of arrivals) {
      const local = DateTime.fromISO(at).setZone('Europe/Stockholm');
      assert.ok(local.weekday <= 5, `sent on a weekend: ${at}`);
      assert.ok(
        !['2021-04-02', '2021-04-05'].includes(local.toISODate() ?? ''),
        `sent on an Easter holiday: ${at}`,
      );
      assert.ok(local.hour >= 8 && local.hour < 17, `sent outside office hours: ${at}`);
    }
  });

  it('holds a round opened on midsommarafton eve until Monday morning', async () => {
    clock.setSystemTime(Date.parse('2021-06-24T15:30:00Z'));
    await runJobs();
    arrivals.length = 0;
    // June's monthly and Q2's quarterly rounds are open: a measure is in one open round at a time.
    const say = (text: string) =>
      bot.post(channelMessage(text, beredning, { serviceUrl: bot.connector.serviceUrl }));
    await say('stäng runda');
    await say('stäng runda');
    await say('ny runda midsommar');
    const reply = bot.connector.sent.find((s) => textOf(s).includes('Omgången **midsommar** är öppnad'));
    assert.ok(reply, 'the coordinator is answered at once');
    assert.match(textOf(reply), /kort skickas måndag 28 juni kl\. 08:00, när kontorstiden börjar,/);
    bot.connector.clear();

    await walkUntil('2021-06-28T09:00:00Z');
    // Thursday 17:30 is after office hours, Friday is midsommarafton, then the weekend: Monday 08:00 CEST.
    assert.deepEqual(
      arrivalTimes((t) => t.includes('Lägesrapport ') && t.includes('midsommar')),
      ['2021-06-28T06:30:00.000Z'],
    );
  });
});
