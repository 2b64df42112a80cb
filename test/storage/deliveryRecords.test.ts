import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Delivery } from '../../src/domain/checkInRound.js';
import { openRepositories } from '../../src/storage/repositories.js';
import { TableStore, tableNames } from '../../src/storage/tableStore.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** What a round's cards record once Teams has taken them, and when it reaches storage. */
describe('cards recorded as sent (Azurite)', () => {
  let storage: TestStore;
  before(async () => {
    storage = await startTestStore();
  });
  after(async () => {
    await storage.close();
  });

  const t0 = new Date('2021-04-06T06:00:00.000Z');
  const sent = (measureId: string): Delivery & { status: 'sent' } => ({
    roundId: 'sent-2021-q2',
    measureId,
    target: { kind: 'channel', channelId: `19:${measureId}@thread.tacv2` },
    status: 'sent',
    conversationId: `19:${measureId}@thread.tacv2;messageid=1`,
    activityId: `activity-${measureId}`,
    at: t0.toISOString(),
  });

  it('stores them 25 to a transaction, before the jobs that sent them are recorded, and reads them at once', async () => {
    const counting = new TableStore(
      { connectionString: storage.azurite.connectionString },
      { countRequests: true },
    );
    const { rounds, jobs } = openRepositories(counting);
    const other = openRepositories(storage.connect());
    const ids = Array.from({ length: 30 }, (_, i) => `job-sent-${i}`);
    await jobs.enqueueNew(ids.map((id) => ({ id, kind: 'prompt', dueAt: t0.toISOString(), payload: {} })));
    const claimed = await jobs.claimDue(t0, 'instance-a', 60_000, 30);

    const before = counting.requestCount;
    for (const [i, job] of claimed.entries()) {
      rounds.recordSent('', sent(`${i}`));
      await jobs.complete(job, t0, 'sent');
    }
    await jobs.recordFinished();
    // Sent records in two transactions (25 and 5); markers and removals in two each.
    assert.equal(counting.requestCount - before, 6);
    assert.equal((await other.rounds.deliveries('', 'sent-2021-q2')).length, 30);
    assert.deepEqual(await other.jobs.pending(), []);

    // Queued and not yet stored: this repository's own reads store it first.
    rounds.recordSent('', sent('late'));
    assert.equal(
      (await other.rounds.delivery('', 'sent-2021-q2', 'late', sent('late').target))?.status,
      undefined,
    );
    assert.deepEqual(await rounds.delivery('', 'sent-2021-q2', 'late', sent('late').target), sent('late'));
  });

  it('stores the sent records before the markers of the jobs that sent them, so a finished job is never "sending"', async () => {
    const store = storage.connect();
    const { rounds, jobs } = openRepositories(store);
    await jobs.enqueueNew([{ id: 'job-order', kind: 'prompt', dueAt: t0.toISOString(), payload: {} }]);
    const [job] = await jobs.claimDue(t0, 'instance-a', 60_000, 1);
    assert.ok(job);
    const order: string[] = [];
    for (const name of [tableNames.rounds, tableNames.jobs]) {
      const table = store.table(name);
      const submit = table.submitTransaction.bind(table);
      sinon.stub(table, 'submitTransaction').callsFake((actions) => {
        order.push(`${name} ${actions.map(([kind]) => kind).join(',')}`);
        return submit(actions);
      });
    }
    try {
      rounds.recordSent('', sent('order'));
      await jobs.complete(job, t0, 'sent');
      await jobs.recordFinished();
    } finally {
      sinon.restore();
    }
    assert.deepEqual(order, ['Rounds upsert', 'Jobs upsert', 'Jobs delete']);
    assert.equal((await rounds.delivery('', 'sent-2021-q2', 'order', sent('order').target))?.status, 'sent');
    assert.equal((await jobs.completion('job-order'))?.outcome, 'sent');
  });
});
