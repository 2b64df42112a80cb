import { DateTime, IANAZone } from 'luxon';

/**
 * When the bot may speak to people: on working days (vardagar that are not Swedish public holidays or
 * de facto days off) within office hours, in one time zone. The scheduler asks this module for the next
 * allowed moment instead of sending a check-in prompt at 03:00 on Midsommarafton.
 *
 * Dates are compared as local calendar dates in the calendar's zone, and wall-clock times are built with
 * luxon in that zone, so the UTC offset follows daylight saving time (last Sunday of March / October in
 * Sweden) without any arithmetic in hours.
 */

/** Where and when the bot may send prompts and reminders. */
export interface WorkingCalendar {
  /** IANA time zone that dates and office hours are read in, e.g. "Europe/Stockholm". */
  timeZone: string;
  /** Local office hours as "HH:mm". The start is inclusive, the end exclusive (17:00 is already after hours). */
  officeHours: { start: string; end: string };
}

/** Europe/Stockholm, 08:00–17:00. Frozen because it is shared by every caller that omits a calendar. */
export const defaultCalendar: WorkingCalendar = Object.freeze({
  timeZone: 'Europe/Stockholm',
  officeHours: Object.freeze({ start: '08:00', end: '17:00' }),
});

interface Holiday {
  date: string;
  name: string;
}

/**
 * Swedish public holidays (helgdagar) of a year plus the de facto days off: midsommarafton, julafton,
 * nyårsafton. Returned as ISO dates "YYYY-MM-DD" with their Swedish names, sorted by date.
 *
 * Today's rules are applied to every year (the national day became a holiday in 2005, when Annandag pingst
 * stopped being one); the bot only looks at the present and near future. Påskafton and pingstafton are
 * left out because they always fall on a Saturday.
 *
 * @throws RangeError unless `year` is an integer from 1583 (first full Gregorian year) to 9999.
 */
export function swedishHolidays(year: number): Array<{ date: string; name: string }> {
  // Copies, so a caller that edits the result cannot change the cached list.
  return holidaysOf(year).map((h) => ({ ...h }));
}

/**
 * Whether the date is a working day: Monday to Friday and not in {@link swedishHolidays}.
 * A DateTime counts by its local date in the calendar's zone (23:30 UTC on 24 June 2021 is
 * Midsommarafton in Stockholm), so pass the calendar the moment will be judged by.
 *
 * @throws RangeError for an invalid DateTime or a string that is not a valid "YYYY-MM-DD" date.
 */
export function isWorkingDay(date: DateTime | string, calendar: WorkingCalendar = defaultCalendar): boolean {
  if (typeof date === 'string') return isWorkingCivilDay(parseIsoDate(date));
  const { zone } = resolveCalendar(calendar);
  return isWorkingCivilDay(civilDateOf(inZone(date, zone)));
}

/**
 * The first moment at or after `at` that is on a working day within office hours (returns `at` itself if
 * allowed). End of office hours is exclusive. Result in the calendar's zone.
 *
 * If the opening time does not exist on a day (a daylight-saving gap), luxon moves it forward to the first
 * existing time. Swedish clocks change on Sundays, so this only matters for other zones.
 */
export function nextAllowedMoment(at: DateTime, calendar: WorkingCalendar = defaultCalendar): DateTime {
  const { zone, start, end } = resolveCalendar(calendar);
  const local = inZone(at, zone);
  let day = civilDateOf(local);
  for (let i = 0; i < maxDaysOff; i++) {
    if (isWorkingCivilDay(day)) {
      const opens = wallClock(day, start, zone);
      if (local.toMillis() < opens.toMillis()) return opens;
      if (local.toMillis() < wallClock(day, end, zone).toMillis()) return local;
    }
    day = day.plus({ days: 1 });
  }
  throw new Error(`no working day within ${maxDaysOff} days after ${isoDateOf(civilDateOf(local))}`);
}

/**
 * `days` working days after `at`'s date, at the same local wall-clock time, then moved to the next allowed
 * moment. days >= 0. Counting starts from the day after `at`'s local date, so one working day after a
 * Saturday is the Monday; zero days is just {@link nextAllowedMoment}.
 *
 * @throws RangeError unless `days` is a non-negative integer.
 */
export function addWorkingDays(
  at: DateTime,
  days: number,
  calendar: WorkingCalendar = defaultCalendar,
): DateTime {
  assertDayCount(days);
  const { zone } = resolveCalendar(calendar);
  const local = inZone(at, zone);
  const target = stepWorkingDays(civilDateOf(local), days, 1);
  const sameClock = DateTime.fromObject(
    {
      year: target.year,
      month: target.month,
      day: target.day,
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      millisecond: local.millisecond,
    },
    { zone },
  );
  return nextAllowedMoment(sameClock, calendar);
}

/**
 * `days` working days before the date (for "N working days before a steering meeting"), at `localTime`
 * ("HH:mm") in the calendar's zone. The time is used as given, not moved into office hours: moving it
 * forward could push a reminder past the meeting it is about. With `days` 0 the date itself is returned,
 * working day or not.
 *
 * @throws RangeError for an invalid date, time or day count.
 */
export function workingDaysBefore(
  date: string,
  days: number,
  localTime: string,
  calendar: WorkingCalendar = defaultCalendar,
): DateTime {
  assertDayCount(days);
  const { zone } = resolveCalendar(calendar);
  const clock = parseClock(localTime, 'localTime');
  return wallClock(stepWorkingDays(parseIsoDate(date), days, -1), clock, zone);
}

/**
 * Upper bound on consecutive days off when searching forward. The longest Swedish run is four days
 * (Långfredagen to Annandag påsk, or julafton on a Thursday to the Sunday); the margin only guards
 * against an endless loop should the holiday rules ever be wrong.
 */
