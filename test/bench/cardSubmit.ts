import autocannon, { type Request, type Result } from 'autocannon';
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { setLogLevel } from '../../src/platform/log.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { cardAction, personalMessage, users, type Activity } from '../harness/activities.js';
import type { SentActivity } from '../harness/connector.js';
import { cpuTimeMs } from './benchProcess.js';
import { measureIdOf } from './fanOut.js';
import { benchMorning, type BenchWorld } from './world.js';

/**
 * Stage 1: owners save their check-in cards (`adaptiveCard/action` invoke, verb `checkIn.submit`) at 64
 * connections, against the echo bot answering messages at 64 connections, in alternating runs.
 *
 * What makes it fair: every request is a real new report. Each carries a fresh submit id and the revision the
 * measure is at, so the bot validates it, stores a new revision (read current, insert history, replace
 * current), renders the saved card and updates the posted message through the connector, exactly as when a
 * person presses Save. A measure is never in two requests at once (requests take a measure from a pool and
 * give it back with its answer), so there are no conflicts and no repeats. Presses come from the owners' personal
 * chats, taking turns between a measure's owners, with the form data the bot itself put on the cards it posted in
 * stage 3.
 *
 * What keeps the count honest: the revisions in storage are counted before and after every bot run (warm-up and
 * the storage-request count included, each against its own answers), once the bot has settled, and each run must
 * have gained at least as many as it was told were saved and at most that plus the requests that got no answer
 * (autocannon stops without waiting for them; the bot finishes them meanwhile). Anything else fails the benchmark.
 */
export interface SubmitRun {
  target: 'bot' | 'echo';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Bot runs: answers that said the report was saved, repeated, in conflict, or anything else. */
  outcomes?: Record<'saved' | 'repeated' | 'conflict' | 'other', number>;
  /** Bot runs: the revisions the run added to storage, checked against its answers. */
  revisions?: RevisionCount;
  /**
   * CPU time per answered request, ms: of the bot (or echo bot) process, of Azurite, and of this process (the
   * load generator and the loopback connector). Unlike requests per second, it hardly depends on what else the
   * machine is doing.
   */
  cpuMsPerRequest: { server: number; azurite: number; benchmark: number };
}

/**
 * The revisions one stretch of presses added to storage, against what the bot answered: `saved` answers, and
 * requests `unanswered` when the load stopped (each may or may not have stored its revision). Holds when
 * saved ≤ gained ≤ saved + unanswered.
 */
export interface RevisionCount {
  what: string;
  saved: number;
  unanswered: number;
  /** Revisions in storage after the stretch (the bot settled) minus before it. */
  gained: number;
  holds: boolean;
}

export interface SubmitResult {
  connections: number;
  runSeconds: number;
  runs: SubmitRun[];
  bot: Typical;
  echo: Typical;
  /** Median of the ratios of each bot run to the echo run next to it. */
  ratio: number;
  /** Median of the ratios of the bot's CPU per submit to the echo bot's per message, run next to each other. */
  cpuRatio: number;
  /** Revisions the measured bot runs added to storage (warm-up and the storage-request count not included). */
  revisionsStored: number;
  /** Every stretch of presses checked: the measured runs, the warm-up and the storage-request count. */
  counts: RevisionCount[];
  peakRssBytes: number;
  storage: StorageRequests;
}

/**
 * Storage requests of one submit once the bot is warm (plan read, the owner's chat known, the measure's current
 * row seen), counted in a second instance of the bot run in this process, one submit at a time: `perSubmit` on
 * average, `kinds` by method and table over all `submits`; and the same with `concurrency` submits at once, on
 * as many measures, where submits share reads of the plan's version (PlanRepository).
 */
export interface StorageRequests {
  submits: number;
  perSubmit: number;
  kinds: Record<string, number>;
  atOnce: { concurrency: number; submits: number; perSubmit: number; kinds: Record<string, number> };
  /** Every press made, the warm-up ones included; each was saved. */
  presses: number;
}

/** Medians over the runs. */
export interface Typical {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: SubmitRun['cpuMsPerRequest'];
}

interface Press {
  /** The activity without id and value, ready to be filled in. */
  base: Activity;
  data: Record<string, unknown>;
}

interface Slot {
  measureId: string;
  presses: Press[];
  turn: number;
}

