import assert from 'node:assert/strict';
import type { Report } from '../../src/domain/report.js';
import { ReportConflictError, ReportRepository } from '../../src/storage/reportRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import sinon from 'sinon';
import { users } from '../harness/activities.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/**
 * A ReportRepository remembers each measure's current row as it last wrote or read it, so that a save right after
 * the card was opened is two writes (the revision, then the current row) and opening a card is one query. The
 * memory is only a hint: whatever another instance stored meanwhile (a save, an erasure, a removal) is neither
 * overwritten nor hidden. Two repositories on their own stores stand for two instances of the bot.
 */
describe('what a report repository remembers of the current rows (Azurite)', () => {
  let storage: TestStore;

  before(async () => {
    storage = await startTestStore();
  });
  after(async () => {
    await storage.close();
  });

  /** An instance whose storage requests are counted. */
  const instance = () => {
    const store = new TableStore(
      { connectionString: storage.azurite.connectionString },
      { countRequests: true },
    );
    return { store, reports: new ReportRepository(store) };
  };

  let n = 0;
  const report = (agreementId: string, revision: number, fields: Partial<Report> = {}): Report => {
    n++;
    return {
      agreementId,
      measureId: '1.1',
      revision,
      status: revision % 2 ? 'onTrack' : 'atRisk',
      narrative: `Läget i version ${revision}.`,
      needsSteeringDecision: false,
      reportedBy: users.patti,
      reportedAt: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
      submitId: `submit-${n}`,
      ...fields,
    };
  };
  const requestsOf = async (store: TableStore, work: () => Promise<unknown>) => {
    const before = store.requestCount;
    await work();
    return store.requestCount - before;
  };

  it('opens a card with one query and saves on it with two writes, when nothing changed meanwhile', async () => {
    const a = instance();
    const first = report('agr-two-writes', 1);
    await a.reports.save(first);
    assert.equal(await requestsOf(a.store, () => a.reports.latest('agr-two-writes', '1.1')), 1);
    assert.equal(await requestsOf(a.store, () => a.reports.save(report('agr-two-writes', 2))), 2);
    assert.equal(await requestsOf(a.store, () => a.reports.save(report('agr-two-writes', 3))), 2);
    assert.deepEqual(
      (await instance().reports.statusPoints('agr-two-writes'))?.map((p) => p.revision),
      [1, 2, 3],
    );
  });

  it('never saves over what another instance saved meanwhile, and shows it at the next read', async () => {
    const a = instance();
    const b = instance();
    await a.reports.save(report('agr-other', 1));
    await a.reports.latest('agr-other', '1.1');
    const theirs = report('agr-other', 2, { narrative: 'Sparad på den andra instansen.' });
    await b.reports.save(theirs);

    // Based on revision 1, as a card opened before the other save would be: a conflict, and nothing written.
    await assert.rejects(a.reports.save(report('agr-other', 2)), ReportConflictError);
    assert.deepEqual(await a.reports.latest('agr-other', '1.1'), theirs);
    const third = report('agr-other', 3);
    assert.deepEqual(await a.reports.save(third), { kind: 'saved', report: third });
    assert.deepEqual(
      (await b.reports.history('agr-other', '1.1')).map((r) => r.narrative),
      ['Läget i version 1.', 'Sparad på den andra instansen.', 'Läget i version 3.'],
    );
    assert.deepEqual(
      (await b.reports.statusPoints('agr-other'))?.map((p) => p.revision),
      [1, 2, 3],
    );
  });

  it('answers a repeated submit as repeated when another instance stored it', async () => {
    const a = instance();
    const b = instance();
    await a.reports.save(report('agr-repeat-other', 1));
    await a.reports.latest('agr-repeat-other', '1.1');
    const second = report('agr-repeat-other', 2);
    await b.reports.save(second);
    // Teams retried the request and it reached the other instance.
    assert.deepEqual(await a.reports.save(second), { kind: 'repeated', report: second });
    assert.equal((await b.reports.history('agr-repeat-other', '1.1')).length, 2);
  });

  it('keeps an erasure another instance made: the next save builds on the rewritten rows', async () => {
    const a = instance();
    const b = instance();
    await a.reports.save(report('agr-erased', 1));
    await a.reports.save(report('agr-erased', 2));
    const erased = { aadObjectId: '', name: 'Borttagen person' };
    await b.reports.rewriteRevisions('agr-erased', (r) =>
      r.reportedBy.aadObjectId === users.patti.aadObjectId ? { ...r, reportedBy: erased } : undefined,
    );
    await a.reports.save(report('agr-erased', 3, { reportedBy: users.megan }));
    const points = await b.reports.statusPoints('agr-erased');
    assert.deepEqual(
      points?.map((p) => p.reportedBy.name),
      ['Borttagen person', 'Borttagen person', users.megan.name],
    );
    assert.ok(!JSON.stringify(await b.reports.current('agr-erased')).includes(users.patti.aadObjectId));
  });

  it('reads a measure as empty once another instance removed its reports', async () => {
    const a = instance();
    const b = instance();
    await a.reports.save(report('agr-removed', 1));
    assert.equal((await a.reports.latest('agr-removed', '1.1'))?.revision, 1);
    await b.reports.deleteAll('agr-removed');
    assert.equal(await a.reports.latest('agr-removed', '1.1'), undefined);
  });

  it("shows the cards of a round the latest report it read in the last 10 seconds, its own saves at once and another instance's within 10 seconds", async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2024-01-01T08:00:00Z'), toFake: ['Date'] });
    try {
      const a = instance();
      const b = instance();
      await b.reports.save(report('agr-cards', 1));
      await b.reports.save(report('agr-cards', 1, { measureId: '1.2', status: 'done' }));
      // Each measure's thread and each owner's form, for the whole round: one read for all of them.
      const reads = await requestsOf(a.store, async () => {
        const shown = await Promise.all(
          ['1.1', '1.1', '1.1', '1.2', '1.2', '1.3'].map((measureId) =>
            a.reports.latestRecent('agr-cards', measureId),
          ),
        );
        assert.deepEqual(
          shown.map((r) => r && `${r.measureId} ${r.revision} ${r.status}`),
          ['1.1 1 onTrack', '1.1 1 onTrack', '1.1 1 onTrack', '1.2 1 done', '1.2 1 done', undefined],
        );
      });
      assert.equal(reads, 1);
      await b.reports.save(report('agr-cards', 2));
      clock.tick(9_999);
      assert.equal((await a.reports.latestRecent('agr-cards', '1.1'))?.revision, 1);
      clock.tick(1);
      assert.equal((await a.reports.latestRecent('agr-cards', '1.1'))?.revision, 2);
      await a.reports.save(report('agr-cards', 3));
      assert.equal((await a.reports.latestRecent('agr-cards', '1.1'))?.revision, 3);
      // A card shown from an older read is still saved only on the revision it saw: never an overwrite.
      await b.reports.save(report('agr-cards', 4));
      assert.equal((await a.reports.latestRecent('agr-cards', '1.1'))?.revision, 3);
      await assert.rejects(a.reports.save(report('agr-cards', 4)), ReportConflictError);
      assert.equal((await b.reports.history('agr-cards', '1.1')).length, 4);
      // The rows read for the cards are remembered: a save on a card just posted is the two writes.
      const c = instance();
      assert.equal((await c.reports.latestRecent('agr-cards', '1.2'))?.revision, 1);
      const second = report('agr-cards', 2, { measureId: '1.2' });
      assert.equal(await requestsOf(c.store, () => c.reports.save(second)), 2);
    } finally {
      clock.restore();
    }
  });
});