const maxDaysOff = 14;

interface Clock {
  hour: number;
  minute: number;
}

interface ResolvedCalendar {
  zone: string;
  start: Clock;
  end: Clock;
}

/** Checks the calendar at use rather than trusting it, since it comes from configuration. */
function resolveCalendar(calendar: WorkingCalendar): ResolvedCalendar {
  // IANAZone.create caches per name; IANAZone.isValidZone builds a new Intl formatter on every call,
  // which is too slow for a check made on every question.
  if (!IANAZone.create(calendar.timeZone).isValid) {
    throw new RangeError(`unknown IANA time zone: ${JSON.stringify(calendar.timeZone)}`);
  }
  const start = parseClock(calendar.officeHours.start, 'officeHours.start');
  const end = parseClock(calendar.officeHours.end, 'officeHours.end');
  if (minutesOf(start) >= minutesOf(end)) {
    throw new RangeError(
      `office hours must start before they end: ${calendar.officeHours.start}–${calendar.officeHours.end}`,
    );
  }
  return { zone: calendar.timeZone, start, end };
}

function parseClock(text: string, label: string): Clock {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) throw new RangeError(`${label} must be "HH:mm", got ${JSON.stringify(text)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function minutesOf(clock: Clock): number {
  return clock.hour * 60 + clock.minute;
}

function assertDayCount(days: number): void {
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new RangeError(`days must be a non-negative integer, got ${days}`);
  }
}

function inZone(at: DateTime, zone: string): DateTime {
  if (!at.isValid) throw new RangeError(`invalid DateTime: ${at.invalidReason ?? 'unknown reason'}`);
  return at.setZone(zone);
}

/*
 * A calendar date without a time zone is kept as midnight UTC: UTC has no daylight saving time, so
 * `plus({ days: 1 })` is always exactly the next date.
 */

function civilDate(year: number, month: number, day: number): DateTime {
  return DateTime.utc(year, month, day);
}

function civilDateOf(local: DateTime): DateTime {
  return civilDate(local.year, local.month, local.day);
}

function isoDateOf(day: DateTime): string {
  return day.toFormat('yyyy-MM-dd');
}

function parseIsoDate(text: string): DateTime {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : undefined;
  if (day === undefined || !day.isValid) {
    throw new RangeError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(text)}`);
  }
  return day;
}

function wallClock(day: DateTime, clock: Clock, zone: string): DateTime {
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: clock.hour, minute: clock.minute },
    { zone },
  );
}

function isWorkingCivilDay(day: DateTime): boolean {
  const saturday = 6;
  if (day.weekday >= saturday) return false;
  return !holidayDatesOf(day.year).has(isoDateOf(day));
}

/** Steps `days` working days forward (1) or backward (-1), skipping weekends and holidays. */
function stepWorkingDays(from: DateTime, days: number, direction: 1 | -1): DateTime {
  let day = from;
  let remaining = days;
  while (remaining > 0) {
    day = day.plus({ days: direction });
    if (isWorkingCivilDay(day)) remaining--;
  }
  return day;
}

// Holidays depend only on the year, so caching them keeps the functions pure while the scheduler asks
// about the same few years over and over.
const holidaysByYear = new Map<number, readonly Holiday[]>();
const holidayDatesByYear = new Map<number, ReadonlySet<string>>();

function holidayDatesOf(year: number): ReadonlySet<string> {
  let dates = holidayDatesByYear.get(year);
  if (dates === undefined) {
    dates = new Set(holidaysOf(year).map((h) => h.date));
    holidayDatesByYear.set(year, dates);
  }
  return dates;
}

function holidaysOf(year: number): readonly Holiday[] {
  const cached = holidaysByYear.get(year);
  if (cached !== undefined) return cached;
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`year must be an integer from 1583 to 9999, got ${year}`);
  }
  const easter = easterSunday(year);
  const fromEaster = (days: number) => easter.plus({ days });
  const holidays: Array<[DateTime, string]> = [
    [civilDate(year, 1, 1), 'Nyårsdagen'],
    [civilDate(year, 1, 6), 'Trettondedag jul'],
    [fromEaster(-2), 'Långfredagen'],
    [easter, 'Påskdagen'],
    [fromEaster(1), 'Annandag påsk'],
    [civilDate(year, 5, 1), 'Första maj'],
    [fromEaster(39), 'Kristi himmelsfärdsdag'],
    [fromEaster(49), 'Pingstdagen'],
    [civilDate(year, 6, 6), 'Sveriges nationaldag'],
    [firstWeekdayFrom(civilDate(year, 6, 19), 5), 'Midsommarafton'],
    [firstWeekdayFrom(civilDate(year, 6, 20), 6), 'Midsommardagen'],
    [firstWeekdayFrom(civilDate(year, 10, 31), 6), 'Alla helgons dag'],
    [civilDate(year, 12, 24), 'Julafton'],
    [civilDate(year, 12, 25), 'Juldagen'],
    [civilDate(year, 12, 26), 'Annandag jul'],
    [civilDate(year, 12, 31), 'Nyårsafton'],
  ];
  const list = holidays
    .map(([day, name]) => ({ date: isoDateOf(day), name }))
    .sort((a, b) => a.date.localeCompare(b.date));
  holidaysByYear.set(year, list);
  return list;
}

/** The first day on or after `from` with the ISO weekday (1 = Monday … 7 = Sunday). */
function firstWeekdayFrom(from: DateTime, weekday: number): DateTime {
  return from.plus({ days: (weekday - from.weekday + 7) % 7 });
}

/**
 * Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher), which the Church of Sweden
 * calendar follows. Variable names are the algorithm's own, so it can be checked against the literature.
 */
function easterSunday(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return civilDate(year, month, day);
}
