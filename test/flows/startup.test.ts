import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { startTestBot } from '../harness/testBot.js';

/** `npm start` as a process: what an administrator sees when the agreement file is wrong. */
function runBot(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** The tables in a storage account: none means the bot wrote nothing. */
async function tablesIn(connectionString: string): Promise<string[]> {
  const service = TableServiceClient.fromConnectionString(connectionString, {
    allowInsecureConnection: true,
  });
  const names: string[] = [];
  for await (const table of service.listTables()) names.push(table.name ?? '');
  return names;
}

describe('startup with a bad agreement file', () => {
  let azurite: LocalAzurite;
  before(async () => {
    azurite = await startLocalAzurite();
  });
  after(async () => {
    await azurite.stop();
  });

  it('names the field path, exits with code 2 and writes nothing', async () => {
    const example = await readFile('agreements/example.yaml', 'utf8');
    const broken = example.replace(/goalArea: 3\b/, 'goalArea: 7');
    assert.notEqual(broken, example, 'the example has a measure in goal area 3');
    const dir = await mkdtemp(join(tmpdir(), 'agreement-'));
    const file = join(dir, 'broken.yaml');
    await writeFile(file, broken);

    const { code, stderr } = await runBot({
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      AGREEMENT_FILE: file,
    });

    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(stderr, /measures\[\d+\]\.goalArea: no goal area number 7/);
    assert.doesNotMatch(stderr, /\bat \w+ \(/);
    assert.deepEqual(await tablesIn(azurite.connectionString), []);
  });

  it('names the file and the field of a bad file in AGREEMENTS_DIR, exits with code 2 and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agreements-'));
    await cp('agreements', dir, { recursive: true });
    const promise = join(dir, 'medborgarlofte-exempel.yaml');
    const source = await readFile(promise, 'utf8');
    const broken = source.replace('kind: medborgarlöfte', 'kind: löfte');
    assert.notEqual(broken, source);
    await writeFile(promise, broken);

    const { code, stderr } = await runBot({
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      AGREEMENTS_DIR: dir,
    });

    assert.equal(code, 2);
    assert.ok(stderr.includes(`Agreement folder ${dir} could not be loaded`), stderr);
    assert.match(stderr, /medborgarlofte-exempel\.yaml: kind: Invalid option/);
    assert.doesNotMatch(stderr, /\bat \w+ \(/);
    assert.deepEqual(await tablesIn(azurite.connectionString), []);
  });

  it('refuses a follows naming no agreement in AGREEMENTS_DIR, before anything is written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agreements-'));
    const example = await readFile('agreements/example.yaml', 'utf8');
    await writeFile(
      join(dir, 'next.yaml'),
      example.replace(/^id: .*$/m, 'id: vasby-2023\nfollows: vasby-2022'),
    );

    const { code, stderr } = await runBot({
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      AGREEMENTS_DIR: dir,
    });

    assert.equal(code, 2);
    assert.match(stderr, /next\.yaml: follows: no agreement with id vasby-2022 in the folder/);
    assert.deepEqual(await tablesIn(azurite.connectionString), []);
  });
});

describe('startup with AGREEMENTS_DIR', () => {
  it('serves the one agreement in the folder, synced into storage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agreements-'));
    await cp('agreements/medborgarlofte-exempel.yaml', join(dir, 'medborgarlofte-exempel.yaml'));
    const bot = await startTestBot({ env: { AGREEMENT_FILE: '', AGREEMENTS_DIR: dir } });
    try {
      assert.deepEqual(bot.app.agreementIds, ['upplands-vasby-medborgarlofte-2023']);
      const plan = await new PlanRepository(bot.store).load('upplands-vasby-medborgarlofte-2023');
      assert.equal(plan?.agreement.kind, 'medborgarlöfte');
    } finally {
      await bot.close();
    }
  });

  it('serves every agreement in the folder, each synced into its own partition', async () => {
    const bot = await startTestBot({ env: { AGREEMENT_FILE: '', AGREEMENTS_DIR: 'agreements' } });
    try {
      assert.deepEqual(bot.app.agreementIds, [
        'upplands-vasby-sollentuna-2021-2022',
        'upplands-vasby-medborgarlofte-2023',
      ]);
      const plans = new PlanRepository(bot.store);
      const agreement = await plans.load('upplands-vasby-sollentuna-2021-2022');
      const promise = await plans.load('upplands-vasby-medborgarlofte-2023');
      assert.equal(agreement?.agreement.kind, 'samverkansöverenskommelse');
      assert.equal(promise?.agreement.kind, 'medborgarlöfte');
    } finally {
      await bot.close();
    }
  });
});
