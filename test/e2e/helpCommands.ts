import { parseCommand, type Command } from '../../src/domain/command.js';
import { normalizeForMatching } from '../../src/domain/wordMatching.js';
import { messagesFor, type Messages } from '../../src/features/shared/messages.js';
import type { Answer } from './conversation.js';
import { ANY, anyOf, exactly, sv } from './texts.js';

/**
 * Turns what the help card lists (`historik [insats]`, `ny insats / ändra [insats]`) into messages a person would
 * type, and says what answer each should get. The values are the example agreement's: measure 1.1, goal area 1, the
 * EST strategisk group, Megan Bowen.
 */

/**
 * What a placeholder is filled with, by what its name (lower case, no diacritics) says; '' leaves an optional part
 * out. The first that matches wins.
 */
const placeholderValues: ReadonlyArray<[RegExp, string]> = [
  [/e ?post|e ?mail|\bvem\b|\bwho\b|person/, 'Megan Bowen'],
  [/^(sv|en)\|(sv|en)$/, 'sv'],
  [/^(insats|measure)/, '1.1'],
  [/^(nummer|number|mal|goal)/, '1'],
  [/^(grupp|group)/, 'est-strategisk'],
  [/^(namn|name)$/, 'E2E-runda från hjälpen'],
  [/omgang|round/, ''],
  [/^(datum|date)$/, ''],
  [/^(aaaa|yyyy) mm dd$/, '2021-12-09'],
  [/^(tt|hh) mm$/, '13:00'],
];

/** What fills an argument the card does not show (Teams drops `<insats>` as if it were an HTML tag). */
const missingArguments: Record<string, string> = {
  missingMeasure: '1.1',
  missingGroup: 'est-strategisk',
  missingPerson: 'Megan Bowen',
  meetingFormat: '2021-12-09 13:00',
};

/** A measure that may be retired without spoiling the other flows (the check-in reports on 1.2). */
const measureToRetire = '3.3';

export interface TriedCommand {
  /** As the help card shows it. */
  usage: string;
  /** As typed. */
  typed: string;
  command: Command;
  /** What the answer must be; undefined when the tests do not know the command yet (any answer but an error). */
  answers?: Answer[];
}

/** The commands one line of the help card stands for, as typed messages; throws on a placeholder it cannot fill. */
export function typedCommands(usage: string): TriedCommand[] {
  return usage
    .split(/\s+\/\s+/)
    .map((alternative) => alternative.trim())
    .filter(Boolean)
    .map((alternative) => {
      let typed = alternative
        .replace(/[[<]([^\]>]+)[\]>]/g, (_, name: string) => {
          const key = name.split('|').map(normalizeForMatching).join('|');
          const value = placeholderValues.find(([words]) => words.test(key))?.[1];
          if (value === undefined) {
            throw new Error(`The help card shows "${usage}"; the e2e test cannot fill in [${name}].`);
          }
          return value;
        })
        .replace(/\s+/g, ' ')
        .trim();
      let command = parseCommand(typed);
      const missing = command.kind === 'invalid' ? missingArguments[command.problem] : undefined;
      if (missing) {
        typed = `${typed} ${missing}`;
        command = parseCommand(typed);
      }
      if (command.kind === 'retireMeasure') {
        typed = typed.replace(/\S+$/, measureToRetire);
        command = parseCommand(typed);
      }
      return { usage, typed, command, answers: expectedAnswers(command) };
    });
}

/** The catalog the answer is in: the command word's language, or the agreement's (Swedish) when the words do not tell. */
function catalogs(command: Command): Messages[] {
  const locale = 'locale' in command ? command.locale : undefined;
  return [locale ? messagesFor(locale) : sv];
}

/** The answer a command must get in the personal chat of Alex Wilber, a coordinator. */
export function expectedAnswers(command: Command): Answer[] | undefined {
  const texts = (pick: (m: Messages) => string) => catalogs(command).map(pick);
  const card = (heading: (m: Messages) => string, showing?: (m: Messages) => string): Answer => ({
    card: exactly(...texts(heading)),
    ...(showing ? { showing: [anyOf(...texts(showing))] } : {}),
  });
  const message = (pick: (m: Messages) => string): Answer => ({ message: anyOf(...texts(pick)) });
  switch (command.kind) {
    case 'help':
      return [card((m) => m.helpTitle)];
    case 'measures':
      return [card((m) => m.measuresTitle)];
    case 'status': {
      const scope = command.scope;
      if (scope.kind === 'all') return [card((m) => m.status.title.samverkansöverenskommelse)];
      if (scope.kind === 'goalArea') return [card((m) => m.status.goalTitle(scope.number, ANY))];
      return [card((m) => m.status.measureTitle(scope.query, ANY))];
    }
    case 'history':
      return [card((m) => m.status.measureTitle(command.measure, ANY))];
    case 'missing':
      // The missing reports of the open round, or the overview saying that no round is open.
      return [
        card((m) => m.status.missingTitle(ANY)),
        card(
          (m) => m.status.title.samverkansöverenskommelse,
          (m) => m.status.noOpenRound,
        ),
      ];
    case 'mine':
      return [card((m) => m.status.mineTitle)];
    case 'bind':
      // Channels are bound in a channel; in the personal chat the bot says so.
      return [
        card(
          (m) => m.problemTitle,
          (m) => m.bindOnlyInChannel,
        ),
      ];
    case 'openRound':
      // Refused while another round has the same measures open (the check-in test's, say): a measure is in one
      // open round at a time.
      return [
        card((m) => m.rounds.openedTitle),
        card(
          (m) => m.problemTitle,
          (m) => m.rounds.busy([ANY]),
        ),
        card(
          (m) => m.problemTitle,
          (m) => m.rounds.busy([ANY, ANY]),
        ),
      ];
    case 'closeRound':
      return [
        card((m) => m.rounds.closedTitle),
        card(
          (m) => m.problemTitle,
          (m) => m.rounds.noneOpen,
        ),
      ];
    case 'addMeasure':
      return [card((m) => m.manage.addHeading)];
    case 'editMeasure':
      return [card((m) => m.manage.editHeading(command.measure))];
    case 'retireMeasure':
      return [
        card(
          (m) => m.manage.doneTitle,
          (m) => m.manage.retired(command.measure, ANY),
        ),
        card(
          (m) => m.problemTitle,
          (m) => m.manage.alreadyRetired(command.measure),
        ),
      ];
    case 'planMeeting':
      return [
        card(
          (m) => m.manage.doneTitle,
          (m) => m.manage.meetingPlanned(ANY),
        ),
        card(
          (m) => m.problemTitle,
          (m) => m.manage.meetingExists(ANY),
        ),
      ];
    case 'extend':
      return [
        card(
          (m) => m.manage.doneTitle,
          (m) => m.steering.extended(ANY),
        ),
      ];
    case 'review':
      return [card((m) => m.review.compiledTitle)];
    case 'summary':
      return [card((m) => m.steering.summaryTitle(ANY))];
    case 'followUpReport':
      return [message((m) => m.export.followUpFileText(ANY))];
    case 'export':
      return [
        message((m) => m.export.fileText),
        card(
          (m) => m.export.title,
          (m) => m.export.noReports,
        ),
      ];
    case 'personalData':
      return command.intent === 'export'
        ? [message((m) => m.personalData.fileText)]
        : [card((m) => m.personalData.eraseTitle(ANY)), card((m) => m.problemTitle)];
    default:
      // A command these tests do not know yet: any answer but an error (checked by the caller).
      return undefined;
  }
}
