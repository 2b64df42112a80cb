import { DateTime } from 'luxon';
import type { Agreement, Measure, SteeringMeeting } from './agreement.js';
import { decisionsForSummary, type Decision, type DecisionsSummary } from './decision.js';
import { effectiveValidTo } from './roundSchedule.js';
import type { Report } from './report.js';
import { trafficLight, type TrafficLight } from './statusOverview.js';
import type { Plan } from './plan.js';
import { workingDaysBefore, nextAllowedMoment, type WorkingCalendar } from './workingCalendar.js';

/** The agreement asks the steering group (styrgruppen) to meet at least twice a year. */
export const meetingsPerYear = 2;

/** Calendar years inside the agreement's period with fewer than two steering meetings planned. */
export function meetingGaps(agreement: Agreement): Array<{ year: number; planned: number }> {
  const first = Number(agreement.validFrom.slice(0, 4));
  const last = Number(effectiveValidTo(agreement).slice(0, 4));
  const gaps: Array<{ year: number; planned: number }> = [];
  for (let year = first; year <= last; year++) {
    const planned = agreement.steeringMeetings.filter((m) => m.date.startsWith(`${year}-`)).length;
    if (planned < meetingsPerYear) gaps.push({ year, planned });
  }
  return gaps;
}

/**
 * The last day for the parties' consultation on extending the agreement: six months (as the agreement says)
 * before it expires. For the example, 2022-06-30.
 */
export function consultationDeadline(agreement: Agreement): string {
  const validTo = DateTime.fromISO(effectiveValidTo(agreement));
  return validTo.minus({ months: agreement.renewal.consultationMonthsBeforeExpiry }).toISODate() ?? '';
}

/** When the steering group and the coordinators are reminded of the consultation: in good time before it. */
export function renewalReminderAt(
  agreement: Agreement,
  calendar: WorkingCalendar,
  noticeWorkingDays: number,
): DateTime {
  return nextAllowedMoment(
    workingDaysBefore(
      consultationDeadline(agreement),
      noticeWorkingDays,
      calendar.officeHours.start,
      calendar,
    ),
    calendar,
  );
}

/** A recorded extension (förlängning): the period grows by the agreed number of years from its current end. */
export function extendAgreement(agreement: Agreement, decidedOn: string): Agreement {
  const validTo =
    DateTime.fromISO(effectiveValidTo(agreement))
      .plus({ years: agreement.renewal.extensionYears })
      .toISODate() ?? '';
  return { ...agreement, extensions: [...agreement.extensions, { decidedOn, validTo }] };
}

/** The steering meeting before `date`, if any: what a summary counts its changes from. */
export function previousMeeting(agreement: Agreement, date: string): SteeringMeeting | undefined {
  return agreement.steeringMeetings
    .filter((m) => m.date < date)
    .sort((a, b) => a.date.localeCompare(b.date))
    .at(-1);
}

/** The meetings on or after `today`, earliest first: what "the next meeting" can be; a past one never is. */
export function upcomingMeetings(agreement: Agreement, today: string): SteeringMeeting[] {
  return agreement.steeringMeetings
    .filter((m) => m.date >= today)
    .sort((a, b) => a.date.localeCompare(b.date));
}

export interface IndicatorTrend {
  measure: Measure;
  /** Values in the order they were reported, one per day reported (the latest revision that day). */
  points: Array<{ date: string; value: number }>;
}

export interface MeetingSummary {
  meeting: SteeringMeeting;
  since?: string;
  goalAreas: Array<{
    number: number;
    title: string;
    light: TrafficLight;
    changed: Array<{ measure: Measure; from?: Report; to: Report }>;
    risks: Array<{ measure: Measure; report: Report }>;
    decisions: Array<{ measure: Measure; report: Report }>;
    missing: Measure[];
  }>;
  trends: IndicatorTrend[];
  /** The steering group's decisions (beslut): new since the previous meeting, open, overdue, done since then. */
  decided: DecisionsSummary;
}

