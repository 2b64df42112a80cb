import assert from 'node:assert/strict';
import { channelMessage, newChannel, personalMessage } from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/** What a new coordinator read in their first hour, each text as Teams shows it. */
describe('the first hour: what a new coordinator reads', () => {
  let bot: TestBot;
  let now = Date.parse('2021-05-04T07:00:00Z'); // Tuesday 09:00 in Stockholm
  const beredning = newChannel();

  before(async () => {
    bot = await startTestBot({
      env: {
        AUTOMATIC_ROUNDS: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
        JOBS_TRIGGER_SECRET: 'first-hour-secret',
      },
      now: () => new Date(now),
    });
    await bot.post(
      channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
    );
  });
  after(async () => {
    await bot.close();
  });

  const texts = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].join('\n');
  /** Alex types in his personal chat; the bot's answers to that, as text. */
  const type = async (text: string, locale = 'sv-SE') => {
    bot.connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, locale }));
    return bot.connector.sent.map(texts).join('\n');
  };
  const occurrences = (text: string, part: string) => text.split(part).length - 1;

  it('says "Exempel:" once above the example action plan', async () => {
    const measures = await type('insatser');
    assert.equal(occurrences(measures, 'Exempel:'), 1, measures);
    assert.doesNotMatch(measures, /Exempel: Exempel/);
  });

  it('titles `mina` once, and names the rest of the measures as the others', async () => {
    await bot.post(channelMessage('ny runda', beredning, { serviceUrl: bot.connector.serviceUrl }));
    const mine = await type('mina');
    assert.equal(occurrences(mine, 'Mina insatser'), 1, mine);
    assert.match(mine, /Att rapportera i omgången/);
  });

  it("counts the open round's reports the same on every status screen", async () => {
    // Nobody has reported in the round opened above: a goal area's screen does not make it "6 av 9".
    assert.match(await type('status'), /0 av 9 insatser har rapporterat/);
    assert.match(await type('status mål 1'), /0 av 9 insatser har rapporterat/);
  });

  it('counts the measures without a report as "No report: 3", not "No report 3"', async () => {
    const status = await type('status goal 1', 'en-US');
    assert.match(status, /No report: 3/);
    assert.doesNotMatch(status, /No report \d/);
  });

  it('names each group once in the list of groups to bind', async () => {
    const where = newChannel();
    bot.connector.clear();
    await bot.post(channelMessage('koppla', where, { serviceUrl: bot.connector.serviceUrl }));
    const answer = bot.connector.sent.map(texts).join('\n');
    assert.match(answer, /Strategiskt samverkansforum \(styrgrupp\), Beredningsgrupp, EST strategisk/);
    assert.doesNotMatch(answer, /styrgrupp \(Strategiskt samverkansforum \(styrgrupp\)\)/);
  });

  it('quotes an unknown measure as it was typed', async () => {
    const answer = await type('historik lägesbld');
    assert.match(answer, /Flera insatser matchar "lägesbld"/);
    assert.doesNotMatch(answer, /"lagesbld"/);
    assert.match(await type('historik Fotbollsträning'), /ingen insats som matchar "Fotbollsträning"/);
  });

  it('says the written report is a Word file, and names it', async () => {
    const answer = await type('rapport');
    assert.match(answer, /den skriftliga uppföljningen som Word-fil, [^\s]+\.docx/);
    assert.doesNotMatch(answer, /CSV/);
  });

  it('after an extension, never shows a past meeting as the next, and says how to plan one', async () => {
    now = Date.parse('2026-12-03T09:00:00Z'); // long after the agreement's last meeting, 2022-11-17
    for (let times = 0; times < 3; times++) {
      await bot.post(channelMessage('förläng', beredning, { serviceUrl: bot.connector.serviceUrl }));
    }
    // Each extension starts the jobs that are due, years of them at this clock (the notices before every past
    // meeting among them): they run on after the answer, so they are let finish before the summary is asked for,
    // or their cards would be read as part of it.
    await bot.runJobs();
    const summary = await type('sammanfattning');
    assert.doesNotMatch(summary, /Inför styrgruppens möte 2022-11-17/);
    assert.match(summary, /Läget 2026-12-03: inget styrgruppsmöte planerat/);
    assert.match(summary, /det senaste var 2022-11-17/);
    assert.match(summary, /möte ÅÅÅÅ-MM-DD TT:MM\*\*, till exempel möte 2027-01-14 13:00/);

    assert.match(await type('möte'), /Inget styrgruppsmöte är planerat från i dag/);
    const planned = await type('möte 2027-02-11 13:00');
    assert.match(
      planned,
      /Styrgruppsmöte planerat 2027-02-11 13:00\. Planerade styrgruppsmöten från i dag: 2027-02-11 13:00\./,
    );
    assert.match(await type('sammanfattning'), /Inför styrgruppens möte 2027-02-11 13:00/);
  });
});
