import { z } from 'zod';
import { commandCatalog, type CommandKind } from './commandCatalog.js';
import { locales, type Locale } from './locale.js';
import { closestWord, normalizeForMatching } from './wordMatching.js';

/** What a person asked the bot for in a message, after the @mention is removed. */
export type Command =
  | { kind: 'help'; locale: Locale }
  | { kind: 'bind'; locale: Locale; group: string }
  | { kind: 'measures'; locale: Locale }
  /** Opens a check-in round for every measure; the label is optional ("ny runda 2021 kvartal 2"). */
  | { kind: 'openRound'; locale: Locale; label?: string }
  | { kind: 'closeRound'; locale: Locale }
  /** `status`, `status mål 2`, `status 1.2` or `status <part of a measure's name>`. */
  /** `locale` is absent when the words do not tell (status is the same word in both languages). */
  | { kind: 'status'; locale?: Locale; scope: StatusScope }
  | { kind: 'missing'; locale: Locale }
  | { kind: 'mine'; locale: Locale }
  | { kind: 'history'; locale: Locale; measure: string }
  | { kind: 'addMeasure'; locale: Locale }
  | { kind: 'editMeasure'; locale: Locale; measure: string }
  | { kind: 'retireMeasure'; locale: Locale; measure: string }
  /** `möte 2021-11-25 13:00`: plans a steering meeting; the date is checked where the agreement is known. */
  | { kind: 'planMeeting'; locale: Locale; date: string; time?: string }
  /** `möte` alone: the steering meetings planned from today on. */
  | { kind: 'meetings'; locale: Locale }
  | { kind: 'extend'; locale: Locale }
  /** `beslut`: the steering group's decisions. */
  | { kind: 'decisions'; locale: Locale }
  /** The written follow-up report, for the meeting on `date` or up to today. */
  | { kind: 'followUpReport'; locale: Locale; date?: string }
  /** The mid-term review's answers, compiled. */
  | { kind: 'review'; locale: Locale }
  /** The summary before the next steering meeting (or the one on `date`). */
  | { kind: 'summary'; locale: Locale; date?: string }
  /** `språk en` / `language sv`: the person's language from now on; without a language, which is in use. */
  | { kind: 'language'; locale: Locale; choice?: Locale }
  /** `export` (every report) or `export <round>` (one round's reports, by its name). */
  | { kind: 'export'; locale: Locale; round?: string }
  /**
   * `personuppgifter <namn|e-post>` (a person's data, GDPR art. 15) or `radera personuppgifter <…>` (its
   * erasure, art. 17); `person` keeps the typed spelling, since an e-mail address or an id is matched as typed.
   */
  | { kind: 'personalData'; locale: Locale; intent: PersonalDataIntent; person: string }
  | {
      kind: 'invalid';
      locale: Locale;
      problem:
        | 'missingGroup'
        | 'groupTooLong'
        | 'labelTooLong'
        | 'missingMeasure'
        | 'queryTooLong'
        | 'meetingFormat'
        | 'missingPerson'
        | 'unknownLanguage';
    }
  /** Anything else; answered with help in the language of the person's Teams client. */
  | { kind: 'unknown' };

export type PersonalDataIntent = 'export' | 'erase';

export type StatusScope =
  { kind: 'all' } | { kind: 'goalArea'; number: number } | { kind: 'measure'; query: string };

/** The parser and the catalog know the same command kinds; one without the other does not compile. */
export const parsedKindsAreCatalogKinds: [
  Exclude<Command['kind'], 'invalid' | 'unknown'>,
  CommandKind,
] extends [CommandKind, Exclude<Command['kind'], 'invalid' | 'unknown'>]
  ? true
  : never = true;

type CommandWord = { kind: CommandKind; locale: Locale | undefined };

/**
 * The command words, from the catalog (commandCatalog.ts): the word decides the language of the answer (`hjälp`
 * Swedish, `help` English); a word the same in both languages (`status`) decides nothing. Personal data and
 * `status mål` are read by their own parsers below. Where two kinds share a word (`möte` alone lists the meetings,
 * `möte 2021-11-25` plans one), the kind with the argument reads it.
 */
