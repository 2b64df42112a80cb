import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { measureIdSchema, type Measure } from '../../domain/agreement.js';
import { may } from '../../domain/access.js';
import type { CheckInRound } from '../../domain/checkInRound.js';
import { decisionFollowUpsOf, draftFrom, parseCheckInSubmission } from '../../domain/checkInSubmission.js';
import { decisionsConcerning, type Decision } from '../../domain/decision.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import type { Report } from '../../domain/report.js';
import { log } from '../../platform/log.js';
import { countReportSaved } from '../../platform/telemetry.js';
import { ReportConflictError } from '../../storage/reportRepository.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { checkInFormView, checkInReadView, noticeOf, type CardRound, type Notice } from './checkInViews.js';
import { messagesFor } from '../shared/messages.js';
import { noticeView } from '../shared/views.js';

export type CheckInCardDependencies = Pick<AgreementContext, 'agreementId' | 'timeZone' | 'now'> &
  Pick<Repositories, 'plans' | 'rounds' | 'reports' | 'decisions'>;

export interface Person {
  aadObjectId?: string;
  name: string;
}

/** What a card action leads to: the card the person sees now, and the card everyone sees on the message. */
export interface CardActionResult {
  card: AdaptiveCardJson;
  /** Set when the message itself should change for everyone (after a save). */
  messageCard?: AdaptiveCardJson;
}

const refreshData = z.object({
  roundId: z.string().min(1).max(100),
  measureId: measureIdSchema,
});

/** Rounds remembered for card presses; beyond this the memory starts over. */
const roundsRemembered = 200;

/** The card that asks a measure's owners to report, and what happens when they press its buttons. */
export class CheckInCard {
  /**
   * What a card shows of each round pressed on, so a press costs no read of its round: a round's id and label
   * never change once it is opened and rounds are never deleted (closing changes only its status, which no
   * card press depends on: a report is taken after the close too).
   */
  private readonly cardRounds = new Map<string, CardRound>();

  constructor(private readonly deps: CheckInCardDependencies) {}

  /** The card as it is posted: read-only, mentioning the owners; each owner's client refreshes it into the form. */
  async messageCard(
    plan: Plan,
    round: CheckInRound,
    measure: Measure,
    locale: Locale,
  ): Promise<AdaptiveCardJson> {
    const latest = await this.deps.reports.latestRecent(plan.agreement.id, measure.id);
    return this.readCard(locale, plan, round, measure, latest);
  }

  /** The form, for a personal chat where the only reader is the owner. */
  async formCard(
    plan: Plan,
    round: CheckInRound,
    measure: Measure,
    locale: Locale,
  ): Promise<AdaptiveCardJson> {
    const latest = await this.deps.reports.latestRecent(plan.agreement.id, measure.id);
    return await this.form(locale, plan, round, measure, latest);
  }

  /** `checkIn.refresh`: the owner gets the form with their last answer, anyone else the latest report. */
  async refresh(data: unknown, person: Person, locale: Locale): Promise<CardActionResult> {
    const parsed = refreshData.safeParse(data);
    if (!parsed.success) return { card: this.problem(locale, messagesFor(locale).checkIn.notFound) };
    const found = await this.findForPress(parsed.data.roundId, parsed.data.measureId);
    if (!found) return { card: this.problem(locale, messagesFor(locale).checkIn.notFound) };
    const { plan, round, measure } = found;
    const latest = await this.deps.reports.latest(plan.agreement.id, measure.id);
    if (may(plan, person, 'reportOnMeasure', { measureId: measure.id }))
      return { card: await this.form(locale, plan, round, measure, latest) };
    return { card: this.readCard(locale, plan, round, measure, latest) };
  }

