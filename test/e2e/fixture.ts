/**
 * Mocha root hooks for `npm run test:e2e`: one bot, one Agents Playground and one headless browser for the whole run,
 * shared by every spec through `e2e()`. A spec that needs the bot started otherwise (several agreements, another
 * clock) gets a bot and playground of its own for its tests with `ownWorld()`, in the same browser. A failing test
 * leaves a screenshot and the page's text in .data/e2e/failures/, every test a screenshot in .data/e2e/screens/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Artifacts } from './artifacts.js';
import { startBot, type BotProcess } from './botProcess.js';
import { launchBrowser, newPage } from './browser.js';
import { copyAgreements } from './exampleAgreement.js';
import { Playground } from './playgroundPage.js';
import { startPlayground, type PlaygroundProcess } from './playgroundProcess.js';
import { freePort } from './ports.js';
import { en, exactly, sv } from './texts.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface World {
  page: Page;
  playground: Playground;
  bot: BotProcess;
  artifacts: Artifacts;
}

/** How a world's bot is started; nothing set is `npm start` with the example agreement and its example clock. */
export interface WorldOptions {
  /** Names its log files (`<name>-bot.log`, …), beside the shared world's. */
  name: string;
  /** Files of agreements/ (with their example histories) copied into a folder the bot gets as AGREEMENTS_DIR. */
  agreementFiles?: string[];
  /** CLOCK_START: the local time (`YYYY-MM-DDTHH:mm`, Stockholm) the bot's clock starts at. */
  clockStart?: string;
}

type Cleanup = Array<() => Promise<void> | void>;

let shared: { world: World; browser: Browser } | undefined;
/** The world of the spec running now, if it has its own: the one screenshots are taken of. */
let own: World | undefined;
/** A page of a spec's own (the tab's, say) that screenshots are taken of instead of its world's playground. */
let shown: Page | undefined;
let cleanup: Cleanup = [];

/** The running bot, playground and page; only inside tests and hooks. */
export function e2e(): World {
  return sharedState().world;
}

/**
 * A bot and playground of the calling `describe`'s own, started before its first test and stopped after its last,
 * with a tab of their own in the shared browser. Its tests get the running world from the function it returns.
 */
export function ownWorld(options: WorldOptions): () => World {
  let world: World | undefined;
  let stops: Cleanup = [];
  before(async function (this: Mocha.Context) {
    this.timeout(240_000);
    const started = Date.now();
    const { browser, world: sharedWorld } = sharedState();
    try {
      world = await startWorld(browser, sharedWorld.artifacts, options, stops);
    } catch (err) {
      await runCleanup(stops);
      stops = [];
      throw err;
    }
    own = world;
    console.log(`    (${options.name}: bot and playground ready in ${seconds(started)} s)`);
  });
  after(async function (this: Mocha.Context) {
    this.timeout(60_000);
    own = undefined;
    world = undefined;
    await runCleanup(stops);
    stops = [];
  });
  return () => {
    if (!world)
      throw new Error(`The world ${options.name} is not running (see ownWorld in test/e2e/fixture.ts).`);
    return world;
  };
}

/**
 * Screenshots after each test (and of a failure) are taken of `page` instead of the playground, until called with
 * undefined: for a spec that drives a page of its own, such as the dashboard tab.
 */
export function screenshotsOf(page: Page | undefined): void {
  shown = page;
}

/** The shared browser, for a spec that opens pages of its own in a context of its own. */
export function sharedBrowser(): Browser {
  return sharedState().browser;
}

function sharedState(): { world: World; browser: Browser } {
  if (!shared) throw new Error('The e2e fixture is not running (see test/e2e/fixture.ts).');
  return shared;
}

async function start(): Promise<{ world: World; browser: Browser }> {
  const artifacts = new Artifacts(path.join(repoRoot, '.data', 'e2e'));
  artifacts.reset();
  const browser: Browser = await launchBrowser();
  cleanup.push(() => browser.close());
  const world = await startWorld(browser, artifacts, undefined, cleanup);
  return { world, browser };
}

/** A bot, a playground against it and a tab showing it, each stop pushed onto `stops`. */
async function startWorld(
  browser: Browser,
  artifacts: Artifacts,
  options: WorldOptions | undefined,
  stops: Cleanup,
): Promise<World> {
  const logName = (file: string) => artifacts.file(options ? `${options.name}-${file}` : file);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'samverkansbot-e2e-'));
  stops.push(() => rmSync(dataDir, { recursive: true, force: true }));

  let agreementsDir: string | undefined;
  if (options?.agreementFiles) {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'samverkansbot-e2e-agreements-'));
    stops.push(() => rmSync(folder, { recursive: true, force: true }));
    copyAgreements(options.agreementFiles, folder);
    agreementsDir = folder;
  }

  const bot = await startBot({
    repoRoot,
    port: await freePort(),
    dataDir,
    logFile: logName('bot.log'),
    ...(agreementsDir ? { agreementsDir } : {}),
    ...(options?.clockStart ? { clockStart: options.clockStart } : {}),
  });
  stops.push(() => bot.stop());

  const playgroundProcess: PlaygroundProcess = await startPlayground({
    botEndpoint: bot.endpoint,
    port: await freePort(),
    logFile: logName('playground.out'),
    playgroundLogFile: logName('agentsplayground.log'),
  });
  stops.push(() => playgroundProcess.stop());

  const page = await newPage(browser);
  stops.push(() => page.context().close());
  const playground = await Playground.open(page, playgroundProcess.url);

  // The storage is new, so the bot welcomes Alex in the personal chat; from then on it can write to him there.
  const personal = await playground.chat('Personal Chat');
  await personal.waitForCard(exactly(sv.welcomeTitle, en.welcomeTitle), 0, 'the welcome');
  return { page, playground, bot, artifacts };
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(240_000);
    const started = Date.now();
    try {
      shared = await start();
    } catch (err) {
      await stop();
      throw err;
    }
    console.log(`    (bot, playground and browser ready in ${seconds(started)} s)`);
  },

  async afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    const world = own ?? shared?.world;
    if (!world || !test) return;
    const name = test.fullTitle();
    const page = shown ?? world.page;
    if (test.state === 'failed') {
      const base = await world.artifacts.failure(page, name, test.err);
      console.log(`      failure saved: ${path.relative(repoRoot, base)}.{png,txt}`);
    } else {
      await world.artifacts.screen(page, name);
    }
  },

  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stop();
  },
};

async function stop(): Promise<void> {
  const steps = cleanup;
  cleanup = [];
  shared = undefined;
  await runCleanup(steps);
}

/** Runs the stops last first; one failing does not keep the others from running. */
async function runCleanup(steps: Cleanup): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (err) {
      console.error('e2e cleanup:', err);
    }
  }
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