function commandWords(): { oneWord: Map<string, CommandWord>; twoWords: Map<string, CommandWord> } {
  const oneWord = new Map<string, CommandWord>([
    // An older word for status, still understood.
    ['lage', { kind: 'status', locale: 'sv' }],
  ]);
  const twoWords = new Map<string, CommandWord>();
  const readBy: Partial<Record<CommandKind, CommandKind>> = { meetings: 'planMeeting' };
  for (const entry of commandCatalog) {
    if (entry.kind === 'personalData') continue;
    const kind = readBy[entry.kind] ?? entry.kind;
    const sameInBoth = normalizeForMatching(entry.words.sv) === normalizeForMatching(entry.words.en);
    for (const locale of locales) {
      const words = normalizeForMatching(entry.words[locale]).split(' ');
      const word = { kind, locale: sameInBoth ? undefined : locale };
      if (words.length === 1) oneWord.set(words[0] ?? '', word);
      else if (kind !== 'status') twoWords.set(words.join(' '), word);
    }
  }
  return { oneWord, twoWords };
}
const { oneWord, twoWords } = commandWords();

/** What a person may write after `språk`/`language`, in either language. */
const languageNames: Record<string, Locale> = {
  sv: 'sv',
  svenska: 'sv',
  swedish: 'sv',
  en: 'en',
  engelska: 'en',
  english: 'en',
};
const knownWords = [...oneWord.keys()];

/** Teams caps a message at about 28 KB; nothing a command needs comes close, so longer text is not a command. */
const messageText = z.string().max(4000);
const groupArgument = z.string().min(1).max(100);
const roundLabel = z.string().trim().max(80);
const measureQuery = z.string().trim().min(1).max(200);
/** A name, an e-mail address or an Entra object id. */
const personQuery = z.string().trim().min(1).max(200);

export function parseCommand(text: unknown): Command {
  const parsed = messageText.safeParse(text);
  if (!parsed.success) return { kind: 'unknown' };
  const words = normalizeForMatching(parsed.data).split(' ');
  const personalData = parsePersonalData(parsed.data, words);
  if (personalData) return personalData;
  const phrase = twoWords.get(words.slice(0, 2).join(' '));
  // A small typo in a one-word command is forgiven ("stauts", "sakans"); exact words are matched first.
  const typed = words[0] ?? '';
  const word = phrase ?? oneWord.get(typed) ?? oneWord.get(closestWord(typed, knownWords) ?? '');
  if (!word) return { kind: 'unknown' };
  const used = phrase ? 2 : 1;
  const rest = words.slice(used).join(' ');
  // What follows the command words as typed: labels, names and dates keep the person's own spelling.
  const after = parsed.data.trim().split(/\s+/).slice(used).join(' ');
  // Only `status` is the same word in both languages, and it finds its language in the words after it.
  const locale = word.locale ?? 'sv';
  switch (word.kind) {
    case 'help':
    case 'measures':
    case 'missing':
    case 'mine':
    case 'review':
    case 'extend':
    case 'decisions':
    case 'closeRound':
    case 'addMeasure':
      return { kind: word.kind, locale };
    case 'openRound': {
      // The label is shown on every card of the round.
      const label = roundLabel.safeParse(after);
      if (!label.success) return { kind: 'invalid', locale, problem: 'labelTooLong' };
      return { kind: 'openRound', locale, ...(label.data ? { label: label.data } : {}) };
    }
    case 'summary':
    case 'followUpReport': {
      const date = /^\d{4}-\d{2}-\d{2}$/.exec(after)?.[0];
      return { kind: word.kind, locale, ...(date ? { date } : {}) };
    }
    case 'status':
      return parseStatus(rest, typedAfter(parsed.data, used));
    case 'language': {
      if (rest === '') return { kind: 'language', locale };
      const choice = languageNames[rest];
      if (!choice) return { kind: 'invalid', locale, problem: 'unknownLanguage' };
      return { kind: 'language', locale: choice, choice };
    }
    case 'export': {
      // The round's name as it is shown on the round's cards.
      const round = roundLabel.safeParse(after);
      if (!round.success) return { kind: 'invalid', locale, problem: 'labelTooLong' };
      return { kind: 'export', locale, ...(round.data ? { round: round.data } : {}) };
    }
    case 'planMeeting': {
      if (after === '') return { kind: 'meetings', locale };
      const meeting = /^(\d{4}-\d{2}-\d{2})(?: (\d{1,2}[.:]\d{2}))?$/.exec(after);
      if (!meeting?.[1]) return { kind: 'invalid', locale, problem: 'meetingFormat' };
      const time = meeting[2]?.replace('.', ':').padStart(5, '0');
      return { kind: 'planMeeting', locale, date: meeting[1], ...(time ? { time } : {}) };
    }
    case 'editMeasure':
    case 'retireMeasure':
    case 'history': {
      // The measure as typed: an answer that quotes it ("no measure matches …") shows the person's own words.
      const query = measureQuery.safeParse(typedAfter(parsed.data, used));
      if (query.success) return { kind: word.kind, locale, measure: query.data };
      return { kind: 'invalid', locale, problem: rest === '' ? 'missingMeasure' : 'queryTooLong' };
    }
    case 'bind': {
      const group = groupArgument.safeParse(rest);
      if (group.success) return { kind: 'bind', locale, group: group.data };
      return { kind: 'invalid', locale, problem: rest === '' ? 'missingGroup' : 'groupTooLong' };
    }
    case 'meetings':
    case 'personalData':
      // Never a command word of its own: `möte` is read as planMeeting, personal data by parsePersonalData.
      return { kind: 'unknown' };
  }
}

