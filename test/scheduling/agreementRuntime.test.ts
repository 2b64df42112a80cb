import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { AgreementContext } from '../../src/features/agreementContext.js';
import { planDueForAll, routeJobs, type AgreementRuntime } from '../../src/features/agreementRuntime.js';
import type { JobOutcome } from '../../src/scheduling/scheduler.js';
import type { ClaimedJob } from '../../src/storage/jobStore.js';
import { logsDuring } from '../harness/logs.js';

/**
 * A runtime whose handlers say which agreement ran the job, and whose planning records the time, fails, or (with
 * `until`) records the time only once `until` has resolved.
 */
function runtime(
  agreementId: string,
  planned: string[],
  fails = false,
  until?: Promise<void>,
): AgreementRuntime {
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
    planDue: async (at) => {
      if (fails) throw new Error(`${agreementId} cannot plan`);
      if (until) await until;
      planned.push(`${agreementId} ${at.toISOString()}`);
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
    partitionKey: 'pending',
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

  describe('when one agreement’s planning hangs (sinon fake timers)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => {
      clock.restore();
    });
    const at = new Date('2023-01-02T07:00:00.000Z');
    const later = new Date('2023-01-02T07:01:00.000Z');

    it('plans the others in the lanes left, and lets the tick go on after waitMs', async () => {
      const log: string[] = [];
      let release = () => {};
      const hangs = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Two lanes: the hanging agreement takes one, the other four are planned one after the other in the second.
      const planAll = planDueForAll(
        [
          runtime('slow', log, false, hangs),
          runtime('b', log),
          runtime('broken', log, true),
          runtime('c', log),
          runtime('d', log),
        ],
        { concurrency: 2, waitMs: 30_000 },
      );
      let finished = false;
      const lines = await logsDuring(async () => {
        const tick = planAll(at).then(() => {
          finished = true;
        });
        await clock.tickAsync(0);
        assert.deepEqual(log, [
          'b 2023-01-02T07:00:00.000Z',
          'c 2023-01-02T07:00:00.000Z',
          'd 2023-01-02T07:00:00.000Z',
        ]);
        assert.equal(finished, false, 'the tick waits a while for the slow agreement');
        await clock.tickAsync(30_000);
        await tick;
      });
      assert.equal(finished, true, 'the tick goes on without it after waitMs');
      assert.deepEqual(
        lines.filter((l) => l.event === 'agreement.planDueFailed').map((l) => l.agreementId),
        ['broken'],
      );
      assert.deepEqual(
        lines
          .filter((l) => l.event === 'agreement.planDueSlow')
          .map((l) => [l.stillPlanning, l.agreementIds]),
        [[1, ['slow']]],
      );

      // The next tick plans the others again but does not start the one still planning beside its first run.
      await planAll(later);
      assert.deepEqual(log.slice(3), [
        'b 2023-01-02T07:01:00.000Z',
        'c 2023-01-02T07:01:00.000Z',
        'd 2023-01-02T07:01:00.000Z',
      ]);

      // Once it has finished it is planned again like the others.
      release();
      await clock.tickAsync(0);
      assert.equal(log[6], 'slow 2023-01-02T07:00:00.000Z');
      await planAll(later);
      assert.ok(log.includes('slow 2023-01-02T07:01:00.000Z'));
    });

    it('does not wait out waitMs when every agreement is done sooner', async () => {
      const log: string[] = [];
      await planDueForAll([runtime('a', log), runtime('b', log)], { waitMs: 30_000 })(at);
      assert.equal(log.length, 2);
      assert.equal(clock.countTimers(), 0, 'the wait is cleared');
    });
  });
});
