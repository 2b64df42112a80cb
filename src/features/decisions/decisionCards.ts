import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { isOverdue, sortDecisions, type Decision, type DecisionConcerns } from '../../domain/decision.js';
import {
  concernValue,
  decisionDraftOf,
  type DecisionDraft,
  type DecisionField,
  type DecisionFormMode,
  type DecisionProblem,
} from '../../domain/decisionForm.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { decisionTextsFor } from './decisionTexts.js';

/** The card verbs of the decisions feature. */
export const decisionVerbs = {
  record: 'recordDecision',
  complete: 'completeDecision',
  change: 'changeDecision',
  /** The list card's "New decision" button: the form for the latest steering meeting. */
  form: 'newDecision',
  /** The list card's "More decisions": the next page of open decisions. */
  page: 'listDecisions',
} as const;

export type NoticeTone = 'good' | 'attention' | 'warning';
export interface DecisionNotice {
  text: string;
  tone: NoticeTone;
}
const noticeColors: Record<NoticeTone, string> = { good: 'Good', attention: 'Attention', warning: 'Warning' };

/**
 * Open decisions shown on the list card, and how much of each text: Teams refuses a card over about 28 KB, and
 * 15 decisions of 300 characters with their details and buttons stay below it (test/bot/decisionCards.test.ts).
 */
const openShown = 15;
const textShown = 300;
/** Done decisions shown, the most recently done first. */
const doneShown = 5;

export interface DecisionFormState {
  mode?: DecisionFormMode;
  decision?: Decision;
  draft?: DecisionDraft;
  problems?: Partial<Record<DecisionField, DecisionProblem>>;
  notice?: DecisionNotice;
  /** The decisions already recorded from this meeting, shown above the form. */
  recorded?: readonly Decision[];
  /** Kept from an invalid submit, so that its retry is still recognised as the same decision. */
  submitId?: string;
}

/**
 * The form for recording the steering group's decisions from a meeting (cards/decisionForm.json): the decision,
 * the goal areas and measures it concerns, who is responsible and by when. Posted to the coordinators at the end
 * of a meeting, shown by the list's "New decision" and, filled in, by "Change"; after each save it comes back
 * empty for the next decision.
 */
export function decisionFormCard(
  plan: Plan,
  meetingDate: string,
  locale: Locale,
  state: DecisionFormState = {},
): AdaptiveCardJson {
  const t = decisionTextsFor(locale);
  const mode = state.mode ?? 'record';
  const draft = state.draft ?? decisionDraftOf(state.decision);
  const problems = state.problems ?? {};
  const problem = (field: DecisionField) => {
    const found = problems[field];
    return found ? t.problems[found] : '';
  };
  return renderCard('decisionForm', {
    heading: mode === 'record' ? t.formHeading(meetingDate) : t.changeHeading,
    intro: mode === 'record' ? t.formIntro : '',
    notice: state.notice?.text ?? '',
    noticeColor: noticeColors[state.notice?.tone ?? 'good'],
    recorded: (state.recorded ?? []).map((d) => shorten(d.text, 150)),
    labels: t.labels,
    // A multi-select ChoiceSet's value is its values joined with commas.
    draft: { ...draft, concerns: draft.concerns.join(',') },
    problems: {
      text: problem('text'),
      concerns: problem('concerns'),
      responsible: problem('responsible'),
      dueDate: problem('dueDate'),
    },
    choices: concernChoices(plan, locale),
    mode,
    verb: mode === 'record' ? decisionVerbs.record : decisionVerbs.change,
    submitTitle: mode === 'record' ? t.labels.record : t.labels.save,
    meetingDate,
    submitId: state.submitId ?? randomUUID(),
    decisionId: state.decision?.id ?? '',
    revision: String(state.decision?.revision ?? 0),
  });
}

/** Goal areas and then each goal area's measures still in use, as the form's choices. */
function concernChoices(plan: Plan, locale: Locale): Array<{ title: string; value: string }> {
  const t = decisionTextsFor(locale);
  return plan.agreement.goalAreas.flatMap((goal) => [
    {
      title: `${capitalize(t.goalArea(goal.number))}: ${goal.title}`,
      value: concernValue.goalArea(goal.number),
    },
    ...plan.agreement.measures
      .filter((m) => m.goalArea === goal.number && !m.retired)
      .map((m) => ({ title: `${m.id} ${m.title}`, value: concernValue.measure(m.id) })),
  ]);
}

