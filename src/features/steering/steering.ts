import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { jobAgreementId, type Planned } from '../jobAgreement.js';
import { coordinatorsOf, type GroupKind, type SteeringMeeting } from '../../domain/agreement.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { hasEnded, lastDay } from '../../domain/agreementPeriod.js';
import { effectiveValidTo } from '../../domain/roundSchedule.js';
import {
  consultationDeadline,
  meetingGaps,
  meetingSummary,
  previousMeeting,
  renewalReminderAt,
  upcomingMeetings,
  type MeetingSummary,
} from '../../domain/steering.js';
import { nextAllowedMoment, workingDaysBefore } from '../../domain/workingCalendar.js';
import { renderCard } from '../shared/cards.js';
import { reviewCard } from './reviewAnswers.js';
import { midTermMonth } from '../../domain/midTermReview.js';
import { messagesFor } from '../shared/messages.js';
import { summaryDecisionTexts } from './summaryDecisionTexts.js';
import type { Decision } from '../../domain/decision.js';
import { log } from '../../platform/log.js';
import type { ClaimedJob } from '../../storage/jobStore.js';
import { parseJobPayload } from '../checkIns/checkIns.js';
import type { Messenger, OutgoingMessage } from '../../scheduling/messenger.js';
import type { JobHandler, JobOutcome } from '../../scheduling/scheduler.js';
import { agreementName } from '../agreements/agreementName.js';

/** The payload of each steering job kind, as enqueued and as read when the job runs. */
const meetingSummaryPayload = z.object({ agreementId: jobAgreementId, date: z.string() });
const meetingGapPayload = z.object({
  agreementId: jobAgreementId,
  year: z.number().int(),
  planned: z.number().int(),
});
const midTermReviewPayload = z.object({ agreementId: jobAgreementId });
/** `renewalReminder` and `agreementEnded`: the end of the agreement the job was planned for. */
const validToPayload = z.object({ agreementId: jobAgreementId, validTo: z.string() });
type MeetingSummaryPayload = z.infer<typeof meetingSummaryPayload>;
type MeetingGapPayload = z.infer<typeof meetingGapPayload>;
type MidTermReviewPayload = z.infer<typeof midTermReviewPayload>;
type ValidToPayload = z.infer<typeof validToPayload>;

export interface SteeringSettings {
  /** Working days before a meeting its summary is posted. */
  summaryLeadWorkingDays: number;
  /** Working days before the consultation deadline the renewal reminder is posted. */
  renewalNoticeWorkingDays: number;
}

export interface SteeringDependencies
  extends
    Pick<
      AgreementContext,
      'agreementId' | 'jobIdPrefix' | 'successorStartsOn' | 'calendar' | 'locale' | 'now'
    >,
    Pick<Repositories, 'plans' | 'reports' | 'jobs' | 'decisions'> {
  messenger: Messenger;
  settings: SteeringSettings;
}

/** Planning notices is cheap but not free; once every few minutes per instance is plenty. */
const planEveryMs = 10 * 60_000;

/**
 * The steering group's side of the agreement: a summary before each meeting, a warning when a year has fewer
 * than two meetings, the renewal reminder, and the notice when the agreement has ended. Each is a stored job
 * whose id names what it is about, so it is sent once, and again only when that changes (a new end date).
 * Once the agreement has ended (`lastDay`: its own end, or the day before the agreement that follows it starts)
 * only the notice that it has ended is planned and sent.
 */
export class Steering {
  private plannedAt = 0;

  constructor(private readonly deps: SteeringDependencies) {}

