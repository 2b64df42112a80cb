import { DateTime } from 'luxon';
import { may } from '../domain/access.js';
import { commandCatalog, type CommandKind } from '../domain/commandCatalog.js';
import type { Command } from '../domain/command.js';
import { locales, type Locale } from '../domain/locale.js';
import { findGroup, type Plan } from '../domain/plan.js';
import { effectiveValidTo } from '../domain/roundSchedule.js';
import { extendAgreement, upcomingMeetings } from '../domain/steering.js';
import type { AdaptiveCardJson } from './shared/cards.js';
import { renderCard } from './shared/cards.js';
import { messagesFor, type Messages } from './shared/messages.js';
import { decisionTextsFor } from './decisions/decisionTexts.js';
import type { Features } from './features.js';
import type { Turn } from './turn.js';
import { groupList, helpView, measuresView, noticeView } from './shared/views.js';

/** A command as its handler gets it: the parsed command, who asked where, the plan and the answer's language. */
export interface Asked<K extends CommandKind> {
  turn: Turn;
  command: Extract<Command, { kind: K }>;
  plan: Plan;
  locale: Locale;
  m: Messages;
}

export interface CommandHandler<K extends CommandKind> {
  /**
   * What a person who may not use the command is told. Who may is the command's `action` in the catalog
   * (domain/commandCatalog.ts), asked of `may` before the handler runs; without a text here they get the
   * members-only answer.
   */
  refused?: (m: Messages) => string;
  run(asked: Asked<K>): Promise<void>;
}

/** One handler for every command kind the catalog knows; the compiler holds the two to each other. */
export type CommandHandlers = { [K in CommandKind]: CommandHandler<K> };

/** The catalog's access rule of each command kind (one kind may be typed in several ways, all with one rule). */
const actionOf = new Map(commandCatalog.map((entry) => [entry.kind, entry.action]));

/**
 * Runs a command: the catalog's access rule first, then its handler. Unknown words get the help card, words
 * the bot knows with a wrong argument a notice saying what is wrong.
 */
export async function runCommand(
  handlers: CommandHandlers,
  turn: Turn,
  command: Command,
  plan: Plan,
  locale: Locale,
): Promise<void> {
  const m = messagesFor(locale);
  if (command.kind === 'unknown')
    return handlers.help.run({ turn, command: { kind: 'help', locale }, plan, locale, m });
  if (command.kind === 'invalid') {
    const texts: Record<typeof command.problem, string> = {
      missingGroup: m.bindMissingGroup(groupList(plan)),
      groupTooLong: m.bindGroupTooLong,
      labelTooLong: m.rounds.labelTooLong,
      missingMeasure: m.status.missingMeasure,
      queryTooLong: m.status.queryTooLong,
      meetingFormat: m.manage.meetingFormat,
      missingPerson: m.personalData.missingPerson,
      unknownLanguage: m.language.unknown,
    };
    return turn.reply(notice(m.problemTitle, texts[command.problem]));
  }
  const handler = handlers[command.kind] as CommandHandler<typeof command.kind>;
  const action = actionOf.get(command.kind);
  const who = { aadObjectId: turn.person.aadObjectId, channelId: turn.place.channelId };
  if (action && !may(plan, who, action)) {
    return turn.reply(notice(m.notAllowedTitle, handler.refused?.(m) ?? m.status.notAllowed));
  }
  // The compiler cannot narrow a handler by a variable kind; each handler is typed for its own.
  await (handler.run as (asked: Asked<CommandKind>) => Promise<void>)({
    turn,
    command: command as Extract<Command, { kind: CommandKind }>,
    plan,
    locale,
    m,
  });
}

/** What the commands need besides the turn: the bot's services and a few of its own steps. */
export interface CommandServices extends Features {
  /** `språk`: remembers the choice, answers which language is in use. */
  chosenLanguage(turn: Turn): Promise<Locale | undefined>;
}

