import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { jobAgreementId, type Planned } from '../jobAgreement.js';
import type { Measure, TeamsUser } from '../../domain/agreement.js';
import { coordinatorsOf } from '../../domain/agreement.js';
import {
  measuresFreeOfOpenRounds,
  missingMeasures,
  overlappingOpenRounds,
  promptTargets,
  targetKey,
  type CheckInRound,
  type Delivery,
  type PromptTarget,
  type RoundTrigger,
} from '../../domain/checkInRound.js';
import type { Plan } from '../../domain/plan.js';
import { hasEnded, lastDay } from '../../domain/agreementPeriod.js';
import { automaticRoundsDue, periodIsOver, type PlannedRound } from '../../domain/roundSchedule.js';
import { addWorkingDays, nextAllowedMoment } from '../../domain/workingCalendar.js';
import { describeError, log } from '../../platform/log.js';
import type { CheckInCard } from './checkInCard.js';
import { renderCard } from '../shared/cards.js';
import { messagesFor } from '../shared/messages.js';
import type { ClaimedJob, JobSpec } from '../../storage/jobStore.js';
import { DeliveryError, type Messenger } from '../../scheduling/messenger.js';
import type { JobHandler, JobOutcome } from '../../scheduling/scheduler.js';

export interface CheckInSettings {
  reminderAfterWorkingDays: number;
  maxReminders: number;
  /** How many working days before a steering meeting its round opens. */
  leadWorkingDays: number;
}

export interface CheckInDependencies
  extends
    Pick<
      AgreementContext,
      'agreementId' | 'jobIdPrefix' | 'successorStartsOn' | 'calendar' | 'locale' | 'now'
    >,
    Pick<Repositories, 'plans' | 'rounds' | 'reports' | 'jobs'> {
  messenger: Messenger;
  cards: CheckInCard;
  settings: CheckInSettings;
}

export type OpenRoundResult =
  /** `sendsAt` (UTC ISO) is when the cards go out: now, or the next working moment in office hours. */
  | { kind: 'opened'; round: CheckInRound; cards: number; sendsAt: string }
  | { kind: 'exists'; round: CheckInRound }
  /** Some of the measures are in these open rounds already; nothing was opened. */
  | { kind: 'busy'; open: CheckInRound[] }
  | { kind: 'noAgreement' }
  /** The agreement has expired without an extension, or the one that follows it has started: rounds stop. */
  | { kind: 'ended'; validTo: string };

const promptTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('channel'), channelId: z.string() }),
  z.object({ kind: z.literal('personal'), aadObjectId: z.string() }),
]) satisfies z.ZodType<PromptTarget>;
const promptPayload = z.object({
  agreementId: jobAgreementId,
  roundId: z.string(),
  measureId: z.string(),
  target: promptTargetSchema,
});
const reminderPayload = z.object({
  agreementId: jobAgreementId,
  roundId: z.string(),
  measureId: z.string(),
  number: z.number().int(),
});
const summaryPayload = z.object({ agreementId: jobAgreementId, roundId: z.string() });
type PromptPayload = z.infer<typeof promptPayload>;
type ReminderPayload = z.infer<typeof reminderPayload>;
type SummaryPayload = z.infer<typeof summaryPayload>;

/**
 * A job's payload read against its kind's schema. A stored job of another shape (written by an older version,
 * say) is logged, without its values, and finished as `invalidPayload`: never a crash, never retried forever.
 */
