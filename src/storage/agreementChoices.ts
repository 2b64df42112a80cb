import type { TableClient } from '@azure/data-tables';
import type { AgreementChoice } from '../domain/agreementChoice.js';
import { deleteAsRead, isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

interface AgreementChoiceRow extends AgreementChoice {
  partitionKey: string;
  rowKey: string;
}

const partition = 'person';

/** Each person's last agreement choice, one row per person in one partition, as their language choice. */
export class AgreementChoices {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.agreementChoices);
  }

  async get(aadObjectId: string): Promise<string | undefined> {
    try {
      return (await this.table.getEntity<AgreementChoiceRow>(partition, keyOf(aadObjectId))).agreementId;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Last choice wins: only the person themselves writes this row. */
  async choose(choice: AgreementChoice): Promise<void> {
    await this.table.upsertEntity<AgreementChoiceRow>(
      { partitionKey: partition, rowKey: keyOf(choice.aadObjectId), ...choice },
      'Replace',
    );
  }

  /** Every choice: what a person's data request searches. */
  async all(): Promise<AgreementChoice[]> {
    const choices: AgreementChoice[] = [];
    for await (const row of this.table.listEntities<AgreementChoiceRow>()) {
      choices.push({ aadObjectId: row.aadObjectId, agreementId: row.agreementId, chosenAt: row.chosenAt });
    }
    return choices;
  }

  /** Deletes a person's choice as it was read; 1 if one was deleted. */
  async forget(aadObjectId: string): Promise<number> {
    try {
      const row = await this.table.getEntity<AgreementChoiceRow>(partition, keyOf(aadObjectId));
      return (await deleteAsRead(this.table, row)) ? 1 : 0;
    } catch (err) {
      if (isStatus(err, 404)) return 0;
      throw err;
    }
  }
}
