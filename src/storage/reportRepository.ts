import { odata, type TableClient } from '@azure/data-tables';
import type { Report } from '../domain/report.js';
import { isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

/** Someone else saved a report on the same measure first; nothing of either person's was overwritten. */
export class ReportConflictError extends Error {
  override name = 'ReportConflictError';
  constructor(
    readonly measureId: string,
    readonly latestRevision: number,
  ) {
    super(`Report on measure ${measureId} is already at revision ${latestRevision}`);
  }
}

interface ReportRow {
  partitionKey: string;
  rowKey: string;
  revision: number;
  data: string;
}

/**
 * Reports with every revision. `current|agreement` holds the latest report per measure (the status screen is
 * one partition read); `history|agreement|measure` holds every revision, oldest first.
 */
export class ReportRepository {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.reports);
  }

  /**
   * Stores a new revision. `report.revision` must be one more than the revision the person saw; if another
   * save got there first, a ReportConflictError is thrown and nothing is written.
   */
  async add(report: Report): Promise<void> {
    const historyKey = historyPartition(report.agreementId, report.measureId);
    const revisionKey = String(report.revision).padStart(6, '0');
    const data = JSON.stringify(report);
    const current = await this.currentRow(report.agreementId, report.measureId);
    const seen = current?.row.revision ?? 0;
    if (seen !== report.revision - 1) throw new ReportConflictError(report.measureId, seen);
    try {
      // The revision row is the record; inserting it claims the revision number.
      await this.table.createEntity({
        partitionKey: historyKey,
        rowKey: revisionKey,
        revision: report.revision,
        data,
      });
    } catch (err) {
      if (isStatus(err, 409)) throw new ReportConflictError(report.measureId, report.revision);
      throw err;
    }
    const row: ReportRow = {
      partitionKey: currentPartition(report.agreementId),
      rowKey: keyOf(report.measureId),
      revision: report.revision,
      data,
    };
    if (current) await this.table.updateEntity(row, 'Replace', { etag: current.etag });
    else await this.table.createEntity(row);
  }

  /** The latest report on every measure that has one. */
  async current(agreementId: string): Promise<Report[]> {
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey eq ${currentPartition(agreementId)}` },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  /** Every revision of a measure's report, oldest first. */
  async history(agreementId: string, measureId: string): Promise<Report[]> {
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey eq ${historyPartition(agreementId, measureId)}` },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  private async currentRow(agreementId: string, measureId: string) {
    try {
      const row = await this.table.getEntity<ReportRow>(currentPartition(agreementId), keyOf(measureId));
      return { row, etag: row.etag };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }
}

const currentPartition = (agreementId: string) => `current|${agreementId}`;
const historyPartition = (agreementId: string, measureId: string) => `history|${agreementId}|${measureId}`;
