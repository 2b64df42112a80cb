import type { TableClient } from '@azure/data-tables';
import { isStatus, tableNames, type TableStore } from './tableStore.js';

/** One file of an archive export, as written and read back. */
export interface ArchivedFile {
  name: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  bytes: number;
}

/** The archive export made before an agreement's reports were removed. */
export interface ArchiveRecord {
  /** The JSON file first (every revision and review answer), then the CSV and the Markdown report. */
  files: ArchivedFile[];
  /** Report revisions and review answers in the JSON file. */
  revisions: number;
  reviewAnswers: number;
  /** Revisions of the steering group's decisions; missing in records from before decisions existed. */
  decisions?: number;
  months: number;
  dueOn: string;
  /** UTC ISO. */
  at: string;
}

/**
 * How far the removal of an agreement's reports has come, for one end date of the agreement.
 * `planned` → `archived` (the archive is written and verified) → `removed` (the rows are gone) → `done`.
 */
export interface RetentionRecord {
  agreementId: string;
  /** The agreement's last valid day (after extensions) that the period was counted from. */
  validTo: string;
  state: 'planned' | 'archived' | 'removed' | 'done';
  /** Which run of the retention job is current; the next is planned when one gives up. */
  generation: number;
  archive?: ArchiveRecord;
  removed?: {
    rows: number;
    reviewAnswers: number;
    decisionRows?: number;
    meetingRows?: number;
    kept: number;
    at: string;
  };
  etag: string;
}

interface RecordRow {
  partitionKey: string;
  rowKey: string;
  state: RetentionRecord['state'];
  generation: number;
  /** JSON of ArchiveRecord, or empty. */
  archive: string;
  /** JSON of RetentionRecord.removed, or empty. */
  removed: string;
}

/** Someone else wrote the record since it was read; nothing was written. */
export class RetentionRecordConflictError extends Error {
  override name = 'RetentionRecordConflictError';
}

/**
 * One row per agreement and end date in the Retention table. Every write is conditional (insert, or update on the
 * ETag read), so two instances never both move the record on.
 */
export class RetentionRecords {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.retention);
  }

  async get(agreementId: string, validTo: string): Promise<RetentionRecord | undefined> {
    try {
      const row = await this.table.getEntity<RecordRow>(agreementId, validTo);
      return {
        agreementId,
        validTo,
        state: row.state,
        generation: row.generation,
        ...(row.archive ? { archive: JSON.parse(row.archive) as ArchiveRecord } : {}),
        ...(row.removed
          ? { removed: JSON.parse(row.removed) as NonNullable<RetentionRecord['removed']> }
          : {}),
        etag: row.etag,
      };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Writes the record: inserts it when `etag` is undefined (it must not exist yet), otherwise replaces the version
   * with that ETag. Throws RetentionRecordConflictError when someone else got there first.
   */
  async save(record: Omit<RetentionRecord, 'etag'>, etag: string | undefined): Promise<RetentionRecord> {
    const row: RecordRow = {
      partitionKey: record.agreementId,
      rowKey: record.validTo,
      state: record.state,
      generation: record.generation,
      archive: record.archive ? JSON.stringify(record.archive) : '',
      removed: record.removed ? JSON.stringify(record.removed) : '',
    };
    try {
      const response =
        etag === undefined
          ? await this.table.createEntity(row)
          : await this.table.updateEntity(row, 'Replace', { etag });
      if (!response.etag) throw new Error('Table Storage answered a write without an ETag');
      return { ...record, etag: response.etag };
    } catch (err) {
      if (isStatus(err, 409) || isStatus(err, 412) || (etag !== undefined && isStatus(err, 404)))
        throw new RetentionRecordConflictError(`The retention record of ${record.agreementId} changed`);
      throw err;
    }
  }
}
