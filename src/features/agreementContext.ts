import type { Locale } from '../domain/locale.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';

/**
 * What every feature shares, built once at start (app.ts): the agreement it serves, where and when its people are,
 * their language and the bot's clock.
 */
export interface AgreementContext {
  agreementId: string;
  /**
   * Put before the id of every job this agreement plans, so that the jobs of several agreements (with the same
   * measure numbers and round ids) never share an id: `<agreementId>|`. Empty for the agreement a deployment
   * served before it served several, so that its jobs keep the ids they were planned and completed under.
   */
  jobIdPrefix: string;
  /**
   * The first day of the agreement that follows this one, when the deployment has that one loaded: this agreement
   * has ended by then (no more rounds or notices), whatever its own dates say (`lastDay`).
   */
  successorStartsOn?: string;
  /** Where the people are: every time a person sees is shown in this zone. */
  timeZone: string;
  /** The zone and its office hours: when the bot posts on its own. */
  calendar: WorkingCalendar;
  /** The agreement's language: posts to shared channels, and answers where nothing else tells. */
  locale: Locale;
  /** The bot's clock: the real time, or the example's (CLOCK_START). */
  now: () => Date;
}
