import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agreementSchema, type Agreement, type TeamsUser } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import { SendPacer, teamsPerBotLimits, teamsPerThreadLimits } from '../../src/scheduling/pacer.js';
import { startLocalAzurite } from '../../src/storage/localAzurite.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { channelMessage, newChannel, personalInstall, users, type Activity } from '../harness/activities.js';
import { startLoopbackConnector, type SentActivity } from '../harness/connector.js';
import { benchAgreement, benchHistory } from './benchPlan.js';
import { startBotProcess } from './benchProcess.js';
import { isPrompt, measureIdOf } from './fanOut.js';
import { measureStatus, seedStatus, type StatusRun } from './statusScreen.js';
import { startStorageTally, type PartitionPeak } from './storageTally.js';

/**
 * Stage 4: one deployment serving `agreements` agreements of 60 measures each (issue: several agreements), the
 * bot compiled in its own process over its own Azurite, every agreement a file in one AGREEMENTS_DIR.
 *
 * - Status: `status` of one agreement (8 rounds of history, the last open) with nothing else in storage, and the
 *   same once every other agreement has opened its round and sent its cards: the same storage queries (counted as
 *   stage 2 counts them) and about the same time.
 * - Rounds at the same moment: the bot's clock starts at 08:00 on Monday 1 November 2021, when every agreement's
 *   monthly round is due, and one run of the jobs trigger (`POST /api/jobs/run`, as an App Service timer calls it)
 *   plans and sends them all. A third of each plan's measures are followed up monthly, the rest quarterly, and the
 *   quarter's rounds have been open since 1 October, as in a deployment that has run a while: a round of 21
 *   measures per agreement, one card each to its working group's channel (three bound channels per agreement).
 *   Two agreements at a time share the owner of measure 1.1, who has a personal chat with the bot and gets that
 *   card of each (a round id and a measure id the two agreements have in common). Checked: every card arrives
 *   exactly once, and no second holds more requests than the pacer allows per app (45) or per thread (7).
 * - Partitions: every request the bot makes to storage passes a counting proxy (storageTally.ts), which gives the
 *   most entities written and read within one second in each partition of each table while the rounds open and
 *   their cards go out; Azure Table Storage's target for one partition is 2,000 entities a second.
 *
 * The first agreement is the one whose status is measured; it is the first of the folder, which the Teams edge
 * serves for now and which is the deployment's legacy agreement (its jobs keep unprefixed ids in `pending`). Its
 * open round is a coordinator's, so the bot opens no round for it and its status reads the same before and after.
 */
export interface ManyAgreementsResult {
  agreements: number;
  measuresEach: number;
  status: { alone: StatusFigures; withAll: StatusFigures };
  rounds: RoundsFigures;
  /**
   * The busiest partitions while the rounds opened and their cards went out: the three busiest of each table, and
   * the Jobs table's `pending` and `done` (the legacy agreement's jobs and every job's completion marker).
   */
  partitions: PartitionPeak[];
  /** Entities written and read per table over the same time. */
  totals: Record<string, { written: number; read: number }>;
  /** The time the bench spent on each step, ms. */
  stepMs: Record<string, number>;
}

export type StatusFigures = Omit<StatusRun, 'measures' | 'reports'>;

export interface RoundsFigures {
  /** Agreements whose round the bot opened (every one but the measured one). */
  opened: number;
  expected: number;
  cards: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  /** Every request the connector received from the trigger on: cards, and anything else the bot sent. */
  requests: number;
  threads: number;
  /** Runs of the jobs trigger it took (one unless a run ended while agreements were still planning). */
  triggers: number;
  /** From the trigger to the first card: planning the rounds of every agreement, ms. */
  firstCardMs: number;
  /** From the first card to the first card of the agreement that got its first card last, ms. */
  lastFirstCardMs: number;
  /** From the first card to the last, ms, and the least the per-app window allows for that many requests. */
  wallMs: number;
  minimumMs: number;
  ratioToMinimum: number;
  /** The most requests within any one second, overall and in one thread. */
  busiestSecond: number;
  busiestThreadSecond: number;
}

/** 08:00 in Stockholm on Monday 1 November 2021: every agreement's monthly round opens. */
const roundsMorning = Date.parse('2021-11-01T07:00:00Z');
/** The quarter's rounds opened on Friday 1 October 2021 at 08:00. */
const quarterOpenedAt = '2021-10-01T06:00:00.000Z';
const secret = 'bench-jobs-trigger-secret';
const measuresEach = 60;
const workingGroupsEach = 3;

