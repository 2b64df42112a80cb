import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { parseAgreement } from '../../src/config/agreementFile.js';
import {
  AgreementFolderError,
  isAgreementFileName,
  loadAgreementFolder,
  loadAgreements,
} from '../../src/config/agreementFolder.js';
import { FileProblemsError } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';

describe('a folder of agreement files (AGREEMENTS_DIR)', () => {
  let example: Agreement;
  let root: string;
  let folders = 0;

  before(async () => {
    example = parseAgreement(await readFile('agreements/example.yaml', 'utf8'), 'example.yaml');
    root = await mkdtemp(join(tmpdir(), 'agreement-folder-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The example under another id, changed as `change` says. */
  function agreement(id: string, change: Partial<Agreement> = {}): Agreement {
    return { ...structuredClone(example), id, ...change };
  }

  /** A fresh folder with these files: an object is written as YAML, a string as it is. */
  async function folderWith(files: Record<string, Agreement | string>): Promise<string> {
    const dir = join(root, `folder-${++folders}`);
    await mkdir(dir);
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(dir, name), typeof content === 'string' ? content : stringify(content));
    }
    return dir;
  }

  async function problemsOf(dir: string): Promise<readonly string[]> {
    try {
      await loadAgreementFolder(dir);
    } catch (error) {
      assert.ok(error instanceof AgreementFolderError, `expected AgreementFolderError, got ${String(error)}`);
      assert.ok(
        error instanceof FileProblemsError,
        'stops the process like a bad agreement file (exit code 2)',
      );
      assert.match(
        error.message,
        new RegExp(`^Agreement folder ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} could not`),
      );
      return error.problems;
    }
    assert.fail('expected the folder to be rejected');
  }

  it('loads the shipped folder: the agreement and the citizen promise, not the example history', async () => {
    const loaded = await loadAgreementFolder('agreements');
    assert.deepEqual(
      loaded.map((l) => [basename(l.file), l.agreement.kind]),
      [
        ['example.yaml', 'samverkansöverenskommelse'],
        ['medborgarlofte-exempel.yaml', 'medborgarlöfte'],
      ],
    );
  });

  it('takes *.yaml, *.yml and *.json, in name order, and nothing else', async () => {
    assert.deepEqual(
      ['a.yaml', 'b.YML', 'c.json', 'example.history.yaml', 'README.md', 'notes.txt', 'a.yaml~'].filter(
        isAgreementFileName,
      ),
      ['a.yaml', 'b.YML', 'c.json'],
    );
    const dir = await folderWith({
      'b.yml': agreement('b'),
      'c.json': JSON.stringify(agreement('c')),
      'a.yaml': agreement('a'),
      'a.history.yaml': 'agreementId: a\nrounds: []\n',
      'README.md': '# Not an agreement',
    });
    const loaded = await loadAgreementFolder(dir);
    assert.deepEqual(
      loaded.map((l) => [basename(l.file), l.agreement.id]),
      [
        ['a.yaml', 'a'],
        ['b.yml', 'b'],
        ['c.json', 'c'],
      ],
    );
  });

  it('names the file and the field of every bad file at once', async () => {
    const dir = await folderWith({
      'good.yaml': agreement('good'),
      'bad-kind.yaml': agreement('bad-kind', { kind: 'avtal' as Agreement['kind'] }),
      'bad-date.yaml': agreement('bad-date', { validTo: '2020-01-01' }),
      'broken.yaml': 'id: x\ntitle: [\n',
    });
    const problems = await problemsOf(dir);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0] ?? '', /^bad-date\.yaml: validTo: must not be before validFrom$/);
    assert.match(problems[1] ?? '', /^bad-kind\.yaml: kind: Invalid option/);
    assert.match(problems[2] ?? '', /^broken\.yaml: line \d+, column \d+: /);
  });

  it('refuses two files with the same agreement id', async () => {
    const dir = await folderWith({ 'one.yaml': agreement('same'), 'two.yaml': agreement('same') });
    assert.deepEqual(await problemsOf(dir), ['two.yaml: id: duplicate id same, also in one.yaml']);
  });

  it('refuses a follows that names no agreement in the folder', async () => {
    const dir = await folderWith({
      '2021.yaml': agreement('vasby-2021'),
      '2023.yaml': agreement('vasby-2023', { follows: 'vasby-2022' }),
    });
    assert.deepEqual(await problemsOf(dir), [
      '2023.yaml: follows: no agreement with id vasby-2022 in the folder',
    ]);
  });

  it('accepts a succession, and refuses two successors of one agreement and a circle', async () => {
    const chain = await folderWith({
      '2021.yaml': agreement('vasby-2021'),
      '2023.yaml': agreement('vasby-2023', { follows: 'vasby-2021' }),
      '2025.yaml': agreement('vasby-2025', { follows: 'vasby-2023' }),
    });
    assert.equal((await loadAgreementFolder(chain)).length, 3);

    const twoSuccessors = await folderWith({
      'a.yaml': agreement('old'),
      'b.yaml': agreement('new-1', { follows: 'old' }),
      'c.yaml': agreement('new-2', { follows: 'old' }),
    });
    assert.deepEqual(await problemsOf(twoSuccessors), [
      'c.yaml: follows: old is already followed by new-1 (b.yaml)',
    ]);

    const circle = await folderWith({
      'a.yaml': agreement('a', { follows: 'b' }),
      'b.yaml': agreement('b', { follows: 'a' }),
    });
    assert.deepEqual(await problemsOf(circle), [
      'a.yaml: follows: a follows itself through b',
      'b.yaml: follows: b follows itself through a',
    ]);
  });

  it('checks across files only when every file is valid on its own', async () => {
    const dir = await folderWith({
      'a.yaml': agreement('a', { follows: 'b' }),
      'b.yaml': agreement('b', { signedOn: '2020-02-30' }),
    });
    assert.deepEqual(await problemsOf(dir), ['b.yaml: signedOn: not a valid calendar date']);
  });

  it('refuses an empty folder and one that does not exist', async () => {
    const empty = await folderWith({ 'README.md': 'nothing here' });
    assert.deepEqual(await problemsOf(empty), ['no agreement files (*.yaml, *.yml or *.json) in the folder']);
    const missing = join(root, 'missing');
    const [problem] = await problemsOf(missing);
    assert.match(problem ?? '', /^cannot read the folder: ENOENT/);
  });

  it('still reads one file from AGREEMENT_FILE', async () => {
    const loaded = await loadAgreements({ kind: 'file', path: 'agreements/example.yaml' });
    assert.deepEqual(
      loaded.map((l) => [l.file, l.agreement.id]),
      [['agreements/example.yaml', example.id]],
    );
  });
});
