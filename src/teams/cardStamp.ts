import { z } from 'zod';
import { locales, type Locale } from '../domain/locale.js';

/**
 * A card's buttons carry the card's language, so the form a button opens, the view a save shows and the message
 * updated for everyone are in the language of the card that was pressed, whatever the Teams client's language.
 * They carry the agreement the card was sent for too, so a press finds its agreement without asking, wherever the
 * card is (a personal chat may hold the cards of several).
 */
const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';
const actionTypes = new Set(['Action.Execute', 'Action.Submit']);

/** What every action of an outgoing card carries: its language and, when it was sent for one, its agreement. */
export interface CardStamp {
  locale: Locale;
  agreementId?: string;
}

/**
 * An outgoing card (or a list of attachments) with the stamp in every action's data; what an action's data says
 * itself wins (a card listing several agreements names each button's). What holds an action is copied, the card
 * itself and everything above the action included; what holds none is shared with `value` (copying a whole card
 * on every send cost more than anything else in it), so neither is changed afterwards.
 */
export function withStamp<T>(value: T, stamp: CardStamp): T {
  return stamped(value, stamp) as T;
}

/** `value` stamped: a copy where something under it changed, else `value` itself. */
function stamped(value: unknown, stamp: CardStamp): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const done = stamped(item, stamp);
      if (done !== item) (copy ??= [...value])[i] = done;
    });
    return copy ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const done = stamped(item, stamp);
    if (done !== item) (copy ??= { ...value })[key] = done;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string' && actionTypes.has(record.type) && isRecord(record.data)) {
    copy ??= { ...value };
    copy.data = { ...stamp, ...(copy.data as Record<string, unknown>) };
  }
  if (record.contentType === fileConsentType && isRecord(record.content)) {
    copy ??= { ...value };
    // The consent answer comes back with these contexts only: the upload's message follows the request's language.
    const content = { ...(copy.content as Record<string, unknown>) };
    for (const key of ['acceptContext', 'declineContext'] as const) {
      if (isRecord(content[key])) content[key] = { ...content[key], ...stamp };
    }
    copy.content = content;
  }
  return copy ?? value;
}

const localeStamp = z.object({ locale: z.enum(locales) });
const agreementStamp = z.object({ agreementId: z.string().min(1).max(63) });

/** The language a pressed card carried, if it carried one (cards sent before languages were stamped do not). */
export function localeOfCard(data: unknown): Locale | undefined {
  const parsed = localeStamp.safeParse(data);
  return parsed.success ? parsed.data.locale : undefined;
}

/** The agreement a pressed card was sent for, if it says (cards sent before agreements were stamped do not). */
export function agreementOfCard(data: unknown): string | undefined {
  const parsed = agreementStamp.safeParse(data);
  return parsed.success ? parsed.data.agreementId : undefined;
}

/** The card's data without the stamp, for handlers whose schemas take exactly their own fields. */
export function withoutStamp(data: unknown): unknown {
  if (!isRecord(data) || !('locale' in data || 'agreementId' in data)) return data;
  const { locale: _locale, agreementId: _agreementId, ...rest } = data;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
