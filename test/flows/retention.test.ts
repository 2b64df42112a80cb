import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { Decision } from '../../src/domain/decision.js';
import type { HeldMeeting } from '../../src/domain/heldMeeting.js';
import type { ReviewAnswer } from '../../src/domain/midTermReview.js';
import type { Report } from '../../src/domain/report.js';
import type { ArchiveDocument } from '../../src/features/retention/retention.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import { MeetingRepository } from '../../src/storage/meetingRepository.js';
import { JobStore } from '../../src/storage/jobStore.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { tableNames, type TableStore } from '../../src/storage/tableStore.js';
import { channelMessage, newChannel, users, type ChannelPlace } from '../harness/activities.js';
import { exampleAgreementId, seededReport, seededRound } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * The example agreement is valid to 2022-12-31. With 24 months its reports are kept through 2024-12-31 and
 * removed from 2025-01-01, a holiday (nyårsdagen), so the removal runs at 08:00 on Thursday 2025-01-02.
 */
const secret = 'retention-tests-trigger-secret';
const archiveName = `${exampleAgreementId}-archive-2025-01-01`;
const otherAgreementId = `${exampleAgreementId}-bis`;

const stockholm = (localIso: string) => DateTime.fromISO(localIso, { zone: 'Europe/Stockholm' }).toMillis();

function history(): Report[] {
  return [
    seededReport('1.1', 1, { status: 'onTrack', reportedAt: '2021-03-03T09:00:00Z', indicatorValue: 41 }),
    seededReport('1.1', 2, { status: 'atRisk', reportedAt: '2021-11-10T09:00:00Z', roundId: 'r1' }),
    seededReport('1.1', 3, { status: 'done', reportedAt: '2022-11-10T09:00:00Z', obstacles: 'Inga; "slut"' }),
    seededReport('1.2', 1, { status: 'notStarted', reportedAt: '2021-05-28T09:00:00Z' }),
    seededReport('2.1', 1, {
      status: 'delayed',
      reportedAt: '2021-05-28T09:00:00Z',
      reportedBy: users.patti,
    }),
    seededReport('2.1', 2, {
      status: 'onTrack',
      reportedAt: '2021-11-15T09:00:00Z',
      reportedBy: users.patti,
      needsSteeringDecision: true,
    }),
    seededReport('3.2', 1, { status: 'done', reportedAt: '2021-06-01T09:00:00Z', reportedBy: users.megan }),
  ];
}

const reviewAnswers: ReviewAnswer[] = [
  {
    agreementId: exampleAgreementId,
    organisation: 'kommun',
    answers: ['Bra samverkan.', 'Fler insatser.', 'Ja.'],
    answeredBy: users.megan,
    answeredAt: '2021-12-06T10:00:00Z',
  },
  {
    agreementId: exampleAgreementId,
    organisation: 'polis',
    answers: ['Det fungerar.', '', 'Nej.'],
    answeredBy: users.patti,
    answeredAt: '2021-12-07T10:00:00Z',
  },
];

const decision: Decision = {
  id: 'beslut-1',
  agreementId: exampleAgreementId,
  text: 'Trygghetsvandringarna utökas till Runby.',
  concerns: { goalAreas: [1], measures: [] },
  responsible: 'Megan Bowen',
  dueDate: '2022-04-30',
  status: 'open',
  meetingDate: '2021-11-25',
  recordedAt: '2021-11-25T14:00:00Z',
  recordedBy: users.alex,
  revision: 1,
};

const meeting: HeldMeeting = {
  agreementId: exampleAgreementId,
  meetingId: 'MCMxOTptZWV0aW5n',
  title: 'Styrgruppsmöte',
  date: '2021-11-25',
  planned: true,
  startedAt: '2021-11-25T13:00:00Z',
  conversationId: '19:steering@thread.tacv2;messageid=1',
  channelId: '19:steering@thread.tacv2',
  reference: {},
};

/**
 * Seeds a history of reports, review answers, rounds, a decision (two revisions) and a meeting held, and reports
 * of an agreement with a similar id.
 */
