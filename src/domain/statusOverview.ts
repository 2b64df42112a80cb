import type { GoalArea, Measure } from './agreement.js';
import type { CheckInRound } from './checkInRound.js';
import type { Plan } from './plan.js';
import type { MeasureStatus, Report } from './report.js';

/** Trafikljus: how a goal area (or a set of measures) stands at a glance. */
export type TrafficLight = 'green' | 'yellow' | 'red' | 'grey';

/**
 * Worst wins: any delayed → red; any atRisk → yellow; otherwise green if at least one measure has a report;
 * grey when none has. Cancelled and done count as green.
 */
export function trafficLight(statuses: readonly (MeasureStatus | undefined)[]): TrafficLight {
  if (statuses.includes('delayed')) return 'red';
  if (statuses.includes('atRisk')) return 'yellow';
  return statuses.some((s) => s !== undefined) ? 'green' : 'grey';
}

/**
 * What the overview reads of a report: enough to place it in time and rounds and to show its status and who
 * gave it, without the texts. Status screens read only this (ReportRepository.statusPoints); everything else
 * passes whole reports.
 */
export type ReportPoint = Pick<
  Report,
  | 'agreementId'
  | 'measureId'
  | 'revision'
  | 'roundId'
  | 'status'
  | 'needsSteeringDecision'
  | 'reportedBy'
  | 'reportedAt'
>;

export interface MeasureOverview<R extends ReportPoint = Report> {
  measure: Measure;
  /** The newest revision of any report on the measure. */
  latest?: R;
  /** What the measure stood at as of the previous round; the baseline for `changed`. */
  previous?: R;
  /** The status moved since the previous round, or the measure got its first report since then. */
  changed: boolean;
  /** Asked for in the open round and not yet answered in it. */
  missingInOpenRound: boolean;
  /** The latest report asks the steering group (styrgruppen) for a decision. */
  needsDecision: boolean;
}

export interface GoalAreaStatus<R extends ReportPoint = Report> {
  goalArea: GoalArea;
  light: TrafficLight;
  /** Measures per latest status; every key is present, zeros included. */
  counts: Record<MeasureStatus | 'noReport', number>;
  /** In the order of the action plan. */
  measures: MeasureOverview<R>[];
}

/** What a coordinator sees on "status": every goal area with its measures, and what needs attention. */
export interface StatusOverview<R extends ReportPoint = Report> {
  /** UTC ISO, the `now` it was computed for. */
  computedAt: string;
  goalAreas: GoalAreaStatus<R>[];
  openRound?: CheckInRound;
  /** The round the changes are counted from. */
  previousRound?: CheckInRound;
  /** Measures still unanswered in the open round. */
  missing: Measure[];
  /** Measures of the open round (all of them, whatever goal area is shown) that have reported in it. */
  answeredInOpenRound: number;
  /** Measures whose latest report asks the steering group for a decision. */
  decisionsNeeded: Measure[];
}

/**
 * The status of the whole action plan, or of one goal area when `goalAreaNumber` is given (then `missing` and
 * `decisionsNeeded` are limited to that goal area too).
 *
 * `history` holds every revision of every measure (oldest first per measure, any order across measures);
 * `rounds` are all rounds of the agreement. The open round is the newest open one; the previous round is the
 * newest round opened before it. With no open round, the newest closed round is the "current" one and the
 * round before it the previous. A measure's status as of the previous round is its newest report given in
 * that round, or else its newest report from before the current round opened. A measure without any such
 * report but with a report now counts as changed. With no rounds at all there is nothing to compare with, so
 * nothing counts as changed.
 *
 * Runs in O(reports + measures + rounds): the history is read once, grouped by measure.
 */
export function statusOverview<R extends ReportPoint = Report>(
  plan: Plan,
  history: readonly R[],
  rounds: readonly CheckInRound[],
  now: Date,
  goalAreaNumber?: number,
): StatusOverview<R> {
  const view = roundsInView(rounds);
  const byMeasure = indexHistory(plan.agreement.id, history, view);
  const openMeasureIds = new Set(view.open?.measureIds ?? []);

  const measuresByGoalArea = new Map<number, MeasureOverview<R>[]>();
  const missing: Measure[] = [];
  const decisionsNeeded: Measure[] = [];
  let missingInRound = 0;
  for (const measure of plan.agreement.measures) {
    const seen = byMeasure.get(measure.id) ?? emptyHistory<R>();
    const overview = overviewOf(measure, seen, view, openMeasureIds);
    // The round's progress counts every measure in it, whichever goal area is shown.
    if (overview.missingInOpenRound) missingInRound++;
    if (goalAreaNumber !== undefined && measure.goalArea !== goalAreaNumber) continue;
    if (overview.missingInOpenRound) missing.push(measure);
    if (overview.needsDecision) decisionsNeeded.push(measure);
    const list = measuresByGoalArea.get(measure.goalArea) ?? [];
    list.push(overview);
    measuresByGoalArea.set(measure.goalArea, list);
  }

  const goalAreas = plan.agreement.goalAreas
    .filter((g) => goalAreaNumber === undefined || g.number === goalAreaNumber)
    .map((goalArea) => goalAreaStatus(goalArea, measuresByGoalArea.get(goalArea.number) ?? []));

  return {
    computedAt: now.toISOString(),
    goalAreas,
    ...(view.open ? { openRound: view.open } : {}),
    ...(view.previous ? { previousRound: view.previous } : {}),
    missing,
    answeredInOpenRound: view.open ? view.open.measureIds.length - missingInRound : 0,
    decisionsNeeded,
  };
}