export async function runCardSubmit(
  world: BenchWorld,
  posted: readonly SentActivity[],
  options: { connections: number; runSeconds: number; pairs: number; warmUpSeconds: number },
): Promise<SubmitResult> {
  const serviceUrl = world.connector.serviceUrl;
  const reports = new ReportRepository(new TableStore({ connectionString: world.azurite.connectionString }));
  const slots = slotsFrom(world, posted, serviceUrl);
  if (slots.length < options.connections * 2) {
    throw new Error(`Only ${slots.length} measures with forms; need at least ${options.connections * 2}`);
  }
  const revisions = new Map<string, number>();
  const syncRevisions = async () => {
    revisions.clear();
    for (const report of await reports.current(world.agreement.id))
      revisions.set(report.measureId, report.revision);
  };
  const stored = () => storedRevisions(reports, world.agreement.id);
  const counts: RevisionCount[] = [];

  const echoBody = JSON.stringify(personalMessage('hej', { serviceUrl, from: users.alex }));
  const echoRun = async (seconds: number) => {
    const cpu = cpuMeter(world, world.echo.pid);
    const result = await load(world.echo.url, seconds, options.connections, {
      method: 'POST',
      path: '/api/messages',
      headers: { 'content-type': 'application/json' },
      body: echoBody,
    });
    return { result, cpu: cpu.perRequest(result.requests.total) };
  };

  const botRun = async (seconds: number, what: string) => {
    await syncRevisions();
    const before = await stored();
    const pool = [...slots];
    const outcomes = { saved: 0, repeated: 0, conflict: 0, other: 0 };
    // autocannon builds each request right before it writes it (setupRequest), so sent − answered is what was
    // still in flight when it stopped.
    let sent = 0;
    let answered = 0;
    const request: Request = {
      method: 'POST',
      path: '/api/messages',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req, context) => {
        const slot = pool.shift();
        if (!slot) throw new Error('No measure is free: more connections than measures');
        (context as { slot?: Slot }).slot = slot;
        sent++;
        return { ...req, body: JSON.stringify(submitOf(slot, revisions.get(slot.measureId) ?? 0)) };
      },
      onResponse: (status, body, context) => {
        answered++;
        const slot = (context as { slot?: Slot }).slot;
        if (!slot) return;
        const outcome =
          status !== 200
            ? 'other'
            : body.includes('Sparat. Tack!')
              ? 'saved'
              : body.includes('redan sparat')
                ? 'repeated'
                : body.includes('sparade en nyare rapport')
                  ? 'conflict'
                  : 'other';
        outcomes[outcome]++;
        if (outcome === 'saved') revisions.set(slot.measureId, (revisions.get(slot.measureId) ?? 0) + 1);
        slot.turn++;
        pool.push(slot);
      },
    };
    const memory = world.bot.sampleMemory();
    const cpu = cpuMeter(world, world.bot.pid);
    const result = await load(world.bot.url, seconds, options.connections, request);
    const cpuMsPerRequest = cpu.perRequest(result.requests.total);
    // autocannon stops without waiting for the requests still in flight; the bot finishes them meanwhile.
    await settled(world);
    const peak = memory.stop();
    world.connector.clear();
    const count = countOf(what, outcomes.saved, sent - answered, (await stored()) - before);
    counts.push(count);
    return { result, outcomes, peak, cpu: cpuMsPerRequest, count };
  };

  // Warm up both (JIT, connection pools, Azurite's tables), then alternate, swapping which goes first.
  await echoRun(options.warmUpSeconds);
  await botRun(options.warmUpSeconds, 'warm-up');
  world.connector.clear();

  const runs: SubmitRun[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  let peakRssBytes = 0;
  for (let pair = 0; pair < options.pairs; pair++) {
    const order: Array<'echo' | 'bot'> = pair % 2 === 0 ? ['echo', 'bot'] : ['bot', 'echo'];
    const pairRuns: SubmitRun[] = [];
    for (const target of order) {
      if (target === 'echo') {
        const { result, cpu } = await echoRun(options.runSeconds);
        await settled(world);
        world.connector.clear();
        pairRuns.push(summary('echo', result, cpu));
      } else {
        const { result, outcomes, peak, cpu, count } = await botRun(options.runSeconds, `run ${pair + 1}`);
        peakRssBytes = Math.max(peakRssBytes, peak);
        pairRuns.push({ ...summary('bot', result, cpu), outcomes, revisions: count });
      }
    }
    const bot = pairRuns.find((r) => r.target === 'bot');
    const echo = pairRuns.find((r) => r.target === 'echo');
    if (bot && echo) {
      ratios.push(bot.requestsPerSecond / echo.requestsPerSecond);
      cpuRatios.push(bot.cpuMsPerRequest.server / echo.cpuMsPerRequest.server);
    }
    runs.push(...pairRuns);
  }
  await syncRevisions();
  const before = await stored();
  const storage = await countStorageRequests(world, slots, revisions, options.connections);
  // Every press there is awaited and must have said saved.
  counts.push(countOf('storage-request count', storage.presses, 0, (await stored()) - before));

  const of = (target: 'bot' | 'echo'): Typical => {
    const mine = runs.filter((r) => r.target === target);
    const typical = (pick: (r: SubmitRun) => number) => median(mine.map(pick));
    return {
      requestsPerSecond: typical((r) => r.requestsPerSecond),
      p50Ms: typical((r) => r.p50Ms),
      p99Ms: typical((r) => r.p99Ms),
      cpuMsPerRequest: {
        server: typical((r) => r.cpuMsPerRequest.server),
        azurite: typical((r) => r.cpuMsPerRequest.azurite),
        benchmark: typical((r) => r.cpuMsPerRequest.benchmark),
      },
    };
  };
  return {
    connections: options.connections,
    runSeconds: options.runSeconds,
    runs,
    bot: of('bot'),
    echo: of('echo'),
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
    revisionsStored: runs.reduce((n, run) => n + (run.revisions?.gained ?? 0), 0),
    counts,
    peakRssBytes,
    storage,
  };
}

