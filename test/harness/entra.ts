import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * Entra ID played on loopback: each tenant's key set at `/<tenant>/discovery/v2.0/keys`, with keys made for the
 * test, so that the tab's tokens are checked offline against the real verification.
 */
export interface Issuer {
  authority: string;
  /** The key sets asked for, by path. */
  requests: string[];
  close(): Promise<void>;
}

export async function startEntra(keys: Map<string, JWK[]>): Promise<Issuer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const tenantId = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(req.url ?? '')?.[1];
    const published = tenantId ? keys.get(tenantId) : undefined;
    res.writeHead(published ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(published ? { keys: published } : { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    authority: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
