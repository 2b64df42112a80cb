import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';

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
    const service = TableServiceClient.fromConnectionString(azurite.connectionString, {
      allowInsecureConnection: true,
    });
    const tables: string[] = [];
    for await (const table of service.listTables()) tables.push(table.name ?? '');
    assert.deepEqual(tables, []);
  });
});
