import { z } from 'zod';
import { locales, type Locale } from '../domain/locale.js';

/**
 * A card's buttons carry the card's language, so the form a button opens, the view a save shows and the message
 * updated for everyone are in the language of the card that was pressed, whatever the Teams client's language.
 */
const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';
const actionTypes = new Set(['Action.Execute', 'Action.Submit']);

/**
 * An outgoing card (or a list of attachments) with `locale` in every action's data. What holds an action is
 * copied, the card itself and everything above the action included; what holds none is shared with `value`
 * (copying a whole card on every send cost more than anything else in it), so neither is changed afterwards.
 */
export function withLocale<T>(value: T, locale: Locale): T {
  return stamp(value, locale) as T;
}

/** `value` stamped: a copy where something under it changed, else `value` itself. */
function stamp(value: unknown, locale: Locale): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const stamped = stamp(item, locale);
      if (stamped !== item) (copy ??= [...value])[i] = stamped;
    });
    return copy ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const stamped = stamp(item, locale);
    if (stamped !== item) (copy ??= { ...value })[key] = stamped;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string' && actionTypes.has(record.type) && isRecord(record.data)) {
    copy ??= { ...value };
    copy.data = { locale, ...(copy.data as Record<string, unknown>) };
  }
  if (record.contentType === fileConsentType && isRecord(record.content)) {
    copy ??= { ...value };
    // The consent answer comes back with these contexts only: the upload's message follows the request's language.
    const content = { ...(copy.content as Record<string, unknown>) };
    for (const key of ['acceptContext', 'declineContext'] as const) {
      if (isRecord(content[key])) content[key] = { ...content[key], locale };
    }
    copy.content = content;
  }
  return copy ?? value;
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
