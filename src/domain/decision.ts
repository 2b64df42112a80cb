import { DateTime } from 'luxon';
import { z } from 'zod';
import { measureIdSchema, teamsUserSchema, type Measure } from './agreement.js';

/**
 * Beslut: what the steering group (styrgruppen) decided at a meeting, who is responsible and by when. Recorded by
 * the coordinators, followed up on the next summary, on the measures it concerns and in the written report.
 */

export const decisionStatuses = ['open', 'done'] as const;
export type DecisionStatus = (typeof decisionStatuses)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s).isValid, 'not a valid calendar date');

/** Limits that keep a decision far inside Azure Tables' 64 KiB per property. */
export const decisionLimits = { text: 2000, responsible: 200 } as const;

/** What a decision concerns: goal areas (by number) and/or measures (by id). Both empty: the agreement as a whole. */
export const decisionConcernsSchema = z.strictObject({
  goalAreas: z.array(z.int().min(1).max(99)).max(20),
  measures: z.array(measureIdSchema).max(500),
});
export type DecisionConcerns = z.infer<typeof decisionConcernsSchema>;

/** A decision as stored: every revision is kept, the newest is the decision. */
export const decisionSchema = z.strictObject({
  /** Letters, digits and dashes, so that it is a safe storage key and fits in a card's data. */
  id: z.string().regex(/^[A-Za-z0-9-]{1,60}$/),
  agreementId: z.string().min(1).max(63),
  /** The decision itself, as the steering group worded it. */
  text: z.string().trim().min(1).max(decisionLimits.text),
  concerns: decisionConcernsSchema,
  /** A person or an organisation, as free text ("Kommunens trygghetssamordnare", "Polisen"). */
  responsible: z.string().trim().min(1).max(decisionLimits.responsible),
  /** By when; ISO date. */
  dueDate: isoDate.optional(),
  status: z.enum(decisionStatuses),
  /** The steering meeting that decided it; ISO date. */
  meetingDate: isoDate,
  /** UTC ISO. */
  recordedAt: z.string().min(1),
  recordedBy: teamsUserSchema,
  /** UTC ISO; set while the decision is done. */
  doneAt: z.string().min(1).optional(),
  /** 1 when recorded; every change adds one. */
  revision: z.int().min(1),
  /** Who made this revision and when (UTC ISO); absent on the first. */
  changedAt: z.string().min(1).optional(),
  changedBy: teamsUserSchema.optional(),
});
export type Decision = z.infer<typeof decisionSchema>;

/** A change a coordinator makes: new values for some fields (`dueDate: null` removes the date), by whom and when. */
export interface DecisionChange {
  text?: string;
  concerns?: DecisionConcerns;
  responsible?: string;
  dueDate?: string | null;
  status?: DecisionStatus;
  changedAt: string;
  changedBy: { aadObjectId: string; name: string };
}

/** The next revision of a decision: the change applied, `doneAt` set or cleared with the status, revision + 1. */
export function applyDecisionChange(decision: Decision, change: DecisionChange): Decision {
  const { dueDate, status, changedAt, changedBy, ...fields } = change;
  const { dueDate: previousDue, doneAt: previousDoneAt, ...rest } = decision;
  const nextStatus = status ?? decision.status;
  const nextDue = dueDate === null ? undefined : (dueDate ?? previousDue);
  const doneAt =
    nextStatus === 'done' ? (decision.status === 'done' ? previousDoneAt : changedAt) : undefined;
  return {
    ...rest,
    ...fields,
    status: nextStatus,
    ...(nextDue !== undefined ? { dueDate: nextDue } : {}),
    ...(doneAt !== undefined ? { doneAt } : {}),
    revision: decision.revision + 1,
    changedAt,
    changedBy,
  };
}

/** True when the decision's date has passed (before `today`, ISO date) and it is still open. */
export function isOverdue(decision: Decision, today: string): boolean {
  return decision.status === 'open' && decision.dueDate !== undefined && decision.dueDate < today;
}

/** The decisions the summary before a meeting shows; each decision in at most one list, so none is shown twice. */
export interface DecisionsSummary {
  /** Open, decided at the previous meeting or since (all open ones when there was no previous meeting), not overdue. */
  new: Decision[];
  /** Open, decided before the previous meeting, not overdue. */
  open: Decision[];
  /** Open and past their date. */
  overdue: Decision[];
  /** Marked done on or after the day of the previous meeting (all done ones when there was none). */
  doneSinceLast: Decision[];
}

/**
 * Sorts decisions for the summary before a meeting. `previousMeetingDate` and `today` are ISO dates in the
 * agreement's time zone (`zone`, Europe/Stockholm unless given), in which `doneAt` is read too. Lists are in order
 * of their date (earliest due first, then those without a date), then of when they were recorded.
 */
export function decisionsForSummary(
  decisions: readonly Decision[],
  when: { previousMeetingDate?: string; today: string; zone?: string },
): DecisionsSummary {
  const since = when.previousMeetingDate;
  const zone = when.zone ?? 'Europe/Stockholm';
  const summary: DecisionsSummary = { new: [], open: [], overdue: [], doneSinceLast: [] };
  for (const decision of sortDecisions(decisions)) {
    if (decision.status === 'done') {
      const doneOn = decision.doneAt ? localDate(decision.doneAt, zone) : undefined;
      if (since === undefined || (doneOn !== undefined && doneOn >= since))
        summary.doneSinceLast.push(decision);
      continue;
    }
    if (isOverdue(decision, when.today)) summary.overdue.push(decision);
    else if (since === undefined || decision.meetingDate >= since) summary.new.push(decision);
    else summary.open.push(decision);
  }
  return summary;
}

/**
 * The decisions that concern a measure: those naming it, and those naming its goal area. A decision about the
 * agreement as a whole (naming neither) concerns no single measure.
 */
export function decisionsConcerning(
  decisions: readonly Decision[],
  measure: Pick<Measure, 'id' | 'goalArea'>,
): Decision[] {
  return sortDecisions(
    decisions.filter(
      (d) => d.concerns.measures.includes(measure.id) || d.concerns.goalAreas.includes(measure.goalArea),
    ),
  );
}

/** Open before done; among them the earliest date first (none last), then in the order they were recorded. */
export function sortDecisions(decisions: readonly Decision[]): Decision[] {
  return [...decisions].sort(
    (a, b) =>
      statusOrder(a) - statusOrder(b) ||
      (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
      a.recordedAt.localeCompare(b.recordedAt) ||
      a.id.localeCompare(b.id),
  );
}

const statusOrder = (d: Decision) => (d.status === 'open' ? 0 : 1);

function localDate(utcIso: string, zone: string): string | undefined {
  return DateTime.fromISO(utcIso, { zone: 'utc' }).setZone(zone).toISODate() ?? undefined;
}
