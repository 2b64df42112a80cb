import assert from 'node:assert/strict';
import { withPackagesRefused } from '../harness/refusedPackages.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Memory: the server loads only what it needs to answer Teams. The Word report library (docx, about 10 MB once
 * loaded) is imported when a report is asked for, and the packaging tools' libraries never.
 */
const notAtStart = ['docx', 'jszip', '@microsoft/app-manifest', '@microsoft/m365agentsplayground'];

/**
 * Imports `modules` in a fresh process in which the packages above cannot be resolved (a module hook refuses
 * them), and resolves with what went wrong, or undefined when every import succeeded.
 */
function importWithout(modules: readonly string[]): Promise<string | undefined> {
  const script = withPackagesRefused(
    notAtStart,
    `for (const module of ${JSON.stringify(modules)}) await import(module);`,
  );
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=DEP0111', '--input-type=module', '-e', script],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) =>
      resolve(code === 0 ? undefined : (/refused at start: \S+/.exec(stderr)?.[0] ?? stderr)),
    );
  });
}

describe('what the server loads at start', () => {
  it('starts without the Word report library and the packaging tools’ libraries', async () => {
    assert.equal(
      await importWithout([
        './src/app.ts',
        './src/config/env.ts',
        './src/features/reports/followUpReportFile.ts',
      ]),
      undefined,
    );
  });

  it('loads the Word report library when a report is written (the check above can fail)', async () => {
    assert.equal(await importWithout(['./src/features/reports/docxReport.ts']), 'refused at start: docx');
  });
});
