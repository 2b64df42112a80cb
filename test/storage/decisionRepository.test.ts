import assert from 'node:assert/strict';
import type { Decision } from '../../src/domain/decision.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import sinon from 'sinon';
import { startTestStore, type TestStore } from '../harness/store.js';

const alex = { aadObjectId: '00000000-0000-0000-0000-000000000001', name: 'Alex Wilber' };
const megan = { aadObjectId: '00000000-0000-0000-0000-000000000002', name: 'Megan Bowen' };

const decision = (id: string, agreementId = 'example'): Decision => ({
  id,
  agreementId,
  text: `Beslut ${id}`,
  concerns: { goalAreas: [1], measures: ['2.1'] },
  responsible: 'Polisen',
  dueDate: '2022-03-31',
  status: 'open',
  meetingDate: '2021-11-25',
  recordedAt: '2021-11-25T14:00:00.000Z',
  recordedBy: alex,
  revision: 1,
});

describe('decisions in storage, every revision kept (Azurite)', () => {
  let storage: TestStore;
  let decisions: DecisionRepository;

  before(async () => {
    storage = await startTestStore();
    decisions = new DecisionRepository(storage.store);
  });
  after(async () => {
    await storage.close();
  });

  it('records, lists per agreement and reads back a decision', async () => {
    await decisions.record(decision('d-1'));
    await decisions.record(decision('d-1-b'));
    await decisions.record(decision('d-9', 'other-agreement'));
    assert.deepEqual((await decisions.list('example')).map((d) => d.id).sort(), ['d-1', 'd-1-b']);
    assert.deepEqual(await decisions.get('example', 'd-1'), decision('d-1'));
    assert.equal(await decisions.get('example', 'd-9'), undefined);
    await assert.rejects(
      decisions.record(decision('d-1')),
      (err: { statusCode?: number }) => err.statusCode === 409,
    );
  });

  it('applies a change at the expected revision and keeps every revision in the history', async () => {
    const changed = await decisions.update(
      'example',
      'd-1',
      { status: 'done', changedAt: '2021-12-01T10:00:00.000Z', changedBy: megan },
      1,
    );
    assert.equal(changed.kind, 'updated');
    const stored = await decisions.get('example', 'd-1');
    assert.equal(stored?.status, 'done');
    assert.equal(stored?.revision, 2);
    assert.equal(stored?.doneAt, '2021-12-01T10:00:00.000Z');
    const history = await decisions.history('example', 'd-1');
    assert.deepEqual(
      history.map((d) => [d.revision, d.status]),
      [
        [1, 'open'],
        [2, 'done'],
      ],
    );
    // A decision whose id starts like another's keeps its own history.
    assert.deepEqual(
      (await decisions.history('example', 'd-1-b')).map((d) => d.revision),
      [1],
    );
  });

  it('refuses a change based on an older revision, writing nothing', async () => {
    const stale = await decisions.update(
      'example',
      'd-1',
      { text: 'Ändrat på gammal grund', changedAt: '2021-12-02T10:00:00.000Z', changedBy: alex },
      1,
    );
    assert.equal(stale.kind, 'stale');
    if (stale.kind === 'stale') assert.equal(stale.current.revision, 2);
    assert.equal((await decisions.get('example', 'd-1'))?.text, 'Beslut d-1');
    assert.equal((await decisions.history('example', 'd-1')).length, 2);
    assert.equal(
      (await decisions.update('example', 'nope', { changedAt: 'x', changedBy: alex }, 1)).kind,
      'missing',
    );
  });

  it('lets only one of two simultaneous changes at the same revision through; the other is told, not lost', async () => {
    const other = new DecisionRepository(storage.connect());
    const results = await Promise.all([
      decisions.update(
        'example',
        'd-1-b',
        { text: 'Alex version', changedAt: '2021-12-03T10:00:00Z', changedBy: alex },
        1,
      ),
      other.update(
        'example',
        'd-1-b',
        { text: 'Megan version', changedAt: '2021-12-03T10:00:00Z', changedBy: megan },
        1,
      ),
    ]);
    assert.deepEqual(results.map((r) => r.kind).sort(), ['stale', 'updated']);
    const history = await decisions.history('example', 'd-1-b');
    assert.deepEqual(
      history.map((d) => d.revision),
      [1, 2],
    );
    const winner = results.find((r) => r.kind === 'updated');
    assert.equal(
      (await decisions.get('example', 'd-1-b'))?.text,
      winner?.kind === 'updated' ? winner.decision.text : '',
    );
  });

  it('rewrites every revision for an erasure, and removes only what an archive holds', async () => {
    const rewritten = await decisions.rewriteAll('example', (d) =>
      d.recordedBy.aadObjectId === alex.aadObjectId
        ? { ...d, recordedBy: { aadObjectId: 'erased', name: 'Borttagen person' } }
        : undefined,
    );
    assert.ok(rewritten >= 4);
    assert.ok(
      (await decisions.allRevisions('example')).every((d) => d.recordedBy.name === 'Borttagen person'),
    );
    assert.equal(await decisions.rewriteAll('example', () => undefined), 0);
    // Gallring removes what the archive holds: a decision changed after it was written stays, whole.
    const archived = await decisions.allRevisions('example');
    const changedLater = archived.find((d) => d.id === 'd-1');
    assert.ok(changedLater);
    const inArchive = new Set(
      archived
        .filter((d) => !(d.id === 'd-1' && d.revision === changedLater.revision))
        .map((d) => `${d.id}|${d.revision}`),
    );
    const removal = await decisions.deleteArchived('example', (id, revision) =>
      inArchive.has(`${id}|${revision}`),
    );
    assert.equal(removal.kept, 1);
    assert.deepEqual(
      (await decisions.list('example')).map((d) => d.id),
      ['d-1'],
    );
    assert.equal(
      (await decisions.history('example', 'd-1')).length,
      archived.filter((d) => d.id === 'd-1').length,
    );
    assert.equal((await decisions.deleteArchived('example', () => true)).kept, 0);
    assert.deepEqual(await decisions.list('example'), []);
    assert.equal((await decisions.list('other-agreement')).length, 1);
  });

  it("hands the cards of a round the decisions it listed in the last 10 seconds: its own changes at once, another instance's within 10 seconds", async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2021-12-01T08:00:00Z'), toFake: ['Date'] });
    try {
      const cards = new DecisionRepository(storage.connect());
      const other = new DecisionRepository(storage.connect());
      await other.record(decision('r-1', 'recent'));
      assert.deepEqual(
        (await cards.listRecent('recent')).map((d) => d.id),
        ['r-1'],
      );
      await other.record(decision('r-2', 'recent'));
      clock.tick(9_999);
      assert.deepEqual(
        (await cards.listRecent('recent')).map((d) => d.id),
        ['r-1'],
      );
      clock.tick(1);
      assert.deepEqual((await cards.listRecent('recent')).map((d) => d.id).sort(), ['r-1', 'r-2']);
      await cards.record(decision('r-3', 'recent'));
      assert.deepEqual((await cards.listRecent('recent')).map((d) => d.id).sort(), ['r-1', 'r-2', 'r-3']);
    } finally {
      clock.restore();
    }
  });
});
