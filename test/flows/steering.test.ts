import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parse, stringify } from 'yaml';
import { isWorkingDay } from '../../src/domain/workingCalendar.js';
import { JobStore } from '../../src/storage/jobStore.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import JSZip from 'jszip';
import {
  cardAction,
  channelMessage,
  fileConsentAnswer,
  newChannel,
  personalInstall,
  users,
  type ChannelPlace,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { seededReport } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const secret = 'steering-tests-trigger-secret';

/** The example agreement with 2022's autumn meeting left out, so 2022 has only one. */
async function agreementWithOneMeetingIn2022(): Promise<string> {
  const example = parse(await readFile('agreements/example.yaml', 'utf8')) as {
    steeringMeetings: Array<{ date: string }>;
  };
  const dir = await mkdtemp(join(tmpdir(), 'steering-'));
  const file = join(dir, 'agreement.yaml');
  await writeFile(
    file,
    stringify({
      ...example,
      steeringMeetings: example.steeringMeetings.filter((m) => m.date !== '2022-11-17'),
    }),
  );
  return file;
}

describe('the steering group over a year of follow-up', () => {
  let bot: TestBot;
  let now = Date.parse('2021-11-19T09:00:00Z');
  const styrgrupp: ChannelPlace = newChannel();
  const beredning: ChannelPlace = newChannel();

  before(async () => {
    bot = await startTestBot({
      env: {
        AGREEMENT_FILE: await agreementWithOneMeetingIn2022(),
        AUTOMATIC_ROUNDS: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
        JOBS_TRIGGER_SECRET: secret,
      },
      now: () => new Date(now),
    });
    await bot.post(channelMessage('koppla styrgrupp', styrgrupp, { serviceUrl: bot.connector.serviceUrl }));
    await bot.post(
      channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
    );
    // A year of reports: the situation at the June meeting, and what changed before November's.
    await new ReportRepository(bot.store).importHistory([
      seededReport('1.1', 1, { status: 'onTrack', reportedAt: '2021-03-03T09:00:00Z', indicatorValue: 41 }),
      seededReport('1.1', 2, { status: 'onTrack', reportedAt: '2021-05-28T09:00:00Z', indicatorValue: 37 }),
      seededReport('1.1', 3, { status: 'atRisk', reportedAt: '2021-11-10T09:00:00Z', indicatorValue: 35 }),
      seededReport('1.2', 1, { status: 'notStarted', reportedAt: '2021-05-28T09:00:00Z' }),
      seededReport('1.2', 2, { status: 'onTrack', reportedAt: '2021-11-12T09:00:00Z' }),
      seededReport('2.1', 1, {
        status: 'onTrack',
        reportedAt: '2021-05-28T09:00:00Z',
        reportedBy: users.patti,
      }),
      seededReport('2.1', 2, {
        status: 'delayed',
        reportedAt: '2021-11-15T09:00:00Z',
        reportedBy: users.patti,
        needsSteeringDecision: true,
      }),
      seededReport('3.2', 1, { status: 'done', reportedAt: '2021-06-01T09:00:00Z', reportedBy: users.megan }),
    ]);
  });
  after(async () => {
    await bot.close();
  });

  const texts = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].join('\n');
  const inChannel = (channel: ChannelPlace) =>
    bot.connector.sent.filter((s) => s.conversationId.startsWith(channel.channelId));

  it('warns the coordinators when a year has fewer than two steering meetings planned', async () => {
    bot.connector.clear();
    await bot.runJobs();
    const warnings = inChannel(beredning).filter((s) => texts(s).includes('styrgruppsmöte planerat'));
    assert.deepEqual(
      warnings.map((s) => String(s.body.text)),
      [
        'År 2022 har bara ett styrgruppsmöte planerat. Överenskommelsen kräver uppföljning minst två gånger per år: planera med möte [ÅÅÅÅ-MM-DD].',
      ],
    );
    await bot.runJobs();
    assert.equal(
      inChannel(beredning).filter((s) => texts(s).includes('styrgruppsmöte planerat')).length,
      1,
      'once',
    );
  });

  it("posts the summary two working days before the meeting in the steering and coordinators' channels", async () => {
    bot.connector.clear();
    now = Date.parse('2021-11-22T08:00:00Z'); // Monday 09:00: three working days before Thursday's meeting.
    await bot.runJobs();
    assert.equal(bot.connector.sent.length, 0, 'not yet');
    now = Date.parse('2021-11-23T07:00:00Z'); // Tuesday 08:00.
    await bot.runJobs();
    const [toSteering] = inChannel(styrgrupp);
    const [toCoordinators] = inChannel(beredning);
    assert.ok(toSteering && toCoordinators, 'both channels get it');
    const text = texts(toSteering);
    assert.match(text, /Inför styrgruppens möte 2021-11-25 13:00/);
    assert.match(text, /förändringar sedan mötet 2021-06-10/);
    assert.match(text, /Långsiktigt mål: /);
    assert.match(
      text,
      /🟡 Målområde 1: [^\n]*\nFörändrat: \*\*1\.1\*\* Pågår enligt plan → Risk för försening, \*\*1\.2\*\* Ej påbörjad → Pågår enligt plan\nRisker: \*\*1\.1\*\* Risk för försening\nSaknar rapport: \*\*1\.3\*\*/,
    );
    assert.match(
      text,
      /🔴 Målområde 2: [^\n]*\nFörändrat: \*\*2\.1\*\* Pågår enligt plan → Försenad\nRisker: \*\*2\.1\*\* Försenad\n\*\*Behöver beslut:\*\* \*\*2\.1\*\* /,
    );
    assert.match(text, /🟢 Målområde 3: [^\n]*\nSaknar rapport: \*\*3\.1\*\*, \*\*3\.2\*\*, \*\*3\.3\*\*/);

    const card = (toSteering.body.attachments as Array<{ content: { body: unknown[] } }>)[0]?.content;
    // The chart, and after it the same values as text: what a screen reader reads, and what a client without charts shows.
    const trend = JSON.stringify(card).match(/\{"type":"Chart\.Line"[^]*?"fallback":"drop"\},\{[^}]*\}/)?.[0];
    assert.ok(trend, 'an indicator chart followed by a text');
    const [chart, alternative] = JSON.parse(`[${trend}]`) as [
      { data: Array<{ values: Array<{ x: string; y: number }> }> },
      { type: string; text: string },
    ];
    // Short Swedish day labels: an ISO date would be shown by Teams in English, and clipped.
    assert.deepEqual(chart.data[0]?.values, [
      { x: '3 mars', y: 41 },
      { x: '28 maj', y: 37 },
      { x: '10 nov.', y: 35 },
    ]);
    assert.equal(alternative.type, 'TextBlock');
    assert.match(alternative.text, /^1\.1 .*: 2021-03-03 41, 2021-05-28 37, 2021-11-10 35$/);
  });

  it("delivers the meeting's written follow-up report as a Word file through the file consent card", async () => {
    const chat = `a:${users.alex.aadObjectId}`;
    await bot.post(
      personalInstall('installationUpdate', { serviceUrl: bot.connector.serviceUrl, conversationId: chat }),
    );
    const summary = inChannel(styrgrupp)[0];
    const button = (
      summary?.body.attachments as Array<{ content: { actions: Array<{ verb: string; data: object }> } }>
    )[0]?.content.actions[0];
    assert.equal(button?.verb, 'report.request');
    bot.connector.clear();
    const pressed = await bot.post(
      cardAction(
        button.verb,
        button.data as Record<string, unknown>,
        {
          conversationId: `${styrgrupp.channelId};messageid=${summary?.id}`,
          replyToId: summary?.id ?? '',
          channel: styrgrupp,
        },
        { serviceUrl: bot.connector.serviceUrl },
      ),
    );
    const answer = JSON.parse(pressed.body) as { type: string; value: string };
    assert.equal(answer.type, 'application/vnd.microsoft.activity.message');
    assert.match(answer.value, /personliga chatt/);
    const consent = bot.connector.sent.find((s) => s.conversationId === chat);
    const attachment = (
      consent?.body.attachments as Array<{
        contentType: string;
        name: string;
        content: { acceptContext: unknown };
      }>
    )[0];
    assert.equal(attachment?.contentType, 'application/vnd.microsoft.teams.card.file.consent');
    assert.match(attachment.name, /\.docx$/);

    const accept = fileConsentAnswer(
      'accept',
      attachment.content.acceptContext,
      { name: attachment.name, uploadUrl: bot.connector.uploadUrl(), uniqueId: 'u1', fileType: 'docx' },
      { serviceUrl: bot.connector.serviceUrl },
    );
    assert.equal((await bot.post(accept)).status, 200);
    const [upload] = bot.connector.uploads;
    assert.ok(upload, 'the file was uploaded');
    const xml = await (await JSZip.loadAsync(upload.bytes)).file('word/document.xml')?.async('string');
    const text = (xml ?? '').replace(/<[^>]+>/g, '');
    assert.match(text, /Upplands Väsby kommun/);
    assert.match(text, /Sociala insatsgrupper/);
    assert.match(text, /Försenad/);
  });

  it('reminds of the renewal consultation on a working day before 2022-06-30, and an extension moves the dates', async () => {
    const renewal = (await new JobStore(bot.store).pending('renewalReminder'))[0];
    assert.ok(renewal);
    const due = DateTime.fromISO(renewal.dueAt).setZone('Europe/Stockholm');
    assert.ok(isWorkingDay(due), `${due.toISO()} is a working day`);
    assert.ok((due.toISODate() ?? '') < '2022-06-30');
    assert.equal(due.toFormat('HH:mm'), '08:00');

    bot.connector.clear();
    now = due.toUTC().toMillis();
    await bot.runJobs();
    const reminders = inChannel(styrgrupp).filter((s) => texts(s).includes('samråd'));
    assert.equal(reminders.length, 1);
    assert.match(
      texts(reminders[0] as SentActivity),
      /gäller till 2022-12-31\. Den kan förlängas med 2 år i taget efter samråd, som ska ske senast 2022-06-30/,
    );

    bot.connector.clear();
    await bot.post(channelMessage('förläng', beredning, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(
      texts(bot.connector.sent.at(-1) as SentActivity),
      /Överenskommelsen är förlängd till 2024-12-31/,
    );
    now += 11 * 60_000;
    await bot.runJobs();
    const jobs = new JobStore(bot.store);
    const [nextRenewal] = (await jobs.pending('renewalReminder')).filter((j) => j.id.endsWith('2024-12-31'));
    assert.ok(
      nextRenewal && nextRenewal.dueAt < '2024-06-30',
      'the next reminder is before the new deadline',
    );
    const ended = (await jobs.pending('agreementEnded')).map((j) => j.id);
    assert.ok(ended.includes('agreementEnded|2024-12-31'));
    // 2023 and 2024 have no meetings yet: the coordinators hear of it.
    const gaps = inChannel(beredning)
      .map((s) => String(s.body.text))
      .filter((t) => t.includes('styrgruppsmöte planerat'));
    assert.ok(gaps.some((t) => t.startsWith('År 2023 har inget styrgruppsmöte planerat')));
    assert.ok(gaps.some((t) => t.startsWith('År 2024 har inget styrgruppsmöte planerat')));
  });

  it('stops rounds after the end date and says so', async () => {
    now = Date.parse('2025-01-07T09:00:00Z');
    bot.connector.clear();
    await bot.runJobs();
    const endNotice = inChannel(styrgrupp).find((s) => texts(s).includes('löpte ut 2024-12-31'));
    assert.ok(endNotice, 'the steering group is told the agreement has ended');
    bot.connector.clear();
    await bot.post(channelMessage('ny runda', beredning, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(
      texts(bot.connector.sent.at(-1) as SentActivity),
      /löpte ut 2024-12-31; nya omgångar kan inte öppnas/,
    );
  });
});
