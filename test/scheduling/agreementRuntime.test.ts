import assert from 'node:assert/strict';
import type { AgreementContext } from '../../src/features/agreementContext.js';
import { planDueForAll, routeJobs, type AgreementRuntime } from '../../src/features/agreementRuntime.js';
import type { JobOutcome } from '../../src/scheduling/scheduler.js';
import type { ClaimedJob } from '../../src/storage/jobStore.js';
import { logsDuring } from '../harness/logs.js';

/** A runtime whose handlers say which agreement ran the job, and whose planning records the time or fails. */
function runtime(agreementId: string, planned: string[], fails = false): AgreementRuntime {
  const context: AgreementContext = {
    agreementId,
    jobIdPrefix: `${agreementId}|`,
    timeZone: 'Europe/Stockholm',
    calendar: { timeZone: 'Europe/Stockholm', officeHours: { start: '08:00', end: '17:00' } },
    locale: 'sv',
    now: () => new Date(),
  };
  const ran = (kind: string) => (): Promise<JobOutcome> =>
    Promise.resolve({ kind: 'done', outcome: `${kind} by ${agreementId}` });
  return {
    context,
    file: `${agreementId}.yaml`,
    handlers: { prompt: ran('prompt'), meetingSummary: ran('meetingSummary') },
    planDue: (at) => {
      if (fails) return Promise.reject(new Error(`${agreementId} cannot plan`));
      planned.push(`${agreementId} ${at.toISOString()}`);
      return Promise.resolve();
    },
  };
}

function job(kind: string, payload: Record<string, unknown>): ClaimedJob {
  return {
    id: `${kind}|1`,
    kind,
    dueAt: '2023-01-02T08:00:00.000Z',
    payload,
    attempts: 0,
    etag: 'W/"1"',
    leaseOwner: 'test',
    leaseUntil: '2023-01-02T08:05:00.000Z',
  };
}

describe('several agreements in one scheduler', () => {
  const planned: string[] = [];
  const runtimes = [runtime('vasby-2021', planned), runtime('vasby-lofte-2023', planned)];
  const handlers = routeJobs(runtimes, 'vasby-2021');

  it('runs a job with the handler of the agreement it names', async () => {
    assert.deepEqual(Object.keys(handlers).sort(), ['meetingSummary', 'prompt']);
    const outcome = await handlers.prompt?.(job('prompt', { agreementId: 'vasby-lofte-2023', roundId: 'r' }));
    assert.deepEqual(outcome, { kind: 'done', outcome: 'prompt by vasby-lofte-2023' });
  });

  it('runs a job stored before jobs named their agreement as the first agreement’s', async () => {
    const outcome = await handlers.meetingSummary?.(job('meetingSummary', { date: '2021-06-10' }));
    assert.deepEqual(outcome, { kind: 'done', outcome: 'meetingSummary by vasby-2021' });
  });

  it('fails a job of an agreement that is not loaded, with a note and a warning', async () => {
    let outcome: JobOutcome | undefined;
    const lines = await logsDuring(async () => {
      outcome = await handlers.prompt?.(job('prompt', { agreementId: 'gone-2019' }));
    });
    assert.deepEqual(outcome, { kind: 'failed', error: 'no agreement gone-2019 is loaded' });
    assert.deepEqual(
      lines.filter((l) => l.event === 'job.agreementUnknown').map((l) => l.agreementId),
      ['gone-2019'],
    );
  });

  it('plans every agreement, even when one of them fails', async () => {
    const log: string[] = [];
    const at = new Date('2023-01-02T07:00:00.000Z');
    const lines = await logsDuring(async () => {
      await planDueForAll([runtime('a', log, true), runtime('b', log), runtime('c', log)])(at);
    });
    assert.deepEqual(log, ['b 2023-01-02T07:00:00.000Z', 'c 2023-01-02T07:00:00.000Z']);
    assert.deepEqual(
      lines.filter((l) => l.event === 'agreement.planDueFailed').map((l) => l.agreementId),
      ['a'],
    );
  });
});
