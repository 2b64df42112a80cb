import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { setLogLevel } from '../../src/log.js';
import { startLocalAzurite } from '../../src/storage/localAzurite.js';

/** `npm start`'s embedded Azurite, as an administrator meets it when a process is killed. */
describe('the embedded Azurite', () => {
  // Its restarts are logged; the tests read what happens, not the log.
  before(() => setLogLevel('silent'));

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) assert.fail(`${what} within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('is started again when it dies, on the same port and data, so storage comes back by itself', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    const azurite = await startLocalAzurite({ location });
    try {
      const service = TableServiceClient.fromConnectionString(azurite.connectionString, {
        allowInsecureConnection: true,
      });
      await service.createTable('Kept');
      const first = azurite.pid();
      assert.ok(first);
      process.kill(first, 'SIGKILL');
      await until('a new Azurite', () => {
        const pid = azurite.pid();
        return pid !== undefined && pid !== first;
      });
      // A new client, as the bot's next request would open a new connection.
      const again = TableServiceClient.fromConnectionString(azurite.connectionString, {
        allowInsecureConnection: true,
      });
      await again.createTable('AfterRestart');
      const tables: string[] = [];
      for await (const table of again.listTables()) tables.push(table.name ?? '');
      assert.ok(tables.includes('AfterRestart'), 'the table service answers and stores again');
    } finally {
      await azurite.stop();
    }
  });

  it('ends when the process that started it is killed, so it never outlives the bot', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    const parent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/storage/localAzurite.ts').then(async (m) => {
          const azurite = await m.startLocalAzurite({ location: ${JSON.stringify(location)} });
          console.log('azurite ' + azurite.pid());
        });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const azuritePid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /azurite (\d+)/.exec(out);
        if (found) resolve(Number(found[1]));
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited with ${code}: ${out}`)));
    });
    assert.ok(alive(azuritePid));
    parent.kill('SIGKILL');
    await until('Azurite to end after its parent was killed', () => !alive(azuritePid));
  });

  it('ends an Azurite left running on its folder before it starts its own', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    // What an earlier version left behind: Azurite started on its own, its pid in the folder.
    const main = join(
      dirname(createRequire(import.meta.url).resolve('azurite/package.json')),
      'dist/src/table/main.js',
    );
    const leftover = spawn(
      process.execPath,
      [main, '--tablePort', '0', '--location', location, '--silent', '--disableTelemetry'],
      { stdio: 'ignore', detached: true },
    );
    leftover.unref();
    assert.ok(leftover.pid);
    await writeFile(join(location, 'azurite.pid'), String(leftover.pid));
    await until('the leftover to start', () => alive(leftover.pid ?? 0));

    const azurite = await startLocalAzurite({ location });
    try {
      await until('the leftover to end', () => !alive(leftover.pid ?? 0));
      const own = azurite.pid();
      assert.ok(own && alive(own) && own !== leftover.pid, 'its own Azurite runs');
      assert.equal((await readFile(join(location, 'azurite.pid'), 'utf8')).trim(), String(own));
    } finally {
      await azurite.stop();
    }
  });
});