/**
 * Starts a second instance of the bot in this process on the same Azurite and agreement, warms it up with one
 * press per owner of a few measures, then counts the HTTP requests it sends to Azurite while the same owners
 * press again, one at a time; then does the same with `concurrency` measures pressed at once.
 */
async function countStorageRequests(
  world: BenchWorld,
  slots: readonly Slot[],
  revisions: Map<string, number>,
  concurrency: number,
): Promise<StorageRequests> {
  const dir = await mkdtemp(join(tmpdir(), 'samverkansbot-bench-'));
  const agreementFile = join(dir, 'agreement.json');
  await writeFile(agreementFile, JSON.stringify(world.agreement));
  setLogLevel('silent');
  const startedAt = Date.now();
  const app = await startApp(
    loadConfig({
      NODE_ENV: 'development',
      PORT: '0',
      STORAGE_CONNECTION_STRING: world.azurite.connectionString,
      AGREEMENT_FILE: agreementFile,
      AUTOMATIC_ROUNDS: 'off',
      SCHEDULER_INTERVAL_SECONDS: '0',
    }),
    { now: () => new Date(benchMorning + (Date.now() - startedAt)) },
  );
  const azuriteHost = `:${world.azurite.port}`;
  const kinds: Record<string, number> = {};
  const kindsAtOnce: Record<string, number> = {};
  let counting: Record<string, number> | undefined;
  const onRequest = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    if (!counting || !String(request.getHeader('host') ?? '').endsWith(azuriteHost)) return;
    const table = /^\/[^/]+\/([A-Za-z$]+)/.exec(request.path)?.[1] ?? request.path;
    const kind = `${request.method} ${table}`;
    counting[kind] = (counting[kind] ?? 0) + 1;
  };
  subscribe('http.client.request.start', onRequest);
  const press = async (slot: Slot) => {
    const activity = submitOf(slot, revisions.get(slot.measureId) ?? 0);
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const body = await response.text();
    if (response.status !== 200 || !body.includes('Sparat. Tack!')) {
      throw new Error(`Counting storage requests: a submit was not saved (${response.status})`);
    }
    revisions.set(slot.measureId, (revisions.get(slot.measureId) ?? 0) + 1);
    slot.turn++;
    presses++;
  };
  const chosen = slots.slice(0, 10);
  const atOnce = slots.slice(0, concurrency);
  let submits = 0;
  let submitsAtOnce = 0;
  let presses = 0;
  try {
    for (const slot of chosen) for (let i = 0; i < slot.presses.length; i++) await press(slot);
    counting = kinds;
    for (const slot of chosen) {
      for (let i = 0; i < slot.presses.length; i++) {
        await press(slot);
        submits++;
      }
    }
    counting = undefined;
    // Every owner once first (a press takes turns between a measure's owners), as in the sequential count.
    const turns = Math.max(...atOnce.map((slot) => slot.presses.length));
    for (let turn = 0; turn < turns; turn++) await Promise.all(atOnce.map(press));
    counting = kindsAtOnce;
    for (let round = 0; round < 3; round++) {
      await Promise.all(atOnce.map(press));
      submitsAtOnce += atOnce.length;
    }
  } finally {
    counting = undefined;
    unsubscribe('http.client.request.start', onRequest);
    await app.close();
    await rm(dir, { recursive: true, force: true });
    world.connector.clear();
  }
  const per = (counted: Record<string, number>, n: number) =>
    n > 0 ? Object.values(counted).reduce((a, b) => a + b, 0) / n : 0;
  return {
    submits,
    perSubmit: per(kinds, submits),
    kinds,
    atOnce: {
      concurrency: atOnce.length,
      submits: submitsAtOnce,
      perSubmit: per(kindsAtOnce, submitsAtOnce),
      kinds: kindsAtOnce,
    },
    presses,
  };
}

