import { odata, type TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../domain/auditEntry.js';
import { replaceAsRead, tableNames, type ReadRow, type TableStore } from './tableStore.js';

interface AuditRow {
  partitionKey: string;
  rowKey: string;
  actorId: string;
  actorName: string;
  action: string;
  details: string;
  at: string;
}

// Row keys count down from this, so a partition lists the newest entries first.
const maxMillis = 9_999_999_999_999;

export class AuditLog {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.audit);
  }

  async record(entry: AuditEntry): Promise<void> {
    const millis = Date.parse(entry.at);
    const row: AuditRow = {
      partitionKey: entry.agreementId,
      rowKey: `${String(maxMillis - millis).padStart(13, '0')}|${randomUUID()}`,
      actorId: entry.actor.aadObjectId,
      actorName: entry.actor.name,
      action: entry.action,
      details: JSON.stringify(entry.details),
      at: entry.at,
    };
    await this.table.createEntity(row);
  }

  /** The newest entries of an agreement, newest first. */
  async recent(agreementId: string, limit = 50): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    const pages = this.table
      .listEntities<AuditRow>({ queryOptions: { filter: odata`PartitionKey eq ${agreementId}` } })
      .byPage({ maxPageSize: limit });
    for await (const page of pages) {
      for (const row of page) {
        entries.push({
          agreementId,
          actor: { aadObjectId: row.actorId, name: row.actorName },
          action: row.action,
          details: JSON.parse(row.details) as Record<string, unknown>,
          at: row.at,
        });
      }
      break;
    }
    return entries.slice(0, limit);
  }

  /** Every entry of an agreement, newest first: what a person's data request searches. */
  async all(agreementId: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    const rows = this.table.listEntities<AuditRow>({
      queryOptions: { filter: odata`PartitionKey eq ${agreementId}` },
    });
    for await (const row of rows) entries.push(entryOf(agreementId, row));
    return entries;
  }

  /**
   * Rewrites entries in place for the erasure of a person's identity: `rewrite` gives the new entry, or undefined
   * to leave one as it is. Its time and place in the log stay. Each row is replaced only as it was read (ETag).
   * Returns how many entries were rewritten; a second run finds nothing left to rewrite.
   */
  async rewriteEntries(
    agreementId: string,
    rewrite: (entry: AuditEntry) => AuditEntry | undefined,
  ): Promise<number> {
    const rows: Array<ReadRow<AuditRow>> = [];
    const filter = odata`PartitionKey eq ${agreementId}`;
    for await (const row of this.table.listEntities<AuditRow>({ queryOptions: { filter } })) rows.push(row);
    let rewritten = 0;
    for (const row of rows) {
      const replaced = await replaceAsRead<AuditRow>(this.table, row, (stored) => {
        const next = rewrite(entryOf(agreementId, stored));
        return (
          next && {
            partitionKey: stored.partitionKey,
            rowKey: stored.rowKey,
            actorId: next.actor.aadObjectId,
            actorName: next.actor.name,
            action: next.action,
            details: JSON.stringify(next.details),
            at: stored.at,
          }
        );
      });
      if (replaced) rewritten++;
    }
    return rewritten;
  }
}

function entryOf(agreementId: string, row: AuditRow): AuditEntry {
  return {
    agreementId,
    actor: { aadObjectId: row.actorId, name: row.actorName },
    action: row.action,
    details: JSON.parse(row.details) as Record<string, unknown>,
    at: row.at,
  };
}