/** What else a summary is made of: the decisions recorded so far, and the day and time zone to judge them in. */
export interface SummaryDecisions {
  decisions: readonly Decision[];
  /** ISO date in `timeZone`: a decision past its date before this day is overdue. */
  today: string;
  timeZone: string;
}

/**
 * What the steering group needs before a meeting: per goal area a traffic light, what changed since the previous
 * meeting, risks (at risk or delayed), requests for a decision, and measures with no report since the previous
 * meeting; every indicator's values over time; and the steering group's own decisions, followed up. `history` holds
 * every revision of every measure.
 */
export function meetingSummary(
  plan: Plan,
  history: readonly Report[],
  meeting: SteeringMeeting,
  decided: SummaryDecisions = { decisions: [], today: meeting.date, timeZone: 'Europe/Stockholm' },
): MeetingSummary {
  const since = previousMeeting(plan.agreement, meeting.date)?.date;
  const byMeasure = new Map<string, Report[]>();
  for (const report of history) {
    if (report.agreementId !== plan.agreement.id) continue;
    byMeasure.set(report.measureId, [...(byMeasure.get(report.measureId) ?? []), report]);
  }
  const measures = plan.agreement.measures.filter((m) => !m.retired);
  const latestOf = (reports: readonly Report[], before?: string) =>
    reports
      .filter((r) => before === undefined || r.reportedAt < before)
      .reduce<Report | undefined>(
        (latest, r) => (!latest || r.revision > latest.revision ? r : latest),
        undefined,
      );

  const goalAreas = plan.agreement.goalAreas.map((goal) => {
    const inGoal = measures.filter((m) => m.goalArea === goal.number);
    const rows = inGoal.map((measure) => {
      const reports = byMeasure.get(measure.id) ?? [];
      return {
        measure,
        latest: latestOf(reports),
        before: since ? latestOf(reports, `${since}T23:59:59.999Z`) : undefined,
      };
    });
    return {
      number: goal.number,
      title: goal.title,
      light: trafficLight(rows.map((r) => r.latest?.status)),
      changed: rows
        .filter((r) => r.latest && r.latest.status !== r.before?.status)
        .map((r) => ({
          measure: r.measure,
          ...(r.before ? { from: r.before } : {}),
          to: r.latest as Report,
        })),
      risks: rows
        .filter((r) => r.latest && (r.latest.status === 'atRisk' || r.latest.status === 'delayed'))
        .map((r) => ({ measure: r.measure, report: r.latest as Report })),
      decisions: rows
        .filter((r) => r.latest?.needsSteeringDecision)
        .map((r) => ({ measure: r.measure, report: r.latest as Report })),
      missing: rows
        .filter((r) => !r.latest || (since !== undefined && r.latest.reportedAt.slice(0, 10) <= since))
        .map((r) => r.measure),
    };
  });

  const trends = measures
    .filter((m) => m.followUp.indicator)
    .map((measure) => {
      const perDay = new Map<string, Report>();
      for (const report of byMeasure.get(measure.id) ?? []) {
        if (report.indicatorValue === undefined) continue;
        const day = report.reportedAt.slice(0, 10);
        const known = perDay.get(day);
        if (!known || report.revision > known.revision) perDay.set(day, report);
      }
      const points = [...perDay.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([date, report]) => ({ date, value: report.indicatorValue as number }));
      return { measure, points };
    })
    .filter((trend) => trend.points.length > 0);

  const decisions = decidedBy(plan.agreement.id, meeting.date, decided.decisions);
  return {
    meeting,
    ...(since ? { since } : {}),
    goalAreas,
    trends,
    decided: decisionsForSummary(decisions, {
      ...(since ? { previousMeetingDate: since } : {}),
      today: decided.today,
      zone: decided.timeZone,
    }),
  };
}

/**
 * The agreement's decisions (one deployment serves several agreements) taken on or before the meeting's day: the
 * summary of an earlier meeting does not show what was decided after it.
 */
function decidedBy(agreementId: string, date: string, decisions: readonly Decision[]): Decision[] {
  return decisions.filter((d) => d.agreementId === agreementId && d.meetingDate <= date);
}
