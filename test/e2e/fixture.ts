/**
 * Mocha root hooks for `npm run test:e2e`: one bot, one Agents Playground and one headless browser for the whole run,
 * shared by every spec through `e2e()`. A failing test leaves a screenshot and the page's text in
 * .data/e2e/failures/, every test a screenshot in .data/e2e/screens/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Artifacts } from './artifacts.js';
import { startBot, type BotProcess } from './botProcess.js';
import { launchBrowser, newPage } from './browser.js';
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

let world: World | undefined;
let cleanup: Array<() => Promise<void> | void> = [];

/** The running bot, playground and page; only inside tests and hooks. */
export function e2e(): World {
  if (!world) throw new Error('The e2e fixture is not running (see test/e2e/fixture.ts).');
  return world;
}

async function start(): Promise<World> {
  const artifacts = new Artifacts(path.join(repoRoot, '.data', 'e2e'));
  artifacts.reset();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'samverkansbot-e2e-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

  const bot = await startBot({
    repoRoot,
    port: await freePort(),
    dataDir,
    logFile: artifacts.file('bot.log'),
  });
  cleanup.push(() => bot.stop());

  const playgroundProcess: PlaygroundProcess = await startPlayground({
    botEndpoint: bot.endpoint,
    port: await freePort(),
    logFile: artifacts.file('playground.out'),
    playgroundLogFile: artifacts.file('agentsplayground.log'),
  });
  cleanup.push(() => playgroundProcess.stop());

  const browser: Browser = await launchBrowser();
  cleanup.push(() => browser.close());
  const page = await newPage(browser);
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
      world = await start();
    } catch (err) {
      await stop();
      throw err;
    }
    console.log(`    (bot, playground and browser ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  },

  async afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    if (!world || !test) return;
    const name = test.fullTitle();
    if (test.state === 'failed') {
      const base = await world.artifacts.failure(world.page, name, test.err);
      console.log(`      failure saved: ${path.relative(repoRoot, base)}.{png,txt}`);
    } else {
      await world.artifacts.screen(world.page, name);
    }
  },

  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stop();
  },
};

async function stop(): Promise<void> {
  const steps = cleanup.reverse();
  cleanup = [];
  world = undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      console.error('e2e cleanup:', err);
    }
  }
}