/**
 * `beslut`: the open decisions first (the overdue ones marked), each with "Mark done" and "Change", then the
 * latest done ones; and "New decision" for the latest steering meeting.
 */
export function decisionListCard(
  plan: Plan,
  decisions: readonly Decision[],
  context: {
    today: string;
    formMeetingDate: string;
    locale: Locale;
    timeZone: string;
    notice?: DecisionNotice;
    /** Which page of the open decisions, from 1; the done ones are on the first. */
    page?: number;
  },
): AdaptiveCardJson {
  const { today, locale } = context;
  const t = decisionTextsFor(locale);
  const sorted = sortDecisions(decisions);
  const open = sorted.filter((d) => d.status === 'open');
  const done = sorted
    .filter((d) => d.status === 'done')
    .sort((a, b) => (b.doneAt ?? '').localeCompare(a.doneAt ?? ''));
  const item = (decision: Decision) => {
    const overdue = isOverdue(decision, today);
    return {
      text: shorten(decision.text, textShown),
      flag: overdue && decision.dueDate ? t.overdue(decision.dueDate) : '',
      details: decisionDetails(decision, locale, { withDue: !overdue, timeZone: context.timeZone }),
      buttons:
        decision.status === 'open'
          ? [
              button(t.markDone, decisionVerbs.complete, decision),
              button(t.change, decisionVerbs.change, decision, { step: 'edit' }),
            ]
          : [],
    };
  };
  const pages = Math.max(1, Math.ceil(open.length / openShown));
  const page = Math.min(Math.max(1, context.page ?? 1), pages);
  const shown = open.slice((page - 1) * openShown, page * openShown);
  const sections = [
    ...(open.length > 0
      ? [
          {
            heading: t.openHeading(open.length),
            items: shown.map(item),
            more: pages > 1 ? t.page(page, pages) : '',
          },
        ]
      : []),
    ...(done.length > 0 && page === 1
      ? [
          {
            heading: t.doneHeading,
            items: done.slice(0, doneShown).map(item),
            more: done.length > doneShown ? t.more(done.length - doneShown) : '',
          },
        ]
      : []),
  ];
  return renderCard('decisions', {
    title: t.listTitle,
    notice: context.notice?.text ?? '',
    noticeColor: noticeColors[context.notice?.tone ?? 'good'],
    empty: decisions.length === 0 ? t.listEmpty : '',
    sections,
    footer: t.auditNotice,
    buttons: [
      {
        title: t.newDecision,
        verb: decisionVerbs.form,
        data: { verb: decisionVerbs.form, meetingDate: context.formMeetingDate },
      },
      ...(pages > 1
        ? [
            {
              title: page < pages ? t.nextPage : t.firstPage,
              verb: decisionVerbs.page,
              data: { verb: decisionVerbs.page, page: String(page < pages ? page + 1 : 1) },
            },
          ]
        : []),
    ],
  });
}

function button(title: string, verb: string, decision: Decision, extra: Record<string, string> = {}) {
  return {
    title,
    verb,
    data: { verb, decisionId: decision.id, revision: String(decision.revision), ...extra },
  };
}

/**
 * One line on what a decision concerns, who is responsible, by when, when it was decided and, when done, since
 * when: "Gäller insats 1.2 · Ansvarig: Polisen · Klart senast 2022-03-31 · Beslutat 2021-11-25".
 */
export function decisionDetails(
  decision: Decision,
  locale: Locale,
  options: { withDue?: boolean; timeZone?: string } = {},
): string {
  const t = decisionTextsFor(locale);
  return [
    t.concerns(concernsText(decision.concerns, locale)),
    t.responsible(decision.responsible),
    ...(decision.dueDate && options.withDue !== false ? [t.due(decision.dueDate)] : []),
    t.decidedAt(decision.meetingDate),
    ...(decision.status === 'done' && decision.doneAt
      ? [t.doneOn(localDay(decision.doneAt, options.timeZone ?? 'Europe/Stockholm'))]
      : []),
  ].join(' · ');
}

/** "målområde 1, insats 2.3", or "hela överenskommelsen" when it names neither. */
export function concernsText(concerns: DecisionConcerns, locale: Locale): string {
  const t = decisionTextsFor(locale);
  const named = [...concerns.goalAreas.map(t.goalArea), ...concerns.measures.map(t.measure)];
  return named.length > 0 ? named.join(', ') : t.wholeAgreement;
}

const localDay = (utcIso: string, zone: string) =>
  DateTime.fromISO(utcIso, { zone: 'utc' }).setZone(zone).toISODate() ?? utcIso.slice(0, 10);

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
