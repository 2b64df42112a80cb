import { odata, type TableClient } from '@azure/data-tables';
import type { ReviewAnswer } from '../domain/midTermReview.js';
import {
  deleteAsRead,
  deleteRows,
  isStatus,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from './tableStore.js';

interface ReviewRow {
  partitionKey: string;
  rowKey: string;
  data: string;
}

/** Answers to the mid-term review: every submit is kept; the newest per person counts. One partition per agreement. */
export class ReviewRepository {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.rounds);
  }

  async add(answer: ReviewAnswer): Promise<void> {
    await this.table.createEntity<ReviewRow>({
      partitionKey: partition(answer.agreementId),
      rowKey: `${keyOf(answer.answeredBy.aadObjectId)}|${answer.answeredAt}`,
      data: JSON.stringify(answer),
    });
  }

  async list(agreementId: string): Promise<ReviewAnswer[]> {
    const answers: ReviewAnswer[] = [];
    const rows = this.table.listEntities<ReviewRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partition(agreementId)}` },
    });
    for await (const row of rows) answers.push(JSON.parse(row.data) as ReviewAnswer);
    return answers;
  }

  /**
   * Removes an agreement's review answers (gallring, after an archive export), in transactions of at most 100.
   * Only answers for which `archived` answers true go. Safe to run again; returns the answers removed and kept.
   */
  async deleteAll(
    agreementId: string,
    archived: (answer: ReviewAnswer) => boolean = () => true,
  ): Promise<{ deleted: number; kept: number }> {
    const rowKeys: string[] = [];
    let kept = 0;
    const rows = this.table.listEntities<ReviewRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partition(agreementId)}` },
    });
    for await (const row of rows) {
      if (archived(JSON.parse(row.data) as ReviewAnswer)) rowKeys.push(row.rowKey);
      else kept += 1;
    }
    const deleted = await deleteRows(this.table, partition(agreementId), rowKeys);
    return { deleted, kept };
  }

  /**
   * Rewrites answers for the erasure of a person's identity: `rewrite` gives the new answer, or undefined to leave
   * one as it is. The row key names the author, so a rewritten answer moves: the new row is inserted first (an
   * earlier, interrupted run may have inserted it already), then the old one is deleted as it was read (ETag).
   * Returns how many answers were rewritten; a second run finds nothing left to rewrite.
   */
  async rewriteAnswers(
    agreementId: string,
    rewrite: (answer: ReviewAnswer) => ReviewAnswer | undefined,
  ): Promise<number> {
    const rows: Array<ReadRow<ReviewRow>> = [];
    const filter = odata`PartitionKey eq ${partition(agreementId)}`;
    for await (const row of this.table.listEntities<ReviewRow>({ queryOptions: { filter } })) rows.push(row);
    let rewritten = 0;
    for (const row of rows) {
      const next = rewrite(JSON.parse(row.data) as ReviewAnswer);
      if (!next) continue;
      const moved: ReviewRow = {
        partitionKey: row.partitionKey,
        rowKey: rowKeyOf(next),
        data: JSON.stringify(next),
      };
      if (moved.rowKey === row.rowKey) {
        if (await replaceAsRead<ReviewRow>(this.table, row, () => moved)) rewritten++;
        continue;
      }
      try {
        await this.table.createEntity<ReviewRow>(moved);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
        // Only the same answer, moved by an interrupted run, may already be there; anything else stays put.
        const there = await this.table.getEntity<ReviewRow>(moved.partitionKey, moved.rowKey);
        if (there.data !== moved.data) throw err;
      }
      if (await deleteAsRead<ReviewRow>(this.table, row, (stored) => stored.data === row.data)) rewritten++;
    }
    return rewritten;
  }
}

/** The key `add` gives an answer. */
const rowKeyOf = (answer: ReviewAnswer) => `${keyOf(answer.answeredBy.aadObjectId)}|${answer.answeredAt}`;

const partition = (agreementId: string) => `review|${agreementId}`;