/** `status`, `status mål 2` / `status goal 2`, or `status <measure>`. */
function parseStatus(rest: string, typed: string): Command {
  if (rest === '') return { kind: 'status', scope: { kind: 'all' } };
  const goal = /^(mal|malomrade|goal|goal area)\s+(\d{1,2})$/.exec(rest);
  if (goal) {
    const locale: Locale = goal[1]?.startsWith('goal') ? 'en' : 'sv';
    return { kind: 'status', locale, scope: { kind: 'goalArea', number: Number(goal[2]) } };
  }
  const query = measureQuery.safeParse(typed);
  if (!query.success) return { kind: 'invalid', locale: 'sv', problem: 'queryTooLong' };
  return { kind: 'status', scope: { kind: 'measure', query: query.data } };
}

/**
 * `personuppgifter` / `personal data` and, with `radera` / `erase` first, the erasure. Only the last word of the
 * Swedish phrase forgives a typo: the erasure is confirmed on a card anyway, but "radera" must be meant.
 */
function parsePersonalData(typed: string, words: readonly string[]): Command | undefined {
  const erase = words[0] === 'radera' || words[0] === 'erase';
  const start = erase ? 1 : 0;
  let used: number;
  let locale: Locale;
  if (closestWord(words[start] ?? '', ['personuppgifter'])) {
    used = start + 1;
    locale = erase && words[0] === 'erase' ? 'en' : 'sv';
  } else if (words[start] === 'personal' && words[start + 1] === 'data') {
    used = start + 2;
    locale = erase && words[0] === 'radera' ? 'sv' : 'en';
  } else {
    return undefined;
  }
  const intent: PersonalDataIntent = erase ? 'erase' : 'export';
  const rest = typedAfter(typed, used);
  if (rest === '') return { kind: 'invalid', locale, problem: 'missingPerson' };
  const person = personQuery.safeParse(rest);
  if (!person.success) return { kind: 'invalid', locale, problem: 'queryTooLong' };
  return { kind: 'personalData', locale, intent, person: person.data };
}

/** The typed text after the first `count` command words, as typed ("Megan.Bowen@contoso.com" stays whole). */
function typedAfter(typed: string, count: number): string {
  const tokens = typed.trim().split(/\s+/);
  let consumed = 0;
  let index = 0;
  // A token such as "personal-data" is two words once normalized, so count words, not tokens.
  while (index < tokens.length && consumed < count) {
    const normalized = normalizeForMatching(tokens[index] ?? '');
    consumed += normalized === '' ? 0 : normalized.split(' ').length;
    index++;
  }
  return tokens.slice(index).join(' ').trim();
}
