import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { setLogLevel } from '../../src/platform/log.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { startLoopbackConnector, type LoopbackConnector } from './connector.js';
import type { Activity } from './activities.js';

// Tests read what the bot sends, not its logs; LOG_LEVEL=debug npm test shows them.
setLogLevel((process.env.LOG_LEVEL as 'debug' | undefined) ?? 'silent');

export interface TestBot {
  app: RunningApp;
  connector: LoopbackConnector;
  azurite: LocalAzurite;
  store: TableStore;
  /** Posts an activity to /api/messages as Teams would; resolves with the HTTP status and body. */
  post(activity: Activity): Promise<{ status: number; body: string }>;
  /**
   * Triggers the due jobs over HTTP, as the operator's timer would, with the bot's own JOBS_TRIGGER_SECRET;
   * throws unless the answer is 200.
   */
  runJobs(): Promise<{ ran: number }>;
  close(): Promise<void>;
}

export interface TestBotOptions {
  /** Settings as environment variables, on top of the test defaults. */
  env?: Record<string, string>;
  /** Reuse a running Azurite (for restart tests); otherwise a fresh in-memory one is started. */
  azurite?: LocalAzurite;
  /**
   * Reuse a running loopback connector, e.g. for a second instance of the bot: stored conversation references
   * carry the serviceUrl of the connector that was used when they were stored. Left running by close().
   */
  connector?: LoopbackConnector;
  now?: () => Date;
  /** Write the example history beside the agreement file, as `npm start` does; off unless a test asks for it. */
  exampleHistory?: boolean;
}

/** The real server with the real adapter and real (Azurite) storage, on free ports. */
export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const azurite = options.azurite ?? (await startLocalAzurite());
  const connector = options.connector ?? (await startLoopbackConnector());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    AGREEMENT_FILE: 'agreements/example.yaml',
    ...options.env,
  });
  const app = await startApp(config, {
    ...(options.now ? { now: options.now } : {}),
    exampleHistory: options.exampleHistory ?? false,
  });
  return {
    app,
    connector,
    azurite,
    store: new TableStore({ connectionString: azurite.connectionString }),
    async post(activity) {
      const response = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      return { status: response.status, body: await response.text() };
    },
    async runJobs() {
      if (!config.jobsTriggerSecret) {
        throw new Error('runJobs() needs the test bot started with JOBS_TRIGGER_SECRET in env');
      }
      return runJobsAt(app.url, config.jobsTriggerSecret);
    },
    async close() {
      await app.close();
      if (!options.connector) await connector.close();
      if (!options.azurite) await azurite.stop();
    },
  };
}

/**
 * POSTs to /api/jobs/run of the bot at `url` (a test bot or a bot in a child process) with the trigger secret;
 * throws unless the answer is 200, so that the test fails there.
 */
export async function runJobsAt(url: string, secret: string): Promise<{ ran: number }> {
  const response = await fetch(`${url}/api/jobs/run`, {
    method: 'POST',
    headers: { 'x-jobs-secret': secret },
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`POST ${url}/api/jobs/run answered ${response.status}: ${body}`);
  }
  return JSON.parse(body) as { ran: number };
}
