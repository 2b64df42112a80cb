import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { findExampleHistory, type ExampleHistory } from '../../src/config/exampleHistoryFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import { syncExampleHistory } from '../../src/storage/exampleHistory.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { tableNames, type TableStore } from '../../src/storage/tableStore.js';
import { users } from '../harness/activities.js';
import { logsDuring } from '../harness/logs.js';
import { startTestStore, type TestStore } from '../harness/store.js';

const exampleFile = 'agreements/example.yaml';
/** 15 rounds; 51 report revisions on 9 measures, each with its current row. */
const allRows = 15 + 51 + 9;

describe('the example history in storage (Azurite)', () => {
  let agreement: Agreement;
  let history: ExampleHistory;
  let storage: TestStore;
  let store: TableStore;

  before(async () => {
    agreement = await loadAgreementFile(exampleFile);
    const found = await findExampleHistory(exampleFile, agreement);
    assert.equal(found.kind, 'found');
    history = found.history;
  });
  beforeEach(async () => {
    storage = await startTestStore();
    ({ store } = storage);
  });
  afterEach(async () => {
    await storage.close();
  });

  /** Every row of the reports and rounds tables, with its ETag: any write changes this. */
  async function storedRows(): Promise<string[]> {
    const rows: string[] = [];
    for (const name of [tableNames.reports, tableNames.rounds]) {
      for await (const row of store.table(name).listEntities())
        rows.push(`${name} ${row.partitionKey} ${row.rowKey} ${row.etag}`);
    }
    return rows.sort();
  }

  it('writes the rounds and reports at the first start, with the trails the status screens read', async () => {
    const started = Date.now();
    const first = await syncExampleHistory(store, exampleFile, agreement);
    const tookMs = Date.now() - started;
    assert.deepEqual(first, {
      fileName: 'agreements/example.history.yaml',
      rounds: 15,
      reports: 51,
      rowsWritten: allRows,
      measuresSkipped: 0,
    });
    assert.equal((await storedRows()).length, allRows);
    assert.ok(tookMs < 5_000, `took ${tookMs} ms`);

    const rounds = await new RoundRepository(store).list(agreement.id);
    assert.equal(rounds.length, 15);
    assert.ok(rounds.every((r) => r.status === 'closed' && r.label.endsWith(' (exempel)')));
    const reports = new ReportRepository(store);
    const est = await reports.history(agreement.id, '1.1');
    assert.deepEqual(
      est.map((r) => [r.revision, r.roundId, r.indicatorValue]),
      history.reports
        .filter((r) => r.measureId === '1.1')
        .map((r) => [r.revision, r.roundId, r.indicatorValue]),
    );
    assert.equal((await reports.latest(agreement.id, '2.2'))?.status, 'delayed');
    // Every current row's trail is complete, so the status screen reads one row per measure.
    assert.equal((await reports.statusPoints(agreement.id))?.length, 51);
  });

  it('writes nothing at the second start', async () => {
    await syncExampleHistory(store, exampleFile, agreement);
    const before = await storedRows();
    const second = await syncExampleHistory(store, exampleFile, agreement);
    assert.equal(second?.rowsWritten, 0);
    assert.deepEqual(await storedRows(), before);
  });

  it('is written once when two instances start at the same time', async () => {
    const [a, b] = await Promise.all([
      syncExampleHistory(store, exampleFile, agreement),
      syncExampleHistory(store, exampleFile, agreement),
    ]);
    assert.equal((a?.rowsWritten ?? 0) + (b?.rowsWritten ?? 0), allRows);
    assert.equal((await storedRows()).length, allRows);
    assert.equal((await new ReportRepository(store).history(agreement.id, '2.1')).length, 10);
  });

  it('leaves the reports of a measure someone has already reported on exactly as they are', async () => {
    const reports = new ReportRepository(store);
    const own = {
      agreementId: agreement.id,
      measureId: '1.1',
      revision: 1,
      status: 'atRisk' as const,
      narrative: 'Lägesbilden är försenad.',
      needsSteeringDecision: false,
      reportedBy: users.alex,
      reportedAt: '2021-10-18T07:30:00.000Z',
    };
    await reports.add(own);
    const result = await syncExampleHistory(store, exampleFile, agreement);
    assert.equal(result?.measuresSkipped, 1);
    assert.equal(result?.reports, 51 - 11);
    assert.deepEqual(await reports.history(agreement.id, '1.1'), [own]);
    assert.deepEqual(await reports.latest(agreement.id, '1.1'), own);
    assert.equal((await reports.history(agreement.id, '1.3')).length, 10);
    assert.equal((await new RoundRepository(store).list(agreement.id)).length, 15);
  });

  it('completes a first start that stopped after some of the reports', async () => {
    const reports = new ReportRepository(store);
    await reports.importNewHistory(history.reports.filter((r) => r.measureId === '1.2'));
    const result = await syncExampleHistory(store, exampleFile, agreement);
    assert.equal(result?.rounds, 15);
    assert.equal((await reports.allHistory(agreement.id)).length, 51);
    assert.equal((await reports.current(agreement.id)).length, 9);
  });

  it('writes nothing into an agreement that already has one of its rounds', async () => {
    const rounds = new RoundRepository(store);
    await rounds.open({
      id: 'monthly-2021-10',
      agreementId: agreement.id,
      label: 'oktober 2021',
      trigger: 'monthly',
      measureIds: ['1.1', '1.3', '2.1'],
      openedAt: '2021-10-01T06:00:00.000Z',
      status: 'open',
    });
    const result = await syncExampleHistory(store, exampleFile, agreement);
    assert.equal(result?.rowsWritten, 0);
    assert.equal((await storedRows()).length, 1);
  });

  it('writes nothing for another agreement file, nor for a history that names another agreement', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-'));
    const copy = join(dir, 'kopia.yaml');
    await copyFile(exampleFile, copy);
    assert.equal(await syncExampleHistory(store, copy, agreement), undefined);

    const source = await readFile('agreements/example.history.yaml', 'utf8');
    await writeFile(
      join(dir, 'kopia.history.yaml'),
      source.replace(/^agreementId: .*$/m, 'agreementId: annan'),
    );
    const logs = await logsDuring(async () => {
      assert.equal(await syncExampleHistory(store, copy, agreement), undefined);
    });
    assert.deepEqual(
      logs.map((l) => [l.event, l.historyAgreementId]),
      [['exampleHistory.otherAgreement', 'annan']],
    );
    assert.deepEqual(await storedRows(), []);
  });
});
