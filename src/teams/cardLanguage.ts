import { z } from 'zod';
import { locales, type Locale } from '../domain/locale.js';

/**
 * A card's buttons carry the card's language, so the form a button opens, the view a save shows and the message
 * updated for everyone are in the language of the card that was pressed, whatever the Teams client's language.
 */
const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';
const actionTypes = new Set(['Action.Execute', 'Action.Submit']);

/** A copy of an outgoing card (or a list of attachments) with `locale` in every action's data. */
export function withLocale<T>(value: T, locale: Locale): T {
  return stamp(value, locale) as T;
}

function stamp(value: unknown, locale: Locale): unknown {
  if (Array.isArray(value)) return value.map((item) => stamp(item, locale));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = stamp(item, locale);
  if (typeof copy.type === 'string' && actionTypes.has(copy.type) && isRecord(copy.data)) {
    copy.data = { locale, ...copy.data };
  }
  if (copy.contentType === fileConsentType && isRecord(copy.content)) {
    // The consent answer comes back with these contexts only: the upload's message follows the request's language.
    const content = { ...copy.content };
    for (const key of ['acceptContext', 'declineContext'] as const) {
      if (isRecord(content[key])) content[key] = { ...content[key], locale };
    }
    copy.content = content;
  }
  return copy;
}

const stamped = z.object({ locale: z.enum(locales) });

/** The language a pressed card carried, if it carried one (cards sent before languages were stamped do not). */
export function localeOfCard(data: unknown): Locale | undefined {
  const parsed = stamped.safeParse(data);
  return parsed.success ? parsed.data.locale : undefined;
}

/** The card's data without the stamped language, for handlers whose schemas take exactly their own fields. */
export function withoutLocale(data: unknown): unknown {
  if (!isRecord(data) || !('locale' in data)) return data;
  const { locale: _locale, ...rest } = data;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