/** A measure's own picture: the measure, its latest report, and its last `limit` reports newest first. */
export function measureStatus(
  measure: Measure,
  history: readonly Report[],
  limit = 5,
): { measure: Measure; latest?: Report; recent: Report[] } {
  // A stable sort keeps the later of two reports with the same revision first after the reverse.
  const own = history
    .filter((r) => r.measureId === measure.id)
    .sort((a, b) => a.revision - b.revision)
    .reverse();
  const latest = own[0];
  return { measure, ...(latest ? { latest } : {}), recent: own.slice(0, Math.max(0, limit)) };
}

/** Measures where this person is an owner, with what is due from them: missing in the open round or not. */
export function myMeasures<R extends ReportPoint = Report>(
  plan: Plan,
  aadObjectId: string,
  history: readonly R[],
  rounds: readonly CheckInRound[],
): Array<{ measure: Measure; latest?: R; dueInOpenRound: boolean }> {
  const view = roundsInView(rounds);
  const byMeasure = indexHistory(plan.agreement.id, history, view);
  const openMeasureIds = new Set(view.open?.measureIds ?? []);
  return plan.agreement.measures
    .filter((m) => m.owners.some((o) => o.aadObjectId === aadObjectId))
    .map((measure) => {
      const seen = byMeasure.get(measure.id) ?? emptyHistory<R>();
      return {
        measure,
        ...(seen.latest ? { latest: seen.latest } : {}),
        dueInOpenRound: openMeasureIds.has(measure.id) && !seen.answeredInOpenRound,
      };
    });
}

/** The rounds a status is read against. */
interface RoundsInView {
  /** The open round, else the newest closed one. */
  current?: CheckInRound;
  open?: CheckInRound;
  previous?: CheckInRound;
  /** `current.openedAt` in epoch milliseconds. */
  currentOpenedAt?: number;
}

function roundsInView(rounds: readonly CheckInRound[]): RoundsInView {
  let open: { round: CheckInRound; at: number } | undefined;
  let newest: { round: CheckInRound; at: number } | undefined;
  const dated = rounds.map((round) => ({ round, at: Date.parse(round.openedAt) }));
  for (const d of dated) {
    if (d.round.status === 'open' && (!open || d.at >= open.at)) open = d;
    if (!newest || d.at >= newest.at) newest = d;
  }
  const current = open ?? newest;
  if (!current) return {};
  let previous: { round: CheckInRound; at: number } | undefined;
  for (const d of dated) {
    if (d.at < current.at && (!previous || d.at >= previous.at)) previous = d;
  }
  return {
    current: current.round,
    ...(open ? { open: open.round } : {}),
    ...(previous ? { previous: previous.round } : {}),
    currentOpenedAt: current.at,
  };
}

/** What one pass over the history learns about one measure. */
interface SeenHistory<R extends ReportPoint> {
  latest?: R;
  /** Newest report given in the previous round. */
  inPreviousRound?: R;
  /** Newest report given before the current round opened. */
  beforeCurrentRound?: R;
  answeredInOpenRound: boolean;
}

function emptyHistory<R extends ReportPoint>(): SeenHistory<R> {
  return { answeredInOpenRound: false };
}

function indexHistory<R extends ReportPoint>(
  agreementId: string,
  history: readonly R[],
  view: RoundsInView,
): Map<string, SeenHistory<R>> {
  const byMeasure = new Map<string, SeenHistory<R>>();
  for (const report of history) {
    if (report.agreementId !== agreementId) continue;
    let seen = byMeasure.get(report.measureId);
    if (!seen) {
      seen = emptyHistory<R>();
      byMeasure.set(report.measureId, seen);
    }
    seen.latest = newer(seen.latest, report);
    if (view.previous && report.roundId === view.previous.id) {
      seen.inPreviousRound = newer(seen.inPreviousRound, report);
    }
    if (view.currentOpenedAt !== undefined && Date.parse(report.reportedAt) < view.currentOpenedAt) {
      seen.beforeCurrentRound = newer(seen.beforeCurrentRound, report);
    }
    if (view.open && report.roundId === view.open.id) seen.answeredInOpenRound = true;
  }
  return byMeasure;
}

/** The higher revision wins; on a tie the later one in the history, which is oldest first per measure. */
function newer<R extends ReportPoint>(kept: R | undefined, candidate: R): R {
  return !kept || candidate.revision >= kept.revision ? candidate : kept;
}

function overviewOf<R extends ReportPoint>(
  measure: Measure,
  seen: SeenHistory<R>,
  view: RoundsInView,
  openMeasureIds: ReadonlySet<string>,
): MeasureOverview<R> {
  const { latest } = seen;
  const previous = seen.inPreviousRound ?? seen.beforeCurrentRound;
  const changed = view.current !== undefined && latest !== undefined && previous?.status !== latest.status;
  return {
    measure,
    ...(latest ? { latest } : {}),
    ...(previous ? { previous } : {}),
    changed,
    missingInOpenRound: openMeasureIds.has(measure.id) && !seen.answeredInOpenRound,
    needsDecision: latest?.needsSteeringDecision === true,
  };
}

function goalAreaStatus<R extends ReportPoint>(
  goalArea: GoalArea,
  measures: MeasureOverview<R>[],
): GoalAreaStatus<R> {
  // Spelled out so that a new status fails to compile here instead of going uncounted.
  const counts: Record<MeasureStatus | 'noReport', number> = {
    notStarted: 0,
    onTrack: 0,
    atRisk: 0,
    delayed: 0,
    done: 0,
    cancelled: 0,
    noReport: 0,
  };
  for (const m of measures) counts[m.latest?.status ?? 'noReport'] += 1;
  return {
    goalArea,
    light: trafficLight(measures.map((m) => m.latest?.status)),
    counts,
    measures,
  };
}
