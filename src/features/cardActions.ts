import { z } from 'zod';
import { may, type Action } from '../domain/access.js';
import { locales, type Locale } from '../domain/locale.js';
import type { Plan } from '../domain/plan.js';
import { noteSpan } from '../platform/telemetry.js';
import { renderCard } from './shared/cards.js';
import type { CardActionResult } from './checkIns/checkInCard.js';
import { messagesFor, type Messages } from './shared/messages.js';
import { decisionTextsFor } from './decisions/decisionTexts.js';
import type { Features } from './features.js';
import type { Turn } from './turn.js';
import { noticeView } from './shared/views.js';

/** What a press answers: the card to show the person (and maybe everyone), or a message under the card. */
export type CardActionAnswer = CardActionResult | { message: string };

/** A button press as its handler gets it: the card's data (not yet trusted), who pressed where, the language. */
export interface Press {
  turn: Turn;
  data: unknown;
  locale: Locale;
}

/**
 * One card action. Every press is checked again (the card may be old, and anyone can send an invoke): either
 * against `action` with the plan, before `run`, or, where it depends on what was pressed (a check-in card and
 * its measure's owners), by the handler itself. Each handler parses its data with its zod schema.
 */
export type CardActionHandler =
  | {
      /** Who may press; the plan is loaded and the rule asked before `run`. */
      action: Action | 'anyone';
      refused?: (m: Messages) => string;
      run(press: Press & { plan: Plan }): Promise<CardActionAnswer>;
    }
  | { action: 'checkedByHandler'; run(press: Press): Promise<CardActionAnswer> };

/** Every verb the bot's cards send, and what it runs. */
export function cardActions(deps: Features): Record<string, CardActionHandler> {
  const person = (turn: Turn) => ({ aadObjectId: turn.person.aadObjectId, name: turn.person.name });
  const actor = (turn: Turn) => ({
    aadObjectId: turn.person.aadObjectId ?? turn.person.id,
    name: turn.person.name,
  });
  const meetingSchema = z.object({ meeting: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
  return {
    'checkIn.submit': {
      action: 'checkedByHandler',
      run: ({ turn, data, locale }) => deps.checkInCard.submit(data, person(turn), locale),
    },
    'checkIn.refresh': {
      action: 'checkedByHandler',
      run: ({ turn, data, locale }) => deps.checkInCard.refresh(data, person(turn), locale),
    },
    // The summary card's button: the meeting's written report, as a file in the person's personal chat.
    'report.request': {
      action: 'exportReports',
      refused: (m) => m.exportOnlyCoordinators,
      run: async ({ turn, data, plan, locale }) => {
        const meeting = meetingSchema.safeParse(data);
        const told = await deps.reportExport.requestFollowUp(
          turn,
          plan,
          meeting.success ? meeting.data.meeting : undefined,
          locale,
        );
        // A message, not a card: the summary card stays as it is for the person who pressed the button.
        return { message: told ?? messagesFor(locale).export.sentToPersonalChat };
      },
    },
    'review.submit': {
      action: 'anyone',
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.reviews.submit(plan, data, person(turn), locale),
      }),
    },
    'measure.save': {
      action: 'managePlan',
      refused: (m) => m.manage.onlyCoordinators,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.management.save(turn, plan, data, actor(turn), locale),
      }),
    },
    'personalData.choose': {
      action: 'handlePersonalData',
      refused: (m) => m.personalData.onlyCoordinators,
      run: ({ turn, data, plan, locale }) => deps.personalData.choose(turn, plan, data, locale),
    },
    'personalData.erase': {
      action: 'handlePersonalData',
      refused: (m) => m.personalData.onlyCoordinators,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.personalData.erase(plan, data, actor(turn), locale),
      }),
    },
    // The steering group's decisions (beslut): each handler reads its data with its zod schema (decisionForm.ts).
    recordDecision: {
      action: 'manageDecisions',
      refused: (m) => decisionTextsFor(localeOfMessages(m)).onlyCoordinators,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.decisions.record(plan, data, actor(turn), locale),
      }),
    },
    completeDecision: {
      action: 'manageDecisions',
      refused: (m) => decisionTextsFor(localeOfMessages(m)).onlyCoordinators,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.decisions.complete(plan, data, actor(turn), locale),
      }),
    },
    changeDecision: {
      action: 'manageDecisions',
      refused: (m) => decisionTextsFor(localeOfMessages(m)).onlyCoordinators,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.decisions.change(plan, data, actor(turn), locale),
      }),
    },
    newDecision: {
      action: 'manageDecisions',
      refused: (m) => decisionTextsFor(localeOfMessages(m)).onlyCoordinators,
      run: async ({ data, plan, locale }) => ({ card: await deps.decisions.newForm(plan, data, locale) }),
    },
    listDecisions: {
      action: 'manageDecisions',
      refused: (m) => decisionTextsFor(localeOfMessages(m)).onlyCoordinators,
      run: async ({ data, plan, locale }) => ({ card: await deps.decisions.listPage(plan, data, locale) }),
    },
    'status.page': {
      action: 'readStatus',
      refused: (m) => m.status.notAllowed,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.status.action(plan, 'status.page', data, asker(turn), locale),
      }),
    },
    'status.measure': {
      action: 'readStatus',
      refused: (m) => m.status.notAllowed,
      run: async ({ turn, data, plan, locale }) => ({
        card: await deps.status.action(plan, 'status.measure', data, asker(turn), locale),
      }),
    },
  };
}

/** The language of a message catalog, for the texts a feature keeps itself. */
function localeOfMessages(m: Messages): Locale {
  return locales.find((l) => messagesFor(l) === m) ?? 'sv';
}

function asker(turn: Turn) {
  return { aadObjectId: turn.person.aadObjectId, channelId: turn.place.channelId };
}

/** Runs a press: its handler's access rule, then the handler; a verb the bot's cards never send is refused. */
export async function runCardAction(
  handlers: Record<string, CardActionHandler>,
  deps: Pick<Features, 'plans' | 'agreementId'>,
  verb: unknown,
  press: Press,
): Promise<CardActionAnswer> {
  const m = messagesFor(press.locale);
  const handler = typeof verb === 'string' && Object.hasOwn(handlers, verb) ? handlers[verb] : undefined;
  // Only verbs of the bot's own cards reach telemetry: anyone can send an invoke with any text in it.
  noteSpan({ cardAction: handler ? String(verb) : 'unknown' });
  if (!handler) return { card: notice(m.problemTitle, m.unknownAction) };
  if (handler.action === 'checkedByHandler') return handler.run(press);
  const plan = await deps.plans.load(deps.agreementId);
  if (!plan) return { card: notice(m.problemTitle, m.noAgreement) };
  const who = asker(press.turn);
  if (handler.action !== 'anyone' && !may(plan, who, handler.action)) {
    return { card: notice(m.notAllowedTitle, handler.refused?.(m) ?? m.status.notAllowed) };
  }
  return handler.run({ ...press, plan });
}

function notice(title: string, text: string) {
  return renderCard('notice', noticeView(title, text));
}
