import type { DateTime } from 'luxon';
import type { Agreement } from './agreement.js';
import type { CheckInRound, RoundTrigger } from './checkInRound.js';
import { nextAllowedMoment, workingDaysBefore, type WorkingCalendar } from './workingCalendar.js';

/** The period an automatic round follows up; the bot words its label in the reader's language. */
export type RoundPeriod =
  | { kind: 'month'; year: number; month: number }
  | { kind: 'quarter'; year: number; quarter: number }
  | { kind: 'steeringMeeting'; date: string };

/** A round the measures' cadence calls for. Its id is the same on every instance, so it is opened once. */
export interface PlannedRound {
  id: string;
  trigger: Exclude<RoundTrigger, 'manual'>;
  period: RoundPeriod;
  measureIds: string[];
  opensAt: DateTime;
}

/** The last day the agreement is valid, after any recorded extensions (förlängningar). */
export function effectiveValidTo(agreement: Pick<Agreement, 'validTo' | 'extensions'>): string {
  return agreement.extensions
    .map((e) => e.validTo)
    .reduce((latest, d) => (d > latest ? d : latest), agreement.validTo);
}

/**
 * The automatic rounds that should be open at `now`: this month's for measures followed up monthly, this
 * quarter's for those followed up quarterly (each from the first working moment of its period), and one for
 * every measure before each steering meeting, `leadWorkingDays` working days ahead of it. Only while the agreement is valid, and
 * never for a period that has already ended: a bot started late does not flood people with old rounds.
 */
export function automaticRoundsDue(
  agreement: Agreement,
  now: DateTime,
  calendar: WorkingCalendar,
  leadWorkingDays: number,
): PlannedRound[] {
  const local = now.setZone(calendar.timeZone);
  const today = local.toISODate() ?? '';
  if (today < agreement.validFrom || today > effectiveValidTo(agreement)) return [];
  const byCadence = (cadence: string) =>
    agreement.measures.filter((m) => !m.retired && m.followUp.cadence === cadence).map((m) => m.id);
  const rounds: PlannedRound[] = [];
  const [hour = 8, minute = 0] = calendar.officeHours.start.split(':').map(Number);

  const monthly = byCadence('monthly');
  if (monthly.length > 0) {
    const opensAt = nextAllowedMoment(local.startOf('month').set({ hour, minute }), calendar);
    if (opensAt <= local) {
      rounds.push({
        id: `monthly-${local.toFormat('yyyy-LL')}`,
        trigger: 'monthly',
        period: { kind: 'month', year: local.year, month: local.month },
        measureIds: monthly,
        opensAt,
      });
    }
  }

  const quarterly = byCadence('quarterly');
  if (quarterly.length > 0) {
    const opensAt = nextAllowedMoment(local.startOf('quarter').set({ hour, minute }), calendar);
    if (opensAt <= local) {
      rounds.push({
        id: `quarterly-${local.year}-q${local.quarter}`,
        trigger: 'quarterly',
        period: { kind: 'quarter', year: local.year, quarter: local.quarter },
        measureIds: quarterly,
        opensAt,
      });
    }
  }

  // Before a steering meeting every measure reports, so the summary and the written report are current.
  const everyMeasure = agreement.measures.filter((m) => !m.retired).map((m) => m.id);
  if (everyMeasure.length > 0) {
    for (const meeting of agreement.steeringMeetings) {
      if (meeting.date < today) continue;
      const opensAt = nextAllowedMoment(
        workingDaysBefore(meeting.date, leadWorkingDays, calendar.officeHours.start, calendar),
        calendar,
      );
      if (opensAt > local) continue;
      rounds.push({
        id: `meeting-${meeting.date}`,
        trigger: 'steeringMeeting',
        period: { kind: 'steeringMeeting', date: meeting.date },
        measureIds: everyMeasure,
        opensAt,
      });
    }
  }
  return rounds;
}

/**
 * Whether an automatic round's period is over at `now`: its month or quarter has ended, or its steering meeting
 * has been held. Such a round closes before the next period's opens, so its measures can be asked again.
 * Manual rounds have no period and stay open until a coordinator closes them.
 */
export function periodIsOver(
  round: Pick<CheckInRound, 'id' | 'trigger'>,
  now: DateTime,
  timeZone: string,
): boolean {
  const local = now.setZone(timeZone);
  switch (round.trigger) {
    case 'manual':
      return false;
    case 'monthly':
      return round.id < `monthly-${local.toFormat('yyyy-LL')}`;
    case 'quarterly':
      return round.id < `quarterly-${local.year}-q${local.quarter}`;
    case 'steeringMeeting':
      return round.id < `meeting-${local.toISODate() ?? ''}`;
  }
}
