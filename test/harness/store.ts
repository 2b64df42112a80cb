import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { TableStore } from '../../src/storage/tableStore.js';

export interface TestStore {
  azurite: LocalAzurite;
  /** A store on the Azurite, its tables created. */
  store: TableStore;
  /** Another store on the same Azurite, as a second instance of the bot would have. */
  connect(): TableStore;
  /** Stops the Azurite. */
  close(): Promise<void>;
}

/** A fresh in-memory Azurite with the bot's tables. */
export async function startTestStore(): Promise<TestStore> {
  const azurite = await startLocalAzurite();
  const connect = () => new TableStore({ connectionString: azurite.connectionString });
  try {
    const store = connect();
    await store.createTables();
    return { azurite, store, connect, close: () => azurite.stop() };
  } catch (err) {
    await azurite.stop();
    throw err;
  }
}