  /** `checkIn.submit`: validate, check the owner, store a new revision, show what was saved. */
  async submit(data: unknown, person: Person, locale: Locale): Promise<CardActionResult> {
    const m = messagesFor(locale);
    const submission = parseCheckInSubmission(data);
    if (submission.kind === 'malformed') return { card: this.problem(locale, m.checkIn.notFound) };
    const found = await this.findForPress(submission.card.roundId, submission.card.measureId);
    if (!found) return { card: this.problem(locale, m.checkIn.notFound) };
    const { plan, round, measure } = found;

    if (!may(plan, person, 'reportOnMeasure', { measureId: measure.id })) {
      log.warn('checkIn.refusedNotOwner', {
        measureId: measure.id,
        roundId: round.id,
        aadObjectId: person.aadObjectId,
      });
      const latest = await this.deps.reports.latest(plan.agreement.id, measure.id);
      const notice: Notice = { text: m.checkIn.notOwner, tone: 'attention' };
      return { card: this.readCard(locale, plan, round, measure, latest, notice) };
    }
    if (submission.kind === 'invalidForm') {
      const latest = await this.deps.reports.latest(plan.agreement.id, measure.id);
      return {
        card: await this.form(locale, plan, round, measure, latest, {
          draft: submission.draft,
          problems: submission.problems,
          notice: { text: m.checkIn.invalid, tone: 'attention' },
          baseRevision: submission.card.baseRevision,
          submitId: submission.card.submitId,
        }),
      };
    }

    // The answers about the decisions the card asked about, each with the decision's text as it stood.
    // Only a card that asked about decisions sends answers: the others cost no read of the decisions.
    const answers = submission.draft.decisionAnswers;
    const decisionFollowUps = Object.values(answers).some((a) => a.trim() !== '')
      ? decisionFollowUpsOf(answers, await this.openDecisions(plan, measure))
      : [];
    const report: Report = {
      ...submission.input,
      ...(decisionFollowUps.length > 0 ? { decisionFollowUps } : {}),
      agreementId: plan.agreement.id,
      measureId: measure.id,
      roundId: round.id,
      submitId: submission.card.submitId,
      revision: submission.card.baseRevision + 1,
      reportedBy: { aadObjectId: person.aadObjectId ?? '', name: person.name },
      reportedAt: this.deps.now().toISOString(),
    };
    try {
      const result = await this.deps.reports.save(report);
      log.info('checkIn.saved', {
        measureId: measure.id,
        roundId: round.id,
        revision: result.report.revision,
        kind: result.kind,
      });
      if (result.kind === 'saved') countReportSaved(plan.agreement.id);
      const notice: Notice = {
        text: result.kind === 'saved' ? m.checkIn.saved : m.checkIn.repeated,
        tone: 'good',
      };
      // The person's card and the message differ only in the notice, so the view is built once.
      const view = this.readView(locale, plan, round, measure, result.report);
      return {
        card: renderCard('checkInView', { ...view, ...noticeOf(notice) }),
        messageCard: renderCard('checkInView', view),
      };
    } catch (err) {
      if (!(err instanceof ReportConflictError)) throw err;
      const latest = await this.deps.reports.latest(plan.agreement.id, measure.id);
      const notice: Notice = {
        text: m.checkIn.conflict(
          latest?.reportedBy.name ?? '?',
          latest ? m.dateTime(latest.reportedAt, this.deps.timeZone) : '',
        ),
        tone: 'warning',
      };
      // The person's text is kept, now based on the newer revision so that saving again works.
      return {
        card: await this.form(locale, plan, round, measure, latest, { draft: submission.draft, notice }),
      };
    }
  }

  /**
   * The plan, the round and the measure a job's card is about, as read within the last seconds (the cards of a
   * round go out together); undefined when any of them is gone.
   */
  async find(roundId: string, measureId: string) {
    const [plan, round] = await Promise.all([
      this.deps.plans.loadRecent(this.deps.agreementId),
      this.deps.rounds.getRecent(this.deps.agreementId, roundId),
    ]);
    const measure = plan?.agreement.measures.find((x) => x.id === measureId);
    if (!plan || !round || !measure) return undefined;
    return { plan, round, measure };
  }

  /** `find` for a card press: the round as the card shows it, read once per round and process. */
  private async findForPress(roundId: string, measureId: string) {
    const known = this.cardRounds.get(roundId);
    const [plan, round] = await Promise.all([
      this.deps.plans.load(this.deps.agreementId),
      known ?? this.deps.rounds.get(this.deps.agreementId, roundId),
    ]);
    const measure = plan?.agreement.measures.find((x) => x.id === measureId);
    if (!plan || !round || !measure) return undefined;
    if (!known) {
      if (this.cardRounds.size >= roundsRemembered) this.cardRounds.clear();
      this.cardRounds.set(roundId, { id: round.id, label: round.label });
    }
    return { plan, round: known ?? round, measure };
  }

  /** The open steering group decisions concerning a measure: what its check-in card asks about. */
  private async openDecisions(plan: Plan, measure: Measure): Promise<Decision[]> {
    const decisions = await this.deps.decisions.listRecent(plan.agreement.id);
    return decisionsConcerning(decisions, measure).filter((d) => d.status === 'open');
  }

  private async form(
    locale: Locale,
    plan: Plan,
    round: CardRound,
    measure: Measure,
    latest: Report | undefined,
    options: Partial<
      Pick<Parameters<typeof checkInFormView>[0], 'draft' | 'problems' | 'notice' | 'submitId'>
    > & {
      baseRevision?: number;
    } = {},
  ): Promise<AdaptiveCardJson> {
    const decisions = await this.openDecisions(plan, measure);
    const view = checkInFormView({
      decisions,
      locale,
      timeZone: this.deps.timeZone,
      plan,
      round,
      measure,
      latest,
      draft: options.draft ?? draftFrom(latest),
      submitId: options.submitId ?? randomUUID(),
      ...(options.problems ? { problems: options.problems } : {}),
      ...(options.notice ? { notice: options.notice } : {}),
    });
    // An invalid form keeps the revision it was based on, so a conflict is still noticed on the next save.
    if (options.baseRevision !== undefined) view.baseRevision = options.baseRevision;
    return renderCard('checkInForm', view);
  }

  private readCard(
    locale: Locale,
    plan: Plan,
    round: CardRound,
    measure: Measure,
    latest: Report | undefined,
    notice?: Notice,
  ): AdaptiveCardJson {
    const view = this.readView(locale, plan, round, measure, latest);
    return renderCard('checkInView', notice ? { ...view, ...noticeOf(notice) } : view);
  }

  private readView(locale: Locale, plan: Plan, round: CardRound, measure: Measure, latest?: Report) {
    return checkInReadView({ locale, timeZone: this.deps.timeZone, plan, round, measure, latest });
  }

  private problem(locale: Locale, text: string): AdaptiveCardJson {
    return renderCard('notice', noticeView(messagesFor(locale).problemTitle, text));
  }
}
