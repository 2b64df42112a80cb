import type { Locale } from '../domain/locale.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';

/**
 * What every feature shares, built once at start (app.ts): the agreement it serves, where and when its people are,
 * their language and the bot's clock.
 */
export interface AgreementContext {
  agreementId: string;
  /** Where the people are: every time a person sees is shown in this zone. */
  timeZone: string;
  /** The zone and its office hours: when the bot posts on its own. */
  calendar: WorkingCalendar;
  /** The agreement's language: posts to shared channels, and answers where nothing else tells. */
  locale: Locale;
  /** The bot's clock: the real time, or the example's (CLOCK_START). */
  now: () => Date;
}