async function seed(store: TableStore): Promise<void> {
  const decisions = new DecisionRepository(store);
  await decisions.record(decision);
  await decisions.update(
    exampleAgreementId,
    decision.id,
    { status: 'done', changedAt: '2022-05-02T08:00:00Z', changedBy: users.megan },
    1,
  );
  const meetings = new MeetingRepository(store);
  await meetings.record(meeting);
  await meetings.claim(exampleAgreementId, meeting.meetingId, 'summary', '2021-11-25T13:00:01Z');
  const reports = new ReportRepository(store);
  await reports.importHistory(history());
  await reports.importHistory(
    history().map((r) => ({ ...r, agreementId: otherAgreementId, narrative: 'Annan överenskommelse.' })),
  );
  const reviews = new ReviewRepository(store);
  for (const answer of reviewAnswers) await reviews.add(answer);
  await new RoundRepository(store).open(
    seededRound('r1', '2021 kvartal 4', '2021-11-01T07:00:00Z', 'closed'),
  );
}

/** Every row of the Reports table that belongs to the agreement (history and current partitions). */
async function reportRows(store: TableStore, agreementId = exampleAgreementId): Promise<string[]> {
  const keys: string[] = [];
  for await (const row of store.table(tableNames.reports).listEntities()) {
    const pk = row.partitionKey ?? '';
    if (pk === `current|${agreementId}` || pk.startsWith(`history|${agreementId}|`))
      keys.push(`${pk}/${row.rowKey ?? ''}`);
  }
  return keys.sort();
}

async function storedHistory(store: TableStore): Promise<Report[]> {
  const reports = await new ReportRepository(store).allHistory(exampleAgreementId);
  return reports.sort((a, b) => a.measureId.localeCompare(b.measureId) || a.revision - b.revision);
}

async function archiveFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

async function readDocument(dir: string): Promise<ArchiveDocument> {
  return JSON.parse(await fs.readFile(join(dir, `${archiveName}.json`), 'utf8')) as ArchiveDocument;
}

const notices = (bot: TestBot, channel: ChannelPlace) =>
  bot.connector.sent.filter(
    (s) => s.conversationId.startsWith(channel.channelId) && String(s.body.text ?? '').includes('gallring'),
  );

async function startBot(
  env: Record<string, string>,
  clock: { now: number },
  reuse: Partial<Pick<TestBot, 'azurite' | 'connector'>> = {},
): Promise<TestBot> {
  return startTestBot({
    env: {
      AUTOMATIC_ROUNDS: 'off',
      STEERING_NOTICES: 'off',
      SCHEDULER_INTERVAL_SECONDS: '0',
      JOBS_TRIGGER_SECRET: secret,
      ...env,
    },
    now: () => new Date(clock.now),
    ...reuse,
  });
}

