import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { setLogLevel } from '../../src/platform/log.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { seededReport } from '../harness/seed.js';

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

  /**
   * Saves a first report for each of `count` measures, eight at a time, as a busy round's answers arrive; a save
   * that fails is not acknowledged and not retried.
   */
  const burst = async (
    store: TableStore,
    count: number,
    acknowledged: string[],
    onAcknowledged = () => {},
  ) => {
    const reports = new ReportRepository(store);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const measureId = `m${++next}`;
        try {
          await reports.add(
            seededReport(measureId, 1, { status: 'onTrack', reportedAt: '2021-10-18T08:00:00.000Z' }),
          );
        } catch {
          continue;
        }
        acknowledged.push(measureId);
        onAcknowledged();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };
  const storedMeasures = async (azurite: LocalAzurite) => {
    const reports = new ReportRepository(new TableStore({ connectionString: azurite.connectionString }));
    const stored: string[] = [];
    for (let i = 1; i <= 300; i++) {
      if ((await reports.history('upplands-vasby-sollentuna-2021-2022', `m${i}`)).length > 0)
        stored.push(`m${i}`);
    }
    return stored;
  };

  it('keeps every save it acknowledged when it is killed in the middle of a burst', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    const azurite = await startLocalAzurite({ location });
    try {
      const store = new TableStore(
        { connectionString: azurite.connectionString },
        { untilDurable: azurite.persisted },
      );
      await store.createTables();
      const first = azurite.pid();
      assert.ok(first);
      const acknowledged: string[] = [];
      await burst(store, 300, acknowledged, () => {
        if (acknowledged.length === 20) process.kill(first, 'SIGKILL');
      });
      // Killed when 20 were acknowledged; the saves under way then were answered "not saved" or retried.
      await until('a new Azurite', () => {
        const pid = azurite.pid();
        return pid !== undefined && pid !== first;
      });
      const stored = await storedMeasures(azurite);
      assert.deepEqual(
        acknowledged.filter((measureId) => !stored.includes(measureId)),
        [],
        `of ${acknowledged.length} acknowledged saves, these are gone`,
      );
    } finally {
      await azurite.stop();
    }
  });

  it('ends when the bot is killed, so it never outlives it, and keeps every save the bot acknowledged', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    // The bot's part: Azurite on the folder, storage as `npm start` opens it, and saves one after another, each
    // printed once acknowledged.
    const bot = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startLocalAzurite } = await import('./src/storage/localAzurite.ts');
        const { TableStore } = await import('./src/storage/tableStore.ts');
        const { ReportRepository } = await import('./src/storage/reportRepository.ts');
        const { seededReport } = await import('./test/harness/seed.ts');
        const azurite = await startLocalAzurite({ location: ${JSON.stringify(location)} });
        const store = new TableStore(
          { connectionString: azurite.connectionString },
          { untilDurable: azurite.persisted },
        );
        await store.createTables();
        console.log('azurite ' + azurite.pid());
        const reports = new ReportRepository(store);
        for (let i = 1; i <= 300; i++) {
          await reports.add(seededReport('m' + i, 1, { status: 'onTrack', reportedAt: '2021-10-18T08:00:00.000Z' }));
          console.log('saved m' + i);
        }`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    const exited = new Promise<void>((resolve) => bot.once('exit', () => resolve()));
    bot.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const acknowledged = () => [...out.matchAll(/saved (m\d+)/g)].map((found) => found[1] ?? '');
    await until('20 acknowledged saves', () => acknowledged().length >= 20 || bot.exitCode !== null);
    bot.kill('SIGKILL');
    await exited;
    const azuritePid = Number(/azurite (\d+)/.exec(out)?.[1]);
    assert.ok(acknowledged().length < 300, 'killed before it was done');
    await until('Azurite to end after the bot was killed', () => !alive(azuritePid));

    const next = await startLocalAzurite({ location });
    try {
      const stored = await storedMeasures(next);
      assert.deepEqual(
        acknowledged().filter((measureId) => !stored.includes(measureId)),
        [],
        `of ${acknowledged().length} acknowledged saves, these are gone`,
      );
    } finally {
      await next.stop();
    }
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
