import assert from 'node:assert/strict';
import { StatusAnswers } from '../../src/features/status/statusAnswers.js';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import type { Report } from '../../src/domain/report.js';
import type { ReportPoint } from '../../src/domain/statusOverview.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportConflictError, ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { keyOf, tableNames, type TableStore } from '../../src/storage/tableStore.js';
import { users } from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { seededRound } from '../harness/seed.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/**
 * The status screens read what they need of every revision from one row per measure (its trail). Whatever path
 * a revision was stored by, that must say exactly what the history says; where it cannot, the screens must
 * read the history and answer the same.
 */
describe('what the status screens keep of every report revision (Azurite)', () => {
  let storage: TestStore;
  let store: TableStore;
  let agreement: Agreement;
  let reports: ReportRepository;

  before(async () => {
    storage = await startTestStore();
    ({ store } = storage);
    agreement = await loadAgreementFile('agreements/example.yaml');
    reports = new ReportRepository(store);
  });
  after(async () => {
    await storage.close();
  });

  /** Reports are six hours apart, counted from 1 January 2021. */
  let day = 0;
  const report = (agreementId: string, measureId: string, revision: number, fields: Partial<Report> = {}) => {
    day++;
    return {
      agreementId,
      measureId,
      revision,
      status: (['onTrack', 'atRisk', 'delayed', 'done'] as const)[revision % 4] ?? 'onTrack',
      narrative: `Läget för ${measureId} i version ${revision}.`,
      needsSteeringDecision: revision % 3 === 0,
      reportedBy: revision % 2 ? users.patti : users.megan,
      reportedAt: new Date(Date.UTC(2021, 0, 1) + day * 6 * 3_600_000).toISOString(),
      roundId: `q${1 + Math.floor(revision / 2)}`,
      ...fields,
    } satisfies Report;
  };
  const pointsOf = (history: readonly Report[]): ReportPoint[] =>
    history.map((r) => ({
      agreementId: r.agreementId,
      measureId: r.measureId,
      revision: r.revision,
      status: r.status,
      needsSteeringDecision: r.needsSteeringDecision,
      reportedBy: { aadObjectId: r.reportedBy.aadObjectId, name: r.reportedBy.name },
      reportedAt: r.reportedAt,
      ...(r.roundId ? { roundId: r.roundId } : {}),
    }));
  const sorted = (points: readonly ReportPoint[]) =>
    [...points].sort((a, b) => a.measureId.localeCompare(b.measureId) || a.revision - b.revision);
  /** What the history says, as far as each measure's current row has got. */
  const expected = async (agreementId: string) => {
    const current = new Map((await reports.current(agreementId)).map((r) => [r.measureId, r.revision]));
    const history = await reports.allHistory(agreementId);
    return sorted(pointsOf(history.filter((r) => r.revision <= (current.get(r.measureId) ?? 0))));
  };
  const stripTrail = async (agreementId: string, measureId: string) => {
    const table = store.table(tableNames.reports);
    const row = await table.getEntity<{ revision: number; data: string }>(
      `current|${agreementId}`,
      keyOf(measureId),
    );
    await table.upsertEntity(
      {
        partitionKey: `current|${agreementId}`,
        rowKey: keyOf(measureId),
        revision: row.revision,
        data: row.data,
      },
      'Replace',
    );
  };

  it('says what the history says after saves, repeats and conflicts', async () => {
    const id = 'trail-saves';
    for (let revision = 1; revision <= 5; revision++) await reports.add(report(id, '1.1', revision));
    const { roundId: _roundId, ...outsideRounds } = report(id, '2.1', 1);
    await reports.add(outsideRounds);
    const first = report(id, '3.1', 1, { submitId: 'press-1' });
    assert.equal((await reports.save(first)).kind, 'saved');
    assert.equal((await reports.save(first)).kind, 'repeated');
    await assert.rejects(reports.add(report(id, '1.1', 5)), ReportConflictError);
    assert.deepEqual(sorted((await reports.statusPoints(id)) ?? []), await expected(id));
    assert.equal((await reports.statusPoints(id))?.length, 7);
  });

  it('catches up after a save that stopped between its two writes', async () => {
    const id = 'trail-stopped';
    await reports.add(report(id, '1.1', 1));
    await reports.add(report(id, '1.1', 2));
    // Revision 3 reached the history, but the process stopped before the current row.
    await store.table(tableNames.reports).createEntity({
      partitionKey: `history|${id}|1.1`,
      rowKey: '000003',
      revision: 3,
      data: JSON.stringify(report(id, '1.1', 3)),
    });
    await assert.rejects(reports.add(report(id, '1.1', 3)), ReportConflictError);
    assert.deepEqual(sorted((await reports.statusPoints(id)) ?? []), await expected(id));
    await reports.add(report(id, '1.1', 4));
    const points = (await reports.statusPoints(id)) ?? [];
    assert.deepEqual(
      points.map((p) => p.revision),
      [1, 2, 3, 4],
    );
    assert.deepEqual(sorted(points), await expected(id));
  });

  it('gives a row from before trails its trail at the next save', async () => {
    const id = 'trail-legacy';
    await reports.add(report(id, '1.1', 1));
    await reports.add(report(id, '1.1', 2));
    await reports.add(report(id, '1.2', 1));
    await stripTrail(id, '1.1');
    assert.equal(await reports.statusPoints(id), undefined);
    await reports.add(report(id, '1.1', 3));
    assert.deepEqual(sorted((await reports.statusPoints(id)) ?? []), await expected(id));
  });

  it('imports a history with its trail only when it starts at the first revision', async () => {
    const id = 'trail-import';
    await reports.importHistory([report(id, '1.1', 1), report(id, '1.1', 2), report(id, '2.2', 1)]);
    assert.deepEqual(sorted((await reports.statusPoints(id)) ?? []), await expected(id));
    const other = 'trail-import-gap';
    await reports.importHistory([report(other, '1.1', 3), report(other, '1.1', 4)]);
    assert.equal(await reports.statusPoints(other), undefined);
  });

  it('stops keeping a trail that would not fit in a row, and says so', async () => {
    const id = 'trail-long';
    const longName = { aadObjectId: users.patti.aadObjectId, name: 'P'.repeat(400) };
    let revision = 0;
    while ((await reports.statusPoints(id)) !== undefined) {
      revision++;
      await reports.add(report(id, '1.1', revision, { reportedBy: longName }));
      assert.ok(revision < 200, 'the trail never stopped growing');
    }
    assert.ok(revision > 40, `stopped after ${revision} revisions`);
    await reports.add(report(id, '1.1', revision + 1));
    assert.equal(await reports.statusPoints(id), undefined);
    assert.equal((await reports.latest(id, '1.1'))?.revision, revision + 1);
  });

  it('gives the same status answers from the trails as from the whole history', async () => {
    day = 0;
    const plans = new PlanRepository(store);
    await plans.sync(agreement);
    const plan = await plans.load(agreement.id);
    assert.ok(plan);
    const rounds = new RoundRepository(store);
    await rounds.open(seededRound('q1', 'Kvartal 1', '2021-01-01T00:00:00.000Z', 'closed'));
    await rounds.open(seededRound('q2', 'Kvartal 2', '2021-01-02T12:00:00.000Z', 'closed'));
    await rounds.open(seededRound('q3', 'Kvartal 3', '2021-01-04T00:00:00.000Z', 'open'));
    const measureIds = plan.agreement.measures.map((m) => m.id);
    for (const [i, measureId] of measureIds.entries()) {
      for (let revision = 1; revision <= i % 5; revision++) {
        await reports.add(report(agreement.id, measureId, revision));
      }
    }
    const status = new StatusAnswers({
      agreementId: agreement.id,
      plans,
      reports,
      rounds,
      decisions: new DecisionRepository(store),
      timeZone: 'Europe/Stockholm',
      now: () => new Date('2021-01-06T08:00:00.000Z'),
    });
    const coordinator = { aadObjectId: users.alex.aadObjectId };
    const answers = async () =>
      [
        await status.status(plan, { kind: 'all' }, coordinator, 'sv'),
        await status.status(plan, { kind: 'goalArea', number: 1 }, coordinator, 'sv'),
        await status.missing(plan, coordinator, 'sv'),
        await status.mine(plan, { aadObjectId: users.patti.aadObjectId }, 'en'),
      ].map((card) => cardText(card).join('\n'));
    assert.ok(await reports.statusPoints(agreement.id));
    const fromTrails = await answers();
    assert.match(fromTrails[0] ?? '', /Kvartal 3/);
    for (const measureId of measureIds) {
      if ((await reports.latest(agreement.id, measureId)) !== undefined)
        await stripTrail(agreement.id, measureId);
    }
    assert.equal(await reports.statusPoints(agreement.id), undefined);
    assert.deepEqual(await answers(), fromTrails);
  });
});
