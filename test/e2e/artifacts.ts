import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where a run leaves what a person may want to look at: `.data/e2e` (git-ignored). */
export class Artifacts {
  readonly screens: string;
  readonly failures: string;

  constructor(readonly root: string) {
    this.screens = path.join(root, 'screens');
    this.failures = path.join(root, 'failures');
  }

  /** Empties the screenshots and failures of an earlier run. */
  reset(): void {
    for (const dir of [this.screens, this.failures]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
  }

  file(name: string): string {
    mkdirSync(this.root, { recursive: true });
    return path.join(this.root, name);
  }

  /** A full-page screenshot in screens/ after a flow. */
  async screen(page: Page, name: string): Promise<string> {
    const file = path.join(this.screens, `${fileName(name)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** A failing test's full-page screenshot and the page's text in failures/. */
  async failure(page: Page, name: string, error: unknown): Promise<string> {
    const base = path.join(this.failures, fileName(name));
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
    const text = await page
      .locator('body')
      .innerText({ timeout: 5000 })
      .catch((e: unknown) => `(could not read the page: ${String(e)})`);
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    writeFileSync(`${base}.txt`, `${name}\n\n${message}\n\n--- The page's text ---\n${text}\n`);
    return base;
  }
}

/** A test's title as a file name: letters, digits, dashes. */
export function fileName(title: string): string {
  return (
    title
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120) || 'test'
  );
}
