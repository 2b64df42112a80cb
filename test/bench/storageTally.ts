import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on loopback in front of Azurite's table endpoint that forwards every request unchanged and counts,
 * per table and partition, the entities each request wrote (an insert, update, merge or delete, alone or in a
 * transaction) and read (the entities of a query's page or a point read), with the time it passed. Azure Table
 * Storage's scalability target is 2,000 entities a second in one partition; `peaks` gives the most any partition
 * saw within one second.
 *
 * Counted at the wire, not in the bot: what storage would see from the bot as it runs, retries and writes that
 * failed (409, 412) included, as Table Storage counts them too.
 */
export interface StorageTally {
  /** The connection string to give the bot, so that its requests go through the proxy. */
  connectionString: string;
  /** Forgets everything counted so far. */
  reset(): void;
  /** Per table and partition, the most entities written, read, and both, within any one second, most first. */
  peaks(): PartitionPeak[];
  /** Entities written and read per table since the last reset. */
  totals(): Record<string, { written: number; read: number }>;
  close(): Promise<void>;
}

export interface PartitionPeak {
  table: string;
  partition: string;
  /** Within any one second: entities written, entities read, and both together (not always the same second). */
  written: number;
  read: number;
  total: number;
}

interface Count {
  at: number;
  n: number;
}

interface PartitionCounts {
  written: Count[];
  read: Count[];
}

export async function startStorageTally(connectionString: string): Promise<StorageTally> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('a connection string with an http TableEndpoint');
  const target = new URL(endpoint);
  let counts = new Map<string, PartitionCounts>();
  const count = (table: string, partition: string, kind: 'written' | 'read', n: number) => {
    const key = `${table}\u0000${partition}`;
    let entry = counts.get(key);
    if (!entry) {
      entry = { written: [], read: [] };
      counts.set(key, entry);
    }
    entry[kind].push({ at: performance.now(), n });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const url = req.url ?? '';
      for (const write of writesOf(method, url, body)) count(write.table, write.partition, 'written', 1);
      const forwarded = request(
        { host: target.hostname, port: target.port, method, path: url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (method !== 'GET') {
            answer.pipe(res);
            return;
          }
          const table = tableOf(url);
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            parts.push(chunk);
            res.write(chunk);
          });
          answer.on('end', () => {
            res.end();
            if (!table || (answer.statusCode ?? 500) >= 300) return;
            for (const [partition, n] of readsOf(Buffer.concat(parts).toString('utf8')))
              count(table, partition, 'read', n);
          });
        },
      );
      forwarded.on('error', (err) => res.destroy(err));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    connectionString: connectionString.replace(endpoint, `http://127.0.0.1:${port}${target.pathname}`),
    reset() {
      counts = new Map();
    },
    peaks() {
      const peaks: PartitionPeak[] = [];
      for (const [key, entry] of counts) {
        const [table = '', partition = ''] = key.split('\u0000');
        peaks.push({
          table,
          partition,
          written: busiestSecond(entry.written),
          read: busiestSecond(entry.read),
          total: busiestSecond([...entry.written, ...entry.read].sort((a, b) => a.at - b.at)),
        });
      }
      return peaks.sort((a, b) => b.total - a.total);
    },
    totals() {
      const totals: Record<string, { written: number; read: number }> = {};
      for (const [key, entry] of counts) {
        const table = key.split('\u0000')[0] ?? '';
        const sum = (list: Count[]) => list.reduce((n, c) => n + c.n, 0);
        const total = (totals[table] ??= { written: 0, read: 0 });
        total.written += sum(entry.written);
        total.read += sum(entry.read);
      }
      return totals;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The most entities within any one second (a sliding window over the times counted). */
function busiestSecond(counts: readonly Count[]): number {
  let most = 0;
  let inWindow = 0;
  let start = 0;
  for (const count of counts) {
    inWindow += count.n;
    while ((counts[start]?.at ?? Infinity) <= count.at - 1_000) inWindow -= counts[start++]?.n ?? 0;
    most = Math.max(most, inWindow);
  }
  return most;
}

/**
 * The entities a request writes: one for an insert (`POST /Table`, keys in its JSON) or for an update, merge or
 * delete (`/Table(PartitionKey='…',RowKey='…')`); one per operation of a transaction (`POST /$batch`, a multipart
 * body whose operations are requests of those kinds).
 */
function writesOf(method: string, url: string, body: Buffer): Array<{ table: string; partition: string }> {
  const path = url.split('?')[0] ?? '';
  if (method === 'POST' && path.endsWith('/$batch')) {
    const text = body.toString('utf8');
    const writes: Array<{ table: string; partition: string }> = [];
    // Each operation: its request line, its headers, then (for an insert or update) its JSON.
    const operations = text.split(/^(?=(?:POST|PUT|PATCH|MERGE|DELETE) https?:\/\/)/m).slice(1);
    for (const operation of operations) {
      const line = /^(\S+) (https?:\/\/\S+) HTTP\/1\.1/.exec(operation);
      if (!line?.[1] || !line[2]) continue;
      const write = writeOf(line[1], new URL(line[2]).pathname, operation);
      if (write) writes.push(write);
    }
    return writes;
  }
  const write = writeOf(method, path, body.toString('utf8'));
  return write ? [write] : [];
}

function writeOf(
  method: string,
  path: string,
  body: string,
): { table: string; partition: string } | undefined {
  if (method === 'GET' || method === 'HEAD') return undefined;
  const table = tableOf(path);
  if (!table || table === 'Tables') return undefined;
  const keys = /\(PartitionKey='((?:[^']|'')*)',RowKey=/.exec(decodeURIComponent(path));
  if (keys?.[1] !== undefined) return { table, partition: keys[1].replace(/''/g, "'") };
  if (method !== 'POST') return undefined;
  const partition = /"PartitionKey":"((?:[^"\\]|\\.)*)"/.exec(body)?.[1];
  return partition === undefined ? undefined : { table, partition: JSON.parse(`"${partition}"`) as string };
}

/** `/devstoreaccount1/Jobs(PartitionKey=…)` or `/devstoreaccount1/Jobs()` → `Jobs`. */
function tableOf(url: string): string | undefined {
  const path = decodeURIComponent(url.split('?')[0] ?? '');
  const last =
    path
      .split('/')
      .filter((p) => p !== '')
      .at(-1) ?? '';
  const table = /^([A-Za-z][A-Za-z0-9]*)(?:\(|$)/.exec(last)?.[1];
  return table === '$batch' ? undefined : table;
}

/** The entities of a query's page or a point read, per partition. */
function readsOf(json: string): Map<string, number> {
  const reads = new Map<string, number>();
  for (const [, partition = ''] of json.matchAll(/"PartitionKey":"((?:[^"\\]|\\.)*)"/g)) {
    const key = JSON.parse(`"${partition}"`) as string;
    reads.set(key, (reads.get(key) ?? 0) + 1);
  }
  return reads;
}