  async planDueNotices(now: Date): Promise<void> {
    if (now.getTime() - this.plannedAt < planEveryMs && this.plannedAt <= now.getTime()) return;
    this.plannedAt = now.getTime();
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return;
    const { calendar } = this.deps;
    const agreementId = plan.agreement.id;
    const local = DateTime.fromJSDate(now).setZone(calendar.timeZone);
    const today = local.toISODate() ?? '';
    const { successorStartsOn } = this.deps;
    const validTo = lastDay(plan.agreement, successorStartsOn);
    const soon = iso(nextAllowedMoment(local, calendar));

    if (today <= validTo) {
      for (const meeting of plan.agreement.steeringMeetings.filter((m) => m.date >= today)) {
        const at = workingDaysBefore(
          meeting.date,
          this.deps.settings.summaryLeadWorkingDays,
          calendar.officeHours.start,
          calendar,
        );
        await this.deps.jobs.enqueue({
          id: `${this.deps.jobIdPrefix}meetingSummary|${meeting.date}`,
          kind: 'meetingSummary',
          dueAt: iso(at),
          payload: { agreementId, date: meeting.date } satisfies Planned<MeetingSummaryPayload>,
        });
      }
      const lastYear = Number(validTo.slice(0, 4));
      const gaps = meetingGaps(plan.agreement).filter((g) => g.year >= local.year && g.year <= lastYear);
      for (const gap of gaps) {
        await this.deps.jobs.enqueue({
          id: `${this.deps.jobIdPrefix}meetingGap|${gap.year}|${gap.planned}`,
          kind: 'meetingGap',
          dueAt: soon,
          payload: { agreementId, year: gap.year, planned: gap.planned } satisfies Planned<MeetingGapPayload>,
        });
      }
      const reviewMonth = DateTime.fromFormat(midTermMonth(plan.agreement), 'yyyy-LL', {
        zone: calendar.timeZone,
      });
      const reviewStarts = reviewMonth.startOf('month').toISODate() ?? '';
      if (today <= (reviewMonth.endOf('month').toISODate() ?? '') && reviewStarts <= validTo) {
        const [hour = 8, minute = 0] = calendar.officeHours.start.split(':').map(Number);
        await this.deps.jobs.enqueue({
          id: `${this.deps.jobIdPrefix}midTermReview|${reviewMonth.toFormat('yyyy-LL')}`,
          kind: 'midTermReview',
          dueAt: iso(nextAllowedMoment(reviewMonth.set({ hour, minute }), calendar)),
          payload: { agreementId } satisfies Planned<MidTermReviewPayload>,
        });
      }
      // An agreement that another follows is not renewed: the parties have agreed on the next one.
      if (successorStartsOn === undefined && today <= consultationDeadline(plan.agreement)) {
        await this.deps.jobs.enqueue({
          id: `${this.deps.jobIdPrefix}renewal|${validTo}`,
          kind: 'renewalReminder',
          dueAt: iso(
            renewalReminderAt(plan.agreement, calendar, this.deps.settings.renewalNoticeWorkingDays),
          ),
          payload: { agreementId, validTo } satisfies Planned<ValidToPayload>,
        });
      }
    }
    const dayAfter = DateTime.fromISO(validTo, { zone: calendar.timeZone }).plus({ days: 1 }).startOf('day');
    await this.deps.jobs.enqueue({
      id: `${this.deps.jobIdPrefix}agreementEnded|${validTo}`,
      kind: 'agreementEnded',
      dueAt: iso(nextAllowedMoment(dayAfter, calendar)),
      payload: { agreementId, validTo } satisfies Planned<ValidToPayload>,
    });
  }

  handlers(): Record<string, JobHandler> {
    return {
      meetingSummary: (job) => this.postSummary(job),
      meetingGap: (job) => this.postGap(job),
      renewalReminder: (job) => this.postRenewal(job),
      agreementEnded: (job) => this.postEnded(job),
      midTermReview: (job) => this.askReview(job),
    };
  }

