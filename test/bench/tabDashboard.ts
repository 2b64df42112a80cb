import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Agreement } from '../../src/domain/agreement.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import type { TabAsset } from '../../src/tab/tabAssets.js';
import { bundleTab } from '../../src/tools/bundleTab.js';
import { launchBrowser, newPage } from '../e2e/browser.js';
import { startTestBot } from '../harness/testBot.js';
import { benchAgreement, benchHistory } from './benchPlan.js';

/**
 * The dashboard tab's budgets (issue #15): its script and styles as the browser gets them (gzipped), and the first
 * render of an agreement of 60 measures with 24 monthly rounds of history on loopback, in Debian's Chromium: from
 * the start of the navigation until the dashboard is on the page with every chart drawn, signed in (the
 * development sign-in, kept in the tab's session). The server's part (the content fragment over HTTP) is timed on
 * its own too.
 */
export interface TabDashboardResult {
  measures: number;
  rounds: number;
  reports: number;
  scriptGzipBytes: number;
  styleGzipBytes: number;
  fragmentMedianMs: number;
  fragmentMaxMs: number;
  firstRenderMedianMs: number;
  firstRenderMaxMs: number;
  charts: number;
}

const shape = { measures: 60, rounds: 24 };

export async function runTabDashboard(
  example: Agreement,
  options: { repeats: number; log: (line: string) => void },
): Promise<TabDashboardResult> {
  options.log('tab: bundling its script and styles (npm run build:tab)');
  const sizes = await bundleTab();
  const gzipped = (file: TabAsset) => sizes.find((s) => s.file === file)?.gzipped ?? 0;
  const [scriptGzipBytes, styleGzipBytes] = [gzipped('tab.js'), gzipped('tab.css')];

  const agreement = benchAgreement(example, {
    id: 'bench-tab',
    measures: shape.measures,
    workingGroups: 5,
    owners: 20,
    ownersPerMeasure: 2,
  });
  const firstOpenedAt = new Date('2021-01-04T07:00:00Z');
  const history = benchHistory(agreement, { rounds: shape.rounds, firstOpenedAt, answeredInOpen: 0.8 });
  const now = new Date(Date.parse(history.rounds.at(-1)?.openedAt ?? '') + 10 * 24 * 3600_000);
  const dir = await mkdtemp(join(tmpdir(), 'bench-tab-'));
  const file = join(dir, 'bench-tab.yaml');
  await writeFile(file, stringify(agreement));
  const bot = await startTestBot({
    env: { AGREEMENT_FILE: file, SCHEDULER_INTERVAL_SECONDS: '0', AUTOMATIC_ROUNDS: 'off' },
    now: () => now,
  });
  const browser = await launchBrowser();
  try {
    const rounds = new RoundRepository(bot.store);
    for (const round of history.rounds) await rounds.open(round);
    await new ReportRepository(bot.store).importHistory(history.reports);
    const coordinator = agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.members[0];
    if (!coordinator) throw new Error('The bench agreement has no coordinator');

    options.log(`tab: ${shape.measures} measures, ${shape.rounds} rounds, ${history.reports.length} reports`);
    const fragmentTimes: number[] = [];
    for (let i = 0; i < options.repeats + 2; i++) {
      const started = performance.now();
      const response = await fetch(`${bot.app.url}/tab/api/agreements/${agreement.id}?locale=sv`, {
        headers: { authorization: `Dev ${coordinator.aadObjectId}` },
      });
      const body = await response.text();
      if (response.status !== 200 || !body.includes('class="dashboard"'))
        throw new Error(`The dashboard answered ${response.status}`);
      if (i >= 2) fragmentTimes.push(performance.now() - started);
    }

    const page = await newPage(browser);
    await page.goto(`${bot.app.url}/tab/agreements/${agreement.id}?locale=sv-se&theme=default`);
    // The development sign-in offers the coordinators first; the first is chosen.
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.locator('article.dashboard').waitFor();
    const renderTimes: number[] = [];
    let charts = 0;
    for (let i = 0; i < options.repeats + 1; i++) {
      await page.reload();
      // Milliseconds since the navigation began, read in the page when the last chart is drawn.
      const at = await page.waitForFunction(
        () => {
          const figures = [...document.querySelectorAll('.chart')];
          const drawn =
            document.querySelector('article.dashboard') !== null &&
            figures.length > 0 &&
            figures.every((f) => f.querySelector('canvas') !== null);
          return drawn ? { ms: performance.now(), charts: figures.length } : false;
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
      const value = (await at.jsonValue()) as { ms: number; charts: number };
      charts = value.charts;
      if (i >= 1) renderTimes.push(value.ms);
    }
    const [fragmentMedianMs, fragmentMaxMs] = medianAndMax(fragmentTimes);
    const [firstRenderMedianMs, firstRenderMaxMs] = medianAndMax(renderTimes);
    return {
      measures: shape.measures,
      rounds: shape.rounds,
      reports: history.reports.length,
      scriptGzipBytes,
      styleGzipBytes,
      fragmentMedianMs,
      fragmentMaxMs,
      firstRenderMedianMs,
      firstRenderMaxMs,
      charts,
    };
  } finally {
    await browser.close();
    await bot.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function medianAndMax(times: number[]): [number, number] {
  const sorted = [...times].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 2)] ?? 0, sorted.at(-1) ?? 0];
}
