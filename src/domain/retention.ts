import { DateTime } from 'luxon';
import type { Agreement } from './agreement.js';
import { effectiveValidTo } from './roundSchedule.js';

/**
 * Gallring: the reports of an agreement are kept for a number of months after it has ended and then removed,
 * after an archive export. The period comes from the municipality's document management plan
 * (dokumenthanteringsplan) under arkivlagen, so there is no default: without a setting, reports are kept.
 */

/** Whether the reports of the agreement are to be removed on a day, and from which day. */
export type RetentionState =
  /** No retention period is configured: reports are kept. */
  | { kind: 'off' }
  /** The period runs until the day before `dueOn`. */
  | { kind: 'notYet'; validTo: string; dueOn: string }
  /** The period has passed in full: archive and remove. */
  | { kind: 'due'; validTo: string; dueOn: string };

/**
 * The first day reports may be removed: the day after the last day of the period, which runs `months` calendar
 * months from the agreement's last valid day (after extensions). An agreement valid to 2022-12-31 with 24 months
 * is removed from 2025-01-01. Luxon keeps month ends: 2023-01-31 plus one month is 2023-02-28, so removal is
 * from 2023-03-01; a period is never cut short by a short month.
 */
export function retentionDueOn(agreement: Pick<Agreement, 'validTo' | 'extensions'>, months: number): string {
  const validTo = effectiveValidTo(agreement);
  const lastKeptDay = DateTime.fromISO(validTo, { zone: 'utc' }).plus({ months });
  return lastKeptDay.plus({ days: 1 }).toISODate() ?? '';
}

/**
 * What retention asks for at `now`. Only calendar dates count: the day is taken in `timeZone` (Europe/Stockholm),
 * so a change to or from summer time neither brings the day forward nor holds it back.
 */
export function retentionState(
  agreement: Pick<Agreement, 'validTo' | 'extensions'>,
  months: number | undefined,
  now: Date,
  timeZone: string,
): RetentionState {
  if (months === undefined) return { kind: 'off' };
  const validTo = effectiveValidTo(agreement);
  const dueOn = retentionDueOn(agreement, months);
  const today = DateTime.fromJSDate(now).setZone(timeZone).toISODate() ?? '';
  return today >= dueOn ? { kind: 'due', validTo, dueOn } : { kind: 'notYet', validTo, dueOn };
}
