import { odata, type TableClient } from '@azure/data-tables';
import type { ReviewAnswer } from '../domain/midTermReview.js';
import { isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

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
    let deleted = 0;
    const rows = this.table.listEntities<ReviewRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partition(agreementId)}` },
    });
    for await (const row of rows) {
      if (archived(JSON.parse(row.data) as ReviewAnswer)) rowKeys.push(row.rowKey);
      else kept += 1;
    }
    const partitionKey = partition(agreementId);
    for (let i = 0; i < rowKeys.length; i += 100) {
      const chunk = rowKeys.slice(i, i + 100);
      try {
        await this.table.submitTransaction(chunk.map((rowKey) => ['delete', { partitionKey, rowKey }]));
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
        for (const rowKey of chunk) {
          try {
            await this.table.deleteEntity(partitionKey, rowKey);
            deleted += 1;
          } catch (inner) {
            if (!isStatus(inner, 404)) throw inner;
          }
        }
        continue;
      }
      deleted += chunk.length;
    }
    return { deleted, kept };
  }
}

const partition = (agreementId: string) => `review|${agreementId}`;
