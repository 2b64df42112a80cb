import restify from 'restify';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { restifyLogger } from './platform/log.js';
import type { BotEndpoint } from './teams/botEndpoint.js';
import { registerTabRoutes, type TabSettings } from './tab/tabRoutes.js';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface ServerParts {
  port: number;
  bot: BotEndpoint;
  /** True when storage answers. */
  storageReachable(): Promise<boolean>;
  /** Runs the jobs that are due; exposed at POST /api/jobs/run when a secret is set, for an external timer. */
  runDueJobs(): Promise<unknown>;
  jobsTriggerSecret?: string;
  /** The dashboard tab under /tab. */
  tab?: TabSettings;
}

/**
 * The HTTP surface: Teams posts to /api/messages; App Service and load balancers probe /healthz; Teams loads the
 * dashboard tab from /tab.
 */
export async function startServer(parts: ServerParts): Promise<HttpServer> {
  // restify's own lines go through ours; its default logger would write whole requests, tokens included.
  const server = restify.createServer({
    name: 'samverkansbot',
    log: restifyLogger() as unknown as restify.ServerOptions['log'],
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    await parts.bot.process(req, res);
  });

  // Probes come every few seconds from every load balancer: storage is asked at most once per interval.
  const health = cachedFor(healthCacheMs, parts.storageReachable);
  server.get('/healthz', async (_req, res) => {
    const storage = (await health()) ? 'ok' : 'unreachable';
    res.status(storage === 'ok' ? 200 : 503);
    res.json({ status: storage === 'ok' ? 'ok' : 'degraded', storage });
  });
  server.head('/healthz', async (_req, res) => {
    res.status((await health()) ? 200 : 503);
    res.end();
  });

  server.post('/api/jobs/run', async (req, res) => {
    const secret = parts.jobsTriggerSecret;
    if (!secret) {
      res.status(404);
      res.json({ error: 'not enabled' });
      return;
    }
    if (!sameSecret(req.header('x-jobs-secret') ?? '', secret)) {
      res.status(401);
      res.json({ error: 'unauthorized' });
      return;
    }
    res.json(await parts.runDueJobs());
  });

  if (parts.tab) registerTabRoutes(server, parts.tab);

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

/** How long a storage reachability answer is reused by /healthz. */
export const healthCacheMs = 5_000;

/** `ask` at most once per `ms`; callers meanwhile share the answer (or the question in flight). */
function cachedFor(ms: number, ask: () => Promise<boolean>): () => Promise<boolean> {
  let answer: { at: number; value: Promise<boolean> } | undefined;
  return () => {
    const now = Date.now();
    if (!answer || now - answer.at >= ms) {
      const value = ask().catch(() => false);
      answer = { at: now, value };
    }
    return answer.value;
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
