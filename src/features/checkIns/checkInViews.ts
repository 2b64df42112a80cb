import type { Measure } from '../../domain/agreement.js';
import type { CheckInRound } from '../../domain/checkInRound.js';
import {
  decisionAnswerInput,
  type CheckInDraft,
  type FieldProblem,
  type FormField,
} from '../../domain/checkInSubmission.js';
import type { Decision } from '../../domain/decision.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { measureStatuses, type MeasureStatus, type Report } from '../../domain/report.js';
import { decisionTextsFor } from '../decisions/decisionTexts.js';
import { messagesFor } from '../shared/messages.js';

/** The data the check-in card templates (`cards/checkInForm.json`, `cards/checkInView.json`) are filled with. */

export type NoticeTone = 'good' | 'attention' | 'warning';

export interface Notice {
  text: string;
  tone: NoticeTone;
}

const statusColors: Record<MeasureStatus, string> = {
  notStarted: 'Default',
  onTrack: 'Good',
  atRisk: 'Warning',
  delayed: 'Attention',
  done: 'Good',
  cancelled: 'Default',
};

const noticeColors: Record<NoticeTone, string> = { good: 'Good', attention: 'Attention', warning: 'Warning' };

/** The notice fields of both check-in templates; empty without a notice. */
export function noticeOf(notice: Notice | undefined): { notice: string; noticeColor: string } {
  return { notice: notice?.text ?? '', noticeColor: noticeColors[notice?.tone ?? 'good'] };
}

/**
 * Teams refreshes a card automatically only for the users listed (at most 60), by their Teams user id (MRI);
 * for people in an organisation that is `8:orgid:` followed by their Entra object id.
 */
export function refreshUserIds(measure: Measure): string[] {
  return measure.owners.slice(0, 60).map((o) => `8:orgid:${o.aadObjectId}`);
}

/** What a card shows of its round: what never changes once the round is opened. */
export type CardRound = Pick<CheckInRound, 'id' | 'label'>;

interface CardContext {
  locale: Locale;
  timeZone: string;
  plan: Plan;
  round: CardRound;
  measure: Measure;
}

function common({ locale, plan, round, measure }: CardContext) {
  const m = messagesFor(locale);
  const goal = plan.agreement.goalAreas.find((g) => g.number === measure.goalArea);
  return {
    roundId: round.id,
    measureId: measure.id,
    refreshUserIds: refreshUserIds(measure),
    heading: m.checkIn.heading(measure.id, measure.title),
    subheading: m.checkIn.subheading(round.label, goal ? m.goalArea(goal.number, goal.title) : ''),
  };
}

/** What an owner sees: the form, filled with their draft or last report. */
export function checkInFormView(
  context: CardContext & {
    draft: CheckInDraft;
    latest: Report | undefined;
    submitId: string;
    problems?: Partial<Record<FormField, FieldProblem>>;
    notice?: Notice;
    /** The open steering group decisions concerning the measure: the card asks how each is going. */
    decisions?: ReadonlyArray<Pick<Decision, 'id' | 'text'>>;
  },
) {
  const m = messagesFor(context.locale);
  const t = decisionTextsFor(context.locale);
  const { latest, measure, problems = {}, decisions = [] } = context;
  const indicator = measure.followUp.indicator;
  return {
    ...common(context),
    labels: m.checkIn,
    ...noticeOf(context.notice),
    latest: latest
      ? m.checkIn.latest(
          m.statuses[latest.status],
          latest.reportedBy.name,
          m.dateTime(latest.reportedAt, context.timeZone),
        )
      : '',
    statuses: measureStatuses.map((value) => ({ value, title: m.statuses[value] })),
    // An Input.Toggle's value is the text of valueOn/valueOff, not a boolean.
    draft: {
      ...context.draft,
      needsSteeringDecision: context.draft.needsSteeringDecision ? 'true' : 'false',
    },
    problems: {
      status: problems.status ? m.checkIn.problems[problems.status] : '',
      narrative: problems.narrative ? m.checkIn.problems[problems.narrative] : '',
      obstacles: problems.obstacles ? m.checkIn.problems[problems.obstacles] : '',
      nextStep: problems.nextStep ? m.checkIn.problems[problems.nextStep] : '',
      indicatorValue: problems.indicatorValue ? m.checkIn.problems[problems.indicatorValue] : '',
    },
    indicator: indicator ? m.checkIn.indicator(indicator.name, indicator.unit) : '',
    decisionsHeading: problems.decisionAnswers
      ? `${t.checkInHeading}: ${m.checkIn.problems[problems.decisionAnswers]}`
      : t.checkInHeading,
    decisions: decisions.map((d) => ({
      inputId: decisionAnswerInput(d.id),
      question: t.checkInQuestion(d.text),
      value: context.draft.decisionAnswers[d.id] ?? '',
    })),
    baseRevision: latest?.revision ?? 0,
    submitId: context.submitId,
  };
}

/** What everyone else sees (and the message itself): the owners and the latest report, read-only. */
export function checkInReadView(context: CardContext & { latest: Report | undefined; notice?: Notice }) {
  const m = messagesFor(context.locale);
  const { latest, measure } = context;
  const indicator = measure.followUp.indicator;
  const facts = latest
    ? [
        { title: m.checkIn.facts.narrative, value: latest.narrative },
        ...(latest.obstacles ? [{ title: m.checkIn.facts.obstacles, value: latest.obstacles }] : []),
        ...(latest.nextStep ? [{ title: m.checkIn.facts.nextStep, value: latest.nextStep }] : []),
        ...(indicator && latest.indicatorValue !== undefined
          ? [
              {
                title: indicator.name,
                value: `${formatNumber(latest.indicatorValue, context.locale)} ${indicator.unit}`,
              },
            ]
          : []),
        ...(latest.needsSteeringDecision
          ? [{ title: m.checkIn.facts.decision, value: m.checkIn.facts.decisionNeeded }]
          : []),
      ]
    : [];
  return {
    ...common(context),
    labels: m.checkIn,
    ...noticeOf(context.notice),
    owners: m.checkIn.owners(measure.owners.map((o) => `<at>${o.name}</at>`).join(', ')),
    mentions: measure.owners.map((o) => ({ text: `<at>${o.name}</at>`, id: o.aadObjectId, name: o.name })),
    hasReport: latest !== undefined,
    report: latest
      ? {
          status: m.statuses[latest.status],
          statusColor: statusColors[latest.status],
          facts,
          stamp: m.checkIn.stamp(
            latest.reportedBy.name,
            m.dateTime(latest.reportedAt, context.timeZone),
            latest.revision,
          ),
        }
      : null,
  };
}

/** Made once per locale: creating a NumberFormat costs far more than formatting with one. */
const numberFormats: Record<Locale, Intl.NumberFormat> = {
  sv: new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }),
};

function formatNumber(value: number, locale: Locale): string {
  return numberFormats[locale].format(value);
}