describe('retention: reports archived and removed a set time after the agreement ended', () => {
  const clock = { now: stockholm('2024-12-31T10:00') };
  const beredning = newChannel();
  let dir: string;
  let bot: TestBot;
  let second: TestBot;
  let stored: Report[];

  before(async () => {
    dir = join(await fs.mkdtemp(join(tmpdir(), 'retention-')), 'arkiv');
    bot = await startBot({ REPORT_RETENTION_MONTHS: '24', ARCHIVE_DIR: dir }, clock);
    // A second instance over the same storage: the removal must happen once between them.
    second = await startBot({ REPORT_RETENTION_MONTHS: '24', ARCHIVE_DIR: dir }, clock, {
      azurite: bot.azurite,
      connector: bot.connector,
    });
    await bot.post(
      channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
    );
    await seed(bot.store);
    stored = await storedHistory(bot.store);
  });
  after(async () => {
    await second.close();
    await bot.close();
  });

  it('removes nothing while the period runs, up to its last day', async () => {
    clock.now = stockholm('2024-12-31T23:50');
    await Promise.all([bot.runJobs(), second.runJobs()]);
    assert.equal((await reportRows(bot.store)).length, stored.length + 4, 'history rows and 4 current rows');
    assert.equal((await new ReviewRepository(bot.store).list(exampleAgreementId)).length, 2);
    await assert.rejects(fs.readdir(dir), { code: 'ENOENT' }, 'no archive written');
    assert.deepEqual(notices(bot, beredning), []);
    assert.deepEqual(await new JobStore(bot.store).pending('removeReports'), []);
  });

  it('writes the archive with every revision, then removes the reports and review answers, once', async () => {
    clock.now = stockholm('2025-01-02T09:00');
    await Promise.all([bot.runJobs(), second.runJobs()]);

    assert.deepEqual(await archiveFiles(dir), [
      `${archiveName}.csv`,
      `${archiveName}.json`,
      `${archiveName}.md`,
    ]);
    const document = await readDocument(dir);
    assert.deepEqual(document.reports, stored, 'every revision as it was stored');
    assert.deepEqual(
      document.reviewAnswers.map((a) => a.answeredAt),
      reviewAnswers.map((a) => a.answeredAt),
    );
    assert.equal(document.validTo, '2022-12-31');
    assert.equal(document.retentionMonths, 24);
    assert.deepEqual(
      document.rounds.map((r) => r.id),
      ['r1'],
    );
    const csv = await fs.readFile(join(dir, `${archiveName}.csv`), 'utf8');
    assert.equal(csv.trimEnd().split('\r\n').length, stored.length + 1, 'a header and a row per revision');
    assert.match(csv, /Inga; ""slut""/);
    const markdown = await fs.readFile(join(dir, `${archiveName}.md`), 'utf8');
    assert.match(markdown, /## Bilaga: Rapporthistorik/);
    assert.match(markdown, /Bra samverkan\./);
    assert.match(markdown, /Trygghetsvandringarna utökas till Runby\./);
    assert.deepEqual(
      document.decisions?.map((d) => `${d.id} ${d.revision} ${d.status}`).sort(),
      ['beslut-1 1 open', 'beslut-1 2 done'],
      'the decision with every revision',
    );
    assert.deepEqual(
      document.meetings?.map((m) => m.meetingId),
      [meeting.meetingId],
    );
    assert.deepEqual(await new DecisionRepository(bot.store).allRevisions(exampleAgreementId), []);
    assert.deepEqual(await new MeetingRepository(bot.store).list(exampleAgreementId), []);
    // Its marker went with it: a meeting of that id would be posted to again.
    assert.equal(
      await new MeetingRepository(bot.store).claim(
        exampleAgreementId,
        meeting.meetingId,
        'summary',
        '2025-01-02T08:00:00Z',
      ),
      true,
    );

    assert.deepEqual(await reportRows(bot.store), [], 'no report row of the agreement is left');
    assert.deepEqual(await new ReviewRepository(bot.store).list(exampleAgreementId), []);
    assert.equal(
      (await reportRows(bot.store, otherAgreementId)).length,
      stored.length + 4,
      "another agreement's reports are left alone",
    );
    // The plan, the rounds and the audit log hold no report text and stay.
    assert.ok(await new PlanRepository(bot.store).load(exampleAgreementId));
    assert.equal((await new RoundRepository(bot.store).list(exampleAgreementId)).length, 1);
    const removals = (await new AuditLog(bot.store).recent(exampleAgreementId)).filter(
      (e) => e.action === 'removeReports',
    );
    assert.equal(removals.length, 1);
    assert.deepEqual(
      { ...removals[0]?.details, sha256: undefined },
      {
        validTo: '2022-12-31',
        retentionMonths: 24,
        dueOn: '2025-01-01',
        revisions: stored.length,
        reviewAnswers: 2,
        decisions: 2,
        rowsRemoved: stored.length + 4,
        decisionRowsRemoved: 3,
        kept: 0,
        archive: [`${archiveName}.json`, `${archiveName}.csv`, `${archiveName}.md`],
        sha256: undefined,
      },
    );
    assert.equal(
      removals[0]?.details.sha256,
      createHash('sha256')
        .update(await fs.readFile(join(dir, `${archiveName}.json`)))
        .digest('hex'),
    );

    const title = (await new PlanRepository(bot.store).load(exampleAgreementId))?.agreement.title ?? '';
    assert.deepEqual(
      notices(bot, beredning).map((s) => s.body.text),
      [
        `Rapporterna för ${title} (${stored.length} versioner) togs bort enligt gallringsregeln, 24 månader efter att överenskommelsen löpte ut 2022-12-31; arkiv: ${archiveName}.json.`,
      ],
    );
  });

  it('does nothing more on later runs: no second archive, notice or audit entry', async () => {
    const bytes = await fs.readFile(join(dir, `${archiveName}.json`));
    for (const at of ['2025-01-02T10:00', '2025-01-03T09:00', '2026-05-04T09:00']) {
      clock.now = stockholm(at);
      await Promise.all([bot.runJobs(), second.runJobs()]);
    }
    assert.deepEqual(await fs.readFile(join(dir, `${archiveName}.json`)), bytes);
    assert.equal(notices(bot, beredning).length, 1);
    assert.equal(
      (await new AuditLog(bot.store).recent(exampleAgreementId)).filter((e) => e.action === 'removeReports')
        .length,
      1,
    );
    assert.deepEqual(await new JobStore(bot.store).pending('removeReports'), []);
  });
});

describe('retention: without REPORT_RETENTION_MONTHS reports are kept', () => {
  it('never removes anything, however long after the end', async () => {
    const clock = { now: stockholm('2025-01-02T09:00') };
    const dir = await fs.mkdtemp(join(tmpdir(), 'retention-off-'));
    const bot = await startBot({ ARCHIVE_DIR: dir }, clock);
    try {
      await seed(bot.store);
      const rows = await reportRows(bot.store);
      for (const at of ['2025-01-02T09:00', '2030-01-02T09:00', '2042-06-02T09:00']) {
        clock.now = stockholm(at);
        await bot.runJobs();
      }
      assert.deepEqual(await reportRows(bot.store), rows);
      assert.equal((await new ReviewRepository(bot.store).list(exampleAgreementId)).length, 2);
      assert.deepEqual(await archiveFiles(dir), []);
    } finally {
      await bot.close();
    }
  });
});

describe('retention: when the archive cannot be written, nothing is removed', () => {
  it('retries, also after the job gave up, and removes once the archive directory works', async () => {
    const clock = { now: stockholm('2025-01-02T09:00') };
    const parent = await fs.mkdtemp(join(tmpdir(), 'retention-broken-'));
    // A file where the archive's directory should be: nothing can be written under it, even as root.
    const blocker = join(parent, 'mount');
    await fs.writeFile(blocker, 'not a directory');
    const dir = join(blocker, 'arkiv');
    const bot = await startBot({ REPORT_RETENTION_MONTHS: '24', ARCHIVE_DIR: dir }, clock);
    const beredning = newChannel();
    try {
      await bot.post(
        channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
      );
      await seed(bot.store);
      const rows = await reportRows(bot.store);
      const jobs = new JobStore(bot.store);

      // The scheduler retries with growing waits and gives up after five attempts…
      for (let attempt = 0; attempt < 5; attempt++) {
        await bot.runJobs();
        clock.now += 5 * 60_000;
      }
      assert.deepEqual(await reportRows(bot.store), rows, 'nothing removed');
      assert.equal((await new ReviewRepository(bot.store).list(exampleAgreementId)).length, 2);
      assert.deepEqual(notices(bot, beredning), []);
      const gaveUp = await jobs.completion(`retention|${exampleAgreementId}|2022-12-31|0`);
      assert.match(gaveUp?.outcome ?? '', /^failed: ArchiveError/);

      // …and the next planning starts a new run, which succeeds once the directory is there.
      clock.now += 10 * 60_000;
      await bot.runJobs();
      assert.deepEqual(
        (await jobs.pending('removeReports')).map((j) => j.id),
        [`retention|${exampleAgreementId}|2022-12-31|1`],
      );
      await fs.rm(blocker);
      clock.now += 5 * 60_000;
      await bot.runJobs();
      assert.deepEqual(await reportRows(bot.store), []);
      assert.equal((await readDocument(dir)).reports.length, history().length);
      assert.equal(notices(bot, beredning).length, 1);
    } finally {
      await bot.close();
    }
  });

  it('does not record or remove when the archive does not read back as written', async () => {
    const clock = { now: stockholm('2025-01-02T09:00') };
    const dir = await fs.mkdtemp(join(tmpdir(), 'retention-lossy-'));
    const bot = await startBot({ REPORT_RETENTION_MONTHS: '24', ARCHIVE_DIR: dir }, clock);
    const rename = fs.rename.bind(fs);
    let lost = false;
    // A disk that loses the end of a file it said it had written, once.
    const lossy = sinon.stub(fs, 'rename').callsFake(async (from, to) => {
      await rename(from, to);
      if (String(to).endsWith('.json') && !lost) {
        lost = true;
        await fs.truncate(to, 100);
      }
    });
    try {
      await seed(bot.store);
      const rows = await reportRows(bot.store);
      await bot.runJobs();
      assert.deepEqual(await reportRows(bot.store), rows, 'nothing removed');
      // The next run writes the archive again, reads it back whole, and removes.
      clock.now += 5 * 60_000;
      await bot.runJobs();
      assert.deepEqual(await reportRows(bot.store), []);
      assert.equal((await readDocument(dir)).reports.length, history().length);
    } finally {
      lossy.restore();
      await bot.close();
    }
  });
});

describe('retention: storage fails between the archive and the end of the removal', () => {
  it('keeps the first archive, keeps what it does not hold, and finishes the removal on the next run', async () => {
    const clock = { now: stockholm('2025-01-02T09:00') };
    const dir = await fs.mkdtemp(join(tmpdir(), 'retention-crash-'));
    const bot = await startBot({ REPORT_RETENTION_MONTHS: '24', ARCHIVE_DIR: dir }, clock);
    const beredning = newChannel();
    let submit: sinon.SinonStub | undefined;
    try {
      await bot.post(
        channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
      );
      await seed(bot.store);
      const before = await storedHistory(bot.store);

      // The first transaction of the removal goes through; then storage fails. The scheduler leases its jobs in
      // transactions of its own, which are not the removal's.
      const transaction = TableClient.prototype.submitTransaction;
      let removals = 0;
      submit = sinon.stub(TableClient.prototype, 'submitTransaction').callsFake(function (
        this: TableClient,
        ...args: Parameters<TableClient['submitTransaction']>
      ) {
        if (this.tableName === tableNames.jobs) return transaction.apply(this, args);
        removals++;
        if (removals === 2) {
          return Promise.reject(Object.assign(new Error('Service unavailable'), { statusCode: 503 }));
        }
        return transaction.apply(this, args);
      });
      await bot.runJobs();
      const archived = await fs.readFile(join(dir, `${archiveName}.json`));
      assert.deepEqual((await readDocument(dir)).reports, before);
      const left = await reportRows(bot.store);
      assert.ok(
        left.length > 0 && left.length < before.length + 4,
        `partly removed: ${left.length} rows left`,
      );
      assert.deepEqual(notices(bot, beredning), []);
      submit.restore();
      assert.equal(removals, 2);

      // Meanwhile someone reports on an old card and answers the review: in no archive, so they must stay.
      const late = seededReport('3.3', 1, { status: 'done', reportedAt: '2025-01-02T08:30:00Z' });
      await new ReportRepository(bot.store).add(late);
      const lateAnswer: ReviewAnswer = {
        agreementId: exampleAgreementId,
        organisation: 'kommun',
        answers: ['Sent svar.', '', ''],
        answeredBy: users.megan,
        answeredAt: '2025-01-02T08:31:00Z',
      };
      await new ReviewRepository(bot.store).add(lateAnswer);

      // The archive is gone for a while: nothing more is removed, as the rest would be kept nowhere else.
      await fs.rename(join(dir, `${archiveName}.json`), join(dir, 'elsewhere.json'));
      clock.now += 5 * 60_000;
      await bot.runJobs();
      assert.equal((await reportRows(bot.store)).length, left.length + 2, 'nothing more removed');

      await fs.rename(join(dir, 'elsewhere.json'), join(dir, `${archiveName}.json`));
      clock.now += 5 * 60_000;
      await bot.runJobs();
      assert.deepEqual(await fs.readFile(join(dir, `${archiveName}.json`)), archived, 'not written again');
      assert.deepEqual(await new ReportRepository(bot.store).allHistory(exampleAgreementId), [late]);
      assert.deepEqual(await reportRows(bot.store), [
        `current|${exampleAgreementId}/${Buffer.from('3.3').toString('base64url')}`,
        `history|${exampleAgreementId}|3.3/000001`,
      ]);
      assert.deepEqual(await new ReviewRepository(bot.store).list(exampleAgreementId), [lateAnswer]);
      assert.equal(notices(bot, beredning).length, 1);
    } finally {
      submit?.restore();
      await bot.close();
    }
  });
});
