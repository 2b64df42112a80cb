import { messagesFor, type Messages } from '../../src/features/shared/messages.js';

/**
 * What the bot says, from its own catalog (src/features/shared/messages.ts), so these tests follow its wording. The helpers turn
 * a catalog text into what the page shows: Adaptive Cards render **bold** as plain text and drop anything that looks
 * like an HTML tag (`<insats>`).
 */
export const sv = messagesFor('sv');
export const en = messagesFor('en');

/** A catalog text as the card shows it: no markdown emphasis, no tag-like placeholders, single spaces. */
export function shown(text: string): string {
  return text
    .replace(/\*\*/g, '')
    .replace(/<[A-Za-z][\w-]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Stands for "any text" in an argument of `pattern`. */
export const ANY = '\u0000ANY\u0000';
/** Stands for "any number" in a numeric argument of `pattern` (a count the test does not know). */
export const ANY_NUMBER = 987_654_321;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A catalog text with some parts unknown (`ANY`) as a RegExp source, shown as the card shows it. */
function source(text: string): string {
  return shown(text)
    .split(ANY)
    .map((part) => part.split(String(ANY_NUMBER)).map(escape).join('\\d+'))
    .join('.+?');
}

/** A RegExp for a catalog text with `ANY` where the test does not know a part (a time, a count). */
export function pattern(text: string, flags = ''): RegExp {
  return new RegExp(source(text), flags);
}

/** A RegExp matching the text in Swedish or in English, for answers whose language the client decides. */
export function either(pick: (m: Messages) => string): RegExp {
  return new RegExp(`(?:${source(pick(sv))})|(?:${source(pick(en))})`);
}

/** A RegExp matching exactly the whole of one of the texts (a heading), in either language. */
export function exactly(...texts: string[]): RegExp {
  return new RegExp(`^(?:${texts.map((t) => source(t)).join('|')})$`);
}

/** A RegExp matching any of the texts anywhere (a sentence in a card, in whichever language it came). */
export function anyOf(...texts: string[]): RegExp {
  return new RegExp(texts.map((t) => `(?:${source(t)})`).join('|'));
}