  /**
   * The summary card of a meeting, as it stands now; `note` is shown under its title when given. For a meeting held
   * without being planned, the report button asks for the report up to today: only planned meetings have one.
   */
  async summaryCard(
    plan: Plan,
    meeting: SteeringMeeting,
    locale: Locale,
    note?: string,
  ): Promise<Record<string, unknown>> {
    const summary = await this.summaryOf(plan, meeting);
    const planned = plan.agreement.steeringMeetings.some((m) => m.date === meeting.date);
    return summaryCardOf(plan, summary, locale, this.deps.calendar.timeZone, {
      ...(note ? { note } : {}),
      noMeeting: !planned,
    });
  }

  /**
   * `sammanfattning` with no meeting ahead (after an extension, say): where things stand today, changes since
   * the latest meeting, and how to plan the next one. A past meeting is never shown as the next.
   */
  async summaryCardForToday(plan: Plan, locale: Locale): Promise<Record<string, unknown>> {
    const today = this.today();
    const m = messagesFor(locale);
    return summaryCardOf(
      plan,
      await this.summaryOf(plan, { date: today }),
      locale,
      this.deps.calendar.timeZone,
      {
        title: m.steering.todayTitle(today),
        note: this.meetingsText(plan, locale),
        noMeeting: true,
      },
    );
  }

  /** Reports and decisions as they stand now, summed up for a meeting. */
  private async summaryOf(plan: Plan, meeting: SteeringMeeting): Promise<MeetingSummary> {
    const [history, decisions] = await Promise.all([
      this.deps.reports.allHistory(plan.agreement.id),
      this.deps.decisions.list(plan.agreement.id),
    ]);
    const timeZone = this.deps.calendar.timeZone;
    return meetingSummary(plan, history, meeting, { decisions, today: this.today(), timeZone });
  }

  /** Which steering meetings are planned from today, or that none is and how to plan one. */
  meetingsText(plan: Plan, locale: Locale): string {
    const m = messagesFor(locale);
    const today = this.today();
    const upcoming = upcomingMeetings(plan.agreement, today);
    if (upcoming.length > 0) {
      return m.manage.upcomingMeetings(
        upcoming.map((x) => (x.time ? `${x.date} ${x.time}` : x.date)).join(', '),
      );
    }
    const last = previousMeeting(plan.agreement, today);
    return m.manage.noUpcomingMeeting(last?.date, exampleMeetingDay(today, effectiveValidTo(plan.agreement)));
  }

  /** A notice planned while the agreement ran is not sent once it has ended (a successor started meanwhile, say). */
  private hasEnded(plan: Plan): boolean {
    return hasEnded(plan.agreement, this.today(), this.deps.successorStartsOn);
  }

  private today(): string {
    return DateTime.fromJSDate(this.deps.now()).setZone(this.deps.calendar.timeZone).toISODate() ?? '';
  }

  private async postSummary(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(meetingSummaryPayload, job);
    if (!read.ok) return read.outcome;
    const { date } = read.payload;
    const plan = await this.deps.plans.load(this.deps.agreementId);
    const meeting = plan?.agreement.steeringMeetings.find((m) => m.date === date);
    if (!plan || !meeting) return { kind: 'done', outcome: 'noMeeting' };
    if (this.hasEnded(plan)) return { kind: 'done', outcome: 'ended' };
    const card = await this.summaryCard(plan, meeting, this.deps.locale);
    await this.tell(plan, ['styrgrupp', 'beredningsgrupp'], { card });
    return { kind: 'done', outcome: 'posted' };
  }

  private async postGap(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(meetingGapPayload, job);
    if (!read.ok) return read.outcome;
    const { year } = read.payload;
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return { kind: 'done', outcome: 'noAgreement' };
    if (this.hasEnded(plan)) return { kind: 'done', outcome: 'ended' };
    // Meetings may have been planned since the job was made.
    const gap = meetingGaps(plan.agreement).find((g) => g.year === year);
    if (!gap) return { kind: 'done', outcome: 'planned since' };
    await this.tell(plan, ['beredningsgrupp'], {
      text: messagesFor(this.deps.locale).steering.meetingGap(year, gap.planned),
    });
    return { kind: 'done', outcome: 'posted' };
  }

