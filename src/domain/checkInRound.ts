import type { Measure, TeamsUser } from './agreement.js';
import type { Plan } from './plan.js';
import type { Report } from './report.js';

/** Why a round was opened: by a coordinator, by the measures' cadence, or before a steering meeting. */
export type RoundTrigger = 'manual' | 'monthly' | 'quarterly' | 'steeringMeeting';

/** Uppföljningsomgång: one request to the owners of some measures to report on them. */
export interface CheckInRound {
  id: string;
  agreementId: string;
  /** What people read, e.g. "2021 kvartal 2" or "inför styrgruppen 2021-06-10". */
  label: string;
  trigger: RoundTrigger;
  measureIds: string[];
  /** UTC ISO. */
  openedAt: string;
  openedBy?: TeamsUser;
  status: 'open' | 'closed';
  closedAt?: string;
}

/** Where a measure's check-in card goes: a channel thread, or an owner's personal chat. */
export type PromptTarget = { kind: 'channel'; channelId: string } | { kind: 'personal'; aadObjectId: string };

export function targetKey(target: PromptTarget): string {
  return target.kind === 'channel' ? `channel:${target.channelId}` : `personal:${target.aadObjectId}`;
}

/** Where one check-in card was posted, so reminders can answer in its thread and saves can update it. */
export interface Delivery {
  roundId: string;
  measureId: string;
  target: PromptTarget;
  /**
   * `sending` is written just before the card goes to Teams; a delivery still `sending` when its job runs again
   * may have reached Teams (the process died waiting for the answer) and becomes `unconfirmed`: never sent twice.
   */
  status: 'sent' | 'failed' | 'sending' | 'unconfirmed';
  /** The conversation the card is in (a channel thread or a personal chat) and its message id. */
  conversationId?: string;
  activityId?: string;
  /** Short reason of a failed send; never message text. */
  error?: string;
  /** UTC ISO. */
  at: string;
}

/** That reminder `number` of a round reached a target. */
export interface Reminder {
  roundId: string;
  measureId: string;
  number: number;
  target: PromptTarget;
  /** UTC ISO. */
  at: string;
}

/**
 * The channels a measure's check-in is posted in: its working group's channel, or every bound working-group
 * channel when the measure names none (or its group has no channel yet).
 */
export function channelsForMeasure(plan: Plan, measure: Measure): string[] {
  const workingGroups = new Set(
    plan.agreement.groups.filter((g) => g.kind === 'arbetsgrupp').map((g) => g.id),
  );
  const bound = plan.bindings.filter((b) => workingGroups.has(b.groupId));
  const own = bound.filter((b) => b.groupId === measure.workingGroup);
  const chosen = own.length > 0 ? own : bound;
  return [...new Set(chosen.map((b) => b.channelId))];
}

/**
 * Every place a round's card for this measure is sent: the channels, plus the personal chat of each owner who
 * installed the bot personally.
 */
export function promptTargets(
  plan: Plan,
  measure: Measure,
  ownersWithPersonalChat: ReadonlySet<string>,
): PromptTarget[] {
  return [
    ...channelsForMeasure(plan, measure).map((channelId): PromptTarget => ({ kind: 'channel', channelId })),
    ...measure.owners
      .filter((o) => ownersWithPersonalChat.has(o.aadObjectId))
      .map((o): PromptTarget => ({ kind: 'personal', aadObjectId: o.aadObjectId })),
  ];
}

/** The measures of a round still waiting for a report given in that round. */
export function missingMeasures(
  round: CheckInRound,
  plan: Plan,
  currentReports: readonly Pick<Report, 'measureId' | 'roundId'>[],
): Measure[] {
  const answered = new Set(currentReports.filter((r) => r.roundId === round.id).map((r) => r.measureId));
  return plan.agreement.measures.filter((m) => round.measureIds.includes(m.id) && !answered.has(m.id));
}

export function isOwner(measure: Measure, aadObjectId: string | undefined): boolean {
  return !!aadObjectId && measure.owners.some((o) => o.aadObjectId === aadObjectId);
}

/**
 * The open rounds that already hold any of `measureIds`. A measure is in at most one open round at a time, so
 * an owner never gets the same card from two rounds.
 */
export function overlappingOpenRounds(
  rounds: readonly CheckInRound[],
  measureIds: readonly string[],
): CheckInRound[] {
  const wanted = new Set(measureIds);
  return rounds.filter((r) => r.status === 'open' && r.measureIds.some((id) => wanted.has(id)));
}

/** `measureIds` without those already in an open round. */
export function measuresFreeOfOpenRounds(
  rounds: readonly CheckInRound[],
  measureIds: readonly string[],
): string[] {
  const busy = new Set(rounds.filter((r) => r.status === 'open').flatMap((r) => r.measureIds));
  return measureIds.filter((id) => !busy.has(id));
}
