import { odata, type TableClient } from '@azure/data-tables';
import type { ReviewAnswer } from '../domain/midTermReview.js';
import { keyOf, tableNames, type TableStore } from './tableStore.js';

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
}

const partition = (agreementId: string) => `review|${agreementId}`;