/** Every command's handler, grouped as the help card groups them. */
export function commandHandlers(deps: CommandServices): CommandHandlers {
  const today = () => DateTime.fromJSDate(deps.now()).setZone(deps.timeZone).toISODate() ?? '';
  const actor = (turn: Turn) => ({
    aadObjectId: turn.person.aadObjectId ?? turn.person.id,
    name: turn.person.name,
  });
  const asker = (turn: Turn) => ({ aadObjectId: turn.person.aadObjectId, channelId: turn.place.channelId });
  return {
    // Getting started
    help: {
      run: async ({ turn, plan, locale }) => {
        const coordinator = may(plan, asker(turn), 'managePlan');
        const view = helpView(locale, plan, { channelId: turn.place.channelId, coordinator });
        await turn.reply(renderCard('help', view));
      },
    },
    language: {
      run: async ({ turn, command, m }) => {
        const aadObjectId = turn.person.aadObjectId;
        if (command.choice && aadObjectId) {
          await deps.languages.choose({
            aadObjectId,
            locale: command.choice,
            chosenAt: deps.now().toISOString(),
          });
        }
        const text = command.choice
          ? m.language.chosen
          : m.language.current((await deps.chosenLanguage(turn)) !== undefined);
        await turn.reply(notice(m.language.title, text));
      },
    },
    bind: {
      refused: (m) => m.bindOnlyCoordinators,
      run: async ({ turn, command, plan, m }) => {
        const channelId = turn.place.channelId;
        if (!channelId) return turn.reply(notice(m.problemTitle, m.bindOnlyInChannel));
        const group = findGroup(plan, command.group);
        if (!group)
          return turn.reply(notice(m.problemTitle, m.bindUnknownGroup(command.group, groupList(plan))));
        const at = deps.now().toISOString();
        const boundBy = actor(turn);
        const { teamId, tenantId } = turn.place;
        await deps.plans.bind(plan.agreement.id, {
          groupId: group.id,
          channelId,
          boundBy,
          boundAt: at,
          ...(teamId ? { teamId } : {}),
          ...(tenantId ? { tenantId } : {}),
        });
        await deps.audit.record({
          agreementId: plan.agreement.id,
          actor: boundBy,
          action: 'bindChannel',
          details: { groupId: group.id, channelId, teamId },
          at,
        });
        await turn.reply(notice(m.boundTitle, m.bound(group.name)));
      },
    },

    // Where things stand
    status: {
      run: async ({ turn, command, plan, locale }) =>
        turn.reply(await deps.status.status(plan, command.scope, asker(turn), locale)),
    },
    missing: {
      run: async ({ turn, plan, locale }) => turn.reply(await deps.status.missing(plan, asker(turn), locale)),
    },
    history: {
      run: async ({ turn, command, plan, locale }) =>
        turn.reply(await deps.status.history(plan, command.measure, locale)),
    },
    mine: {
      run: async ({ turn, plan, locale }) =>
        turn.reply(await deps.status.mine(plan, { aadObjectId: turn.person.aadObjectId }, locale)),
    },
    measures: {
      run: async ({ turn, plan, locale }) => turn.reply(renderCard('measures', measuresView(locale, plan))),
    },

    // Reporting and rounds
    openRound: {
      refused: (m) => m.rounds.onlyCoordinators,
      run: async ({ turn, command, m }) => {
        const openedBy = actor(turn);
        const result = await deps.checkIns.openRound({
          trigger: 'manual',
          ...(command.label ? { label: command.label } : {}),
          openedBy,
        });
        if (result.kind !== 'opened') {
          const text =
            result.kind === 'ended'
              ? m.steering.roundsEnded(result.validTo)
              : result.kind === 'busy'
                ? m.rounds.busy(result.open.map((r) => r.label))
                : m.noAgreement;
          return turn.reply(notice(m.problemTitle, text));
        }
        const { round, cards, sendsAt } = result;
        // Outside office hours the cards wait for the next working morning: say when, or people wait for nothing.
        const later = sendsAt > round.openedAt ? m.rounds.sendMoment(sendsAt, deps.timeZone) : undefined;
        await deps.audit.record({
          agreementId: round.agreementId,
          actor: openedBy,
          action: 'openRound',
          details: { roundId: round.id, measures: round.measureIds.length, cards },
          at: deps.now().toISOString(),
        });
        const { afterWorkingDays, max } = deps.reminders;
        const text =
          cards > 0
            ? `${m.rounds.opened(round.label, round.measureIds.length, cards, later)} ${m.rounds.reminderPolicy(afterWorkingDays, max)}`
            : m.rounds.openedNoTargets(round.label);
        await turn.reply(notice(m.rounds.openedTitle, text));
        deps.onJobsPlanned();
      },
    },
    closeRound: {
      refused: (m) => m.rounds.onlyCoordinators,
      run: async ({ turn, m }) => {
        const closed = await deps.checkIns.closeNewestOpenRound();
        if (!closed) return turn.reply(notice(m.problemTitle, m.rounds.noneOpen));
        await deps.audit.record({
          agreementId: closed.round.agreementId,
          actor: actor(turn),
          action: 'closeRound',
          details: { roundId: closed.round.id, answered: closed.answered },
          at: deps.now().toISOString(),
        });
        const text = m.rounds.closed(closed.round.label, closed.answered, closed.round.measureIds.length);
        await turn.reply(notice(m.rounds.closedTitle, text));
      },
    },
    export: {
      refused: (m) => m.exportOnlyCoordinators,
      run: ({ turn, command, plan, locale }) => deps.reportExport.request(turn, plan, command.round, locale),
    },

    // The steering group
    summary: {
      run: async ({ turn, command, plan, locale, m }) => {
        const meeting = command.date
          ? plan.agreement.steeringMeetings.find((x) => x.date === command.date)
          : upcomingMeetings(plan.agreement, today())[0];
        if (meeting) return turn.reply(await deps.steering.summaryCard(plan, meeting, locale));
        if (command.date) return turn.reply(notice(m.problemTitle, m.steering.noMeeting));
        await turn.reply(await deps.steering.summaryCardForToday(plan, locale));
      },
    },
    meetings: {
      run: async ({ turn, plan, locale, m }) =>
        turn.reply(notice(m.manage.meetingsTitle, deps.steering.meetingsText(plan, locale))),
    },
    planMeeting: {
      refused: (m) => m.manage.onlyCoordinators,
      run: async ({ turn, command, plan, locale }) =>
        turn.reply(
          await deps.management.planMeeting(plan, command.date, command.time, actor(turn), locale, (p) =>
            deps.steering.meetingsText(p, locale),
          ),
        ),
    },
    review: {
      run: async ({ turn, plan, locale }) => turn.reply(await deps.reviews.compiled(plan, locale)),
    },
    decisions: {
      refused: (m) => decisionTextsFor(localeOf(m)).onlyCoordinators,
      run: async ({ turn, plan, locale }) => turn.reply(await deps.decisions.listCard(plan, locale)),
    },
    followUpReport: {
      refused: (m) => m.exportOnlyCoordinators,
      run: async ({ turn, command, plan, locale, m }) => {
        const told = await deps.reportExport.requestFollowUp(turn, plan, command.date, locale);
        if (told) await turn.reply(notice(m.export.title, told));
      },
    },
    extend: {
      refused: (m) => m.steering.extendOnlyCoordinators,
      run: async ({ turn, plan, m }) => {
        // It ends the day before its successor starts, whatever its dates: an extension would change nothing.
        if (deps.successorStartsOn)
          return turn.reply(notice(m.problemTitle, m.steering.extendSucceeded(deps.successorStartsOn)));
        const decidedOn = deps.now().toISOString().slice(0, 10);
        const extended = await deps.plans.recordExtension(
          plan.agreement.id,
          (a) => extendAgreement(a, decidedOn),
          deps.now(),
        );
        const validTo = effectiveValidTo(extended);
        await deps.audit.record({
          agreementId: plan.agreement.id,
          actor: actor(turn),
          action: 'extendAgreement',
          details: { validTo, decidedOn },
          at: deps.now().toISOString(),
        });
        // New years may now lack meetings, and the renewal reminder moves with the end date.
        deps.onJobsPlanned();
        await turn.reply(notice(m.manage.doneTitle, m.steering.extended(validTo)));
      },
    },

    // The action plan
    addMeasure: {
      refused: (m) => m.manage.onlyCoordinators,
      run: async ({ turn, plan, locale }) => turn.reply(deps.management.addForm(plan, locale)),
    },
    editMeasure: {
      refused: (m) => m.manage.onlyCoordinators,
      run: async ({ turn, command, plan, locale }) =>
        turn.reply(await deps.management.editForm(plan, command.measure, locale)),
    },
    retireMeasure: {
      refused: (m) => m.manage.onlyCoordinators,
      run: async ({ turn, command, plan, locale }) =>
        turn.reply(await deps.management.retire(plan, command.measure, actor(turn), locale)),
    },

    // Personal data
    personalData: {
      refused: (m) => m.personalData.onlyCoordinators,
      run: async ({ turn, command, plan, locale }) => {
        const card = await deps.personalData.command(turn, plan, command.intent, command.person, locale);
        if (card) await turn.reply(card);
      },
    },
  };
}

/** The language of a message catalog, for the texts a feature keeps itself. */
function localeOf(m: Messages): Locale {
  return locales.find((l) => messagesFor(l) === m) ?? 'sv';
}

function notice(title: string, text: string): AdaptiveCardJson {
  return renderCard('notice', noticeView(title, text));
}
