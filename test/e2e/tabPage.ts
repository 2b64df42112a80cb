import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Locator, Page } from 'playwright-core';
import type { Locale } from '../../src/domain/locale.js';
import type { DevelopmentPerson } from '../../src/tab/tabSignIn.js';
import { tabTextsFor } from '../../src/tab/tabTexts.js';
import { fileName, type Artifacts } from './artifacts.js';
import { waitUntil } from './waiting.js';

export type Theme = 'default' | 'dark' | 'contrast';

/** Someone of the development sign-in's form, as it lists them: a name and a role. */
export type TabPerson = Pick<DevelopmentPerson, 'name' | 'role'>;

/** How Teams names the languages in the tab's address (`{locale}`). */
const teamsLocale: Record<Locale, string> = { sv: 'sv-se', en: 'en-us' };

/** The page's background in each theme (tab.css), to see that the theme took. */
export const themeBackground: Record<Theme, string> = {
  default: 'rgb(255, 255, 255)',
  dark: 'rgb(41, 41, 41)',
  contrast: 'rgb(0, 0, 0)',
};

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** WCAG 2.1 A and AA: what Swedish public-sector web services must meet. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * The dashboard tab as a person opens it in a browser: the page, the development sign-in form (the bot runs without
 * an app id) and what the tab's script puts in `main`.
 */
export class TabPage {
  constructor(
    readonly page: Page,
    readonly origin: string,
  ) {}

  readonly main = (): Locator => this.page.locator('main#content');

  url(path: string, locale: Locale, theme: Theme): string {
    return `${this.origin}${path}?locale=${teamsLocale[locale]}&theme=${theme}`;
  }

  /**
   * Opens `path` as `person`: chooses them in the sign-in form, or first presses "Change person" when the page is
   * shown as someone else. Calls `onSignInForm` while the form shows (to check it). Resolves once the content is in.
   */
  async open(
    path: string,
    options: { locale: Locale; theme: Theme; as: TabPerson; onSignInForm?: () => Promise<void> },
  ): Promise<void> {
    const t = tabTextsFor(options.locale);
    const label = `${options.as.name} (${t.devSignIn.roles[options.as.role]})`;
    await this.page.goto(this.url(path, options.locale, options.theme));
    const form = this.page.locator('form.dev-sign-in');
    const bar = this.page.locator('header.dev-person');
    await waitUntil(
      async () => (await form.isVisible()) || (await bar.isVisible()),
      async () => `neither the sign-in form nor who is signed in shows: ${await this.text()}`,
    );
    if (await bar.isVisible()) {
      if ((await bar.innerText()).includes(label)) return this.waitForContent();
      await bar.getByRole('button', { name: t.client.changePerson }).click();
      await form.waitFor();
    }
    await this.waitForContent();
    await options.onSignInForm?.();
    await form.getByRole('radio', { name: label, exact: true }).check();
    await form.getByRole('button', { name: t.devSignIn.signIn }).click();
    await bar.filter({ hasText: label }).waitFor();
    await this.waitForContent();
    assert.equal(await form.count(), 0, 'the sign-in form has gone');
  }

  /** The script has put something in `main` and is not loading anything; its charts are drawn. */
  async waitForContent(): Promise<void> {
    await this.page.locator('main#content[aria-busy="false"]').waitFor();
    await waitUntil(
      async () => {
        const charts = await this.page.locator('.chart').count();
        return (await this.page.locator('.chart canvas').count()) === charts;
      },
      async () => `the charts were not drawn: ${await this.text()}`,
    );
  }

  async text(): Promise<string> {
    return this.main()
      .innerText({ timeout: 5000 })
      .catch((e: unknown) => `(no text: ${String(e)})`);
  }

  /** The theme the page shows: `<html data-theme>` and its background. */
  async theme(): Promise<{ name: string | null; background: string }> {
    return this.page.evaluate(() => ({
      name: document.documentElement.getAttribute('data-theme'),
      background: getComputedStyle(document.documentElement).backgroundColor,
    }));
  }

  /** axe-core's WCAG 2.1 A and AA rules on the page as it is now, each violation with where it is. */
  async accessibilityViolations(): Promise<string[]> {
    const injected = await this.page.evaluate(() => 'axe' in window);
    // Evaluated through the DevTools protocol, so the page's Content-Security-Policy (script-src 'self') allows it.
    if (!injected) await this.page.evaluate(axeSource);
    const results = await this.page.evaluate(
      (tags) =>
        (
          window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }
        ).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
      wcagTags,
    );
    return results.violations.flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${v.id} (${v.impact ?? '?'}): ${v.help} at ${n.target.join(' ')}\n  ${n.failureSummary ?? ''}`,
      ),
    );
  }

  /** The part of the page in the window, in screens/ beside the full-page screenshots. */
  async screenTop(artifacts: Artifacts, name: string): Promise<void> {
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: path.join(artifacts.screens, `${fileName(name)}.png`) });
  }

  async assertAccessible(where: string): Promise<void> {
    const violations = await this.accessibilityViolations();
    assert.deepEqual(violations, [], `axe-core found violations of WCAG 2.1 AA on ${where}`);
  }
}
