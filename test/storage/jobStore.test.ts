import assert from 'node:assert/strict';
import sinon from 'sinon';
import { JobStore, LeaseLostError, type JobSpec } from '../../src/storage/jobStore.js';
import { TableStore, tableNames } from '../../src/storage/tableStore.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** Every row of the Jobs table is removed between tests, so each starts from empty storage. */
interface Keys {
  partitionKey: string;
  rowKey: string;
}

describe('durable jobs with ETag leases (Azurite)', () => {
  let storage: TestStore;
  let store: TableStore;
  let jobs: JobStore;

  const t0 = new Date('2021-04-06T06:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const minute = 60_000;
  // Channel ids carry characters Table Storage keys may not: ':', '@', '/', '#', '?'.
  const channel = '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2/#?';
  const job = (id: string, dueAt: Date, kind = 'prompt'): JobSpec => ({
    id,
    kind,
    dueAt: dueAt.toISOString(),
    payload: { measureId: '1.1', channel },
  });
  /** A second bot instance: its own clients over the same storage account. */
  const otherInstance = () => new JobStore(storage.connect());

  before(async () => {
    storage = await startTestStore();
    ({ store } = storage);
  });
  beforeEach(async () => {
    const table = store.table(tableNames.jobs);
    for await (const row of table.listEntities<Keys>())
      await table.deleteEntity(row.partitionKey, row.rowKey);
    jobs = new JobStore(store);
  });
  afterEach(() => {
    sinon.restore();
  });
  after(async () => {
    await storage.close();
  });

  it('enqueues a job id once, and never again after it completed', async () => {
    const spec = job(`prompt|2021-q2|1.1|channel:${channel}`, t0);
    assert.equal(await jobs.enqueue(spec), true);
    assert.equal(await jobs.enqueue({ ...spec, dueAt: at(minute).toISOString() }), false);
    assert.deepEqual(await jobs.pending(), [{ ...spec, attempts: 0 }]);

    const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(claimed);
    assert.deepEqual(claimed.payload, spec.payload);
    await jobs.complete(claimed, at(1000), 'posted');

    assert.deepEqual(await jobs.completion(spec.id), { at: at(1000).toISOString(), outcome: 'posted' });
    assert.equal(await jobs.enqueue(spec), false);
    assert.deepEqual(await jobs.pending(), []);
    assert.equal(await jobs.completion('prompt|2021-q2|9.9'), undefined);
  });

  it('lets exactly one of two instances enqueueing the same id at once add it', async () => {
    const other = otherInstance();
    const ids = Array.from({ length: 20 }, (_, i) => `prompt|2021-q2|${i}|channel:${channel}`);
    const results = await Promise.all(
      ids.map(async (id) => Promise.all([jobs.enqueue(job(id, t0)), other.enqueue(job(id, t0))])),
    );
    for (const [a, b] of results) assert.equal(Number(a) + Number(b), 1);
    assert.equal((await jobs.pending()).length, ids.length);
  });

  it('claims only jobs that are due, oldest first, up to the limit', async () => {
    await jobs.enqueue(job('b', at(-2 * minute)));
    await jobs.enqueue(job('future', at(1)));
    await jobs.enqueue(job('c', t0));
    await jobs.enqueue(job('a', at(-3 * minute), 'reminder'));
    // Not normalised on the way in: still compared correctly with the others.
    await jobs.enqueue({ ...job('d', t0), dueAt: '2021-04-06T07:59:00+02:00' });

    const first = await jobs.claimDue(t0, 'instance-a', minute, 2);
    assert.deepEqual(
      first.map((j) => j.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      first.map((j) => [j.leaseOwner, j.leaseUntil, j.attempts]),
      [
        ['instance-a', at(minute).toISOString(), 0],
        ['instance-a', at(minute).toISOString(), 0],
      ],
    );
    const rest = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.deepEqual(
      rest.map((j) => [j.id, j.dueAt]),
      [
        ['d', at(-minute).toISOString()],
        ['c', t0.toISOString()],
      ],
    );
    assert.deepEqual(
      (await jobs.pending('reminder')).map((j) => j.id),
      ['a'],
    );
  });

  it('gives each of 50 due jobs to exactly one of two instances claiming at once', async () => {
    for (let i = 0; i < 50; i++) await jobs.enqueue(job(`job-${String(i).padStart(2, '0')}`, at(-i * 1000)));
    const instances = [
      { name: 'instance-a', jobs },
      { name: 'instance-b', jobs: otherInstance() },
    ];
    const claimedBy = await Promise.all(
      instances.map(async (instance) => {
        const ids: string[] = [];
        for (;;) {
          const batch = await instance.jobs.claimDue(t0, instance.name, minute, 5);
          if (batch.length === 0) return ids;
          ids.push(...batch.map((j) => j.id));
        }
      }),
    );
    const all = claimedBy.flat();
    assert.equal(all.length, 50);
    assert.equal(new Set(all).size, 50);
  });

  it('does not hand out a job under a live lease, and does once the lease has run out', async () => {
    const other = otherInstance();
    await jobs.enqueue(job('held', t0));
    const [held] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(held);

    assert.deepEqual(await other.claimDue(at(minute - 1), 'instance-b', minute, 10), []);
    const [taken] = await other.claimDue(at(minute), 'instance-b', minute, 10);
    assert.equal(taken?.id, 'held');
    assert.equal(taken.leaseOwner, 'instance-b');

    // The first holder learns it lost the job instead of overwriting the new holder's lease.
    await assert.rejects(jobs.renew(held, at(minute), minute), LeaseLostError);
    await assert.rejects(jobs.retryAt(held, at(5 * minute), 'timeout'), LeaseLostError);
  });

  it('extends a lease on renew, so a long-running job is not taken over', async () => {
    const other = otherInstance();
    await jobs.enqueue(job('slow', t0));
    const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(claimed);
    const renewed = await jobs.renew(claimed, at(50_000), minute);
    assert.equal(renewed.leaseUntil, at(110_000).toISOString());

    assert.deepEqual(await other.claimDue(at(100_000), 'instance-b', minute, 10), []);
    await jobs.complete(renewed, at(105_000));
    assert.deepEqual(await jobs.completion('slow'), { at: at(105_000).toISOString() });
    assert.deepEqual(await jobs.pending(), []);
  });

  it('never runs a job again that crashed between its completion marker and removing its row', async () => {
    await jobs.enqueue(job('crashy', t0));
    const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(claimed);
    // The process dies right after the marker is written: its row is never removed.
    sinon.stub(store.table(tableNames.jobs), 'submitTransaction').rejects(new Error('process killed'));
    await jobs.complete(claimed, at(1000), 'posted');
    await jobs.recordFinished();
    sinon.restore();

    assert.equal((await jobs.pending()).length, 1);
    const restarted = otherInstance();
    assert.deepEqual(await restarted.claimDue(at(2 * minute), 'instance-b', minute, 10), []);
    assert.deepEqual(await restarted.pending(), []);
    assert.equal(await restarted.enqueue(job('crashy', t0)), false);
    assert.deepEqual(await restarted.completion('crashy'), { at: at(1000).toISOString(), outcome: 'posted' });
  });

  it('moves a retried job to its new time and counts the attempt', async () => {
    await jobs.enqueue(job('flaky', t0));
    const [first] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(first);
    await jobs.retryAt(first, at(30_000), 'RestError (HTTP 429): Too many requests');

    assert.deepEqual(await jobs.pending(), [
      {
        ...job('flaky', at(30_000)),
        attempts: 1,
        lastError: 'RestError (HTTP 429): Too many requests',
      },
    ]);
    // Released at once: due again at its new time, not after the old lease.
    assert.deepEqual(await jobs.claimDue(at(29_999), 'instance-a', minute, 10), []);
    const [second] = await jobs.claimDue(at(30_000), 'instance-b', minute, 10);
    assert.equal(second?.attempts, 1);
    assert.equal(second.leaseOwner, 'instance-b');
  });

  it('records a job given up on as failed, and does not take it back', async () => {
    await jobs.enqueue(job('hopeless', t0));
    const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(claimed);
    await jobs.fail(claimed, at(1000), 'Conversation not found');
    assert.deepEqual(await jobs.completion('hopeless'), {
      at: at(1000).toISOString(),
      outcome: 'failed: Conversation not found',
    });
    assert.equal(await jobs.enqueue(job('hopeless', t0)), false);
    assert.deepEqual(await jobs.pending(), []);
  });

  /** An instance whose storage requests are counted. */
  const counted = () => {
    const counting = new TableStore(
      { connectionString: storage.azurite.connectionString },
      { countRequests: true },
    );
    return { store: counting, jobs: new JobStore(counting) };
  };
  const requestsOf = async (counting: TableStore, work: () => Promise<unknown>) => {
    const before = counting.requestCount;
    await work();
    return counting.requestCount - before;
  };

  it('adds the jobs of a new round a hundred to a transaction, and around one already pending one by one', async () => {
    const a = counted();
    const specs = Array.from({ length: 250 }, (_, i) => job(`new|${String(i).padStart(3, '0')}`, t0));
    const started = performance.now();
    assert.equal(await requestsOf(a.store, () => a.jobs.enqueueNew(specs)), 3);
    // At most 2,000 entities a second in one partition: the second hundred 50 ms after the first, the third after
    // another 50 ms.
    assert.ok(performance.now() - started >= 99, `${performance.now() - started} ms`);
    assert.equal((await jobs.pending()).length, 250);

    await jobs.enqueue(job('more|050', at(minute)));
    const more = Array.from({ length: 120 }, (_, i) => job(`more|${String(i).padStart(3, '0')}`, t0));
    await a.jobs.enqueueNew(more);
    const pending = await jobs.pending();
    assert.equal(pending.length, 250 + 120);
    // The one already pending is left as it was.
    assert.equal(pending.find((j) => j.id === 'more|050')?.dueAt, at(minute).toISOString());
  });

  it('leases a batch in one transaction, and one by one when another instance took one of them meanwhile', async () => {
    const a = counted();
    await jobs.enqueueNew(Array.from({ length: 8 }, (_, i) => job(`batch-${i}`, at(-i * 1000))));
    const first = await a.jobs.claimDue(t0, 'instance-a', minute, 3);
    assert.deepEqual(
      first.map((j) => j.id),
      ['batch-7', 'batch-6', 'batch-5'],
    );
    // The rest of that listing is handed out next, but another instance has taken batch-3 meanwhile.
    const [taken] = await otherInstance().claimDue(t0, 'instance-b', minute, 1);
    assert.equal(taken?.id, 'batch-4');
    const second = await a.jobs.claimDue(t0, 'instance-a', minute, 3);
    assert.deepEqual(
      second.map((j) => j.id),
      ['batch-3', 'batch-2', 'batch-1'],
    );
    assert.ok(second.every((j) => j.leaseOwner === 'instance-a'));
    assert.deepEqual(
      (await a.jobs.claimDue(at(1), 'instance-a', minute, 8)).map((j) => j.id),
      ['batch-0'],
    );
  });

  it('claims new jobs nobody held with one listing and one transaction, looking for no completion marker', async () => {
    const a = counted();
    await jobs.enqueueNew(Array.from({ length: 5 }, (_, i) => job(`fresh-${i}`, t0)));
    await jobs.enqueue(job('old-style', at(1)));
    assert.equal(await requestsOf(a.store, () => a.jobs.claimDue(t0, 'instance-a', minute, 5)), 2);
    // A job `enqueue` added may be one that completed a moment before: its marker is looked for.
    assert.equal(await requestsOf(a.store, () => a.jobs.claimDue(at(1), 'instance-a', minute, 5)), 3);
  });

  it('records finished jobs 25 at a time, the rest when asked or a second later', async () => {
    const a = counted();
    await a.jobs.enqueueNew(Array.from({ length: 60 }, (_, i) => job(`batch|${i}`, t0)));
    const claimed = await a.jobs.claimDue(t0, 'instance-a', minute, 60);
    assert.equal(claimed.length, 60);
    // As the 25th and the 50th job finish, a transaction of 25 markers and one removing their rows; the five after
    // them when asked.
    const finishing = await requestsOf(a.store, async () => {
      for (const done of claimed.slice(0, 55)) await a.jobs.complete(done, at(1000), 'sent');
      await a.jobs.recordFinished();
    });
    assert.equal(finishing, 6);
    assert.deepEqual(
      (await jobs.pending()).map((j) => j.id),
      claimed.slice(55).map((j) => j.id),
    );
    assert.deepEqual(await jobs.completion('batch|54'), { at: at(1000).toISOString(), outcome: 'sent' });
    for (const done of claimed.slice(55)) await a.jobs.complete(done, at(1000), 'sent');
    // Nobody asks: they are recorded within a second.
    const deadline = performance.now() + 3000;
    while ((await jobs.pending()).length > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await jobs.pending(), []);
    assert.equal((await jobs.completion('batch|59'))?.outcome, 'sent');
  });

  it('looks for the completion marker of a new job once anyone has held it', async () => {
    await jobs.enqueueNew([job('new-crashy', t0)]);
    const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 10);
    assert.ok(claimed);
    sinon.stub(store.table(tableNames.jobs), 'submitTransaction').rejects(new Error('process killed'));
    await jobs.complete(claimed, at(1000), 'posted');
    await jobs.recordFinished();
    sinon.restore();
    assert.equal((await otherInstance().pending()).length, 1);
    assert.deepEqual(await otherInstance().claimDue(at(2 * minute), 'instance-b', minute, 10), []);
    assert.deepEqual(await jobs.pending(), []);
  });

  it('hands out what one listing found, and a job due after it at the latest ten seconds later', async () => {
    await jobs.enqueueNew(Array.from({ length: 6 }, (_, i) => job(`listed-${i}`, t0)));
    assert.equal((await jobs.claimDue(t0, 'instance-a', minute, 2)).length, 2);
    await jobs.enqueue(job('late', at(500)));
    const soon = await jobs.claimDue(at(1000), 'instance-a', minute, 2);
    assert.ok(!soon.some((j) => j.id === 'late'));
    const later = await jobs.claimDue(at(11_000), 'instance-a', minute, 10);
    assert.deepEqual(later.map((j) => j.id).sort(), ['late', 'listed-4', 'listed-5']);
  });

  it('refuses a due time that is not a time', async () => {
    await assert.rejects(jobs.enqueue({ ...job('bad', t0), dueAt: 'next tuesday' }), RangeError);
  });

  describe('with several agreements', () => {
    /** A job of `agreementId`, with the id prefix every agreement but the legacy one gives its jobs. */
    const ofAgreement = (agreementId: string, id: string, dueAt: Date, prefixed = true): JobSpec => ({
      id: prefixed ? `${agreementId}|${id}` : id,
      kind: 'prompt',
      dueAt: dueAt.toISOString(),
      payload: { agreementId, measureId: '1.1' },
    });
    const partitions = async () => {
      const rows: string[] = [];
      for await (const row of store.table(tableNames.jobs).listEntities<Keys & { jobId: string }>())
        rows.push(`${row.partitionKey} ${row.jobId}`);
      return rows.sort();
    };

    it('keeps each agreement’s jobs in a partition of its own; the legacy agreement’s and older jobs in pending', async () => {
      assert.equal(await jobs.enqueue(ofAgreement('vasby-2021', 'prompt|r1|1.1', t0, false)), true);
      assert.equal(await jobs.enqueue(ofAgreement('lofte-2023', 'prompt|r1|1.1', t0)), true);
      // Stored before jobs named their agreement.
      assert.equal(await jobs.enqueue(job('reminder|r0|1.1|1', t0, 'reminder')), true);
      assert.deepEqual(await partitions(), [
        'pending prompt|r1|1.1',
        'pending reminder|r0|1.1|1',
        'pending|lofte-2023 lofte-2023|prompt|r1|1.1',
      ]);
      // The same id leads to the same partition: enqueued once.
      assert.equal(await jobs.enqueue(ofAgreement('lofte-2023', 'prompt|r1|1.1', at(minute))), false);
      assert.deepEqual(
        (await jobs.pending()).map((j) => j.id),
        ['lofte-2023|prompt|r1|1.1', 'prompt|r1|1.1', 'reminder|r0|1.1|1'],
      );
      assert.deepEqual(
        (await jobs.pending('reminder')).map((j) => j.id),
        ['reminder|r0|1.1|1'],
      );
      assert.equal((await jobs.everyJob()).length, 3);
    });

    it('adds the new jobs of several agreements a hundred to a transaction per partition', async () => {
      const a = counted();
      const specs = [
        ...Array.from({ length: 150 }, (_, i) => ofAgreement('a-2023', `prompt|r|${i}`, t0)),
        ...Array.from({ length: 30 }, (_, i) => ofAgreement('b-2023', `prompt|r|${i}`, t0)),
        ...Array.from({ length: 5 }, (_, i) => ofAgreement('legacy', `prompt|r|${i}`, t0, false)),
      ];
      // a-2023: 100 + 50; b-2023: 30; pending: 5.
      assert.equal(await requestsOf(a.store, () => a.jobs.enqueueNew(specs)), 4);
      const stored = await partitions();
      assert.equal(stored.filter((r) => r.startsWith('pending|a-2023 ')).length, 150);
      assert.equal(stored.filter((r) => r.startsWith('pending|b-2023 ')).length, 30);
      assert.equal(stored.filter((r) => r.startsWith('pending ')).length, 5);
    });

    it('hands out the agreements’ due jobs in turn, each agreement’s oldest first', async () => {
      await jobs.enqueueNew(
        Array.from({ length: 6 }, (_, i) => ofAgreement('busy', `prompt|r|${i}`, at((i - 6) * minute))),
      );
      await jobs.enqueueNew([0, 1].map((i) => ofAgreement('quiet', `prompt|r|${i}`, at(-i))));
      await jobs.enqueue(ofAgreement('legacy', 'prompt|r|0', at(-3 * minute), false));
      const first = await jobs.claimDue(t0, 'instance-a', minute, 4);
      assert.deepEqual(
        first.map((j) => j.id),
        ['busy|prompt|r|0', 'prompt|r|0', 'quiet|prompt|r|1', 'busy|prompt|r|1'],
      );
      assert.deepEqual(
        (await jobs.claimDue(t0, 'instance-a', minute, 10)).map((j) => j.id),
        ['quiet|prompt|r|0', 'busy|prompt|r|2', 'busy|prompt|r|3', 'busy|prompt|r|4', 'busy|prompt|r|5'],
      );
    });

    it('renews, retries and completes a job in its agreement’s partition', async () => {
      await jobs.enqueueNew([ofAgreement('lofte-2023', 'prompt|r1|1.1', t0)]);
      const [claimed] = await jobs.claimDue(t0, 'instance-a', minute, 1);
      assert.equal(claimed?.partitionKey, 'pending|lofte-2023');
      const renewed = await jobs.renew(claimed, at(30_000), minute);
      await jobs.retryAt(renewed, at(2 * minute), 'HTTP 503');
      assert.deepEqual(await jobs.claimDue(at(minute), 'instance-a', minute, 1), []);
      const [again] = await jobs.claimDue(at(2 * minute), 'instance-a', minute, 1);
      assert.equal(again?.attempts, 1);
      assert.ok(again);
      await jobs.complete(again, at(3 * minute), 'sent');
      await jobs.recordFinished();
      assert.deepEqual(await partitions(), ['done lofte-2023|prompt|r1|1.1']);
    });

    it('gives each of 60 due jobs of five agreements to exactly one of two instances claiming at once', async () => {
      await jobs.enqueueNew(
        Array.from({ length: 60 }, (_, i) => ofAgreement(`a${i % 5}`, `prompt|r|${i}`, at(-i * 1000))),
      );
      const instances = [
        { name: 'instance-a', jobs },
        { name: 'instance-b', jobs: otherInstance() },
      ];
      const claimedBy = await Promise.all(
        instances.map(async (instance) => {
          const ids: string[] = [];
          for (;;) {
            const batch = await instance.jobs.claimDue(t0, instance.name, minute, 7);
            if (batch.length === 0) return ids;
            ids.push(...batch.map((j) => j.id));
          }
        }),
      );
      const all = claimedBy.flat();
      assert.equal(all.length, 60);
      assert.equal(new Set(all).size, 60);
    });
  });
});
