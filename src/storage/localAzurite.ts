import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { describeError, log } from '../platform/log.js';

/**
 * Azurite's table service as a child process, for `npm start` on a machine without an Azure account and for
 * the tests. `require('azurite')` does not load outside VS Code, so its `azurite-table` entry point is run.
 */
export interface LocalAzurite {
  connectionString: string;
  port: number;
  /** The process id of the running Azurite; it changes when Azurite is restarted after dying. */
  pid(): number | undefined;
  /**
   * Resolves once everything Azurite had answered before the call is written to its folder, so that it survives
   * Azurite being killed; rejects when Azurite ends or does not manage within ten seconds. At once in memory.
   */
  persisted(): Promise<void>;
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
  const pidFile = options.location ? join(options.location, 'azurite.pid') : undefined;
  if (options.location) {
    await mkdir(options.location, { recursive: true });
    await endLeftover(join(options.location, 'azurite.pid'));
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  let child = await startChild(args, pidFile);
  const saves = new SaveRequests();
  let stopping = false;
  let restarts: number[] = [];
  const watch = (current: ChildProcess) => {
    saves.follow(current);
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
        startChild(args, pidFile).then(
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
    pid: () => (isRunning(child) ? child.pid : undefined),
    persisted: () => (options.location ? saves.request(child) : Promise.resolve()),
    stop: async () => {
      stopping = true;
      await stopChild(child);
      if (pidFile) await rm(pidFile, { force: true });
    },
  };
}

const maxRestartsPerMinute = 5;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Asks the supervised Azurite to save its data now (see the supervisor) and waits for its answer. Each request is
 * answered by a save that began after the request arrived, so it holds everything Azurite answered before.
 */
class SaveRequests {
  private next = 0;
  private readonly waiting = new Map<
    number,
    { child: ChildProcess; resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout }
  >();

  follow(child: ChildProcess): void {
    child.on('message', (message: { saved?: number; error?: string }) => {
      if (message.saved === undefined) return;
      this.settle(
        message.saved,
        message.error ? new Error(`Azurite could not save: ${message.error}`) : undefined,
      );
    });
    child.once('exit', () => {
      for (const [id, request] of this.waiting) {
        if (request.child === child) this.settle(id, new Error('Azurite ended before it had saved'));
      }
    });
    // The channel keeps this process alive only while a save is awaited.
    child.channel?.unref();
  }

  request(child: ChildProcess): Promise<void> {
    if (!isRunning(child) || !child.connected) return Promise.reject(new Error('Azurite is not running'));
    const id = ++this.next;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new Error('Azurite did not save within 10 s')), 10_000);
      timer.unref();
      this.waiting.set(id, { child, resolve, reject, timer });
      child.channel?.ref();
      child.send({ save: id }, (err) => {
        if (err) this.settle(id, err);
      });
    });
  }

  private settle(id: number, err: Error | undefined): void {
    const request = this.waiting.get(id);
    if (!request) return;
    this.waiting.delete(id);
    clearTimeout(request.timer);
    if (![...this.waiting.values()].some((other) => other.child === request.child)) {
      request.child.channel?.unref();
    }
    if (err) request.reject(err);
    else request.resolve();
  }
}

/**
 * Azurite runs under a few lines of supervision in its own process: its stdin is a pipe from this process, and
 * when that closes (this process ended, even by SIGKILL) it is stopped the way Ctrl+C stops it, saving its data.
 * So Azurite never outlives the bot, and a next start never finds a second Azurite writing to the same folder.
 *
 * Azurite's table store (LokiJS) writes its data to disk only every five seconds, so a write it has answered can
 * still be lost when it is killed. Its databases are noted as they are created, and a `{ save }` message over the
 * IPC channel saves them at once (LokiJS serialises a save's data when the save begins, and one asked for while
 * another is under way runs after it) and answers `{ saved }`; see `persisted()`.
 */
const supervisor = `
const [entry, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], entry, ...args];
process.stdin.on('end', () => process.kill(process.pid, 'SIGINT'));
process.stdin.resume();
const Loki = require(require.resolve('lokijs', { paths: [entry] }));
const databases = [];
const configure = Loki.prototype.configureOptions;
Loki.prototype.configureOptions = function (options, initialConfig) {
  if (initialConfig) databases.push(this);
  return configure.call(this, options, initialConfig);
};
const save = (db) => new Promise((resolve) => db.saveDatabase((err) => resolve(err)));
process.on('message', (message) => {
  if (typeof message?.save !== 'number') return;
  const onDisk = databases.filter((db) => db.persistenceMethod === 'fs');
  Promise.all(onDisk.map(save)).then((errors) => {
    const failed = errors.find(Boolean);
    if (process.connected) process.send({ saved: message.save, error: failed ? String(failed) : undefined });
  });
});
process.channel.unref();
// Azurite ends when nothing is left to do; the open stdin and IPC channel must not be what keeps it.
process.on('SIGINT', () => {
  process.stdin.destroy();
  if (process.connected) process.disconnect();
});
require(entry);
`;

async function startChild(args: string[], pidFile: string | undefined): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', supervisor, ...args], {
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  });
  await waitUntilStarted(child);
  if (pidFile && child.pid) await writeFile(pidFile, String(child.pid));
  return child;
}

/**
 * An Azurite left running on this folder (by a version of the bot before it ended with the bot, or one started
 * by hand) would write its stale state over the live file when it stops: it is stopped first, saving its data.
 * Only a process whose command line names Azurite is touched, never another one that got the same pid.
 */
async function endLeftover(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAzurite(pid)) return;
  log.warn('azurite.leftover', { pid });
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAzurite(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('azurite');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // Azurite writes its data to disk on SIGINT (it only saves every few seconds otherwise).
    child.kill('SIGINT');
  });
}
