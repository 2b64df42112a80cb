import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { describeError, log } from '../log.js';

/**
 * Azurite's table service as a child process, for `npm start` on a machine without an Azure account and for
 * the tests. `require('azurite')` does not load outside VS Code, so its `azurite-table` entry point is run.
 */
export interface LocalAzurite {
  connectionString: string;
  port: number;
  /** The process id of the running Azurite; it changes when Azurite is restarted after dying. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** Azurite's well-known development account; it is public and only ever valid against Azurite. */
const devAccount = 'devstoreaccount1';
const devKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};` +
    `TableEndpoint=http://127.0.0.1:${port}/${devAccount};`
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function azuriteTableEntryPoint(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/table/main.js');
}

export interface LocalAzuriteOptions {
  /** Folder for Azurite's data; in memory when absent. */
  location?: string;
  port?: number;
}

export async function startLocalAzurite(options: LocalAzuriteOptions = {}): Promise<LocalAzurite> {
  const port = options.port ?? (await freePort());
  const args = [
    azuriteTableEntryPoint(),
    '--tablePort',
    String(port),
    '--loose',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  if (options.location) {
    await mkdir(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  let child = await startChild(args);
  let stopping = false;
  let restarts: number[] = [];
  const watch = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopping) return;
      // Azurite died under the bot (killed, out of memory): start it again on the same port and data, so the
      // bot and /healthz recover by themselves. At most a few times a minute, so a broken folder does not spin.
      const now = Date.now();
      restarts = [...restarts.filter((at) => now - at < 60_000), now];
      log.warn('azurite.exited', { code, signal, restart: restarts.length <= maxRestartsPerMinute });
      if (restarts.length > maxRestartsPerMinute) return;
      setTimeout(() => {
        if (stopping) return;
        startChild(args).then(
          (next) => {
            child = next;
            watch(next);
            log.info('azurite.restarted', { port });
          },
          (err: unknown) => log.error('azurite.restartFailed', describeError(err)),
        );
      }, 500);
    });
  };
  watch(child);
  return {
    connectionString: azuriteConnectionString(port),
    port,
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

const maxRestartsPerMinute = 5;

/**
 * Azurite runs under a few lines of supervision in its own process: its stdin is a pipe from this process, and
 * when that closes (this process ended, even by SIGKILL) it is stopped the way Ctrl+C stops it, saving its data.
 * So Azurite never outlives the bot, and a next start never finds a second Azurite writing to the same folder.
 */
const supervisor = `
const [entry, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], entry, ...args];
process.stdin.on('end', () => process.kill(process.pid, 'SIGINT'));
process.stdin.resume();
// Azurite ends when nothing is left to do; the open stdin must not be what keeps it.
process.on('SIGINT', () => process.stdin.destroy());
require(entry);
`;

async function startChild(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', supervisor, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  await waitUntilStarted(child);
  return child;
}

function waitUntilStarted(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('successfully started')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`Azurite exited with code ${code} before it started: ${output.trim().slice(-500)}`));
    };
    const cleanup = () => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining so a chatty Azurite never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // Azurite writes its data to disk on SIGINT (it only saves every few seconds otherwise).
    child.kill('SIGINT');
  });
}
