import { z } from 'zod';
import type { Locale } from './locale.js';

/** What a person asked the bot for in a message, after the @mention is removed. */
export type Command =
  | { kind: 'help'; locale: Locale }
  | { kind: 'bind'; locale: Locale; group: string }
  | { kind: 'measures'; locale: Locale }
  /** Opens a check-in round for every measure; the label is optional ("ny runda 2021 kvartal 2"). */
  | { kind: 'openRound'; locale: Locale; label?: string }
  | { kind: 'closeRound'; locale: Locale }
  | { kind: 'invalid'; locale: Locale; problem: 'missingGroup' | 'groupTooLong' | 'labelTooLong' }
  /** Anything else; answered with help in the language of the person's Teams client. */
  | { kind: 'unknown' };

/** Lower case, no diacritics, dashes as spaces, single spaces: "Hjälp!" and "hjalp" mean the same. */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-_]+/g, ' ')
    .replace(/[^\p{L}\p{N}. ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The command word decides the language of the answer: `hjälp` gets Swedish, `help` English. */
const verbs: Record<string, { kind: 'help' | 'bind' | 'measures'; locale: Locale }> = {
  hjalp: { kind: 'help', locale: 'sv' },
  help: { kind: 'help', locale: 'en' },
  koppla: { kind: 'bind', locale: 'sv' },
  bind: { kind: 'bind', locale: 'en' },
  insatser: { kind: 'measures', locale: 'sv' },
  measures: { kind: 'measures', locale: 'en' },
};

/** Two-word commands, checked before the one-word ones. */
const phrases: Record<string, { kind: 'openRound' | 'closeRound'; locale: Locale }> = {
  'ny runda': { kind: 'openRound', locale: 'sv' },
  'new round': { kind: 'openRound', locale: 'en' },
  'stang runda': { kind: 'closeRound', locale: 'sv' },
  'close round': { kind: 'closeRound', locale: 'en' },
};

/** Teams caps a message at about 28 KB; nothing a command needs comes close, so longer text is not a command. */
const messageText = z.string().max(4000);
const groupArgument = z.string().min(1).max(100);
const roundLabel = z.string().trim().max(80);

export function parseCommand(text: unknown): Command {
  const parsed = messageText.safeParse(text);
  if (!parsed.success) return { kind: 'unknown' };
  const words = normalizeForMatching(parsed.data).split(' ');
  const phrase = phrases[words.slice(0, 2).join(' ')];
  if (phrase?.kind === 'closeRound') return { kind: 'closeRound', locale: phrase.locale };
  if (phrase?.kind === 'openRound') {
    // The label keeps the person's own spelling: it is shown on every card of the round.
    const label = roundLabel.safeParse(parsed.data.trim().split(/\s+/).slice(2).join(' '));
    if (!label.success) return { kind: 'invalid', locale: phrase.locale, problem: 'labelTooLong' };
    return { kind: 'openRound', locale: phrase.locale, ...(label.data ? { label: label.data } : {}) };
  }
  const verb = verbs[words[0] ?? ''];
  if (!verb) return { kind: 'unknown' };
  const rest = words.slice(1).join(' ');
  switch (verb.kind) {
    case 'help':
    case 'measures':
      return { kind: verb.kind, locale: verb.locale };
    case 'bind': {
      const group = groupArgument.safeParse(rest);
      if (group.success) return { kind: 'bind', locale: verb.locale, group: group.data };
      return { kind: 'invalid', locale: verb.locale, problem: rest === '' ? 'missingGroup' : 'groupTooLong' };
    }
  }
}
