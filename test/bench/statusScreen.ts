import { StatusAnswers } from '../../src/features/status/statusAnswers.js';
import type { Agreement } from '../../src/domain/agreement.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { cardText } from '../harness/connector.js';
import { benchAgreement, benchHistory } from './benchPlan.js';

/**
 * Stage 2: `status` for the whole plan (StatusAnswers.status, scope all) of plans of 30, 300 and 3,000
 * measures with 8 monthly rounds of history (the 8th open, 90 % answered), in this process against Azurite.
 * The agreement file caps a plan at 500 measures, so the plans are built in memory and stored the way the bot
 * stores them (PlanRepository.sync, RoundRepository.open, ReportRepository.importHistory).
 *
 * Measured: the time from the call to the finished card (median of `repeats` after two warm-up calls), and
 * the storage requests one call makes, counted in the table clients' HTTP pipeline: queries, and the further
 * pages of a query that Table Storage splits at 1,000 entities.
 */
export interface StatusRun {
  measures: number;
  reports: number;
  /** Median and slowest time to build the card, ms. */
  medianMs: number;
  maxMs: number;
  /** Storage operations and queries of one call, and all HTTP requests including further pages. */
  queries: number;
  requests: number;
  /** Loading the plan itself (what the bot does before answering): time and requests. */
  planLoadMs: number;
  planLoadRequests: number;
}

const day = 24 * 60 * 60_000;

export async function runStatus(
  connectionString: string,
  example: Agreement,
  options: { sizes: readonly number[]; repeats: number },
): Promise<StatusRun[]> {
  const runs: StatusRun[] = [];
  for (const measures of options.sizes) {
    const agreement = benchAgreement(example, {
      id: `bench-status-${measures}`,
      measures,
      workingGroups: 10,
      owners: Math.max(10, Math.ceil(measures / 5)),
      ownersPerMeasure: 2,
    });
    const firstOpenedAt = new Date(Date.parse('2021-02-01T07:00:00Z'));
    const history = benchHistory(agreement, { rounds: 8, firstOpenedAt, answeredInOpen: 0.9 });
    const now = new Date(firstOpenedAt.getTime() + 7 * 30 * day + 10 * day);

    await seedStatus(new TableStore({ connectionString }), agreement, history);
    const measured = await measureStatus(connectionString, agreement, history, now, options.repeats);
    runs.push({ measures, reports: history.reports.length, ...measured });
  }
  return runs;
}

/**
 * `status` for the whole plan of a seeded agreement (`seedStatus`), as a coordinator asks it, `repeats` times
 * after two warm-up calls: the median and slowest time, and the storage requests of one call.
 */
export async function measureStatus(
  connectionString: string,
  agreement: Agreement,
  history: ReturnType<typeof benchHistory>,
  now: Date,
  repeats: number,
): Promise<Omit<StatusRun, 'measures' | 'reports'>> {
  const store = new TableStore({ connectionString }, { countRequests: true });
  const plans = new PlanRepository(store);
  const reports = new ReportRepository(store);
  const rounds = new RoundRepository(store);
  const status = new StatusAnswers({
    agreementId: agreement.id,
    plans,
    reports,
    rounds,
    decisions: new DecisionRepository(store),
    timeZone: 'Europe/Stockholm',
    now: () => now,
  });
  const coordinator = agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.members[0]?.aadObjectId;
  const asker = coordinator ? { aadObjectId: coordinator } : {};

  let planLoadMs = 0;
  let planLoadRequests = 0;
  const times: number[] = [];
  let queries = 0;
  let requests = 0;
  for (let i = 0; i < repeats + 2; i++) {
    const loadStarted = performance.now();
    const beforeLoad = store.requestCount;
    const plan = await plans.load(agreement.id);
    if (!plan) throw new Error(`No plan ${agreement.id}`);
    planLoadMs = performance.now() - loadStarted;
    planLoadRequests = store.requestCount - beforeLoad;

    const requestsBefore = store.requestCount;
    const continuationsBefore = store.continuationCount;
    const started = performance.now();
    const card = await status.status(plan, { kind: 'all' }, asker, 'sv');
    const elapsed = performance.now() - started;
    requests = store.requestCount - requestsBefore;
    queries = requests - (store.continuationCount - continuationsBefore);
    if (i >= 2) times.push(elapsed);
    checkCard(card, history.rounds.length, agreement.measures.length);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] ?? 0,
    maxMs: times.at(-1) ?? 0,
    queries,
    requests,
    planLoadMs,
    planLoadRequests,
  };
}

/** Stores the plan, its rounds and its reports the way the bot stores them. */
export async function seedStatus(
  store: TableStore,
  agreement: Agreement,
  history: ReturnType<typeof benchHistory>,
): Promise<void> {
  await store.createTables();
  await new PlanRepository(store).sync(agreement);
  const rounds = new RoundRepository(store);
  for (const round of history.rounds) await rounds.open(round);
  // importHistory writes one measure at a time; a few measures at once keep seeding 3,000 measures short.
  const reports = new ReportRepository(store);
  const byMeasure = new Map<string, typeof history.reports>();
  for (const r of history.reports) byMeasure.set(r.measureId, [...(byMeasure.get(r.measureId) ?? []), r]);
  const lanes = 8;
  const groups = [...byMeasure.values()];
  await Promise.all(
    Array.from({ length: lanes }, (_, lane) =>
      reports.importHistory(groups.filter((_, i) => i % lanes === lane).flat()),
    ),
  );
}

/** A card that says nothing would be fast too: the first page must name the open round and its answers. */
function checkCard(card: Record<string, unknown>, rounds: number, measures: number): void {
  const text = cardText(card).join('\n');
  const answered = Math.round(measures * 0.9);
  if (!text.includes(`Omgång ${rounds}`) || !text.includes(String(answered))) {
    throw new Error(
      `The status card does not show the open round with ${answered} answers:\n${text.slice(0, 500)}`,
    );
  }
}
