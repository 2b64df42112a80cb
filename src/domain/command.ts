import { z } from 'zod';
import type { Locale } from './locale.js';
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

/** The command word decides the language of the answer: `hjälp` gets Swedish, `help` English. */
type Verb =
  | 'help'
  | 'bind'
  | 'measures'
  | 'status'
  | 'missing'
  | 'mine'
  | 'history'
  | 'export'
  | 'editMeasure'
  | 'retireMeasure'
  | 'planMeeting'
  | 'extend'
  | 'review'
  | 'followUpReport'
  | 'summary'
  | 'language';
const verbs: Record<string, { kind: Verb; locale: Locale }> = {
  hjalp: { kind: 'help', locale: 'sv' },
  help: { kind: 'help', locale: 'en' },
  koppla: { kind: 'bind', locale: 'sv' },
  bind: { kind: 'bind', locale: 'en' },
  insatser: { kind: 'measures', locale: 'sv' },
  measures: { kind: 'measures', locale: 'en' },
  // "status" is the same word in both languages; the words after it decide, Swedish by default.
  status: { kind: 'status', locale: 'sv' },
  lage: { kind: 'status', locale: 'sv' },
  saknas: { kind: 'missing', locale: 'sv' },
  missing: { kind: 'missing', locale: 'en' },
  mina: { kind: 'mine', locale: 'sv' },
  mine: { kind: 'mine', locale: 'en' },
  historik: { kind: 'history', locale: 'sv' },
  history: { kind: 'history', locale: 'en' },
  andra: { kind: 'editMeasure', locale: 'sv' },
  edit: { kind: 'editMeasure', locale: 'en' },
  avsluta: { kind: 'retireMeasure', locale: 'sv' },
  retire: { kind: 'retireMeasure', locale: 'en' },
  mote: { kind: 'planMeeting', locale: 'sv' },
  meeting: { kind: 'planMeeting', locale: 'en' },
  rapport: { kind: 'followUpReport', locale: 'sv' },
  report: { kind: 'followUpReport', locale: 'en' },
  halvtid: { kind: 'review', locale: 'sv' },
  review: { kind: 'review', locale: 'en' },
  forlang: { kind: 'extend', locale: 'sv' },
  extend: { kind: 'extend', locale: 'en' },
  sammanfattning: { kind: 'summary', locale: 'sv' },
  summary: { kind: 'summary', locale: 'en' },
  exportera: { kind: 'export', locale: 'sv' },
  export: { kind: 'export', locale: 'en' },
  sprak: { kind: 'language', locale: 'sv' },
  language: { kind: 'language', locale: 'en' },
};

/** What a person may write after `språk`/`language`, in either language. */
const languageNames: Record<string, Locale> = {
  sv: 'sv',
  svenska: 'sv',
  swedish: 'sv',
  en: 'en',
  engelska: 'en',
  english: 'en',
};
const knownVerbs = Object.keys(verbs);

/** Two-word commands, checked before the one-word ones. */
const phrases: Record<string, { kind: 'openRound' | 'closeRound' | 'addMeasure'; locale: Locale }> = {
  'ny insats': { kind: 'addMeasure', locale: 'sv' },
  'new measure': { kind: 'addMeasure', locale: 'en' },
  'ny runda': { kind: 'openRound', locale: 'sv' },
  'new round': { kind: 'openRound', locale: 'en' },
  'stang runda': { kind: 'closeRound', locale: 'sv' },
  'close round': { kind: 'closeRound', locale: 'en' },
};

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
  const phrase = phrases[words.slice(0, 2).join(' ')];
  if (phrase?.kind === 'closeRound') return { kind: 'closeRound', locale: phrase.locale };
  if (phrase?.kind === 'addMeasure') return { kind: 'addMeasure', locale: phrase.locale };
  if (phrase?.kind === 'openRound') {
    // The label keeps the person's own spelling: it is shown on every card of the round.
    const label = roundLabel.safeParse(parsed.data.trim().split(/\s+/).slice(2).join(' '));
    if (!label.success) return { kind: 'invalid', locale: phrase.locale, problem: 'labelTooLong' };
    return { kind: 'openRound', locale: phrase.locale, ...(label.data ? { label: label.data } : {}) };
  }
  // A small typo in the command word is forgiven ("stauts", "sakans"); exact words are matched first.
  const typed = words[0] ?? '';
  const verb = verbs[typed] ?? verbs[closestWord(typed, knownVerbs) ?? ''];
  if (!verb) return { kind: 'unknown' };
  const rest = words.slice(1).join(' ');
  switch (verb.kind) {
    case 'summary':
    case 'followUpReport': {
      const date = /^\d{4}-\d{2}-\d{2}$/.exec(parsed.data.trim().split(/\s+/).slice(1).join(' '))?.[0];
      return { kind: verb.kind, locale: verb.locale, ...(date ? { date } : {}) };
    }
    case 'help':
    case 'measures':
    case 'missing':
    case 'mine':
    case 'review':
    case 'extend':
      return { kind: verb.kind, locale: verb.locale };
    case 'status':
      return parseStatus(rest, typedAfter(parsed.data, 1));
    case 'language': {
      if (rest === '') return { kind: 'language', locale: verb.locale };
      const choice = languageNames[rest];
      if (!choice) return { kind: 'invalid', locale: verb.locale, problem: 'unknownLanguage' };
      return { kind: 'language', locale: choice, choice };
    }
    case 'export': {
      // The round's name keeps the person's own spelling, as it is shown on the round's cards.
      const round = roundLabel.safeParse(parsed.data.trim().split(/\s+/).slice(1).join(' '));
      if (!round.success) return { kind: 'invalid', locale: verb.locale, problem: 'labelTooLong' };
      return { kind: 'export', locale: verb.locale, ...(round.data ? { round: round.data } : {}) };
    }
    case 'planMeeting': {
      // Dates keep their dashes, so this reads the words as typed, not their matching form.
      const typedRest = parsed.data.trim().split(/\s+/).slice(1).join(' ');
      if (typedRest === '') return { kind: 'meetings', locale: verb.locale };
      const meeting = /^(\d{4}-\d{2}-\d{2})(?: (\d{1,2}[.:]\d{2}))?$/.exec(typedRest);
      if (!meeting?.[1]) return { kind: 'invalid', locale: verb.locale, problem: 'meetingFormat' };
      const time = meeting[2]?.replace('.', ':').padStart(5, '0');
      return { kind: 'planMeeting', locale: verb.locale, date: meeting[1], ...(time ? { time } : {}) };
    }
    case 'editMeasure':
    case 'retireMeasure':
    case 'history': {
      // The measure as typed: an answer that quotes it ("no measure matches …") shows the person's own words.
      const query = measureQuery.safeParse(typedAfter(parsed.data, 1));
      if (query.success) return { kind: verb.kind, locale: verb.locale, measure: query.data };
      return {
        kind: 'invalid',
        locale: verb.locale,
        problem: rest === '' ? 'missingMeasure' : 'queryTooLong',
      };
    }
    case 'bind': {
      const group = groupArgument.safeParse(rest);
      if (group.success) return { kind: 'bind', locale: verb.locale, group: group.data };
      return { kind: 'invalid', locale: verb.locale, problem: rest === '' ? 'missingGroup' : 'groupTooLong' };
    }
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
