import type { TableClient } from '@azure/data-tables';
import type { LanguageChoice } from '../domain/languageChoice.js';
import { locales, type Locale } from '../domain/locale.js';
import { deleteAsRead, isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

interface LanguageRow {
  partitionKey: string;
  rowKey: string;
  aadObjectId: string;
  locale: string;
  chosenAt: string;
}

const partition = 'person';

/** Each person's chosen language, one row per person in one partition. */
export class LanguageChoices {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.languages);
  }

  async get(aadObjectId: string): Promise<Locale | undefined> {
    try {
      const row = await this.table.getEntity<LanguageRow>(partition, keyOf(aadObjectId));
      return localeOf(row.locale);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Last choice wins: the person changes their mind, nobody else writes this row. */
  async choose(choice: LanguageChoice): Promise<void> {
    await this.table.upsertEntity<LanguageRow>(
      { partitionKey: partition, rowKey: keyOf(choice.aadObjectId), ...choice },
      'Replace',
    );
  }

  /** Every choice: what a person's data request searches. */
  async all(): Promise<LanguageChoice[]> {
    const choices: LanguageChoice[] = [];
    for await (const row of this.table.listEntities<LanguageRow>()) {
      const locale = localeOf(row.locale);
      if (locale) choices.push({ aadObjectId: row.aadObjectId, locale, chosenAt: row.chosenAt });
    }
    return choices;
  }

  /** Deletes a person's choice as it was read; 1 if one was deleted. */
  async forget(aadObjectId: string): Promise<number> {
    try {
      const row = await this.table.getEntity<LanguageRow>(partition, keyOf(aadObjectId));
      return (await deleteAsRead(this.table, row)) ? 1 : 0;
    } catch (err) {
      if (isStatus(err, 404)) return 0;
      throw err;
    }
  }
}

function localeOf(value: string): Locale | undefined {
  return locales.find((l) => l === value);
}
