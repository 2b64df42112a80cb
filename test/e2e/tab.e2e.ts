import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import type { Agreement } from '../../src/domain/agreement.js';
import type { Locale } from '../../src/domain/locale.js';
import { reportCsv } from '../../src/domain/reportCsv.js';
import { messagesFor } from '../../src/features/shared/messages.js';
import { tabTextsFor } from '../../src/tab/tabTexts.js';
import { bundleTab } from '../../src/tools/bundleTab.js';
import { exampleAgreement } from './exampleAgreement.js';
import { e2e, screenshotsOf, sharedBrowser } from './fixture.js';
import { step } from './steps.js';
import { TabPage, themeBackground, type TabPerson, type Theme } from './tabPage.js';
import { ANY, ANY_NUMBER, anyOf, exactly, pattern, sv } from './texts.js';
import { waitUntil } from './waiting.js';

const coordinator: TabPerson = { name: 'Alex Wilber', role: 'coordinator' };
/** In the agreement's groups and owner of measures, not a coordinator. */
const member: TabPerson = { name: 'Patti Fernandez', role: 'member' };
/** The development sign-in's one person who takes part in nothing (src/tab/tabSignIn.ts). */
const outsider: TabPerson = { name: 'Utomstående Testperson', role: 'outsider' };
const themes: readonly Theme[] = ['default', 'dark', 'contrast'];

/** Each of the three in each theme, and each of them in both languages. */
const views: { who: TabPerson; locale: Locale; theme: Theme }[] = [
  { who: coordinator, locale: 'sv', theme: 'default' },
  { who: member, locale: 'en', theme: 'default' },
  { who: outsider, locale: 'sv', theme: 'default' },
  { who: coordinator, locale: 'en', theme: 'dark' },
  { who: member, locale: 'sv', theme: 'dark' },
  { who: outsider, locale: 'en', theme: 'dark' },
  { who: coordinator, locale: 'sv', theme: 'contrast' },
  { who: member, locale: 'en', theme: 'contrast' },
  { who: outsider, locale: 'en', theme: 'contrast' },
];

/**
 * The dashboard tab (src/tab/) in headless Chromium, served by the e2e bot (no app id, so the development sign-in):
 * each person chooses who they are in its form, as someone trying the tab locally does, and the tests assert what
 * the page shows them, in the language and theme of its address, and that axe-core finds nothing against WCAG 2.1
 * AA on any page. A round is open (opened with `ny runda` in the playground when none is), so there is something
 * missing to show.
 */
