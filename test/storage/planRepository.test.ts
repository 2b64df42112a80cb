import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportConflictError, ReportRepository } from '../../src/storage/reportRepository.js';
import { tableNames, type TableStore } from '../../src/storage/tableStore.js';
import type { Report } from '../../src/domain/report.js';
import { users } from '../harness/activities.js';
import { startTestStore, type TestStore } from '../harness/store.js';

describe('storage of the plan and its reports (Azurite)', () => {
  let storage: TestStore;
  let store: TableStore;
  let agreement: Agreement;

  before(async () => {
    storage = await startTestStore();
    ({ store } = storage);
    agreement = await loadAgreementFile('agreements/example.yaml');
  });
  after(async () => {
    await storage.close();
  });

  const report = (measureId: string, revision: number, narrative: string): Report => ({
    agreementId: agreement.id,
    measureId,
    revision,
    status: 'onTrack',
    narrative,
    needsSteeringDecision: false,
    reportedBy: users.patti,
    reportedAt: new Date(Date.UTC(2021, 4, revision)).toISOString(),
  });

  it('syncs the agreement idempotently and loads it back as it was', async () => {
    const plans = new PlanRepository(store);
    const first = await plans.sync(agreement);
    const second = await plans.sync(agreement);
    assert.ok(first.written > agreement.measures.length);
    assert.equal(second.written, 0);
    const plan = await plans.load(agreement.id);
    assert.deepEqual(plan?.agreement, agreement);
    assert.deepEqual(plan?.bindings, []);
  });

  it('reads an agreement stored before agreements had a kind as a samverkansöverenskommelse', async () => {
    const plans = new PlanRepository(store);
    const old: Agreement = { ...agreement, id: 'stored-before-kinds' };
    await plans.sync(old);
    // The header row as an earlier version wrote it (and as `förläng` in Teams keeps it): without `kind`.
    const table = store.table(tableNames.plan);
    const row = await table.getEntity<{ data: string }>(old.id, 'agreement');
    const { kind, ...header } = JSON.parse(row.data) as Record<string, unknown>;
    assert.equal(kind, 'samverkansöverenskommelse');
    await table.updateEntity(
      { partitionKey: old.id, rowKey: 'agreement', data: JSON.stringify(header) },
      'Merge',
    );

    const fresh = new PlanRepository(store);
    const plan = await fresh.load(old.id);
    assert.equal(plan?.agreement.kind, 'samverkansöverenskommelse');
  });

  it('writes only what changed in the file, and never deletes a measure or its reports', async () => {
    const plans = new PlanRepository(store);
    const reports = new ReportRepository(store);
    await plans.sync(agreement);
    await reports.add(report('1.1', 1, 'Trygghetsvandring genomförd i centrum.'));

    const [first, ...rest] = agreement.measures;
    assert.ok(first);
    const edited: Agreement = { ...agreement, measures: [{ ...first, title: `${first.title} (reviderad)` }] };
    const { written } = await plans.sync(edited);
    assert.equal(written, 1);

    const plan = await plans.load(agreement.id);
    assert.equal(plan?.agreement.measures.length, rest.length + 1);
    assert.equal(plan?.agreement.measures[0]?.title, `${first.title} (reviderad)`);
    assert.deepEqual(
      (await reports.current(agreement.id)).map((r) => r.narrative),
      ['Trygghetsvandring genomförd i centrum.'],
    );
  });

  it('keeps every revision of a report and refuses a save based on an old revision', async () => {
    const reports = new ReportRepository(store);
    await reports.add(report('2.1', 1, 'Första rapporten.'));
    await reports.add(report('2.1', 2, 'Andra rapporten.'));
    await assert.rejects(reports.add(report('2.1', 2, 'Samtidig ändring.')), ReportConflictError);

    const history = await reports.history(agreement.id, '2.1');
    assert.deepEqual(
      history.map((r) => [r.revision, r.narrative]),
      [
        [1, 'Första rapporten.'],
        [2, 'Andra rapporten.'],
      ],
    );
    const current = (await reports.current(agreement.id)).find((r) => r.measureId === '2.1');
    assert.equal(current?.narrative, 'Andra rapporten.');
  });

  it('lets exactly one of two simultaneous first reports win; the other learns of the conflict', async () => {
    const reports = new ReportRepository(store);
    const results = await Promise.allSettled([
      reports.add(report('3.1', 1, 'Från Patti.')),
      reports.add(report('3.1', 1, 'Från Alex.')),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected && rejected.status === 'rejected' && rejected.reason instanceof ReportConflictError);
    assert.equal((await reports.history(agreement.id, '3.1')).length, 1);
  });
});

describe('the agreement a deployment served before it served several (Azurite)', () => {
  let agreement: Agreement;
  before(async () => {
    agreement = await loadAgreementFile('agreements/example.yaml');
  });

  async function withStore(run: (plans: PlanRepository, store: TableStore) => Promise<void>): Promise<void> {
    const storage = await startTestStore();
    try {
      await run(new PlanRepository(storage.store), storage.store);
    } finally {
      await storage.close();
    }
  }

  it('is the one whose plan was stored already, and stays so when files are added', async () => {
    await withStore(async (plans, store) => {
      const at = new Date('2023-01-02T08:00:00Z');
      await plans.sync({ ...agreement, id: 'vasby-2021' }, at);
      assert.equal(await plans.legacyAgreement(['a-first', 'vasby-2021', 'vasby-2023'], at), 'vasby-2021');
      await plans.sync({ ...agreement, id: 'a-first' }, at);
      assert.equal(
        await new PlanRepository(store).legacyAgreement(['a-first', 'vasby-2021'], at),
        'vasby-2021',
      );
    });
  });

  it('is the first loaded on a fresh deployment, and one instance’s choice stands for all', async () => {
    await withStore(async (plans, store) => {
      const at = new Date('2023-01-02T08:00:00Z');
      const chosen = await Promise.all([
        plans.legacyAgreement(['vasby-2023', 'lofte-2023'], at),
        new PlanRepository(store).legacyAgreement(['lofte-2023', 'vasby-2023'], at),
      ]);
      assert.equal(chosen[0], chosen[1]);
      assert.equal(await plans.legacyAgreement(['other'], at), chosen[0]);
    });
  });
});
