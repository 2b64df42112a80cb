import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';

/** Every table the bot uses. Only `storage/` knows these names. */
export const tableNames = {
  plan: 'Plan',
  conversations: 'Conversations',
  reports: 'Reports',
  audit: 'AuditLog',
  rounds: 'Rounds',
  jobs: 'Jobs',
} as const;
export type TableName = (typeof tableNames)[keyof typeof tableNames];

export type StorageConnection = { connectionString: string } | { accountUrl: string };

/** Table clients for one storage account, created once and shared by the repositories. */
export class TableStore {
  private readonly clients = new Map<TableName, TableClient>();
  private readonly service: TableServiceClient;

  constructor(private readonly connection: StorageConnection) {
    this.service =
      'connectionString' in connection
        ? TableServiceClient.fromConnectionString(connection.connectionString, clientOptions(connection))
        : new TableServiceClient(
            connection.accountUrl,
            new DefaultAzureCredential(),
            clientOptions(connection),
          );
  }

  table(name: TableName): TableClient {
    let client = this.clients.get(name);
    if (!client) {
      client =
        'connectionString' in this.connection
          ? TableClient.fromConnectionString(
              this.connection.connectionString,
              name,
              clientOptions(this.connection),
            )
          : new TableClient(
              this.connection.accountUrl,
              name,
              new DefaultAzureCredential(),
              clientOptions(this.connection),
            );
      this.clients.set(name, client);
    }
    return client;
  }

  /** Creates the tables that do not exist yet; safe on every start. */
  async createTables(): Promise<void> {
    await Promise.all(Object.values(tableNames).map((name) => this.table(name).createTable()));
  }

  /** True when the table service answers; used by the health endpoint. */
  async isReachable(): Promise<boolean> {
    try {
      await this.service.getProperties({ abortSignal: AbortSignal.timeout(3000) });
      return true;
    } catch {
      return false;
    }
  }
}

function clientOptions(connection: StorageConnection): TableServiceClientOptions {
  // Azurite speaks plain HTTP on loopback; Azure itself is always HTTPS.
  const endpoint = 'connectionString' in connection ? connection.connectionString : connection.accountUrl;
  return { allowInsecureConnection: endpoint.includes('http://') };
}

/**
 * Row and partition keys may not contain / \ # ? or control characters, and Teams ids contain almost anything,
 * so ids from Teams are base64url-encoded into keys.
 */
export function keyOf(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: unknown }).statusCode === status;
}