/** One press per owner's form: the personal chats' cards carry the save button's data. */
function slotsFrom(world: BenchWorld, posted: readonly SentActivity[], serviceUrl: string): Slot[] {
  const byMeasure = new Map<string, Press[]>();
  for (const sent of posted) {
    if (sent.kind === 'createConversation') continue;
    const owner = world.owners.find((o) => o.chatId === sent.conversationId);
    const measureId = measureIdOf(sent);
    const card = (sent.body.attachments as Array<{ content?: { actions?: Array<{ data?: unknown }> } }>)[0]
      ?.content;
    const data = card?.actions?.[0]?.data as Record<string, unknown> | undefined;
    if (!owner || !measureId || !data) continue;
    const base = cardAction(
      'checkIn.submit',
      {},
      { conversationId: owner.chatId, replyToId: sent.id },
      { serviceUrl, from: owner },
    );
    byMeasure.set(measureId, [...(byMeasure.get(measureId) ?? []), { base, data }]);
  }
  return [...byMeasure].map(([measureId, presses]) => ({ measureId, presses, turn: 0 }));
}

const statuses = ['onTrack', 'atRisk', 'delayed', 'done'] as const;

function submitOf(slot: Slot, revision: number): Activity {
  const press = slot.presses[slot.turn % slot.presses.length] ?? slot.presses[0];
  if (!press) throw new Error(`No form for ${slot.measureId}`);
  const value = press.base.value as { action: Record<string, unknown> };
  return {
    ...press.base,
    id: randomUUID(),
    value: {
      ...value,
      action: {
        ...value.action,
        data: {
          ...press.data,
          submitId: randomUUID(),
          baseRevision: revision,
          status: statuses[slot.turn % statuses.length],
          narrative: `Läget vecka ${36 + (slot.turn % 10)}: arbetet pågår enligt plan och nästa möte är bokat.`,
          obstacles: slot.turn % 3 === 0 ? 'Personalbrist under hösten.' : '',
          nextStep: 'Trygghetsvandring med bostadsbolaget.',
          indicatorValue: slot.turn % 2 === 0 ? String(30 + (slot.turn % 7)) : '',
          needsSteeringDecision: slot.turn % 11 === 0 ? 'true' : 'false',
        },
      },
    },
  };
}

/** CPU time of the server under test, Azurite and this process from now on. */
function cpuMeter(world: BenchWorld, serverPid: number) {
  const server = cpuTimeMs(serverPid);
  const azurite = cpuTimeMs(world.azuritePid);
  const own = process.cpuUsage();
  return {
    perRequest(requests: number): SubmitRun['cpuMsPerRequest'] {
      const ownUsage = process.cpuUsage(own);
      const per = (ms: number) => (requests > 0 ? ms / requests : 0);
      return {
        server: per(cpuTimeMs(serverPid) - server),
        azurite: per(cpuTimeMs(world.azuritePid) - azurite),
        benchmark: per((ownUsage.user + ownUsage.system) / 1000),
      };
    },
  };
}

/** Every revision of every measure in storage, the report history being the record. */
async function storedRevisions(reports: ReportRepository, agreementId: string): Promise<number> {
  // Counted until two counts half a second apart agree: a save finishing late lands before the count, not after.
  let count = -1;
  for (;;) {
    const now = (await reports.allHistory(agreementId)).length;
    if (now === count) return count;
    count = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function countOf(what: string, saved: number, unanswered: number, gained: number): RevisionCount {
  return { what, saved, unanswered, gained, holds: saved <= gained && gained <= saved + unanswered };
}

/** Waits until the bot has sent nothing to the connector for half a second. */
async function settled(world: BenchWorld): Promise<void> {
  let count = -1;
  while (count !== world.connector.sent.length) {
    count = world.connector.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function load(url: string, seconds: number, connections: number, request: Request): Promise<Result> {
  return autocannon({ url, connections, duration: seconds, requests: [request] });
}

function summary(target: 'bot' | 'echo', result: Result, cpu: SubmitRun['cpuMsPerRequest']): SubmitRun {
  return {
    target,
    cpuMsPerRequest: cpu,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
