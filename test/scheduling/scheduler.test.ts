import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  retryDelayMs,
  Scheduler,
  type JobHandler,
  type SchedulerOptions,
  type TickResult,
} from '../../src/scheduling/scheduler.js';
import { JobStore, type JobSpec } from '../../src/storage/jobStore.js';
import { tableNames, type TableStore } from '../../src/storage/tableStore.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** Every row of the Jobs table is removed between tests, so each starts from empty storage. */
interface Keys {
  partitionKey: string;
  rowKey: string;
}

describe('scheduler over durable jobs (Azurite)', () => {
  let storage: TestStore;
  let store: TableStore;
  let jobs: JobStore;
  /** What the schedulers report to onError, unless a test expects errors and collects them itself. */
  let unexpectedErrors: unknown[];

  const t0 = new Date('2021-04-06T06:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const minute = 60_000;
  const job = (id: string, dueAt: Date, kind = 'prompt'): JobSpec => ({
    id,
    kind,
    dueAt: dueAt.toISOString(),
    payload: { measureId: '1.1' },
  });
  /** A second bot instance: its own clients over the same storage account. */
  const otherInstance = () => new JobStore(storage.connect());
  const scheduler = (options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'handlers' | 'now'>) =>
    new Scheduler({
      jobs,
      owner: 'instance-a',
      intervalMs: minute,
      leaseMs: 5 * minute,
      batchSize: 10,
      maxAttempts: 3,
      onError: (err) => unexpectedErrors.push(err),
      ...options,
    });
  /** Records which instance ran which job, and says it was posted. */
  const recorder = (runs: string[][]): ((owner: string) => JobHandler) => {
    return (owner) => async (claimed) => {
      runs.push([claimed.id, owner]);
      return { kind: 'done', outcome: 'posted' };
    };
  };
  const deferred = () => {
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  };

  before(async () => {
    storage = await startTestStore();
    ({ store } = storage);
  });
  beforeEach(async () => {
    const table = store.table(tableNames.jobs);
    for await (const row of table.listEntities<Keys>())
      await table.deleteEntity(row.partitionKey, row.rowKey);
    jobs = new JobStore(store);
    unexpectedErrors = [];
  });
  afterEach(() => {
    sinon.restore();
    assert.deepEqual(unexpectedErrors, []);
  });
  after(async () => {
    await storage.close();
  });

  it('runs each of 100 due jobs exactly once when two instances tick at once', async () => {
    for (let i = 0; i < 100; i++) await jobs.enqueue(job(`job-${i}`, at(-i * 1000)));
    const runs: string[][] = [];
    const run = recorder(runs);
    const a = scheduler({ handlers: { prompt: run('instance-a') }, now: () => t0 });
    const b = scheduler({
      jobs: otherInstance(),
      owner: 'instance-b',
      handlers: { prompt: run('instance-b') },
      now: () => t0,
    });

    let done = 0;
    for (let round = 0; round < 20 && (await jobs.pending()).length > 0; round++) {
      const results = await Promise.all([a.tick(), b.tick()]);
      done += results.reduce((sum, r) => sum + r.done, 0);
    }
    const ids = runs.map(([id]) => id);
    assert.equal(ids.length, 100);
    assert.equal(new Set(ids).size, 100);
    assert.equal(done, 100);
    assert.deepEqual(await jobs.pending(), []);
    assert.deepEqual(await jobs.completion('job-42'), { at: t0.toISOString(), outcome: 'posted' });
  });

  it('retries a handler that throws with growing delays, then gives up after maxAttempts', async () => {
    assert.deepEqual(
      [0, 1, 2, 6, 7, 20].map(retryDelayMs),
      [30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000],
    );
    await jobs.enqueue(job('flaky', t0));
    let now = t0;
    const attemptsSeen: number[] = [];
    const s = scheduler({
      now: () => now,
      handlers: {
        prompt: async (claimed) => {
          attemptsSeen.push(claimed.attempts);
          throw new Error('Teams said no\n    at send (bot.ts:1:1)');
        },
      },
    });

    assert.deepEqual(await s.tick(), { ran: 1, done: 0, retried: 1, failed: 0 });
    assert.deepEqual(await jobs.pending(), [
      { ...job('flaky', at(30_000)), attempts: 1, lastError: 'Error: Teams said no' },
    ]);
    now = at(29_999);
    assert.deepEqual(await s.tick(), { ran: 0, done: 0, retried: 0, failed: 0 });
    now = at(30_000);
    assert.deepEqual(await s.tick(), { ran: 1, done: 0, retried: 1, failed: 0 });
    assert.equal((await jobs.pending())[0]?.dueAt, at(90_000).toISOString());
    now = at(90_000);
    assert.deepEqual(await s.tick(), { ran: 1, done: 0, retried: 0, failed: 1 });

    assert.deepEqual(attemptsSeen, [0, 1, 2]);
    assert.deepEqual(await jobs.pending(), []);
    assert.deepEqual(await jobs.completion('flaky'), {
      at: at(90_000).toISOString(),
      outcome: 'failed: Error: Teams said no',
    });
    now = at(60 * minute);
    assert.deepEqual(await s.tick(), { ran: 0, done: 0, retried: 0, failed: 0 });
  });

  it('records what handlers report: done with an outcome, a retry at a chosen time, a failure, no handler', async () => {
    await jobs.enqueue(job('summary', t0, 'summary'));
    await jobs.enqueue(job('busy', t0, 'busy'));
    await jobs.enqueue(job('gone', t0, 'gone'));
    await jobs.enqueue(job('mystery', t0, 'mystery'));
    let now = t0;
    const s = scheduler({
      now: () => now,
      handlers: {
        summary: async () => ({ kind: 'done', outcome: 'posted to 2 channels' }),
        busy: async (claimed) =>
          claimed.attempts === 0
            ? { kind: 'retry', at: at(10 * minute), error: 'Retry-After 600 s' }
            : { kind: 'done' },
        gone: async () => ({ kind: 'failed', error: 'Conversation not found' }),
      },
    });

    assert.deepEqual(await s.tick(), { ran: 3, done: 1, retried: 1, failed: 2 });
    assert.deepEqual(await jobs.completion('summary'), {
      at: t0.toISOString(),
      outcome: 'posted to 2 channels',
    });
    assert.equal((await jobs.completion('gone'))?.outcome, 'failed: Conversation not found');
    assert.equal((await jobs.completion('mystery'))?.outcome, 'failed: No handler for job kind mystery');
    assert.deepEqual(await jobs.pending(), [
      { ...job('busy', at(10 * minute), 'busy'), attempts: 1, lastError: 'Retry-After 600 s' },
    ]);
    now = at(10 * minute);
    assert.deepEqual(await s.tick(), { ran: 1, done: 1, retried: 0, failed: 0 });
    assert.deepEqual(await jobs.completion('busy'), { at: at(10 * minute).toISOString() });
  });

  it('enqueues from the calendar hook before claiming, and survives errors in the hook and in storage', async () => {
    const errors: unknown[] = [];
    const runs: string[][] = [];
    let calendarBroken = true;
    const s = scheduler({
      now: () => t0,
      handlers: { prompt: recorder(runs)('instance-a') },
      onError: (err) => errors.push(err),
      beforeTick: async (now) => {
        if (calendarBroken) throw new Error('agreement file unreadable');
        await jobs.enqueue(job('from-calendar', now));
      },
    });
    await jobs.enqueue(job('earlier', t0));
    const claimDue = sinon.stub(jobs, 'claimDue');
    claimDue.onFirstCall().rejects(new Error('connect ECONNREFUSED 127.0.0.1:10002'));
    claimDue.callThrough();

    assert.deepEqual(await s.tick(), { ran: 0, done: 0, retried: 0, failed: 0 });
    assert.deepEqual(
      errors.map((err) => (err as Error).message),
      ['agreement file unreadable', 'connect ECONNREFUSED 127.0.0.1:10002'],
    );
    calendarBroken = false;
    assert.deepEqual(await s.tick(), { ran: 2, done: 2, retried: 0, failed: 0 });
    assert.deepEqual(runs.map(([id]) => id).sort(), ['earlier', 'from-calendar']);
    assert.equal(errors.length, 2);
  });

  it('runs a tick asked for during another right after it, one for all who asked meanwhile', async () => {
    await jobs.enqueue(job('first', t0));
    const started = deferred();
    const mayFinish = deferred();
    const runs: string[] = [];
    const s = scheduler({
      now: () => t0,
      handlers: {
        prompt: async (claimed) => {
          runs.push(claimed.id);
          if (claimed.id === 'first') {
            started.resolve();
            await mayFinish.promise;
          }
          return { kind: 'done' };
        },
      },
    });
    const first = s.tick();
    await started.promise;
    // Planned while the first tick runs (say, a round opened in chat): the first tick has already claimed.
    await jobs.enqueue(job('planned-meanwhile', t0));
    const second = s.tick();
    const third = s.tick();
    assert.equal(second, third);
    mayFinish.resolve();
    assert.deepEqual(await first, { ran: 1, done: 1, retried: 0, failed: 0 });
    assert.deepEqual(await second, { ran: 1, done: 1, retried: 0, failed: 0 });
    assert.deepEqual(runs, ['first', 'planned-meanwhile']);
  });

  it('runs a job held by an instance that died only once its lease has run out', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await jobs.enqueue(job(id, t0));
    // The dead instance claimed three jobs and was killed before running them.
    const held = await otherInstance().claimDue(t0, 'instance-dead', 2 * minute, 3);
    assert.deepEqual(
      held.map((j) => j.id),
      ['a', 'b', 'c'],
    );
    const runs: string[][] = [];
    let now = at(minute);
    const s = scheduler({ now: () => now, handlers: { prompt: recorder(runs)('instance-b') } });

    assert.deepEqual(await s.tick(), { ran: 2, done: 2, retried: 0, failed: 0 });
    now = at(2 * minute);
    assert.deepEqual(await s.tick(), { ran: 3, done: 3, retried: 0, failed: 0 });
    assert.deepEqual(
      runs.map(([id]) => id),
      ['d', 'e', 'a', 'b', 'c'],
    );
  });

  describe('running several jobs at once (concurrency)', () => {
    it('runs each of 200 due jobs exactly once with two instances of 8 workers, at most 8 at once each', async () => {
      for (let i = 0; i < 200; i++) await jobs.enqueue(job(`job-${i}`, at(-i * 1000)));
      const runs: string[][] = [];
      const inFlight = { 'instance-a': 0, 'instance-b': 0 };
      const most = { 'instance-a': 0, 'instance-b': 0 };
      const run =
        (owner: 'instance-a' | 'instance-b'): JobHandler =>
        async (claimed) => {
          inFlight[owner] += 1;
          most[owner] = Math.max(most[owner], inFlight[owner]);
          // A send that takes a while, as one to Teams does.
          await new Promise((resolve) => setTimeout(resolve, 5 + (claimed.id.length % 7)));
          runs.push([claimed.id, owner]);
          inFlight[owner] -= 1;
          return { kind: 'done', outcome: 'posted' };
        };
      const a = scheduler({ handlers: { prompt: run('instance-a') }, now: () => t0, concurrency: 8 });
      const b = scheduler({
        jobs: otherInstance(),
        owner: 'instance-b',
        handlers: { prompt: run('instance-b') },
        now: () => t0,
        concurrency: 8,
      });

      const results = await Promise.all([a.tick(), b.tick()]);
      const ids = runs.map(([id]) => id);
      assert.equal(ids.length, 200);
      assert.equal(new Set(ids).size, 200, 'no job ran twice');
      assert.equal(
        results.reduce((sum, r) => sum + r.done, 0),
        200,
        'one tick each runs everything due',
      );
      assert.deepEqual(await jobs.pending(), []);
      assert.ok(most['instance-a'] <= 8 && most['instance-b'] <= 8, JSON.stringify(most));
      assert.ok(most['instance-a'] > 1, `instance-a ran at most ${most['instance-a']} jobs at once`);
    });

    it('a job waiting out a Retry-After does not hold up the others; stop() waits for it and claims no more', async () => {
      // Due first, so it is the first job claimed: one after the other, everything would wait for it.
      await jobs.enqueue(job('throttled', at(-minute)));
      for (let i = 0; i < 30; i++) await jobs.enqueue(job(`job-${i}`, at(i)));
      const retryAfterPassed = deferred();
      const throttledWaiting = deferred();
      const finished: string[] = [];
      const s = scheduler({
        now: () => at(minute),
        batchSize: 5,
        concurrency: 3,
        handlers: {
          prompt: async (claimed) => {
            if (claimed.id === 'throttled') {
              throttledWaiting.resolve();
              await retryAfterPassed.promise;
            }
            finished.push(claimed.id);
            return { kind: 'done' };
          },
        },
      });
      const tick = s.tick();
      await throttledWaiting.promise;
      for (let waited = 0; finished.length < 20; waited += 5) {
        assert.ok(waited < 5_000, `only ${finished.length} jobs ran while the throttled one waited`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(!finished.includes('throttled'));

      // Asked to stop while the throttled job waits: the tick finishes the jobs it has claimed, the waiting one
      // included, and claims no more.
      let stopped = false;
      const stopping = s.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(stopped, false, 'stop() waits for the job still running');
      retryAfterPassed.resolve();
      await stopping;
      const result = await tick;
      assert.equal(result.done, finished.length);
      assert.ok(finished.includes('throttled'));
      const left = (await jobs.pending()).map((j) => j.id);
      assert.ok(left.length > 0, 'jobs not yet claimed are left for the next tick');
      assert.deepEqual(
        [...finished, ...left].sort(),
        ['throttled', ...Array.from({ length: 30 }, (_, i) => `job-${i}`)].sort(),
      );
      for (const id of finished) assert.ok(await jobs.completion(id), `${id} is recorded as done`);
    });
  });

  describe('on its own timer (sinon fake timers, real Azurite)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: t0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => {
      clock.restore();
    });
    const fakeNow = () => new Date(clock.now);

    /**
     * Moves the fake clock on, then waits in real time for the ticks the timer started, whose storage calls
     * are real I/O. Returns how many ticks started.
     */
    const advance = async (ticks: sinon.SinonSpy<[], Promise<TickResult>>, ms: number): Promise<number> => {
      const before = ticks.callCount;
      await clock.tickAsync(ms);
      const started = ticks.getCalls().slice(before);
      await Promise.all(started.map((call) => call.returnValue));
      return started.length;
    };

    it('ticks soon after start(), then every intervalMs, never two at once, and not after stop()', async () => {
      for (const id of ['a', 'b', 'c']) await jobs.enqueue(job(id, t0));
      for (const id of ['d', 'e']) await jobs.enqueue(job(id, at(90_000)));
      const runs: string[][] = [];
      const slowStarted = deferred();
      const slowMayFinish = deferred();
      const s = scheduler({
        now: fakeNow,
        leaseMs: 30 * minute,
        handlers: {
          prompt: recorder(runs)('instance-a'),
          slow: async () => {
            slowStarted.resolve();
            await slowMayFinish.promise;
            return { kind: 'done' };
          },
        },
      });
      const ticks = sinon.spy(s, 'tick');

      s.start();
      assert.equal(ticks.callCount, 0);
      assert.equal(await advance(ticks, 0), 1);
      assert.deepEqual(
        runs.map(([id]) => id),
        ['a', 'b', 'c'],
      );
      assert.equal(await advance(ticks, minute - 1), 0);
      assert.equal(await advance(ticks, 1), 1);
      assert.equal(runs.length, 3, 'd and e are not due until 90 s');
      assert.equal(await advance(ticks, minute), 1);
      assert.deepEqual(
        runs.map(([id]) => id),
        ['a', 'b', 'c', 'd', 'e'],
      );

      // A tick that takes longer than the interval holds the next one back.
      await jobs.enqueue(job('slow', fakeNow(), 'slow'));
      await clock.tickAsync(minute);
      await slowStarted.promise;
      assert.equal(ticks.callCount, 4);
      await clock.tickAsync(5 * minute);
      assert.equal(ticks.callCount, 4);

      const stopped = s.stop();
      slowMayFinish.resolve();
      await stopped;
      assert.deepEqual(await jobs.completion('slow'), { at: at(8 * minute).toISOString() });
      await jobs.enqueue(job('after-stop', fakeNow()));
      await clock.tickAsync(10 * minute);
      assert.equal(ticks.callCount, 4);
      assert.deepEqual(
        (await jobs.pending()).map((j) => j.id),
        ['after-stop'],
      );
    });

    it('after a stop mid-run and a restart, runs nothing twice and skips nothing due', async () => {
      // 20 jobs overdue (the server was down), 10 coming due over the next ten minutes.
      for (let i = 0; i < 30; i++) await jobs.enqueue(job(`job-${i}`, at((i - 20) * minute)));
      const runs: string[][] = [];
      const record = recorder(runs);
      let stopping: Promise<void> | undefined;
      const a = scheduler({
        now: fakeNow,
        batchSize: 4,
        handlers: {
          prompt: async (claimed) => {
            const outcome = await record('instance-a')(claimed);
            // The server is asked to shut down in the middle of its second batch.
            if (runs.length === 6) stopping = a.stop();
            return outcome;
          },
        },
      });
      const ticksA = sinon.spy(a, 'tick');
      a.start();
      await advance(ticksA, 0);
      await advance(ticksA, minute);
      assert.ok(stopping);
      await stopping;
      assert.equal(runs.length, 8, 'the batch in progress is finished');
      assert.equal(await advance(ticksA, 5 * minute), 0);

      const b = scheduler({
        jobs: otherInstance(),
        owner: 'instance-b',
        now: fakeNow,
        batchSize: 4,
        handlers: { prompt: record('instance-b') },
      });
      const ticksB = sinon.spy(b, 'tick');
      b.start();
      await advance(ticksB, 0);
      for (let i = 0; i < 10; i++) assert.equal(await advance(ticksB, minute), 1);
      await b.stop();

      const ids = runs.map(([id]) => id);
      assert.equal(new Set(ids).size, ids.length, 'no job ran twice');
      assert.deepEqual([...ids].sort(), Array.from({ length: 30 }, (_, i) => `job-${i}`).sort());
      assert.equal(runs.filter(([, owner]) => owner === 'instance-a').length, 8);
      assert.deepEqual(await jobs.pending(), []);
    });

    it('renews the lease while a slow handler runs, so no other instance takes the job over', async () => {
      await jobs.enqueue(job('slow', t0));
      const started = deferred();
      const mayFinish = deferred();
      let runs = 0;
      const s = scheduler({
        now: fakeNow,
        leaseMs: minute,
        handlers: {
          prompt: async () => {
            runs += 1;
            started.resolve();
            await mayFinish.promise;
            return { kind: 'done' };
          },
        },
      });
      const renew = sinon.spy(jobs, 'renew');
      s.start();
      await clock.tickAsync(0);
      await started.promise;
      for (let i = 1; i <= 6; i++) {
        await clock.tickAsync(20_000);
        assert.equal(renew.callCount, i);
        await renew.lastCall.returnValue;
      }
      // Two minutes in, twice the lease: still held.
      assert.deepEqual(await otherInstance().claimDue(fakeNow(), 'instance-b', minute, 10), []);
      const stopped = s.stop();
      mayFinish.resolve();
      await stopped;
      assert.equal(runs, 1);
      assert.deepEqual(await jobs.completion('slow'), { at: at(2 * minute).toISOString() });
      assert.deepEqual(await jobs.pending(), []);
    });
  });
});