export function parseJobPayload<T>(
  schema: z.ZodType<T>,
  job: ClaimedJob,
): { ok: true; payload: T } | { ok: false; outcome: JobOutcome } {
  const parsed = schema.safeParse(job.payload);
  if (parsed.success) return { ok: true, payload: parsed.data };
  log.warn('job.payloadInvalid', {
    kind: job.kind,
    jobId: job.id,
    problems: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`),
  });
  return { ok: false, outcome: { kind: 'done', outcome: 'invalidPayload' } };
}

/**
 * Check-in rounds: opening one plans every prompt, reminder and the missing-reports summary as stored jobs;
 * the job handlers below send them when they come due. Every job re-reads the round, so closing a round
 * stops whatever has not been sent yet.
 */
export class CheckIns {
  constructor(private readonly deps: CheckInDependencies) {}

  async openRound(request: {
    label?: string;
    trigger: RoundTrigger;
    id?: string;
    measureIds?: string[];
    openedBy?: TeamsUser;
  }): Promise<OpenRoundResult> {
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return { kind: 'noAgreement' };
    const now = this.localNow();
    const validTo = lastDay(plan.agreement, this.deps.successorStartsOn);
    if (hasEnded(plan.agreement, now.toISODate() ?? '', this.deps.successorStartsOn))
      return { kind: 'ended', validTo };
    const measureIds =
      request.measureIds ?? plan.agreement.measures.filter((m) => !m.retired).map((m) => m.id);
    const busy = overlappingOpenRounds(await this.deps.rounds.list(plan.agreement.id), measureIds);
    if (busy.length > 0 && !busy.some((r) => r.id === request.id)) return { kind: 'busy', open: busy };
    const round: CheckInRound = {
      id: request.id ?? `${now.toFormat('yyyyLLdd-HHmm')}-${randomUUID().slice(0, 8)}`,
      agreementId: plan.agreement.id,
      label: request.label ?? messagesFor(this.deps.locale).rounds.defaultLabel(now.year, now.quarter),
      trigger: request.trigger,
      measureIds,
      openedAt: now.toUTC().toISO() ?? '',
      status: 'open',
      ...(request.openedBy ? { openedBy: request.openedBy } : {}),
    };
    if (!(await this.deps.rounds.open(round))) {
      const existing = await this.deps.rounds.get(plan.agreement.id, round.id);
      return existing ? { kind: 'exists', round: existing } : { kind: 'noAgreement' };
    }
    const { cards, sendsAt } = await this.planJobs(plan, round);
    log.info('round.opened', {
      roundId: round.id,
      trigger: round.trigger,
      measures: round.measureIds.length,
      cards,
    });
    return { kind: 'opened', round, cards, sendsAt };
  }

  /**
   * Opens the rounds the measures' cadence calls for now (monthly, quarterly, before steering meetings). Run at
   * the start of every scheduler tick; the rounds' fixed ids make it safe on any number of instances.
   */
  async openDueAutomaticRounds(now: Date): Promise<CheckInRound[]> {
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return [];
    const local = DateTime.fromJSDate(now).setZone(this.deps.calendar.timeZone);
    // automaticRoundsDue knows the agreement's own dates; a successor that has started ends it earlier.
    const due = hasEnded(plan.agreement, local.toISODate() ?? '', this.deps.successorStartsOn)
      ? []
      : automaticRoundsDue(plan.agreement, local, this.deps.calendar, this.deps.settings.leadWorkingDays);
    let rounds = await this.deps.rounds.list(plan.agreement.id);
    const over = rounds.filter(
      (r) => r.status === 'open' && periodIsOver(r, local, this.deps.calendar.timeZone),
    );
    for (const round of over) {
      // Last month's round makes way for this month's: its measures are asked again.
      await this.deps.rounds.close(plan.agreement.id, round.id, now.toISOString());
      log.info('round.periodOver', { roundId: round.id });
    }
    if (due.length === 0) return [];
    if (over.length > 0) rounds = await this.deps.rounds.list(plan.agreement.id);
    const existing = new Set(rounds.map((r) => r.id));
    const opened: CheckInRound[] = [];
    for (const planned of due.filter((p) => !existing.has(p.id))) {
      // Measures in another open round (a coordinator's, say) report there; the rest get this period's round.
      const measureIds = measuresFreeOfOpenRounds(rounds, planned.measureIds);
      if (measureIds.length === 0) continue;
      const result = await this.openRound({
        id: planned.id,
        label: this.labelOf(planned),
        trigger: planned.trigger,
        measureIds,
      });
      if (result.kind === 'opened') {
        opened.push(result.round);
        rounds = [...rounds, result.round];
      }
    }
    return opened;
  }

  private labelOf(planned: PlannedRound): string {
    const m = messagesFor(this.deps.locale);
    const { period } = planned;
    switch (period.kind) {
      case 'month':
        return m.rounds.monthLabel(period.year, period.month);
      case 'quarter':
        return m.rounds.defaultLabel(period.year, period.quarter);
      case 'steeringMeeting':
        return m.rounds.meetingLabel(period.date);
    }
  }

  /** Closes the newest open round. */
  async closeNewestOpenRound(): Promise<{ round: CheckInRound; answered: number } | undefined> {
    const open = (await this.deps.rounds.list(this.deps.agreementId)).filter((r) => r.status === 'open');
    const newest = open.at(-1);
    if (!newest) return undefined;
    const closed = await this.deps.rounds.close(
      this.deps.agreementId,
      newest.id,
      this.deps.now().toISOString(),
    );
    if (!closed) return undefined;
    const reports = await this.deps.reports.current(this.deps.agreementId);
    const answered = new Set(reports.filter((r) => r.roundId === closed.id).map((r) => r.measureId)).size;
    log.info('round.closed', { roundId: closed.id, answered });
    return { round: closed, answered };
  }

  handlers(): Record<string, JobHandler> {
    return {
      prompt: (job) => this.prompt(job),
      reminder: (job) => this.remind(job),
      missingSummary: (job) => this.summarise(job),
    };
  }

  /** Enqueues the round's prompts now (or at the next working moment), its reminders and its summary. */
  private async planJobs(plan: Plan, round: CheckInRound): Promise<{ cards: number; sendsAt: string }> {
    const opened = DateTime.fromISO(round.openedAt, { zone: 'utc' }).setZone(this.deps.calendar.timeZone);
    const promptAt = iso(nextAllowedMoment(opened, this.deps.calendar));
    const measures = plan.agreement.measures.filter((m) => round.measureIds.includes(m.id));
    const withChat = await this.deps.messenger.withPersonalChat(
      measures.flatMap((m) => m.owners.map((o) => o.aadObjectId)),
    );
    let cards = 0;
    const { reminderAfterWorkingDays: every, maxReminders } = this.deps.settings;
    const reminderDue = Array.from({ length: maxReminders }, (_, i) =>
      iso(addWorkingDays(opened, every * (i + 1), this.deps.calendar)),
    );
    const jobs: JobSpec[] = [];
    const agreementId = plan.agreement.id;
    for (const measure of measures) {
      for (const target of promptTargets(plan, measure, withChat)) {
        cards++;
        jobs.push({
          id: `${this.deps.jobIdPrefix}prompt|${round.id}|${measure.id}|${targetKey(target)}`,
          kind: 'prompt',
          dueAt: promptAt,
          payload: {
            agreementId,
            roundId: round.id,
            measureId: measure.id,
            target,
          } satisfies Planned<PromptPayload>,
        });
      }
      reminderDue.forEach((dueAt, i) =>
        jobs.push({
          id: `${this.deps.jobIdPrefix}reminder|${round.id}|${measure.id}|${i + 1}`,
          kind: 'reminder',
          dueAt,
          payload: {
            agreementId,
            roundId: round.id,
            measureId: measure.id,
            number: i + 1,
          } satisfies Planned<ReminderPayload>,
        }),
      );
    }
    jobs.push({
      id: `${this.deps.jobIdPrefix}missingSummary|${round.id}`,
      kind: 'missingSummary',
      dueAt: iso(addWorkingDays(opened, every * (maxReminders + 1), this.deps.calendar)),
      payload: { agreementId, roundId: round.id } satisfies Planned<SummaryPayload>,
    });
    // A round of 250 measures is some 1,500 jobs. The round was created just now by this call (`open` is an
    // insert), so its job ids are new: they go in a hundred to a transaction, not three requests each.
    await this.deps.jobs.enqueueNew(jobs);
    return { cards, sendsAt: promptAt };
  }

  private async prompt(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(promptPayload, job);
    if (!read.ok) return read.outcome;
    const { roundId, measureId, target } = read.payload;
    const found = await this.deps.cards.find(roundId, measureId);
    if (!found) return { kind: 'done', outcome: 'gone' };
    const { plan, round, measure } = found;
    if (round.status === 'closed') return { kind: 'done', outcome: 'roundClosed' };

    const locale = this.deps.locale;
    // Deliveries are kept per round of this agreement: another agreement's round may have the same id.
    const prefix = this.deps.jobIdPrefix;
    const attempt = {
      roundId: round.id,
      measureId: measure.id,
      target,
      status: 'sending' as const,
      at: this.deps.now().toISOString(),
    };
    // Written right before the card leaves, so that a crash while Teams has it is never a second card. The
    // insert is also the check that this card was never sent before (a retried job, after a crash or a lost
    // lease): when a delivery exists, it decides, and whatever it says other than "failed" stops the send.
    const beforeSending = async () => {
      if (await this.deps.rounds.startDelivery(prefix, attempt)) return;
      const earlier = await this.deps.rounds.delivery(prefix, round.id, measure.id, target);
      if (earlier && earlier.status !== 'failed') throw new DeliveredBefore(earlier);
      await this.deps.rounds.recordDelivery(prefix, attempt);
    };
    try {
      const sent =
        target.kind === 'channel'
          ? await this.deps.messenger.postToChannel(
              target.channelId,
              { card: await this.deps.cards.messageCard(plan, round, measure, locale) },
              beforeSending,
            )
          : await this.deps.messenger.sendToPerson(
              target.aadObjectId,
              { card: await this.deps.cards.formCard(plan, round, measure, locale) },
              beforeSending,
            );
      this.deps.rounds.recordSent(prefix, {
        roundId: round.id,
        measureId: measure.id,
        target,
        status: 'sent',
        conversationId: sent.conversationId,
        activityId: sent.activityId,
        at: this.deps.now().toISOString(),
      });
      return { kind: 'done', outcome: 'sent' };
    } catch (err) {
      if (err instanceof DeliveredBefore) return this.deliveredBefore(err.delivery);
      if (!(err instanceof DeliveryError)) throw err;
      await this.recordFailure(plan, round, measure, target, err);
      return { kind: 'failed', error: err.message };
    }
  }

  /** A prompt job that finds its card sent, or on its way, by an earlier run of the same job. */
  private async deliveredBefore(earlier: Delivery): Promise<JobOutcome> {
    if (earlier.status === 'sent') return { kind: 'done', outcome: 'alreadySent' };
    // The last attempt left for Teams and no answer came back (the process died waiting): the card may be there.
    // Teams has no way to ask, and no id to update, so it is not posted again; a reminder to a personal chat
    // carries the card anyway.
    await this.deps.rounds.recordDelivery(this.deps.jobIdPrefix, { ...earlier, status: 'unconfirmed' });
    log.warn('checkIn.promptUnconfirmed', {
      roundId: earlier.roundId,
      measureId: earlier.measureId,
      target: earlier.target.kind,
    });
    return { kind: 'done', outcome: 'unconfirmed' };
  }

  private async remind(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(reminderPayload, job);
    if (!read.ok) return read.outcome;
    const { roundId, measureId, number } = read.payload;
    const found = await this.deps.cards.find(roundId, measureId);
    if (!found) return { kind: 'done', outcome: 'gone' };
    const { plan, round, measure } = found;
    if (round.status === 'closed') return { kind: 'done', outcome: 'roundClosed' };
    const reports = await this.deps.reports.current(plan.agreement.id);
    if (!missingMeasures(round, plan, reports).some((m) => m.id === measure.id)) {
      return { kind: 'done', outcome: 'answered' };
    }

    const m = messagesFor(this.deps.locale);
    const mentions = measure.owners.map((o) => ({ aadObjectId: o.aadObjectId, name: o.name }));
    const text = m.rounds.reminder(
      measure.owners.map((o) => `<at>${o.name}</at>`).join(', '),
      measure.id,
      measure.title,
      round.label,
    );
    // An unconfirmed card in a personal chat is reminded too: the reminder there carries the card.
    const prefix = this.deps.jobIdPrefix;
    const deliveries = (await this.deps.rounds.deliveries(prefix, round.id)).filter(
      (d) =>
        d.measureId === measure.id &&
        (d.status === 'sent' || (d.status === 'unconfirmed' && d.target.kind === 'personal')),
    );
    let failed = 0;
    for (const delivery of deliveries) {
      // A retried job reminds only those it has not reached yet.
      if (await this.deps.rounds.wasReminded(prefix, round.id, measure.id, number, delivery.target)) continue;
      try {
        await this.sendReminder(plan, round, measure, delivery, text, mentions);
      } catch (err) {
        if (!(err instanceof DeliveryError)) throw err;
        // One unreachable chat must not keep the others from being reminded; the coordinators hear of it.
        failed++;
        await this.tellCoordinatorsOfFailure(
          messagesFor(this.deps.locale).rounds.reminderFailed(
            measure.id,
            this.where(plan, delivery.target),
            round.label,
          ),
        );
      }
      await this.deps.rounds.markReminded(
        prefix,
        round.id,
        measure.id,
        number,
        delivery.target,
        this.deps.now().toISOString(),
      );
    }
    return { kind: 'done', outcome: `reminded ${deliveries.length - failed}, failed ${failed}` };
  }

  private async sendReminder(
    plan: Plan,
    round: CheckInRound,
    measure: Measure,
    delivery: Delivery,
    text: string,
    mentions: Array<{ aadObjectId: string; name: string }>,
  ): Promise<void> {
    const target = delivery.target;
    if (target.kind === 'channel') {
      if (!delivery.conversationId) return;
      await this.deps.messenger.replyInThread(target.channelId, delivery.conversationId, { text, mentions });
      return;
    }
    const owner = measure.owners.find((o) => o.aadObjectId === target.aadObjectId);
    await this.deps.messenger.sendToPerson(target.aadObjectId, {
      text,
      mentions: owner ? [{ aadObjectId: owner.aadObjectId, name: owner.name }] : [],
      card: await this.deps.cards.formCard(plan, round, measure, this.deps.locale),
    });
  }

  private async summarise(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(summaryPayload, job);
    if (!read.ok) return read.outcome;
    const { roundId } = read.payload;
    const [plan, round] = await Promise.all([
      this.deps.plans.load(this.deps.agreementId),
      this.deps.rounds.get(this.deps.agreementId, roundId),
    ]);
    if (!plan || !round) return { kind: 'done', outcome: 'gone' };
    if (round.status === 'closed') return { kind: 'done', outcome: 'roundClosed' };
    const missing = missingMeasures(round, plan, await this.deps.reports.current(plan.agreement.id));
    const deliveries = await this.deps.rounds.deliveries(this.deps.jobIdPrefix, round.id);
    const failed = deliveries.filter((d) => d.status === 'failed');
    // Cards that may not have arrived (sent as the bot died, never answered): the coordinators can check.
    const unconfirmed = deliveries.filter((d) => d.status === 'unconfirmed');
    if (missing.length === 0 && failed.length === 0 && unconfirmed.length === 0) {
      return { kind: 'done', outcome: 'complete' };
    }

    const m = messagesFor(this.deps.locale);
    const card = renderCard('missingReports', {
      title: m.rounds.missingTitle(round.label),
      intro: m.rounds.missingIntro(missing.length, round.measureIds.length),
      missing: missing.map((x) =>
        m.rounds.missingLine(x.id, x.title, x.owners.map((o) => o.name).join(', ')),
      ),
      failedTitle: m.rounds.failedTitle,
      failed: [
        ...failed.map((d) => m.rounds.failedLine(d.measureId, this.where(plan, d.target))),
        ...unconfirmed.map((d) => m.rounds.unconfirmedLine(d.measureId, this.where(plan, d.target))),
      ],
    });
    await this.tellCoordinators(plan, { card });
    return { kind: 'done', outcome: `missing ${missing.length}` };
  }

  private async recordFailure(
    plan: Plan,
    round: CheckInRound,
    measure: Measure,
    target: PromptTarget,
    err: DeliveryError,
  ): Promise<void> {
    log.error('prompt.failed', {
      roundId: round.id,
      measureId: measure.id,
      target: target.kind,
      statusCode: err.statusCode,
    });
    await this.deps.rounds.recordDelivery(this.deps.jobIdPrefix, {
      roundId: round.id,
      measureId: measure.id,
      target,
      status: 'failed',
      error: err.statusCode ? `HTTP ${err.statusCode}` : err.message.slice(0, 200),
      at: this.deps.now().toISOString(),
    });
    await this.tellCoordinatorsOfFailure(
      messagesFor(this.deps.locale).rounds.deliveryFailed(measure.id, this.where(plan, target), round.label),
    );
  }

  private async tellCoordinatorsOfFailure(text: string): Promise<void> {
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return;
    try {
      await this.tellCoordinators(plan, { text });
    } catch (notifyError) {
      // Still logged; a failed prompt is also listed again in the round's missing-reports summary.
      log.error('failure.notReported', describeError(notifyError));
    }
  }

  /** The beredningsgrupp's channel, or each coordinator's personal chat when it has none. */
  private async tellCoordinators(
    plan: Plan,
    message: { text?: string; card?: Record<string, unknown> },
  ): Promise<void> {
    const group = plan.agreement.groups.find((g) => g.kind === 'beredningsgrupp');
    const binding = plan.bindings.find((b) => b.groupId === group?.id);
    if (binding) {
      await this.deps.messenger.postToChannel(binding.channelId, message);
      return;
    }
    const coordinators = coordinatorsOf(plan.agreement).map((c) => c.aadObjectId);
    const reachable = await this.deps.messenger.withPersonalChat(coordinators);
    for (const id of reachable) await this.deps.messenger.sendToPerson(id, message);
    if (reachable.size === 0) log.warn('coordinators.unreachable', { agreementId: plan.agreement.id });
  }

  private where(plan: Plan, target: PromptTarget): string {
    const m = messagesFor(this.deps.locale);
    if (target.kind === 'channel') return m.rounds.whereChannel;
    const person = plan.agreement.measures
      .flatMap((x) => x.owners)
      .find((o) => o.aadObjectId === target.aadObjectId);
    return m.rounds.wherePerson(person?.name ?? target.aadObjectId);
  }

  private localNow(): DateTime {
    return DateTime.fromJSDate(this.deps.now()).setZone(this.deps.calendar.timeZone);
  }
}

/** Thrown before a prompt is sent when an earlier run of its job sent it, or may have: nothing is sent. */
class DeliveredBefore extends Error {
  override name = 'DeliveredBefore';
  constructor(readonly delivery: Delivery) {
    super(`The card was ${delivery.status} before`);
  }
}

function iso(moment: DateTime): string {
  return moment.toUTC().toISO() ?? '';
}
