import assert from 'node:assert/strict';
import { JobStore, type JobSpec } from '../../src/storage/jobStore.js';
import { retentionJobKind } from '../../src/features/retention/retention.js';
import { logsDuring, type LogLine } from '../harness/logs.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * A stored job whose payload has another shape than its kind's schema (written by an older version, say) is
 * logged and finished, not a crash of the job run and not retried forever; nothing is sent for it.
 */

const secret = 'a-long-enough-trigger-secret';

/** One job of each kind, each of a shape its handler does not read. */
const oldShapes: Array<Pick<JobSpec, 'kind' | 'payload'>> = [
  { kind: 'prompt', payload: { round: '2021-q2', measure: '1.1', channelId: '19:old@thread.tacv2' } },
  { kind: 'prompt', payload: { roundId: '2021-q2', measureId: '1.1', target: { kind: 'group' } } },
  { kind: 'reminder', payload: { roundId: '2021-q2', measureId: '1.1', number: '1' } },
  { kind: 'missingSummary', payload: { round: '2021-q2' } },
  { kind: 'meetingSummary', payload: { meeting: '2021-05-10' } },
  { kind: 'meetingGap', payload: { year: '2021', planned: 1 } },
  { kind: 'renewalReminder', payload: { validTo: 20221231 } },
  { kind: 'agreementEnded', payload: {} },
  { kind: retentionJobKind, payload: { validTo: '2022-12-31' } },
];

describe('stored jobs of an older shape', function () {
  let bot: TestBot;

  before(async function () {
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' },
    });
    // Whatever the bot plans for itself runs first, so that what follows is only the jobs below.
    await bot.runJobs();
    bot.connector.clear();
  });

  after(async function () {
    await bot?.close();
  });

  it('are logged by kind and finished as invalid, the run answers 200, and nothing is sent', async function () {
    const jobs = new JobStore(bot.store);
    const specs = oldShapes.map((s, i) => ({
      ...s,
      id: `old|${s.kind}|${i}`,
      dueAt: new Date(Date.now() - 60_000).toISOString(),
    }));
    for (const spec of specs) assert.equal(await jobs.enqueue(spec), true);

    let ran = 0;
    const lines = await logsDuring(async () => {
      // runJobs() throws unless the run answers 200.
      ran = (await bot.runJobs()).ran;
    });

    assert.ok(ran >= specs.length, `ran ${ran} of ${specs.length}`);
    for (const spec of specs) {
      assert.equal((await jobs.completion(spec.id))?.outcome, 'invalidPayload', spec.id);
    }
    const pending = (await jobs.pending()).map((j) => j.id);
    assert.deepEqual(
      pending.filter((id) => id.startsWith('old|')),
      [],
    );
    assert.deepEqual(bot.connector.sent, []);

    const invalid = lines.filter((l: LogLine) => l.event === 'job.payloadInvalid');
    assert.deepEqual(invalid.map((l) => l.jobId).sort(), specs.map((s) => s.id).sort());
    for (const spec of specs) {
      const line = invalid.find((l) => l.jobId === spec.id);
      assert.equal(line?.kind, spec.kind);
      assert.equal(line?.level, 'warn');
      // A job stored before jobs named their agreement is logged as the agreement's the deployment served then.
      assert.equal(line?.agreementId, bot.app.agreementIds[0]);
      const problems = line?.problems as string[];
      assert.ok(Array.isArray(problems) && problems.length > 0);
      // Where and what, never the stored values.
      const text = JSON.stringify(problems);
      for (const value of Object.values(spec.payload)) {
        if (typeof value === 'string') assert.ok(!text.includes(value), `${spec.id} logs ${value}`);
      }
    }
  });
});

describe('jobs the bot plans', function () {
  let bot: TestBot;

  before(async function () {
    // The example's clock: meetings, the mid-term review and the renewal are still ahead, rounds are due.
    const start = new Date('2021-10-18T07:00:00Z').getTime();
    const offset = start - Date.now();
    bot = await startTestBot({
      now: () => new Date(Date.now() + offset),
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret },
    });
    await bot.runJobs();
  });

  after(async function () {
    await bot?.close();
  });

  it('name the agreement they were planned for', async function () {
    const pending = await new JobStore(bot.store).pending();
    const kinds = new Set(pending.map((j) => j.kind));
    for (const kind of ['reminder', 'missingSummary', 'meetingSummary', 'midTermReview', 'renewalReminder']) {
      assert.ok(kinds.has(kind), `a ${kind} job is pending: ${[...kinds].join(', ')}`);
    }
    for (const job of pending) assert.equal(job.payload.agreementId, bot.app.agreementIds[0], job.id);
  });
});