export async function runManyAgreements(
  example: Agreement,
  options: { agreements: number; statusRepeats: number; log: (line: string) => void },
): Promise<ManyAgreementsResult> {
  const { log } = options;
  const stepMs: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      stepMs[name] = Math.round(performance.now() - started);
    }
  };
  const agreements = Array.from({ length: options.agreements }, (_, n) => manyAgreement(example, n));
  const measured = agreements[0];
  if (!measured) throw new Error('No agreement to measure');
  const folder = await mkdtemp(join(tmpdir(), 'samverkansbot-bench-agreements-'));
  const azurite = await startLocalAzurite();
  const tally = await startStorageTally(azurite.connectionString);
  const connector = await startLoopbackConnector();
  const stops: Array<() => Promise<void>> = [
    () => rm(folder, { recursive: true, force: true }),
    () => azurite.stop(),
    () => tally.close(),
    () => connector.close(),
  ];
  try {
    await step('files', () =>
      Promise.all(agreements.map((a) => writeFile(join(folder, `${a.id}.json`), JSON.stringify(a, null, 2)))),
    );

    // Status of the measured agreement with nothing else in storage.
    const { connectionString } = azurite;
    const seeding = new TableStore({ connectionString });
    await seeding.createTables();
    const history = statusHistory(measured);
    const statusAt = new Date(Date.parse(history.rounds.at(-1)?.openedAt ?? '') + 10 * day);
    const alone = await step('statusAlone', async () => {
      await seedStatus(seeding, measured, history);
      return measureStatus(connectionString, measured, history, statusAt, options.statusRepeats);
    });

    log(`${agreements.length} agreements: storing the plans, binding three channels each`);
    const channels = await step('seed', () => seedOthers(seeding, agreements.slice(1)));

    log(
      `${agreements.length} agreements: starting the bot on AGREEMENTS_DIR with ${agreements.length} files`,
    );
    const bot = await step('botStart', () =>
      startBotProcess({
        env: {
          NODE_ENV: 'development',
          PORT: '0',
          STORAGE_CONNECTION_STRING: tally.connectionString,
          AGREEMENTS_DIR: folder,
          AUTOMATIC_ROUNDS: 'on',
          SCHEDULER_INTERVAL_SECONDS: '0',
          JOBS_TRIGGER_SECRET: secret,
        },
        logLevel: 'warn',
        clockStartsAt: roundsMorning,
      }),
    );
    stops.unshift(() => bot.stop());
    const post = async (activity: Activity) => {
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`The bot answered ${response.status}`);
    };

    // Teams tells the bot of each channel (a message in it) and of each shared owner's chat (the install).
    const serviceUrl = connector.serviceUrl;
    const sharedOwners = [...new Map(agreements.slice(1).map((a) => sharedOwnerOf(a))).values()];
    await step('conversations', async () => {
      await inBatches(channels, 8, (c) =>
        post(channelMessage('hjälp', c.place, { serviceUrl, from: users.alex })),
      );
      await inBatches(sharedOwners, 8, (owner) =>
        post(
          personalInstall('installationUpdate', { serviceUrl, from: owner, conversationId: owner.chatId }),
        ),
      );
    });
    connector.clear();

    const expected = expectedCards(agreements.slice(1), channels);
    log(`${agreements.length} agreements: every monthly round at once, ${expected.size} cards`);
    const rounds = await step('rounds', () => openEveryRound(bot.url, connector, expected, tally, log));
    const partitions = tally.peaks().filter((p) => p.table !== 'Tables');
    const totals = tally.totals();
    delete totals.Tables;

    const withAll = await step('statusWithAll', () =>
      measureStatus(connectionString, measured, history, statusAt, options.statusRepeats),
    );
    return {
      agreements: agreements.length,
      measuresEach,
      status: { alone, withAll },
      rounds: { ...rounds, opened: agreements.length - 1 },
      partitions: busiestPerTable(partitions, 3),
      totals,
      stepMs,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

const day = 24 * 60 * 60_000;

/**
 * Agreement `n` of the folder: the example's header and steering meetings, 60 measures over three working groups
 * (the benchmark plan), owners of its own, a third of the measures followed up monthly (every ninth measure and
 * the two after it, so that each working group has some) and the rest quarterly, and measure 1.1 owned by the
 * owner it shares with the agreement next to it. Its number is in every measure's title, so a card says which
 * agreement sent it.
 */
function manyAgreement(example: Agreement, n: number): Agreement {
  const number = String(n).padStart(3, '0');
  const plan = benchAgreement(example, {
    id: `bench-many-${number}`,
    measures: measuresEach,
    workingGroups: workingGroupsEach,
    owners: 10,
    ownersPerMeasure: 1,
  });
  const own = (owner: TeamsUser): TeamsUser => ({
    aadObjectId: `00000000-0000-0000-${String(n).padStart(4, '0')}-${owner.aadObjectId.slice(-12)}`,
    name: `${owner.name}, avtal ${number}`,
  });
  const shared = n > 0 ? sharedOwnerOf({ id: plan.id })[1] : undefined;
  return agreementSchema.parse({
    ...plan,
    title: `${plan.title} (avtal ${number})`,
    groups: plan.groups.map((g) =>
      g.kind === 'arbetsgrupp' ? { ...g, members: g.members.map((m) => ({ ...m, ...own(m) })) } : g,
    ),
    measures: plan.measures.map((m, i) => ({
      ...m,
      title: `Insats ${m.id} (avtal ${number}): ${m.title.split(': ')[1] ?? m.title}`,
      owners:
        i === 0 && shared ? [{ aadObjectId: shared.aadObjectId, name: shared.name }] : m.owners.map(own),
      followUp: { ...m.followUp, cadence: i % 9 < 3 ? 'monthly' : 'quarterly' },
    })),
  });
}

/** Agreements 1 and 2 share the owner of their measure 1.1, 3 and 4 theirs, and so on. */
function sharedOwnerOf(
  agreement: Pick<Agreement, 'id'>,
): [string, TeamsUser & { id: string; chatId: string }] {
  const n = Number(agreement.id.slice('bench-many-'.length));
  const k = String(Math.floor((n - 1) / 2)).padStart(12, '0');
  return [
    k,
    {
      aadObjectId: `00000000-0000-0000-aaaa-${k}`,
      name: `Delad ägare ${Number(k)}`,
      id: `29:bench-shared-${Number(k)}`,
      chatId: `a:bench-shared-chat-${Number(k)}`,
    },
  ];
}

/** The measured agreement's history: 8 rounds, the last one a coordinator's and still open, 90 % answered. */
function statusHistory(agreement: Agreement): ReturnType<typeof benchHistory> {
  const history = benchHistory(agreement, {
    rounds: 8,
    firstOpenedAt: new Date(Date.parse('2021-03-24T07:00:00Z')),
    answeredInOpen: 0.9,
  });
  const rounds = history.rounds.map((r): CheckInRound =>
    r.status === 'open' ? { ...r, trigger: 'manual' } : r,
  );
  return { rounds, reports: history.reports };
}

interface BoundChannel {
  agreementId: string;
  groupId: string;
  place: ReturnType<typeof newChannel>;
}

/** The other agreements' plans, three channels bound to each, and the quarter's round open since 1 October. */
async function seedOthers(store: TableStore, agreements: readonly Agreement[]): Promise<BoundChannel[]> {
  const plans = new PlanRepository(store);
  const rounds = new RoundRepository(store);
  const channels: BoundChannel[] = [];
  await inBatches(agreements, 8, async (agreement) => {
    await plans.sync(agreement, new Date(quarterOpenedAt));
    for (const group of agreement.groups.filter((g) => g.kind === 'arbetsgrupp')) {
      const place = newChannel();
      channels.push({ agreementId: agreement.id, groupId: group.id, place });
      await plans.bind(agreement.id, {
        groupId: group.id,
        channelId: place.channelId,
        teamId: place.teamId,
        tenantId: place.tenantId,
        boundBy: { aadObjectId: users.alex.aadObjectId, name: users.alex.name },
        boundAt: quarterOpenedAt,
      });
    }
    const quarterly = agreement.measures.filter((m) => m.followUp.cadence === 'quarterly').map((m) => m.id);
    await rounds.importRounds([
      {
        id: 'quarterly-2021-q4',
        agreementId: agreement.id,
        label: 'Kvartal 4 2021',
        trigger: 'quarterly',
        measureIds: quarterly,
        openedAt: quarterOpenedAt,
        status: 'open',
      },
    ]);
  });
  return channels;
}

/**
 * Every card the monthly rounds should send, `<where>|<measure>|<agreement>`: each monthly measure's card in its
 * working group's channel, and measure 1.1's in its shared owner's chat.
 */
function expectedCards(agreements: readonly Agreement[], channels: readonly BoundChannel[]): Set<string> {
  const keys = new Set<string>();
  for (const agreement of agreements) {
    const number = agreement.id.slice('bench-many-'.length);
    for (const measure of agreement.measures.filter((m) => m.followUp.cadence === 'monthly')) {
      const channel = channels.find(
        (c) => c.agreementId === agreement.id && c.groupId === measure.workingGroup,
      );
      keys.add(`channel|${channel?.place.channelId ?? '?'}|${measure.id}|${number}`);
      if (measure.id === '1.1') keys.add(`personal|${sharedOwnerOf(agreement)[1].chatId}|1.1|${number}`);
    }
  }
  return keys;
}

function cardKey(request: SentActivity): string {
  const kind = request.kind === 'createConversation' ? 'channel' : 'personal';
  const number = /avtal (\d{3})/.exec(JSON.stringify(request.body.attachments ?? []))?.[1] ?? '?';
  return `${kind}|${request.conversationId}|${measureIdOf(request) ?? ''}|${number}`;
}

/**
 * Runs the jobs trigger until every expected card has arrived (a run ends when nothing is due, which may be while
 * some agreements are still planning: then it is run again) or nothing more arrives, and checks what came.
 */
async function openEveryRound(
  botUrl: string,
  connector: Awaited<ReturnType<typeof startLoopbackConnector>>,
  expected: ReadonlySet<string>,
  tally: Awaited<ReturnType<typeof startStorageTally>>,
  log: (line: string) => void,
): Promise<Omit<RoundsFigures, 'opened'>> {
  // Every request passes here as the connector takes it (none is refused), with the time it came.
  const arrivals: Array<{ at: number; thread: string; card?: string }> = [];
  let cardsArrived = 0;
  const lift = connector.failWhen(
    (request) => {
      const at = performance.now();
      const card = isPrompt(request) ? cardKey(request) : undefined;
      if (card) cardsArrived++;
      arrivals.push({ at, thread: request.conversationId, ...(card ? { card } : {}) });
      return false;
    },
    { status: 429, retryAfterSeconds: 1 },
  );
  tally.reset();
  const triggeredAt = performance.now();
  let triggers = 0;
  const progress = setInterval(() => log(`rounds: ${cardsArrived} of ${expected.size} cards`), 10_000);
  try {
    let idleRuns = 0;
    while (cardsArrived < expected.size && idleRuns < 3) {
      const before = cardsArrived;
      triggers++;
      await runJobs(botUrl);
      idleRuns = cardsArrived === before ? idleRuns + 1 : 0;
      if (cardsArrived < expected.size) await sleep(1_000);
    }
  } finally {
    clearInterval(progress);
  }
  // Anything sent twice would come now.
  await sleep(2_000);
  lift();

  const cards = connector.sent.filter(isPrompt);
  const seen = new Map<string, number>();
  for (const card of cards) seen.set(cardKey(card), (seen.get(cardKey(card)) ?? 0) + 1);
  const duplicates = [...seen.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
  const missing = [...expected].filter((key) => !seen.has(key)).length;
  const unexpected = [...seen.keys()].filter((key) => !expected.has(key)).length;

  const cardArrivals = arrivals.filter((a) => a.card !== undefined);
  const firstAt = Math.min(...cardArrivals.map((a) => a.at));
  const lastAt = Math.max(...cardArrivals.map((a) => a.at));
  const firstOfAgreement = new Map<string, number>();
  for (const { card = '', at } of cardArrivals) {
    const agreement = card.split('|').at(-1) ?? '?';
    if (!firstOfAgreement.has(agreement)) firstOfAgreement.set(agreement, at);
  }
  const perThread = new Map<string, number[]>();
  for (const a of arrivals) perThread.set(a.thread, [...(perThread.get(a.thread) ?? []), a.at]);
  const minimumMs = Math.max(
    SendPacer.minimumDurationMs(arrivals.length, teamsPerBotLimits),
    ...[...perThread.values()].map((t) => SendPacer.minimumDurationMs(t.length, teamsPerThreadLimits)),
  );
  const wallMs = lastAt - firstAt;
  return {
    expected: expected.size,
    cards: cards.length,
    duplicates,
    missing,
    unexpected,
    requests: arrivals.length,
    threads: perThread.size,
    triggers,
    firstCardMs: firstAt - triggeredAt,
    lastFirstCardMs: Math.max(...firstOfAgreement.values()) - firstAt,
    wallMs,
    minimumMs,
    ratioToMinimum: minimumMs > 0 ? wallMs / minimumMs : 0,
    busiestSecond: busiest(arrivals.map((a) => a.at)),
    busiestThreadSecond: Math.max(...[...perThread.values()].map(busiest)),
  };
}

/** `POST /api/jobs/run`: returns when the run has found nothing more due (it may take minutes, so no timeout). */
function runJobs(botUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = request(
      `${botUrl}/api/jobs/run`,
      { method: 'POST', headers: { 'x-jobs-secret': secret, 'content-length': 0 } },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`The jobs trigger answered ${response.statusCode}`)),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

/** The `count` busiest partitions of each table, busiest first, and the Jobs table's `pending` and `done`. */
function busiestPerTable(peaks: readonly PartitionPeak[], count: number): PartitionPeak[] {
  const byTable = new Map<string, PartitionPeak[]>();
  for (const peak of peaks) byTable.set(peak.table, [...(byTable.get(peak.table) ?? []), peak]);
  const busiest = [...byTable.values()].flatMap((list) =>
    list.sort((a, b) => b.total - a.total).slice(0, count),
  );
  const named = peaks.filter(
    (p) =>
      p.table === 'Jobs' && (p.partition === 'pending' || p.partition === 'done') && !busiest.includes(p),
  );
  return [...busiest, ...named];
}

/** The most arrivals in any one-second stretch. */
function busiest(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
