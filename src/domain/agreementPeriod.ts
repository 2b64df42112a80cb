import { DateTime } from 'luxon';
import type { Agreement } from './agreement.js';
import { effectiveValidTo } from './roundSchedule.js';

/**
 * When an agreement runs. Days are ISO dates in the agreement's time zone (Europe/Stockholm), compared as strings:
 * the caller turns its clock into `today`.
 */

/** Whether the agreement's first day has come. */
export function hasStarted(agreement: Pick<Agreement, 'validFrom'>, today: string): boolean {
  return today >= agreement.validFrom;
}

/**
 * The agreement's last day: its own end after any extensions (förlängningar), or the day before the agreement
 * that follows it starts, when that is earlier. From its successor's first day the successor has its channels, so
 * the old one opens no more rounds there, whatever its own dates say.
 */
export function lastDay(
  agreement: Pick<Agreement, 'validTo' | 'extensions'>,
  successorStartsOn?: string,
): string {
  const own = effectiveValidTo(agreement);
  if (successorStartsOn === undefined) return own;
  const dayBefore = DateTime.fromISO(successorStartsOn).minus({ days: 1 }).toISODate() ?? own;
  return dayBefore < own ? dayBefore : own;
}

/**
 * Whether the agreement has ended (it is avslutad): no rounds are opened and no notices planned for it any more,
 * but everything it holds stays readable.
 */
export function hasEnded(
  agreement: Pick<Agreement, 'validTo' | 'extensions'>,
  today: string,
  successorStartsOn?: string,
): boolean {
  return today > lastDay(agreement, successorStartsOn);
}
