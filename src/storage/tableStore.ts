import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

/** Every table the bot uses. Only `storage/` knows these names. */
export const tableNames = {
  plan: 'Plan',
  conversations: 'Conversations',
  reports: 'Reports',
  audit: 'AuditLog',
  rounds: 'Rounds',
  jobs: 'Jobs',
  retention: 'Retention',
} as const;
export type TableName = (typeof tableNames)[keyof typeof tableNames];

export type StorageConnection = { connectionString: string } | { accountUrl: string };

export interface TableStoreOptions {
  /**
   * Counts the HTTP requests the store's clients send (`requestCount`, `continuationCount`), for benchmarks and
   * tests that check how many round trips a screen costs. Off by default: no policy is added to the pipeline.
   */
  countRequests?: boolean;
}

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

/** Table clients for one storage account, created once and shared by the repositories. */
export class TableStore {
  private readonly clients = new Map<TableName, TableClient>();
  private readonly service: TableServiceClient;
  private readonly counter: PipelinePolicy | undefined;
  /** Only with an account URL; shared by the clients, so they share one token cache. */
  private readonly credential: TokenCredential | undefined;
  private requests = 0;
  private continuations = 0;

  constructor(
    private readonly connection: StorageConnection,
    options: TableStoreOptions = {},
  ) {
    this.counter = options.countRequests ? this.countingPolicy() : undefined;
    this.credential = 'accountUrl' in connection ? defaultCredentialOnFirstUse() : undefined;
    this.service =
      'connectionString' in connection
        ? TableServiceClient.fromConnectionString(connection.connectionString, this.clientOptions())
        : new TableServiceClient(connection.accountUrl, this.tokenCredential(), this.clientOptions());
  }

  /** HTTP requests sent to storage so far, retries and further pages of a query included (0 unless counting). */
  get requestCount(): number {
    return this.requests;
  }

  /**
   * Of those, the requests for a further page of a query (Table Storage returns at most 1,000 entities per
   * page): `requestCount - continuationCount` is the number of operations and queries.
   */
  get continuationCount(): number {
    return this.continuations;
  }

  table(name: TableName): TableClient {
    let client = this.clients.get(name);
    if (!client) {
      client =
        'connectionString' in this.connection
          ? TableClient.fromConnectionString(this.connection.connectionString, name, this.clientOptions())
          : new TableClient(this.connection.accountUrl, name, this.tokenCredential(), this.clientOptions());
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

  private tokenCredential(): TokenCredential {
    if (!this.credential) throw new Error('A connection string needs no token credential');
    return this.credential;
  }

  private clientOptions(): TableServiceClientOptions {
    const connection = this.connection;
    // Azurite speaks plain HTTP on loopback; Azure itself is always HTTPS.
    const endpoint = 'connectionString' in connection ? connection.connectionString : connection.accountUrl;
    return {
      allowInsecureConnection: endpoint.includes('http://'),
      // perRetry: a retried request is another round trip, so it is counted again.
      ...(this.counter
        ? { additionalPolicies: [{ policy: this.counter, position: 'perRetry' as const }] }
        : {}),
    };
  }

  private countingPolicy(): PipelinePolicy {
    return {
      name: 'samverkansbotRequestCounter',
      sendRequest: (request, next) => {
        this.requests++;
        if (/[?&]NextPartitionKey=|[?&]NextRowKey=/.test(request.url)) this.continuations++;
        return next(request);
      },
    };
  }
}

/**
 * DefaultAzureCredential (managed identity), imported when the first token is asked for: @azure/identity and MSAL
 * take some 25 MB of memory and are never needed with a connection string (Azurite, tests, `npm start`).
 */
function defaultCredentialOnFirstUse(): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= import('@azure/identity').then(
        ({ DefaultAzureCredential }) => new DefaultAzureCredential(),
      );
      return (await credential).getToken(scopes, options);
    },
  };
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
