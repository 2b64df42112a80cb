import restify from 'restify';
import type { AddressInfo } from 'node:net';
import type { BotEndpoint } from './bot/botEndpoint.js';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface ServerParts {
  port: number;
  bot: BotEndpoint;
  /** True when storage answers. */
  storageReachable(): Promise<boolean>;
}

/** The HTTP surface: Teams posts to /api/messages; App Service and load balancers probe /healthz. */
export async function startServer(parts: ServerParts): Promise<HttpServer> {
  const server = restify.createServer({ name: 'samverkansbot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    await parts.bot.process(req, res);
  });

  server.get('/healthz', async (_req, res) => {
    const storage = (await parts.storageReachable()) ? 'ok' : 'unreachable';
    res.status(storage === 'ok' ? 200 : 503);
    res.json({ status: storage === 'ok' ? 'ok' : 'degraded', storage });
  });

  await new Promise<void>((resolve) => server.listen(parts.port, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        server.server.closeAllConnections();
      }),
  };
}
