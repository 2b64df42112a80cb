import {
  TableClient,
  TableServiceClient,
  type TableEntity,
  type TableServiceClientOptions,
} from '@azure/data-tables';
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
  languages: 'Languages',
  agreementChoices: 'AgreementChoices',
  decisions: 'Decisions',
  meetings: 'Meetings',
} as const;
export type TableName = (typeof tableNames)[keyof typeof tableNames];

/** Table Storage takes at most 100 operations in one transaction, all of one partition. */
export const transactionMax = 100;

export type StorageConnection = { connectionString: string } | { accountUrl: string };

export interface TableStoreOptions {
  /**
   * Counts the HTTP requests the store's clients send (`requestCount`, `continuationCount`), for benchmarks and
   * tests that check how many round trips a screen costs. Off by default: no policy is added to the pipeline.
   */
  countRequests?: boolean;
  /**
   * Awaited after every write the table service accepted, before the write's caller hears of it: the embedded
   * Azurite's `persisted`, so that what the bot acknowledges is on disk. Not needed with Azure Table Storage,
   * which has stored a write durably when it answers.
   */
  untilDurable?: () => Promise<void>;
}

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

/** Table clients for one storage account, created once and shared by the repositories. */
export class TableStore {
  private readonly clients = new Map<TableName, TableClient>();
  private readonly service: TableServiceClient;
  private readonly policies: NonNullable<TableServiceClientOptions['additionalPolicies']> = [];
  /** Only with an account URL; shared by the clients, so they share one token cache. */
  private readonly credential: TokenCredential | undefined;
  private requests = 0;
  private continuations = 0;

  constructor(
    private readonly connection: StorageConnection,
    options: TableStoreOptions = {},
  ) {
    // perRetry: a retried request is another round trip, so it is counted again.
    if (options.countRequests) this.policies.push({ policy: this.countingPolicy(), position: 'perRetry' });
    // perCall: once for the write, after its retries.
    if (options.untilDurable)
      this.policies.push({ policy: durablePolicy(options.untilDurable), position: 'perCall' });
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
      // One row of one table: all that the managed identity's Storage Table Data Contributor role is sure to allow
      // (reading the service's properties may need more).
      const rows = this.table(tableNames.plan).listEntities({
        queryOptions: { select: ['PartitionKey'] },
        abortSignal: AbortSignal.timeout(3000),
      });
      await rows.byPage({ maxPageSize: 1 }).next();
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
      ...(this.policies.length > 0 ? { additionalPolicies: this.policies } : {}),
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

function durablePolicy(untilDurable: () => Promise<void>): PipelinePolicy {
  return {
    name: 'samverkansbotUntilDurable',
    sendRequest: async (request, next) => {
      const response = await next(request);
      const write = request.method !== 'GET' && request.method !== 'HEAD';
      if (write && response.status < 300) await untilDurable();
      return response;
    },
  };
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

/** A row as read, with the version (ETag) a conditional write must match. */
export type ReadRow<Row> = Row & { partitionKey: string; rowKey: string; etag: string };

/**
 * Replaces one row with what `rewrite` makes of it, but only the version that was read (ETag). If someone changed
 * the row meanwhile it is read again and `rewrite` judges it afresh, so nothing written in between is lost.
 * Returns false when `rewrite` leaves the row as it is (undefined) or the row is gone.
 */
export async function replaceAsRead<Row extends object>(
  table: TableClient,
  read: ReadRow<Row>,
  rewrite: (row: ReadRow<Row>) => Row | undefined,
): Promise<boolean> {
  return writeAsRead(table, read, (row) => {
    const next = rewrite(row);
    if (next === undefined) return undefined;
    return () =>
      table.updateEntity({ ...next, partitionKey: row.partitionKey, rowKey: row.rowKey }, 'Replace', {
        etag: row.etag,
      });
  });
}

/**
 * Deletes one row if `stillWanted` says so of the version that was read (ETag); a row changed meanwhile is read
 * and judged again. Returns whether this call deleted it (false if it was gone already).
 */
export async function deleteAsRead<Row extends object>(
  table: TableClient,
  read: ReadRow<Row>,
  stillWanted: (row: ReadRow<Row>) => boolean = () => true,
): Promise<boolean> {
  return writeAsRead(table, read, (row) =>
    stillWanted(row) ? () => table.deleteEntity(row.partitionKey, row.rowKey, { etag: row.etag }) : undefined,
  );
}

/**
 * The loop of replaceAsRead and deleteAsRead. `writeFor` judges the row as read and gives the conditional write
 * (If-Match its ETag) to make of it, or undefined to leave it (false). When the row changed meanwhile (412) it is
 * read again and judged afresh, at most five times; a row that is gone (404) answers false.
 */
async function writeAsRead<Row extends object>(
  table: TableClient,
  read: ReadRow<Row>,
  writeFor: (row: ReadRow<Row>) => (() => Promise<unknown>) | undefined,
): Promise<boolean> {
  let row = read;
  for (let attempt = 0; attempt < 5; attempt++) {
    const write = writeFor(row);
    if (write === undefined) return false;
    try {
      await write();
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      if (!isStatus(err, 412)) throw err;
    }
    const fresh = await readAgain<Row>(table, row);
    if (!fresh) return false;
    row = fresh;
  }
  throw new Error(`Row ${row.partitionKey} ${row.rowKey} kept changing`);
}

/**
 * Deletes rows of one partition, up to 100 in a transaction. A row gone meanwhile (an earlier run that stopped
 * midway, say) fails its transaction; that chunk is then deleted one row at a time. Returns how many this call
 * deleted.
 */
export async function deleteRows(
  table: TableClient,
  partitionKey: string,
  rowKeys: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < rowKeys.length; i += transactionMax) {
    const chunk = rowKeys.slice(i, i + transactionMax);
    try {
      await table.submitTransaction(chunk.map((rowKey) => ['delete', { partitionKey, rowKey }]));
      deleted += chunk.length;
      continue;
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    for (const rowKey of chunk) {
      try {
        await table.deleteEntity(partitionKey, rowKey);
        deleted += 1;
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    }
  }
  return deleted;
}

async function readAgain<Row extends object>(
  table: TableClient,
  row: { partitionKey: string; rowKey: string },
): Promise<ReadRow<Row> | undefined> {
  try {
    return (await table.getEntity<Row>(row.partitionKey, row.rowKey)) as ReadRow<Row>;
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}

/** Items grouped by partition, each group in the order given, the groups in the order of their first item. */
export function byPartition<T>(items: readonly T[], partitionOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = partitionOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** Upserts rows (Replace), a hundred of one partition to a transaction; one by one where a transaction fails. */
export async function upsertAll<Row extends TableEntity<Record<string, unknown>>>(
  table: TableClient,
  rows: readonly Row[],
): Promise<void> {
  for (const ofPartition of byPartition(rows, (row) => row.partitionKey)) {
    for (let i = 0; i < ofPartition.length; i += transactionMax) {
      const chunk = ofPartition.slice(i, i + transactionMax);
      try {
        await table.submitTransaction(chunk.map((row) => ['upsert', row, 'Replace']));
      } catch {
        for (const row of chunk) await table.upsertEntity(row, 'Replace');
      }
    }
  }
}