  private async postRenewal(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(validToPayload, job);
    if (!read.ok) return read.outcome;
    const { validTo } = read.payload;
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan || effectiveValidTo(plan.agreement) !== validTo)
      return { kind: 'done', outcome: 'extended since' };
    if (this.deps.successorStartsOn !== undefined) return { kind: 'done', outcome: 'succeeded' };
    const text = messagesFor(this.deps.locale).steering.renewal(
      validTo,
      consultationDeadline(plan.agreement),
      plan.agreement.renewal.extensionYears,
    );
    await this.tell(plan, ['styrgrupp', 'beredningsgrupp'], { text });
    return { kind: 'done', outcome: 'posted' };
  }

  /** The mid-term review's questions go to the preparation group's and the working groups' channels. */
  private async askReview(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(midTermReviewPayload, job);
    if (!read.ok) return read.outcome;
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return { kind: 'done', outcome: 'noAgreement' };
    if (this.hasEnded(plan)) return { kind: 'done', outcome: 'ended' };
    const card = reviewCard(plan, this.deps.locale);
    await this.tell(plan, ['beredningsgrupp', 'arbetsgrupp'], { card });
    return { kind: 'done', outcome: 'asked' };
  }

  private async postEnded(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(validToPayload, job);
    if (!read.ok) return read.outcome;
    const { validTo } = read.payload;
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan || lastDay(plan.agreement, this.deps.successorStartsOn) !== validTo)
      return { kind: 'done', outcome: 'extended since' };
    const m = messagesFor(this.deps.locale);
    const startsOn = this.deps.successorStartsOn;
    await this.tell(plan, ['styrgrupp', 'beredningsgrupp'], {
      text: startsOn ? m.steering.endedFollowed(validTo, startsOn) : m.steering.ended(validTo),
    });
    return { kind: 'done', outcome: 'posted' };
  }

  /** The groups' channels, or the coordinators' personal chats when none of them has one. */
  private async tell(plan: Plan, kinds: GroupKind[], message: OutgoingMessage): Promise<void> {
    const groups = plan.agreement.groups.filter((g) => kinds.includes(g.kind)).map((g) => g.id);
    const channels = [
      ...new Set(plan.bindings.filter((b) => groups.includes(b.groupId)).map((b) => b.channelId)),
    ];
    for (const channel of channels) await this.deps.messenger.postToChannel(channel, message);
    if (channels.length > 0) return;
    const reachable = await this.deps.messenger.withPersonalChat(
      coordinatorsOf(plan.agreement).map((c) => c.aadObjectId),
    );
    for (const id of reachable) await this.deps.messenger.sendToPerson(id, message);
    if (reachable.size === 0) log.warn('steering.unreachable', { agreementId: plan.agreement.id });
  }
}

/** How a summary card is shown: another title, a note under it, and no meeting (the report up to today). */
export interface SummaryCardOptions {
  title?: string;
  note?: string;
  noMeeting?: boolean;
}

/**
 * The summary card's data: text for every goal area, a line chart (with a text fallback) per indicator, and the
 * steering group's decisions.
 */
