import { DateTime } from 'luxon';
import type { Agreement, Measure, OwnerOrganisation } from './agreement.js';
import type { CheckInRound } from './checkInRound.js';
import { isOverdue, sortDecisions, type Decision, type DecisionConcerns } from './decision.js';
import { indicatorSeries, type IndicatorValuePoint } from './indicatorSeries.js';
import { compileReview, midTermMonth, type ReviewAnswer } from './midTermReview.js';
import type { Plan } from './plan.js';
import type { MeasureStatus, Report } from './report.js';
import { effectiveValidTo } from './roundSchedule.js';
import { statusOverview, trafficLight, type TrafficLight } from './statusOverview.js';

/**
 * What the steering group's dashboard shows of one agreement, in no particular language: the tab renders it in
 * the reader's. Built for one reader, so that what they may not see is not in it at all.
 */
export interface Dashboard {
  agreement: Pick<Agreement, 'id' | 'kind' | 'title' | 'longTermGoal' | 'validFrom'> & { validTo: string };
  /** UTC ISO. */
  computedAt: string;
  goalAreas: DashboardGoalArea[];
  openRound?: {
    label: string;
    answered: number;
    total: number;
    /** Unanswered measures; `owners` only for a reader who may see names. */
    missing: Array<{ id: string; title: string; owners?: string[] }>;
  };
  indicators: DashboardIndicator[];
  /** Measures whose latest report asks the steering group for a decision. */
  decisionRequests: Array<{ measureId: string; title: string; narrative: string; reportedAt: string }>;
  /** The steering group's decisions as they stand now, open ones first. */
  decisions: DashboardDecision[];
  review: {
    /** YYYY-MM. */
    month: string;
    questions: ReturnType<typeof compileReview>;
  };
}

export interface DashboardGoalArea {
  number: number;
  title: string;
  light: TrafficLight;
  counts: Record<MeasureStatus | 'noReport', number>;
  measures: DashboardMeasure[];
}

export interface DashboardMeasure {
  id: string;
  title: string;
  ownerOrganisation: OwnerOrganisation;
  owners: string[];
  retired: boolean;
  status?: MeasureStatus;
  light: TrafficLight;
  /** Of the latest report. */
  narrative?: string;
  /** UTC ISO, of the latest report. */
  reportedAt?: string;
  reportedBy?: string;
}

export interface DashboardIndicator {
  measureId: string;
  name: string;
  unit: string;
  baseline?: number;
  target?: number;
  points: IndicatorValuePoint[];
}

export interface DashboardDecision {
  text: string;
  concerns: DecisionConcerns;
  responsible: string;
  dueDate?: string;
  meetingDate: string;
  status: Decision['status'];
  overdue: boolean;
  /** YYYY-MM-DD, local. */
  doneOn?: string;
}

export interface DashboardInput {
  plan: Plan;
  /** Every revision of every report of the agreement. */
  history: readonly Report[];
  rounds: readonly CheckInRound[];
  /** The decisions as they stand now. */
  decisions: readonly Decision[];
  reviewAnswers: readonly ReviewAnswer[];
  now: Date;
  timeZone: string;
  /** Whether the reader may see who has not reported (access: readNames). */
  mayReadNames: boolean;
}

export function dashboard(input: DashboardInput): Dashboard {
  const { plan, history, rounds, now, timeZone } = input;
  const agreement = plan.agreement;
  const overview = statusOverview(plan, history, rounds, now);
  const today = DateTime.fromJSDate(now).setZone(timeZone).toISODate() ?? '';
  const open = overview.openRound;
  return {
    agreement: {
      id: agreement.id,
      kind: agreement.kind,
      title: agreement.title,
      longTermGoal: agreement.longTermGoal,
      validFrom: agreement.validFrom,
      validTo: effectiveValidTo(agreement),
    },
    computedAt: overview.computedAt,
    goalAreas: overview.goalAreas.map((g) => ({
      number: g.goalArea.number,
      title: g.goalArea.title,
      light: g.light,
      counts: g.counts,
      measures: g.measures.map(({ measure, latest }) => ({
        id: measure.id,
        title: measure.title,
        ownerOrganisation: measure.ownerOrganisation,
        owners: ownerNames(measure),
        retired: measure.retired === true,
        light: trafficLight([latest?.status]),
        ...(latest
          ? {
              status: latest.status,
              narrative: latest.narrative,
              reportedAt: latest.reportedAt,
              reportedBy: latest.reportedBy.name,
            }
          : {}),
      })),
    })),
    ...(open
      ? {
          openRound: {
            label: open.label,
            answered: overview.answeredInOpenRound,
            total: open.measureIds.length,
            missing: overview.missing.map((m) => ({
              id: m.id,
              title: m.title,
              ...(input.mayReadNames ? { owners: ownerNames(m) } : {}),
            })),
          },
        }
      : {}),
    indicators: agreement.measures.flatMap((m) => {
      const indicator = m.followUp.indicator;
      if (!indicator) return [];
      return [
        {
          measureId: m.id,
          name: indicator.name,
          unit: indicator.unit,
          ...(indicator.baseline !== undefined ? { baseline: indicator.baseline } : {}),
          ...(indicator.target !== undefined ? { target: indicator.target } : {}),
          points: indicatorSeries(m, history, rounds, timeZone),
        },
      ];
    }),
    decisionRequests: overview.goalAreas
      .flatMap((g) => g.measures)
      .flatMap(({ measure, latest, needsDecision }) =>
        needsDecision && latest
          ? [
              {
                measureId: measure.id,
                title: measure.title,
                narrative: latest.narrative,
                reportedAt: latest.reportedAt,
              },
            ]
          : [],
      ),
    decisions: sortDecisions(input.decisions).map((d) => ({
      text: d.text,
      concerns: d.concerns,
      responsible: d.responsible,
      ...(d.dueDate ? { dueDate: d.dueDate } : {}),
      meetingDate: d.meetingDate,
      status: d.status,
      overdue: isOverdue(d, today),
      ...(d.doneAt
        ? { doneOn: DateTime.fromISO(d.doneAt, { zone: 'utc' }).setZone(timeZone).toISODate() ?? undefined }
        : {}),
    })),
    review: {
      month: agreement.midTermReview.month || midTermMonth(agreement),
      questions: compileReview(agreement.midTermReview.questions, input.reviewAnswers),
    },
  };
}

function ownerNames(measure: Measure): string[] {
  return measure.owners.map((o) => o.name);
}
