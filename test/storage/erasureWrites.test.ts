import assert from 'node:assert/strict';
import type { ReviewAnswer } from '../../src/domain/midTermReview.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import {
  deleteAsRead,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from '../../src/storage/tableStore.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/**
 * The writes an erasure makes: each is conditional on the row as it was read, so a report saved or a reference
 * refreshed in the meantime is judged again rather than overwritten; and an interrupted run can be repeated.
 */
describe('erasure writes (Azurite)', () => {
  let storage: TestStore;
  let store: TableStore;

  before(async () => {
    storage = await startTestStore();
    ({ store } = storage);
  });
  after(async () => {
    await storage.close();
  });

  interface Row {
    partitionKey: string;
    rowKey: string;
    owner: string;
    note: string;
  }
  let n = 0;
  /** A row, read, and then changed by someone else: what the erasure holds is no longer what is stored. */
  const staleRead = async (change: Pick<Row, 'owner' | 'note'>) => {
    const table = store.table(tableNames.jobs);
    const row: Row = { partitionKey: 'erasure-test', rowKey: `row-${++n}`, owner: 'frida', note: 'first' };
    await table.createEntity(row);
    const read = (await table.getEntity<Row>(row.partitionKey, row.rowKey)) as ReadRow<Row>;
    await table.updateEntity({ ...row, ...change }, 'Replace', { etag: read.etag });
    return { table, read, current: async () => table.getEntity<Row>(row.partitionKey, row.rowKey) };
  };
  const erase = (row: Row): Row | undefined =>
    row.owner === 'frida'
      ? { partitionKey: row.partitionKey, rowKey: row.rowKey, owner: 'erased', note: row.note }
      : undefined;

  it('judges a row changed since it was read again, and keeps what the other writer wrote', async () => {
    const stillHers = await staleRead({ owner: 'frida', note: 'second' });
    assert.equal(await replaceAsRead(stillHers.table, stillHers.read, erase), true);
    assert.deepEqual(
      [(await stillHers.current()).owner, (await stillHers.current()).note],
      ['erased', 'second'],
    );

    const nowMegans = await staleRead({ owner: 'megan', note: 'second' });
    assert.equal(await replaceAsRead(nowMegans.table, nowMegans.read, erase), false);
    assert.deepEqual(
      [(await nowMegans.current()).owner, (await nowMegans.current()).note],
      ['megan', 'second'],
    );
  });

  it('deletes only a row that is still to be deleted when it is deleted', async () => {
    const nowMegans = await staleRead({ owner: 'megan', note: 'second' });
    assert.equal(
      await deleteAsRead<Row>(nowMegans.table, nowMegans.read, (row) => row.owner === 'frida'),
      false,
    );
    assert.equal((await nowMegans.current()).owner, 'megan');

    const stillHers = await staleRead({ owner: 'frida', note: 'second' });
    assert.equal(
      await deleteAsRead<Row>(stillHers.table, stillHers.read, (row) => row.owner === 'frida'),
      true,
    );
    await assert.rejects(stillHers.current(), (err: { statusCode?: number }) => err.statusCode === 404);
    assert.equal(await deleteAsRead<Row>(stillHers.table, stillHers.read), false, 'gone already');
  });

  it('moves a review answer to its new author once, even after an interrupted run', async () => {
    const reviews = new ReviewRepository(store);
    const answer: ReviewAnswer = {
      agreementId: 'erasure-test',
      organisation: 'kommun',
      answers: ['Bra', '', 'Lovande'],
      answeredBy: { aadObjectId: 'aad-frida', name: 'Frida' },
      answeredAt: '2021-12-01T10:00:00.000Z',
    };
    await reviews.add(answer);
    const pseudonym = { aadObjectId: 'erased-0123456789abcdef', name: 'Borttagen person' };
    const rewrite = (a: ReviewAnswer) =>
      a.answeredBy.aadObjectId === 'aad-frida' ? { ...a, answeredBy: pseudonym } : undefined;
    // An earlier run stopped after inserting the moved answer, before deleting the old one.
    await store.table(tableNames.rounds).createEntity({
      partitionKey: 'review|erasure-test',
      rowKey: `${keyOf(pseudonym.aadObjectId)}|${answer.answeredAt}`,
      data: JSON.stringify({ ...answer, answeredBy: pseudonym }),
    });
    assert.equal(await reviews.rewriteAnswers('erasure-test', rewrite), 1);
    assert.deepEqual(await reviews.list('erasure-test'), [{ ...answer, answeredBy: pseudonym }]);
    assert.equal(await reviews.rewriteAnswers('erasure-test', rewrite), 0, 'nothing left the second time');
  });
});
