import { DateTime } from 'luxon';
import type { Agreement, SteeringMeeting } from './agreement.js';

/**
 * A steering meeting as it took place in Teams (hållet möte): Teams tells when someone starts and ends it, never
 * when it is scheduled. `planned` says whether it is one of the agreement's planned meetings (same Stockholm day).
 */
export interface HeldMeeting {
  agreementId: string;
  /** Teams' meeting id (`channelData.meeting.id`). */
  meetingId: string;
  title: string;
  /** The day it took place, in the agreement's time zone (ISO date). */
  date: string;
  /** True when the agreement plans a steering meeting on `date` (from the agreement file or `möte`). */
  planned: boolean;
  /** UTC ISO, from the start and end events; either may be missing when Teams did not send it. */
  startedAt?: string;
  endedAt?: string;
  /** The meeting's own thread (conversation id) and the channel it belongs to. */
  conversationId: string;
  channelId: string;
  /** Where to reach the meeting's thread later, without the person who started or ended it. */
  reference: Record<string, unknown>;
}

/**
 * The steering meeting a meeting held at `at` (UTC ISO) is: the planned one of that day in `timeZone`, or else a
 * meeting of that day at the time it started (or ended), which the summary and the decisions then count as held.
 */
export function steeringMeetingAt(
  agreement: Pick<Agreement, 'steeringMeetings'>,
  at: string,
  timeZone: string,
): { meeting: SteeringMeeting; planned: boolean } {
  const local = DateTime.fromISO(at, { zone: 'utc' }).setZone(timeZone);
  const date = local.toISODate() ?? at.slice(0, 10);
  const planned = agreement.steeringMeetings.find((m) => m.date === date);
  if (planned) return { meeting: planned, planned: true };
  return { meeting: { date, time: local.toFormat('HH:mm') }, planned: false };
}

/**
 * What is known of a meeting after another event about it: what was recorded first stays (Teams may send an event
 * twice, and the first start is when it started), what is new fills the gaps.
 */
export function mergeHeldMeeting(known: HeldMeeting, event: HeldMeeting): HeldMeeting {
  const startedAt = known.startedAt ?? event.startedAt;
  const endedAt = known.endedAt ?? event.endedAt;
  return {
    ...event,
    ...known,
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
  };
}
