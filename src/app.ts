import { createBotEndpoint } from './bot/botEndpoint.js';
import { loadAgreementFile } from './config/agreementFile.js';
import type { Config } from './config/env.js';
import { log } from './log.js';
import { startServer } from './server.js';
import { AuditLog } from './storage/auditLog.js';
import { ConversationRepository } from './storage/conversationRepository.js';
import { startLocalAzurite, type LocalAzurite } from './storage/localAzurite.js';
import { PlanRepository } from './storage/planRepository.js';
import { TableStore, type StorageConnection } from './storage/tableStore.js';

export interface RunningApp {
  url: string;
  /** Where the data is kept, for people: never a key or a password. */
  storageDescription: string;
  agreementId: string;
  close(): Promise<void>;
}

export interface AppOptions {
  now?: () => Date;
}

/**
 * The composition root: configuration → agreement file → storage → bot → HTTP server.
 * The agreement file is validated before anything is written, so a bad file changes nothing.
 */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const now = options.now ?? (() => new Date());
  const agreement = await loadAgreementFile(config.agreementFile);

  let azurite: LocalAzurite | undefined;
  let connection: StorageConnection;
  let storageDescription: string;
  switch (config.storage.kind) {
    case 'connectionString':
      connection = { connectionString: config.storage.connectionString };
      storageDescription = `Azure Table Storage (${accountNameOf(config.storage.connectionString)})`;
      break;
    case 'accountUrl':
      connection = { accountUrl: config.storage.url };
      storageDescription = `Azure Table Storage at ${config.storage.url} (managed identity)`;
      break;
    case 'embeddedAzurite':
      azurite = await startLocalAzurite({ location: config.storage.location });
      connection = { connectionString: azurite.connectionString };
      storageDescription = `embedded Azurite on port ${azurite.port}, data in ${config.storage.location}`;
      break;
  }

  try {
    const store = new TableStore(connection);
    await store.createTables();
    const plans = new PlanRepository(store);
    const { written } = await plans.sync(agreement, now());
    log.info('agreement.synced', { agreementId: agreement.id, rowsWritten: written });

    const bot = createBotEndpoint(config.bot, {
      agreementId: agreement.id,
      plans,
      conversations: new ConversationRepository(store),
      audit: new AuditLog(store),
      defaultLocale: config.defaultLocale,
      allowedTenantIds: config.allowedTenantIds,
      now,
    });
    const server = await startServer({ port: config.port, bot, storageReachable: () => store.isReachable() });
    return {
      url: server.url,
      storageDescription,
      agreementId: agreement.id,
      close: async () => {
        await server.close();
        await azurite?.stop();
      },
    };
  } catch (err) {
    await azurite?.stop();
    throw err;
  }
}

function accountNameOf(connectionString: string): string {
  return /AccountName=([^;]+)/i.exec(connectionString)?.[1] ?? 'connection string';
}
