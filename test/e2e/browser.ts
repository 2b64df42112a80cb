import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (never a downloaded one); E2E_CHROMIUM points elsewhere, e.g. on a developer's Mac. */
export const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A tab the size of a laptop screen, so the playground shows its three panes. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}
