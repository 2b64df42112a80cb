import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One entity group transaction as it reached storage: its operations, e.g. `DELETE reports(PartitionKey=…)`. */
export interface SeenBatch {
  operations: string[];
}

export interface StorageProxy {
  /** The connection string to give a TableStore, so that its requests go through the proxy. */
  connectionString: string;
  /** The `$batch` requests forwarded so far, in the order they arrived. */
  batches: SeenBatch[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on loopback in front of Azurite's table endpoint that forwards every request unchanged and
 * records the transactions (`POST …/$batch`) that pass through, so that tests see what reached storage.
 */
export async function startStorageProxy(connectionString: string): Promise<StorageProxy> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('a connection string with an http TableEndpoint');
  const target = new URL(endpoint);
  const batches: SeenBatch[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && (req.url ?? '').split('?')[0]?.endsWith('/$batch')) {
        const operations = [
          ...body.toString('utf8').matchAll(/^([A-Z]+) https?:\/\/\S+?\/([^/\s]+) HTTP\/1\.1\r?$/gm),
        ];
        batches.push({ operations: operations.map(([, method, resource]) => `${method} ${resource}`) });
      }
      const forwarded = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
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
    batches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
