import { DateTime } from 'luxon';
import type { Measure } from './agreement.js';
import type { CheckInRound } from './checkInRound.js';
import type { Report } from './report.js';

/** One value of a measure's indicator: a round's (its label), or one given outside any round (no label). */
export interface IndicatorValuePoint {
  roundLabel?: string;
  /** YYYY-MM-DD, local: when the round opened, or when a value outside a round was given. */
  date: string;
  /** Absent when the measure was asked in the round and gave no value. */
  value?: number;
}

/**
 * A measure's indicator over time, one point per round it was asked in or answered with a value in, and one per
 * value given outside a round, oldest first. A round's value is the newest one given in it. No points when no
 * value was ever given: a series of blanks only says that nothing was reported.
 */
export function indicatorSeries(
  measure: Measure,
  history: readonly Report[],
  rounds: readonly CheckInRound[],
  timeZone: string,
): IndicatorValuePoint[] {
  if (!measure.followUp.indicator) return [];
  const own = history
    .filter((r) => r.measureId === measure.id && r.indicatorValue !== undefined)
    .sort((a, b) => a.revision - b.revision);
  const newestIn = new Map<string, Report>();
  for (const r of own) if (r.roundId) newestIn.set(r.roundId, r);
  const knownRounds = new Set(rounds.map((r) => r.id));
  const localDate = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).toFormat('yyyy-MM-dd');

  const dated: Array<IndicatorValuePoint & { at: number }> = [];
  for (const round of rounds) {
    const given = newestIn.get(round.id)?.indicatorValue;
    if (given === undefined && !round.measureIds.includes(measure.id)) continue;
    dated.push({
      at: Date.parse(round.openedAt),
      roundLabel: round.label,
      date: localDate(round.openedAt),
      ...(given !== undefined ? { value: given } : {}),
    });
  }
  for (const r of own) {
    if ((r.roundId && knownRounds.has(r.roundId)) || r.indicatorValue === undefined) continue;
    dated.push({ at: Date.parse(r.reportedAt), date: localDate(r.reportedAt), value: r.indicatorValue });
  }
  dated.sort((a, b) => a.at - b.at);
  return dated.some((p) => p.value !== undefined) ? dated.map(({ at: _at, ...p }) => p) : [];
}