export function summaryCardOf(
  plan: Plan,
  summary: MeetingSummary,
  locale: Locale,
  timeZone: string,
  options: SummaryCardOptions = {},
) {
  const m = messagesFor(locale);
  const list = (items: string[]) => items.join(', ');
  const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).toISODate() ?? iso;
  const goalAreas = summary.goalAreas.map((g) => {
    const lines = [
      ...(g.changed.length
        ? [
            m.steering.changed(
              list(
                g.changed.map(
                  (c) =>
                    `**${c.measure.id}** ${c.from ? m.statuses[c.from.status] : m.status.noReport} → ${m.statuses[c.to.status]}`,
                ),
              ),
            ),
          ]
        : []),
      ...(g.risks.length
        ? [m.steering.risks(list(g.risks.map((r) => `**${r.measure.id}** ${m.statuses[r.report.status]}`)))]
        : []),
      ...(g.decisions.length
        ? [m.steering.decisions(list(g.decisions.map((d) => `**${d.measure.id}** ${d.measure.title}`)))]
        : []),
      ...(g.missing.length ? [m.steering.missing(list(g.missing.map((x) => `**${x.id}**`)))] : []),
    ];
    return {
      heading: `${m.status.lights[g.light]} ${m.goalArea(g.number, g.title)}`,
      lines: lines.length ? lines : [m.steering.nothingNew],
    };
  });
  const trends = summary.trends.map((t) => {
    const indicator = t.measure.followUp.indicator;
    const name = indicator ? m.steering.trend(indicator.name, indicator.unit) : t.measure.title;
    return {
      title: `${t.measure.id} ${name}`,
      legend: name,
      values: t.points.map((p) => ({
        x: m.steering.chartDay(day(`${p.date}T12:00:00Z`), !inOneYear(t.points)),
        y: p.value,
      })),
      text: m.steering.trendText(
        `${t.measure.id} ${name}`,
        t.points.map((p) => `${p.date} ${p.value}`).join(', '),
      ),
    };
  });
  return renderCard('meetingSummary', {
    title:
      options.title ??
      m.steering.summaryTitle(
        summary.meeting.time ? `${summary.meeting.date} ${summary.meeting.time}` : summary.meeting.date,
      ),
    note: options.note ?? '',
    subtitle: m.steering.summarySubtitle(
      agreementName(plan.agreement, locale, summary.meeting.date),
      summary.since,
    ),
    goal: m.steering.goal(plan.agreement.longTermGoal),
    goalAreas,
    trends,
    decisions: decisionSections(summary, locale, timeZone),
    reportButton: m.steering.reportButton,
    // No meeting: the button asks for the report up to today.
    meeting: options.noMeeting ? '' : summary.meeting.date,
  });
}

/** The decisions part of the summary: one section with a line per list that has any; none when nothing is decided. */
function decisionSections(summary: MeetingSummary, locale: Locale, timeZone: string) {
  const t = summaryDecisionTexts(locale);
  const { decided, since } = summary;
  const lineOf = (d: Decision) =>
    t.line({
      text: d.text,
      responsible: d.responsible,
      ...(d.dueDate ? { dueDate: d.dueDate } : {}),
      ...(d.doneAt
        ? { doneOn: DateTime.fromISO(d.doneAt, { zone: 'utc' }).setZone(timeZone).toISODate() ?? d.doneAt }
        : {}),
      measures: d.concerns.measures,
      goalAreas: d.concerns.goalAreas,
    });
  const lists: Array<[string, Decision[]]> = [
    [t.overdue, decided.overdue],
    [t.newSince(since), decided.new],
    [t.open, decided.open],
    [t.doneSince(since), decided.doneSinceLast],
  ];
  const lines = lists
    .filter(([, decisions]) => decisions.length > 0)
    .flatMap(([label, decisions]) => [label, ...decisions.map((d) => `- ${lineOf(d)}`)]);
  return lines.length > 0 ? [{ heading: t.heading, lines }] : [];
}

/** A Thursday some six weeks ahead for the example in "plan one with möte …", inside the agreement's time. */
function exampleMeetingDay(today: string, validTo: string): string {
  const ahead = DateTime.fromISO(today).plus({ weeks: 6 }).set({ weekday: 4 });
  const last = DateTime.fromISO(validTo);
  const day = ahead <= last ? ahead : last.set({ weekday: 4 }) <= last ? last.set({ weekday: 4 }) : last;
  const date = day.toISODate() ?? today;
  return date < today ? today : date;
}

function inOneYear(points: ReadonlyArray<{ date: string }>): boolean {
  return new Set(points.map((p) => p.date.slice(0, 4))).size <= 1;
}

function iso(moment: DateTime): string {
  return moment.toUTC().toISO() ?? '';
}
