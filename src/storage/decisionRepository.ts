import { odata, type TableClient } from '@azure/data-tables';
import { applyDecisionChange, type Decision, type DecisionChange } from '../domain/decision.js';
import {
  deleteRows,
  isStatus,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from './tableStore.js';
import { RecentReads } from './recentReads.js';

type DecisionRow = {
  partitionKey: string;
  rowKey: string;
  revision: number;
  data: string;
};

/** What became of a change: stored, refused because the decision had moved on (nothing written), or no such decision. */
export type DecisionUpdate =
  { kind: 'updated'; decision: Decision } | { kind: 'stale'; current: Decision } | { kind: 'missing' };

/** How long `listRecent` hands out an agreement's decisions again without reading them. */
const listReusedMs = 10_000;

/**
 * Decisions (beslut) of the steering group, one partition per agreement. `current|id` holds each decision as it
 * stands (`list` is one partition query of those rows); `history|id|revision` keeps every revision, the first
 * included, written in the same transaction as the current row, so the history never misses a change.
 */
export class DecisionRepository {
  private readonly table: TableClient;
  /** What `list` answered lately per agreement (see `listRecent`). */
  private readonly recent = new RecentReads<Decision[]>(listReusedMs);

  constructor(store: TableStore) {
    this.table = store.table(tableNames.decisions);
  }

  /** Stores a new decision at revision 1. Recording the same id twice throws (409): ids are made unique. */
  async record(decision: Decision): Promise<void> {
    this.changed();
    await this.table.submitTransaction([
      ['create', currentRow(decision)],
      ['create', historyRow(decision)],
    ]);
  }

  /**
   * Applies a change to the decision if it still stands at `expectedRevision` (the revision the person saw), as a
   * conditional write of the current row (ETag) together with the insert of the new revision. A decision changed
   * meanwhile, here or by another instance, answers `stale` with what it is now: the change is refused, never
   * written over someone else's.
   */
  async update(
    agreementId: string,
    id: string,
    change: DecisionChange,
    expectedRevision: number,
  ): Promise<DecisionUpdate> {
    const read = await this.currentRow(agreementId, id);
    if (!read) return { kind: 'missing' };
    const current = JSON.parse(read.data) as Decision;
    if (current.revision !== expectedRevision) return { kind: 'stale', current };
    const next = applyDecisionChange(current, change);
    this.changed();
    try {
      await this.table.submitTransaction([
        ['update', currentRow(next), 'Replace', { etag: read.etag }],
        ['create', historyRow(next)],
      ]);
    } catch (err) {
      if (!isStatus(err, 412) && !isStatus(err, 409)) throw err;
      const now = await this.get(agreementId, id);
      return now ? { kind: 'stale', current: now } : { kind: 'missing' };
    }
    return { kind: 'updated', decision: next };
  }

  /** Every decision of the agreement as it stands now, in no particular order (see `sortDecisions`). */
  async list(agreementId: string): Promise<Decision[]> {
    const decisions: Decision[] = [];
    const filter = odata`PartitionKey eq ${agreementId} and RowKey ge ${'current|'} and RowKey lt ${'current}'}`;
    for await (const row of this.table.listEntities<DecisionRow>({ queryOptions: { filter } }))
      decisions.push(JSON.parse(row.data) as Decision);
    return decisions;
  }

  /**
   * `list`, answered from what it answered within `listReusedMs`: every check-in card of a round asks which
   * decisions concern its measure, a thousand cards in a minute. Only for showing: this process's own changes
   * are seen at once, another instance's at most that late.
   */
  listRecent(agreementId: string): Promise<Decision[]> {
    return this.recent.get(agreementId, () => this.list(agreementId));
  }

  private changed(): void {
    this.recent.clear();
  }

  async get(agreementId: string, id: string): Promise<Decision | undefined> {
    const row = await this.currentRow(agreementId, id);
    return row ? (JSON.parse(row.data) as Decision) : undefined;
  }

  /** Every revision of a decision, oldest first. */
  async history(agreementId: string, id: string): Promise<Decision[]> {
    const prefix = `history|${id}|`;
    // Revisions are digits only, and ':' sorts after '9'.
    const filter = odata`PartitionKey eq ${agreementId} and RowKey ge ${prefix} and RowKey lt ${`${prefix}:`}`;
    const revisions: Decision[] = [];
    for await (const row of this.table.listEntities<DecisionRow>({ queryOptions: { filter } }))
      revisions.push(JSON.parse(row.data) as Decision);
    return revisions.sort((a, b) => a.revision - b.revision);
  }

  /** Every revision of every decision of the agreement, for the personal data export. */
  async allRevisions(agreementId: string): Promise<Decision[]> {
    const filter = odata`PartitionKey eq ${agreementId} and RowKey ge ${'history|'} and RowKey lt ${'history}'}`;
    const revisions: Decision[] = [];
    for await (const row of this.table.listEntities<DecisionRow>({ queryOptions: { filter } }))
      revisions.push(JSON.parse(row.data) as Decision);
    return revisions;
  }

  /**
   * Rewrites decisions and their revisions for the erasure of a person's identity: `rewrite` gives the new
   * decision, or undefined to leave it. Keys do not name people, so rows are rewritten in place, each only as it
   * was read (ETag). Returns how many rows were rewritten; a second run finds nothing left to rewrite.
   */
  async rewriteAll(
    agreementId: string,
    rewrite: (decision: Decision) => Decision | undefined,
  ): Promise<number> {
    this.changed();
    const rows: Array<ReadRow<DecisionRow>> = [];
    const filter = odata`PartitionKey eq ${agreementId}`;
    for await (const row of this.table.listEntities<DecisionRow>({ queryOptions: { filter } }))
      rows.push(row as ReadRow<DecisionRow>);
    let rewritten = 0;
    for (const row of rows) {
      const changed = await replaceAsRead<DecisionRow>(this.table, row, (stored) => {
        const next = rewrite(JSON.parse(stored.data) as Decision);
        return next ? { ...stored, data: JSON.stringify(next) } : undefined;
      });
      if (changed) rewritten++;
    }
    return rewritten;
  }

  /**
   * Removes the decisions an archive holds, each with its history (gallring): a decision goes only when every
   * revision stored is in the archive (`archived`), so one changed after the archive was written stays whole.
   */
  async deleteArchived(
    agreementId: string,
    archived: (decisionId: string, revision: number) => boolean,
  ): Promise<{ deleted: number; kept: number }> {
    this.changed();
    const rows = new Map<string, Array<{ rowKey: string; revision: number }>>();
    const filter = odata`PartitionKey eq ${agreementId}`;
    for await (const row of this.table.listEntities<DecisionRow>({ queryOptions: { filter } })) {
      const { id } = JSON.parse(row.data) as Decision;
      rows.set(id, [...(rows.get(id) ?? []), { rowKey: row.rowKey, revision: row.revision }]);
    }
    const gone: string[] = [];
    let kept = 0;
    for (const [id, decisionRows] of rows) {
      if (decisionRows.every((r) => archived(id, r.revision)))
        gone.push(...decisionRows.map((r) => r.rowKey));
      else kept++;
    }
    return { deleted: await deleteRows(this.table, agreementId, gone), kept };
  }

  private async currentRow(agreementId: string, id: string): Promise<ReadRow<DecisionRow> | undefined> {
    try {
      return (await this.table.getEntity<DecisionRow>(agreementId, `current|${id}`)) as ReadRow<DecisionRow>;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }
}

const currentRow = (decision: Decision): DecisionRow => ({
  partitionKey: decision.agreementId,
  rowKey: `current|${decision.id}`,
  revision: decision.revision,
  data: JSON.stringify(decision),
});

/** Revisions padded to six digits, so that the history reads in order. */
const historyRow = (decision: Decision): DecisionRow => ({
  partitionKey: decision.agreementId,
  rowKey: `history|${decision.id}|${String(decision.revision).padStart(6, '0')}`,
  revision: decision.revision,
  data: JSON.stringify(decision),
});
