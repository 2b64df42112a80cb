import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import sinon from 'sinon';
import type { Report } from '../../src/domain/report.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { TableStore, tableNames } from '../../src/storage/tableStore.js';
import { users } from '../harness/activities.js';
import { logsDuring } from '../harness/logs.js';

/**
 * A save is two writes: the revision row (the record) and the measure's current row. When storage fails between
 * them the report is stored all the same, so the save must not answer "not saved", and the current row must be
 * caught up by the next read or save.
 */
describe('a save whose current-row write fails (Azurite)', () => {
  let azurite: LocalAzurite;
  let store: TableStore;
  let table: TableClient;
  let reports: ReportRepository;

  before(async () => {
    azurite = await startLocalAzurite();
    store = new TableStore({ connectionString: azurite.connectionString });
    await store.createTables();
    table = store.table(tableNames.reports);
    reports = new ReportRepository(store);
  });
  after(async () => {
    await azurite.stop();
  });
  afterEach(() => {
    sinon.restore();
  });

  /** Every write of a current row fails as a storage outage would; every other call goes to Azurite. */
  const failCurrentRowWrites = () => {
    const outage = () =>
      Object.assign(new Error('Service Unavailable'), { name: 'RestError', statusCode: 503 });
    const isCurrent = (entity: unknown) =>
      String((entity as { partitionKey?: unknown }).partitionKey).startsWith('current|');
    const create = table.createEntity.bind(table);
    const update = table.updateEntity.bind(table);
    const faults = { create: 0, update: 0 };
    sinon.stub(table, 'createEntity').callsFake(async (entity, options) => {
      if (!isCurrent(entity)) return create(entity, options);
      faults.create++;
      throw outage();
    });
    sinon.stub(table, 'updateEntity').callsFake(async (entity, mode, options) => {
      if (!isCurrent(entity)) return update(entity, mode, options);
      faults.update++;
      throw outage();
    });
    return faults;
  };

  let n = 0;
  const report = (agreementId: string, measureId: string, revision: number): Report => {
    n++;
    return {
      agreementId,
      measureId,
      revision,
      status: revision % 2 ? 'onTrack' : 'atRisk',
      narrative: `Läget för ${measureId} i version ${revision}.`,
      needsSteeringDecision: false,
      reportedBy: users.patti,
      reportedAt: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
      submitId: `submit-${n}`,
    };
  };

  it('the first report on a measure is saved, and the next read shows it as latest', async () => {
    const first = report('agr-first', '1.1', 1);
    const faults = failCurrentRowWrites();
    const lines = await logsDuring(async () => {
      // What the person is answered with: "Sparat".
      assert.deepEqual(await reports.save(first), { kind: 'saved', report: first });
    });
    assert.equal(faults.create, 1);
    assert.deepEqual(
      lines.map(({ level, event, agreementId, measureId, revision, statusCode }) => ({
        level,
        event,
        agreementId,
        measureId,
        revision,
        statusCode,
      })),
      [
        {
          level: 'warn',
          event: 'report.currentRowBehind',
          agreementId: 'agr-first',
          measureId: '1.1',
          revision: 1,
          statusCode: 503,
        },
      ],
    );
    assert.ok(!JSON.stringify(lines).includes(first.narrative), 'ids only, never the text');
    assert.deepEqual(await reports.revision('agr-first', '1.1', 1), first);
    sinon.restore();

    assert.deepEqual(await reports.current('agr-first'), [], 'the current row is behind until read');
    assert.deepEqual(await reports.latest('agr-first', '1.1'), first);
    assert.deepEqual(await reports.current('agr-first'), [first], 'reading caught the current row up');
    assert.deepEqual(
      (await reports.statusPoints('agr-first'))?.map((p) => p.revision),
      [1],
    );
  });

  it('a later revision is saved, and the next read catches the current row up to it', async () => {
    const [one, two, three] = [1, 2, 3].map((r) => report('agr-later', '2.1', r)) as [Report, Report, Report];
    await reports.save(one);
    const faults = failCurrentRowWrites();
    await logsDuring(async () => assert.equal((await reports.save(two)).kind, 'saved'));
    assert.equal(faults.update, 1);
    assert.deepEqual(await reports.revision('agr-later', '2.1', 2), two);
    sinon.restore();

    assert.deepEqual(await reports.latest('agr-later', '2.1'), two);
    assert.deepEqual(await reports.current('agr-later'), [two]);
    assert.deepEqual(
      (await reports.statusPoints('agr-later'))?.map((p) => p.revision),
      [1, 2],
    );
    assert.equal((await reports.save(three)).kind, 'saved');
    assert.deepEqual(await reports.latest('agr-later', '2.1'), three);
    assert.deepEqual(
      (await reports.history('agr-later', '2.1')).map((r) => r.revision),
      [1, 2, 3],
    );
  });

  it('the next save, made on the revision the person was shown as saved, goes ahead without a read first', async () => {
    const [one, two, three] = [1, 2, 3].map((r) => report('agr-next', '3.1', r)) as [Report, Report, Report];
    await reports.save(one);
    failCurrentRowWrites();
    await logsDuring(async () => assert.equal((await reports.save(two)).kind, 'saved'));
    sinon.restore();

    assert.deepEqual(await reports.save(three), { kind: 'saved', report: three });
    assert.deepEqual(await reports.current('agr-next'), [three]);
    assert.deepEqual(
      (await reports.statusPoints('agr-next'))?.map((p) => p.revision),
      [1, 2, 3],
    );
  });

  it('the same submit sent again after such a failure is answered as repeated, not stored twice', async () => {
    const first = report('agr-repeat', '4.1', 1);
    failCurrentRowWrites();
    await logsDuring(async () => assert.equal((await reports.save(first)).kind, 'saved'));
    sinon.restore();

    assert.deepEqual(await reports.save(first), { kind: 'repeated', report: first });
    assert.deepEqual(await reports.history('agr-repeat', '4.1'), [first]);
    assert.deepEqual(await reports.current('agr-repeat'), [first]);
  });
});
