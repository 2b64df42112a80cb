import assert from 'node:assert/strict';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import sinon from 'sinon';
import type { ReviewAnswer } from '../../src/domain/midTermReview.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import { tableNames, TableStore } from '../../src/storage/tableStore.js';
import { users } from '../harness/activities.js';
import { seededReport } from '../harness/seed.js';
import { startStorageProxy, type StorageProxy } from '../harness/storageProxy.js';
import { startTestStore, type TestStore } from '../harness/store.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';

describe('removing an agreement’s reports and review answers (gallring)', () => {
  let testStore: TestStore;
  let store: TableStore;
  let proxy: StorageProxy;

  before(async () => {
    testStore = await startTestStore();
    store = testStore.store;
    proxy = await startStorageProxy(testStore.azurite.connectionString);
  });
  after(async () => {
    await proxy.close();
    await testStore.close();
  });
  afterEach(() => sinon.restore());

  async function rows(table: TableClient): Promise<string[]> {
    const keys: string[] = [];
    for await (const row of table.listEntities()) keys.push(`${row.partitionKey ?? ''}/${row.rowKey ?? ''}`);
    return keys.sort();
  }

  it('removes every revision in transactions of at most 100, and only those the archive holds', async () => {
    const reports = new ReportRepository(store);
    const many = Array.from({ length: 250 }, (_, i) =>
      seededReport('1.1', i + 1, { status: 'onTrack', reportedAt: '2021-03-03T09:00:00Z' }),
    );
    await reports.importHistory([
      ...many,
      seededReport('2.1', 1, { status: 'delayed', reportedAt: '2021-05-28T09:00:00Z' }),
    ]);
    // Revision 250 of 1.1 was saved after the archive was written. The removal goes through the proxy, which
    // sees the transactions as they reach storage.
    const seen = proxy.batches.length;
    const result = await new ReportRepository(
      new TableStore({ connectionString: proxy.connectionString }),
    ).deleteAll(agreementId, (measureId, revision) => revision < 250);
    assert.deepEqual(result, { deleted: 251, kept: 2 }, '249 + 1 history rows and the current row of 2.1');
    const batches = proxy.batches.slice(seen).map((b) => b.operations);
    // 249 rows of 1.1's history in three, then 2.1's history row and 2.1's current row, each alone.
    assert.deepEqual(
      batches.map((operations) => operations.length),
      [100, 100, 49, 1, 1],
    );
    for (const operations of batches) {
      assert.ok(
        operations.every((o) => o.startsWith(`DELETE ${tableNames.reports}(`)),
        operations.join('\n'),
      );
      const partitions = new Set(operations.map((o) => /PartitionKey='([^']*)'/.exec(o)?.[1]));
      assert.equal(partitions.size, 1, 'each transaction within one partition');
    }
    assert.equal(new Set(batches.flat()).size, 251, 'no row in two transactions');
    assert.deepEqual(await reports.allHistory(agreementId), [many[249]]);
    assert.deepEqual(
      (await reports.current(agreementId)).map((r) => `${r.measureId} ${r.revision}`),
      ['1.1 250'],
    );
    assert.deepEqual(await reports.deleteAll(agreementId), { deleted: 2, kept: 0 });
    assert.deepEqual(await rows(store.table(tableNames.reports)), []);
  });

  it('finishes when rows go meanwhile (another run that stopped midway)', async () => {
    const reports = new ReportRepository(store);
    await reports.importHistory([
      seededReport('1.1', 1, { status: 'onTrack', reportedAt: '2021-03-03T09:00:00Z' }),
      seededReport('1.1', 2, { status: 'done', reportedAt: '2021-06-03T09:00:00Z' }),
    ]);
    const table = store.table(tableNames.reports);
    const submit = TableClient.prototype.submitTransaction;
    sinon.stub(TableClient.prototype, 'submitTransaction').callsFake(async function (
      this: TableClient,
      actions: TransactionAction[],
    ) {
      // Someone else removes the first row just before this transaction.
      const [, first] = actions[0] as ['delete', { partitionKey: string; rowKey: string }];
      await table.deleteEntity(first.partitionKey, first.rowKey).catch(() => undefined);
      return submit.call(this, actions);
    });
    const result = await reports.deleteAll(agreementId);
    assert.equal(result.kept, 0);
    assert.deepEqual(await rows(table), []);
  });

  it('removes the review answers the archive holds, and keeps a newer one', async () => {
    const reviews = new ReviewRepository(store);
    const answer = (answeredAt: string): ReviewAnswer => ({
      agreementId,
      organisation: 'kommun',
      answers: ['Ja.', 'Nej.', 'Kanske.'],
      answeredBy: users.megan,
      answeredAt,
    });
    await reviews.add(answer('2021-12-06T10:00:00Z'));
    await reviews.add(answer('2021-12-07T10:00:00Z'));
    await reviews.add({ ...answer('2021-12-06T10:00:00Z'), agreementId: 'another-agreement' });
    assert.deepEqual(await reviews.deleteAll(agreementId, (a) => a.answeredAt < '2021-12-07'), {
      deleted: 1,
      kept: 1,
    });
    assert.deepEqual(await reviews.list(agreementId), [answer('2021-12-07T10:00:00Z')]);
    assert.equal((await reviews.list('another-agreement')).length, 1);
  });
});