describe('The dashboard tab in a browser', () => {
  let context: BrowserContext | undefined;
  let tab: TabPage;
  let agreement: Agreement;
  let dashboardPath: string;

  before(async function () {
    this.timeout(120_000);
    // The script and styles as the source is now, so the run never tests an old bundle.
    await bundleTab();
    agreement = await exampleAgreement();
    dashboardPath = `/tab/agreements/${agreement.id}`;
    const origin = new URL(e2e().bot.endpoint).origin;
    await ensureOpenRound(origin, agreement.id);
    context = await sharedBrowser().newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    tab = new TabPage(page, origin);
    screenshotsOf(page);
  });

  after(async () => {
    screenshotsOf(undefined);
    await context?.close();
  });

  for (const view of views) {
    const { who, locale, theme } = view;
    it(`${who.name} (${who.role}) sees the dashboard, ${locale}, ${theme} theme`, async () => {
      const t = tabTextsFor(locale);
      await tab.open(dashboardPath, {
        locale,
        theme,
        as: who,
        onSignInForm: async () => {
          await step('the sign-in form is in the language and accessible', async () => {
            await tab.page.getByRole('heading', { level: 1, name: t.devSignIn.title }).waitFor();
            await tab.assertAccessible(`the sign-in form (${locale}, ${theme})`);
            await e2e().artifacts.screen(tab.page, `The dashboard tab - sign-in form ${locale} ${theme}`);
          });
        },
      });

      await step('the page is in the language and theme of its address', async () => {
        assert.equal(await tab.page.getAttribute('html', 'lang'), locale);
        assert.deepEqual(await tab.theme(), { name: theme, background: themeBackground[theme] });
        const bar = tab.page.locator('header.dev-person');
        assert.match(await bar.innerText(), new RegExp(t.client.signedInAs));
        await bar.getByRole('button', { name: t.client.changePerson }).waitFor();
      });

      if (who.role === 'outsider') {
        await step('an outsider sees only why not', async () => {
          assert.equal((await tab.text()).trim(), t.refused.notAllowed);
          assert.equal(await tab.page.locator('main table, main h1, main .chart').count(), 0);
        });
      } else {
        await seesTheDashboard(locale, who);
      }

      await step('axe-core finds no violation of WCAG 2.1 AA', () =>
        tab.assertAccessible(`the dashboard as ${who.name} (${locale}, ${theme})`),
      );
      // The whole page is long; its first screen is what a person sees first (the full page follows the test).
      await tab.screenTop(
        e2e().artifacts,
        `The dashboard tab - ${who.role} ${locale} ${theme} - first screen`,
      );
    });
  }

  /** What a coordinator and a member both see, and what only a coordinator sees. */
  async function seesTheDashboard(locale: Locale, who: TabPerson): Promise<void> {
    const t = tabTextsFor(locale).dashboard;
    const m = messagesFor(locale);
    const page = tab.page;
    const other = tabTextsFor(locale === 'sv' ? 'en' : 'sv').dashboard;

    await step('the goal areas, each with its light in words and its measures', async () => {
      await page.getByRole('heading', { level: 2, name: t.goalAreas, exact: true }).waitFor();
      assert.equal(await page.getByRole('heading', { name: other.goalAreas, exact: true }).count(), 0);
      for (const goal of agreement.goalAreas) {
        const section = page.locator('section.goal-area').filter({
          has: page.getByRole('heading', {
            level: 3,
            name: m.goalArea(goal.number, goal.title),
            exact: true,
          }),
        });
        const lights = (['green', 'yellow', 'red', 'grey'] as const).map(
          (l) => `${t.light[l]}: ${t.lightMeaning[l]}`,
        );
        assert.match(await section.locator('.goal-area-light').innerText(), exactly(...lights));
        const ids = await section.locator('table.measures tbody .measure-id').allInnerTexts();
        const expected = agreement.measures.filter((x) => x.goalArea === goal.number).map((x) => x.id);
        assert.deepEqual(ids, expected, `the measures of goal area ${goal.number}`);
      }
      const statuses = [...Object.values(m.statuses), t.noReport];
      const cells = await page.locator('table.measures tbody td:nth-child(2)').allInnerTexts();
      assert.equal(cells.length, agreement.measures.length);
      for (const cell of cells)
        assert.match(cell.trim(), exactly(...statuses), 'each measure has its status');
    });

    await step('the indicators: a chart and its values as a table', async () => {
      await page.getByRole('heading', { level: 2, name: t.indicators, exact: true }).waitFor();
      const withIndicator = agreement.measures.filter((x) => x.followUp.indicator);
      const tables = page.locator('table.indicator-values');
      assert.equal(await tables.count(), withIndicator.length);
      assert.equal(await page.locator('.chart[role="img"] canvas').count(), withIndicator.length);
      const first = withIndicator[0];
      const indicator = first?.followUp.indicator;
      assert.ok(first && indicator);
      const title = t.indicatorTitle(first.id, indicator.name, indicator.unit);
      await page.getByRole('img', { name: t.chartLabel(title) }).waitFor();
      await page
        .getByRole('table', { name: title })
        .getByRole('columnheader', { name: t.indicatorColumns.value })
        .waitFor();
    });

    const round = page.locator('section.round');
    const missing = round.locator('ul.missing > li');
    await step('the open round: how many have reported, and which measures are missing', async () => {
      assert.match(await round.innerText(), pattern(t.openRoundProgress(ANY, ANY_NUMBER, ANY_NUMBER)));
      assert.ok((await missing.count()) > 0, 'some measures have not reported');
    });

    const downloads = page.getByRole('navigation', { name: t.downloads });
    if (who.role === 'coordinator') {
      await step('a coordinator sees who has not reported, and the downloads', async () => {
        for (const item of await missing.allInnerTexts()) {
          const id = item.trim().split(/\s/)[0] ?? '';
          const measure = agreement.measures.find((x) => x.id === id);
          assert.ok(measure, `a missing measure: ${item}`);
          const names = measure.owners.map((o) => o.name).join(', ');
          assert.equal(item.trim(), `${measure.id} ${measure.title} – ${names}`);
        }
        assert.equal(await round.getByText(t.namesForCoordinators).count(), 0);
        await downloads.getByRole('link', { name: t.followUpFile }).waitFor();
        await downloads.getByRole('link', { name: t.reportsFile }).waitFor();
      });
    } else {
      await step(
        'a member sees which measures, not who; that names are for coordinators; no downloads',
        async () => {
          for (const item of await missing.allInnerTexts()) {
            const measure = agreement.measures.find((x) => x.id === item.trim().split(/\s/)[0]);
            assert.ok(measure, `a missing measure: ${item}`);
            assert.equal(item.trim(), `${measure.id} ${measure.title}`);
          }
          await round.getByText(t.namesForCoordinators).waitFor();
          assert.equal(await downloads.count(), 0);
          assert.equal(await page.locator('a[data-download]').count(), 0);
        },
      );
    }
  }

  it('a measure’s history opens from the keyboard (Tab to it, Enter) with its reports', async () => {
    const locale = 'en';
    const t = tabTextsFor(locale);
    await tab.open(dashboardPath, { locale, theme: 'default', as: coordinator });
    const first = agreement.measures[0];
    assert.ok(first);
    const summary = tab.page.locator('summary', { hasText: t.dashboard.history(first.id) });

    await step(`Tab reaches "${t.dashboard.history(first.id)}"`, async () => {
      await tab.page.locator('body').focus();
      await waitUntil(
        async () => {
          await tab.page.keyboard.press('Tab');
          return summary.evaluate((el) => el === document.activeElement);
        },
        async () => `Tab never reached the history of ${first.id}`,
        20_000,
      );
    });

    const row = tab.page.locator('table.measures tbody tr').filter({ has: summary });
    const latest = (await row.locator('td').nth(1).innerText()).trim();
    await step('Enter opens it and its reports come, newest first', async () => {
      await tab.page.keyboard.press('Enter');
      const reports = row.locator('.history-body ol.reports > li');
      await reports.first().waitFor();
      assert.ok(await row.locator('details.history').evaluate((d) => (d as HTMLDetailsElement).open));
      assert.ok(
        (await reports.first().innerText()).includes(latest),
        `the newest report is the latest: ${latest}`,
      );
      assert.match(await reports.first().innerText(), pattern(t.history.revision(ANY_NUMBER)));
    });
    await step('axe-core finds nothing with the history open', () => tab.assertAccessible('an open history'));
  });

  it('a coordinator downloads every report as CSV and the written follow-up as Word', async () => {
    const locale = 'sv';
    const t = tabTextsFor(locale).dashboard;
    await tab.open(dashboardPath, { locale, theme: 'contrast', as: coordinator });
    const downloads = tab.page.getByRole('navigation', { name: t.downloads });

    await step('the CSV: its name and its header', async () => {
      const [file] = await Promise.all([
        tab.page.waitForEvent('download'),
        downloads.getByRole('link', { name: t.reportsFile }).click(),
      ]);
      assert.match(file.suggestedFilename(), /^samverkan-rapporter-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = await readFile(await file.path(), 'utf8');
      const header = reportCsv({
        agreement,
        reports: [],
        rounds: [],
        timeZone: 'Europe/Stockholm',
        labels: { statuses: sv.statuses, organisations: sv.ownerOrganisation },
      }).split('\r\n')[0];
      assert.equal(csv.split('\r\n')[0], header);
      assert.ok(csv.split('\r\n').length > 10, 'the example history is in it');
    });

    await step('the Word file', async () => {
      const [file] = await Promise.all([
        tab.page.waitForEvent('download'),
        downloads.getByRole('link', { name: t.followUpFile }).click(),
      ]);
      assert.match(file.suggestedFilename(), /\.docx$/);
      const bytes = await readFile(await file.path());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a .docx is a zip');
    });
  });

  it('the personal tab lists the agreement in every theme; its link opens the dashboard', async () => {
    const locale = 'sv';
    const t = tabTextsFor(locale);
    let name = '';
    for (const theme of themes) {
      await tab.open('/tab/', { locale, theme, as: member });
      await step(`the list of agreements, ${theme} theme`, async () => {
        await tab.page.getByRole('heading', { level: 1, name: t.home.title }).waitFor();
        const links = tab.page.locator('ul.agreements a');
        assert.equal(await links.count(), 1);
        name = (await links.innerText()).trim();
        assert.deepEqual(await tab.theme(), { name: theme, background: themeBackground[theme] });
        await tab.assertAccessible(`the personal tab (${theme})`);
        await e2e().artifacts.screen(tab.page, `The dashboard tab - personal tab ${locale} ${theme}`);
      });
    }
    await step('the link opens the agreement’s dashboard, in the same language and theme', async () => {
      await tab.page.getByRole('link', { name }).click();
      await tab.page.waitForURL((url) => url.pathname === dashboardPath);
      await tab.waitForContent();
      await tab.page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
      assert.equal((await tab.theme()).name, 'contrast');
      assert.equal(await tab.page.getAttribute('html', 'lang'), 'sv');
    });
  });

  it('a channel tab’s configuration offers the agreement in every theme', async () => {
    const locale = 'en';
    const t = tabTextsFor(locale).config;
    for (const theme of themes) {
      await tab.open('/tab/config', { locale, theme, as: coordinator });
      await step(`the choice, ${theme} theme`, async () => {
        await tab.page.getByRole('heading', { level: 1, name: t.title }).waitFor();
        const group = tab.page.getByRole('group', { name: t.legend });
        const radios = group.getByRole('radio');
        assert.equal(await radios.count(), 1);
        await radios.first().check();
        await tab.assertAccessible(`the configuration page (${theme})`);
        await e2e().artifacts.screen(tab.page, `The dashboard tab - configuration ${locale} ${theme}`);
      });
    }
  });

  it('on a narrow screen the tables scroll sideways and the keyboard can scroll them', async () => {
    await tab.page.setViewportSize({ width: 420, height: 900 });
    try {
      await tab.open(dashboardPath, { locale: 'sv', theme: 'dark', as: member });
      const scrolling = tab.page.locator('.table-scroll[role="region"][tabindex="0"]');
      await step('the wide tables are named regions in the tab order', async () => {
        await waitUntil(
          async () => (await scrolling.count()) > 0,
          () => 'no table scrolls sideways at 420 pixels',
        );
        const name = await scrolling.first().getAttribute('aria-label');
        assert.ok(name, 'the region is named after its table');
      });
      await step('the charts are drawn again to fit', async () => {
        const widths = await tab.page
          .locator('.chart canvas')
          .evaluateAll((all) => all.map((c) => c.getBoundingClientRect().width));
        assert.ok(
          widths.length > 0 && widths.every((w) => w <= 420),
          `the charts' widths: ${widths.join(', ')}`,
        );
      });
      await step('axe-core finds nothing on a narrow screen', () => tab.assertAccessible('a narrow screen'));
    } finally {
      await tab.page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});

/** A round with measures still to report, so that the tab has something missing to show: `ny runda` if none is. */
async function ensureOpenRound(origin: string, agreementId: string): Promise<void> {
  const coordinatorId = '00000000-0000-0000-0000-0000000000020';
  const hasMissing = async () => {
    const response = await fetch(`${origin}/tab/api/agreements/${agreementId}?locale=sv`, {
      headers: { authorization: `Dev ${coordinatorId}` },
    });
    return (await response.text()).includes('class="missing"');
  };
  if (await hasMissing()) return;
  const chat = await e2e().playground.chat('Personal Chat');
  await step('stäng runda closes a round where everyone has reported', async () => {
    for (let closed = 0; closed < 5; closed++) {
      const reply = await chat.askAny('stäng runda', [
        { card: exactly(sv.rounds.closedTitle) },
        { card: exactly(sv.problemTitle), showing: [anyOf(sv.rounds.noneOpen)] },
      ]);
      if (!('card' in reply) || (await reply.card.heading()) !== sv.rounds.closedTitle) return;
    }
  });
  const label = `E2E flik ${new Date().toISOString().slice(11, 19)}`;
  await step('ny runda opens a round', () =>
    chat.ask(`ny runda ${label}`, { card: exactly(sv.rounds.openedTitle), showing: [label] }),
  );
  await waitUntil(hasMissing, () => 'the dashboard shows no measure missing in the new round');
}
