import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Azurite's table service as a child process, for `npm start` on a machine without an Azure account and for
 * the tests. `require('azurite')` does not load outside VS Code, so its `azurite-table` entry point is run.
 */
export interface LocalAzurite {
  connectionString: string;
  port: number;
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
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitUntilStarted(child);
  return {
    connectionString: azuriteConnectionString(port),
    port,
    stop: () => stopChild(child),
  };
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
