import { DateTime } from 'luxon';

/** What time it is for the bot: every schedule, office hour, meeting and time stamp reads it. */
export type Clock = () => Date;

/** The real time. */
export const realClock: Clock = () => new Date();

/**
 * A clock that starts at `start` and runs on at normal speed from the moment it is made. It lets the example
 * agreement (2021–2022) be tried on any day: rounds open, office hours and meetings behave as they did then.
 */
export function clockFrom(start: Date, real: Clock = realClock): Clock {
  const offsetMs = start.getTime() - real().getTime();
  return () => new Date(real().getTime() + offsetMs);
}

/** `2021-10-18T09:00` in the bot's time zone, as a person wrote it in CLOCK_START; undefined when not a time. */
export function parseLocalMoment(text: string, timeZone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text)) return undefined;
  const moment = DateTime.fromISO(text, { zone: timeZone });
  // Luxon moves a time that summer time skips (02:30 on the last Sunday of March) to one that exists.
  if (!moment.isValid || moment.toFormat("yyyy-LL-dd'T'HH:mm") !== text) return undefined;
  return moment.toJSDate();
}
