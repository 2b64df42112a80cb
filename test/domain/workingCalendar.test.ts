import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import {
  addWorkingDays,
  defaultCalendar,
  isWorkingDay,
  nextAllowedMoment,
  swedishHolidays,
  workingDaysBefore,
  type WorkingCalendar,
} from '../../src/domain/workingCalendar.js';

const stockholm = 'Europe/Stockholm';

/** A local wall-clock time in Stockholm, e.g. "2021-03-27T10:00". */
function sthlm(localIso: string): DateTime {
  return DateTime.fromISO(localIso, { zone: stockholm });
}

/** Asserts the exact instant, local time and offset, and that the result is in the expected zone. */
function assertMoment(actual: DateTime, expectedIso: string, zone = stockholm): void {
  assert.equal(actual.toISO(), expectedIso);
  assert.equal(actual.zoneName, zone);
}

function dateNamed(year: number, name: string): string | undefined {
  return swedishHolidays(year).find((h) => h.name === name)?.date;
}

describe('working calendar', () => {
  describe('Swedish holidays', () => {
    it('lists 2021 as in the official calendar', () => {
      assert.deepEqual(swedishHolidays(2021), [
        { date: '2021-01-01', name: 'Nyårsdagen' },
        { date: '2021-01-06', name: 'Trettondedag jul' },
        { date: '2021-04-02', name: 'Långfredagen' },
        { date: '2021-04-04', name: 'Påskdagen' },
        { date: '2021-04-05', name: 'Annandag påsk' },
        { date: '2021-05-01', name: 'Första maj' },
        { date: '2021-05-13', name: 'Kristi himmelsfärdsdag' },
        { date: '2021-05-23', name: 'Pingstdagen' },
        { date: '2021-06-06', name: 'Sveriges nationaldag' },
        { date: '2021-06-25', name: 'Midsommarafton' },
        { date: '2021-06-26', name: 'Midsommardagen' },
        { date: '2021-11-06', name: 'Alla helgons dag' },
        { date: '2021-12-24', name: 'Julafton' },
        { date: '2021-12-25', name: 'Juldagen' },
        { date: '2021-12-26', name: 'Annandag jul' },
        { date: '2021-12-31', name: 'Nyårsafton' },
      ]);
    });

    it('lists 2022 as in the official calendar', () => {
      assert.deepEqual(swedishHolidays(2022), [
        { date: '2022-01-01', name: 'Nyårsdagen' },
        { date: '2022-01-06', name: 'Trettondedag jul' },
        { date: '2022-04-15', name: 'Långfredagen' },
        { date: '2022-04-17', name: 'Påskdagen' },
        { date: '2022-04-18', name: 'Annandag påsk' },
        { date: '2022-05-01', name: 'Första maj' },
        { date: '2022-05-26', name: 'Kristi himmelsfärdsdag' },
        { date: '2022-06-05', name: 'Pingstdagen' },
        { date: '2022-06-06', name: 'Sveriges nationaldag' },
        { date: '2022-06-24', name: 'Midsommarafton' },
        { date: '2022-06-25', name: 'Midsommardagen' },
        { date: '2022-11-05', name: 'Alla helgons dag' },
        { date: '2022-12-24', name: 'Julafton' },
        { date: '2022-12-25', name: 'Juldagen' },
        { date: '2022-12-26', name: 'Annandag jul' },
        { date: '2022-12-31', name: 'Nyårsafton' },
      ]);
    });

    // Includes the earliest (22 March) and latest (25 April) possible Easter Sundays.
    const easters: Array<[number, string]> = [
      [1818, '1818-03-22'],
      [2000, '2000-04-23'],
      [2008, '2008-03-23'],
      [2011, '2011-04-24'],
      [2019, '2019-04-21'],
      [2021, '2021-04-04'],
      [2022, '2022-04-17'],
      [2024, '2024-03-31'],
      [2025, '2025-04-20'],
      [2026, '2026-04-05'],
      [2038, '2038-04-25'],
      [2285, '2285-03-22'],
    ];
    for (const [year, date] of easters) {
      it(`puts Easter Sunday ${year} on ${date}`, () => {
        assert.equal(dateNamed(year, 'Påskdagen'), date);
      });
    }

    it('puts Midsommarafton on the Friday between 19 and 25 June', () => {
      assert.equal(dateNamed(2021, 'Midsommarafton'), '2021-06-25');
      assert.equal(dateNamed(2022, 'Midsommarafton'), '2022-06-24');
      assert.equal(dateNamed(2026, 'Midsommarafton'), '2026-06-19');
      assert.equal(dateNamed(2026, 'Midsommardagen'), '2026-06-20');
    });

    it('puts Alla helgons dag on the Saturday between 31 October and 6 November', () => {
      assert.equal(dateNamed(2026, 'Alla helgons dag'), '2026-10-31');
      assert.equal(dateNamed(2021, 'Alla helgons dag'), '2021-11-06');
    });

    it('hands out copies, so a caller cannot change the cached list', () => {
      const first = swedishHolidays(2023);
      first.pop();
      const firstHoliday = first[0];
      assert.ok(firstHoliday);
      firstHoliday.name = 'changed';
      assert.equal(swedishHolidays(2023).length, 16);
      assert.equal(swedishHolidays(2023)[0]?.name, 'Nyårsdagen');
    });

    it('refuses years outside the Gregorian range it supports', () => {
      assert.throws(() => swedishHolidays(1582), RangeError);
      assert.throws(() => swedishHolidays(2021.5), RangeError);
      assert.throws(() => swedishHolidays(10000), RangeError);
    });
  });

  describe('isWorkingDay', () => {
    it('is false on weekends and holidays, true on other weekdays', () => {
      assert.equal(isWorkingDay('2021-06-24'), true); // Thursday before midsommar
      assert.equal(isWorkingDay('2021-06-25'), false); // Midsommarafton
      assert.equal(isWorkingDay('2021-06-05'), false); // Saturday
      assert.equal(isWorkingDay('2021-06-06'), false); // national day on a Sunday
      assert.equal(isWorkingDay('2021-05-14'), true); // the Friday after Ascension is not a holiday
      assert.equal(isWorkingDay('2021-04-06'), true); // Tuesday after Easter
      assert.equal(isWorkingDay('2021-12-31'), false); // Nyårsafton
    });

    it("judges a DateTime by its date in the calendar's zone", () => {
      const lateThursdayUtc = DateTime.fromISO('2021-06-24T23:30:00Z', { zone: 'utc' });
      assert.equal(isWorkingDay(lateThursdayUtc), false); // already Midsommarafton in Stockholm
      assert.equal(isWorkingDay(lateThursdayUtc, { ...defaultCalendar, timeZone: 'UTC' }), true);
    });

    it('refuses what is not a valid date', () => {
      assert.throws(() => isWorkingDay('2021-02-30'), RangeError);
      assert.throws(() => isWorkingDay('2021-6-1'), RangeError);
      assert.throws(() => isWorkingDay('2021-06-01T10:00'), RangeError);
      assert.throws(() => isWorkingDay(DateTime.invalid('test')), RangeError);
    });
  });

  describe('nextAllowedMoment', () => {
    it('returns an allowed moment unchanged', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-03-10T08:00')), '2021-03-10T08:00:00.000+01:00');
      assertMoment(nextAllowedMoment(sthlm('2021-03-10T13:37:12.345')), '2021-03-10T13:37:12.345+01:00');
      assertMoment(nextAllowedMoment(sthlm('2021-03-12T16:59:59.999')), '2021-03-12T16:59:59.999+01:00');
    });

    it('moves a Saturday morning to Monday 08:00', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-03-13T10:00')), '2021-03-15T08:00:00.000+01:00');
    });

    it('treats the end of office hours as already closed', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-03-12T17:00')), '2021-03-15T08:00:00.000+01:00');
    });

    it('moves an early morning to 08:00 the same day', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-03-10T07:00')), '2021-03-10T08:00:00.000+01:00');
    });

    it('skips Good Friday, the Easter weekend and Easter Monday', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-04-01T18:00')), '2021-04-06T08:00:00.000+02:00');
    });

    it('skips Midsommarafton and the midsummer weekend', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-06-25T09:00')), '2021-06-28T08:00:00.000+02:00');
    });

    it('skips Christmas', () => {
      assertMoment(nextAllowedMoment(sthlm('2021-12-23T17:30')), '2021-12-27T08:00:00.000+01:00');
    });

    it('opens at 08:00 summer time after the change to daylight saving time', () => {
      const result = nextAllowedMoment(sthlm('2021-03-27T10:00'));
      assertMoment(result, '2021-03-29T08:00:00.000+02:00');
      assert.equal(result.toUTC().toISO(), '2021-03-29T06:00:00.000Z');
      assertMoment(nextAllowedMoment(sthlm('2021-03-26T17:00')), '2021-03-29T08:00:00.000+02:00');
    });

    it('opens at 08:00 winter time after the change back', () => {
      const result = nextAllowedMoment(sthlm('2021-10-30T10:00'));
      assertMoment(result, '2021-11-01T08:00:00.000+01:00');
      assert.equal(result.toUTC().toISO(), '2021-11-01T07:00:00.000Z');
      assertMoment(nextAllowedMoment(sthlm('2021-10-29T17:00')), '2021-11-01T08:00:00.000+01:00');
    });

    it("reads a moment given in another zone in the calendar's zone", () => {
      // 23:30 UTC on Thursday is 01:30 on Midsommarafton in Stockholm.
      const utc = DateTime.fromISO('2021-06-24T23:30:00Z', { zone: 'utc' });
      assertMoment(nextAllowedMoment(utc), '2021-06-28T08:00:00.000+02:00');
      // 07:30 UTC in winter is 08:30 in Stockholm: allowed, the same instant in the calendar's zone.
      const allowed = DateTime.fromISO('2021-03-10T07:30:00Z', { zone: 'utc' });
      assertMoment(nextAllowedMoment(allowed), '2021-03-10T08:30:00.000+01:00');
    });

    it('uses custom office hours and another zone, with Swedish holidays', () => {
      const newYork: WorkingCalendar = {
        timeZone: 'America/New_York',
        officeHours: { start: '09:00', end: '16:00' },
      };
      const ny = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' });
      // US clocks change on the second Sunday of March (2021-03-14).
      assertMoment(
        nextAllowedMoment(ny('2021-03-12T16:00'), newYork),
        '2021-03-15T09:00:00.000-04:00',
        'America/New_York',
      );
      assertMoment(
        nextAllowedMoment(ny('2021-03-12T08:59'), newYork),
        '2021-03-12T09:00:00.000-05:00',
        'America/New_York',
      );
      assertMoment(
        nextAllowedMoment(ny('2021-06-24T16:30'), newYork),
        '2021-06-28T09:00:00.000-04:00',
        'America/New_York',
      );
    });

    it('refuses an invalid calendar or moment', () => {
      const at = sthlm('2021-03-10T10:00');
      const bad = (timeZone: string, start: string, end: string) => () =>
        nextAllowedMoment(at, { timeZone, officeHours: { start, end } });
      assert.throws(bad('Europe/Stockolm', '08:00', '17:00'), RangeError);
      assert.throws(bad(stockholm, '8:00', '17:00'), RangeError);
      assert.throws(bad(stockholm, '08:00', '24:00'), RangeError);
      assert.throws(bad(stockholm, '17:00', '08:00'), RangeError);
      assert.throws(bad(stockholm, '08:00', '08:00'), RangeError);
      assert.throws(() => nextAllowedMoment(DateTime.invalid('test')), RangeError);
    });

    it('for every hour of 2021 returns the first allowed moment at or after it', () => {
      const isAllowed = (moment: DateTime) =>
        isWorkingDay(moment) && moment.hour >= 8 && moment.hour < 17 && moment.zoneName === stockholm;

      // Whole hours from New Year 2021 to a fortnight into 2022, so the last hours of 2021 have an answer.
      const start = sthlm('2021-01-01T00:00');
      const hoursOf2021 = 8760;
      const hours = Array.from({ length: hoursOf2021 + 14 * 24 }, (_, i) => start.plus({ hours: i }));
      assert.equal(hours[hoursOf2021]?.toISO(), '2022-01-01T00:00:00.000+01:00');

      // Allowed moments begin on a whole hour (08:00), so the first allowed whole hour at or after an
      // input is the expected answer.
      const expected = new Array<DateTime | undefined>(hours.length);
      for (let i = hours.length - 1; i >= 0; i--) {
        const hour = hours[i];
        assert.ok(hour);
        expected[i] = isAllowed(hour) ? hour : expected[i + 1];
      }

      let allowedCount = 0;
      for (let i = 0; i < hoursOf2021; i++) {
        const input = hours[i];
        const want = expected[i];
        assert.ok(input && want);
        const result = nextAllowedMoment(input);
        assert.ok(isAllowed(result), `${input.toISO()} gave ${result.toISO()}`);
        assert.ok(result.toMillis() >= input.toMillis(), `${input.toISO()} gave ${result.toISO()}`);
        assert.equal(result.toMillis(), want.toMillis(), `${input.toISO()} gave ${result.toISO()}`);
        if (isAllowed(input)) {
          allowedCount++;
          assert.equal(result.toMillis(), input.toMillis());
        }
      }
      // 2021 has 253 working days (261 weekdays, 8 of them holidays) of 9 office hours each.
      assert.equal(allowedCount, 253 * 9);
    });
  });

  describe('addWorkingDays', () => {
    it('counts over Christmas and New Year', () => {
      const dayBeforeJulafton = sthlm('2021-12-23T10:00');
      // 24–26 December are off, then 27, 28, 29 are working days.
      assertMoment(addWorkingDays(dayBeforeJulafton, 3), '2021-12-29T10:00:00.000+01:00');
      // 30 December is the fourth; Nyårsafton, New Year's Day and Sunday are off; Monday is the fifth.
      assertMoment(addWorkingDays(dayBeforeJulafton, 5), '2022-01-03T10:00:00.000+01:00');
      // Trettondedag jul, Thursday 6 January 2022, is skipped.
      assertMoment(addWorkingDays(dayBeforeJulafton, 8), '2022-01-07T10:00:00.000+01:00');
    });

    it('skips Ascension Day but not the Friday after it', () => {
      assertMoment(addWorkingDays(sthlm('2021-05-12T14:00'), 1), '2021-05-14T14:00:00.000+02:00');
      assertMoment(addWorkingDays(sthlm('2022-05-25T14:00'), 1), '2022-05-27T14:00:00.000+02:00');
    });

    it('keeps the local wall-clock time across the change to summer time', () => {
      const result = addWorkingDays(sthlm('2021-03-26T10:00'), 1);
      assertMoment(result, '2021-03-29T10:00:00.000+02:00');
      assert.equal(result.toUTC().toISO(), '2021-03-29T08:00:00.000Z');
    });

    it('moves a result outside office hours to the next allowed moment', () => {
      // Thursday 18:00 plus one working day is Friday 18:00, after hours, so Monday 08:00.
      assertMoment(addWorkingDays(sthlm('2021-03-25T18:00'), 1), '2021-03-29T08:00:00.000+02:00');
      assertMoment(addWorkingDays(sthlm('2021-03-10T06:30'), 2), '2021-03-12T08:00:00.000+01:00');
    });

    it('counts from a day off to the next working day', () => {
      assertMoment(addWorkingDays(sthlm('2021-03-13T10:00'), 1), '2021-03-15T10:00:00.000+01:00');
      assertMoment(addWorkingDays(sthlm('2021-03-13T10:00'), 0), '2021-03-15T08:00:00.000+01:00');
    });

    it('uses custom office hours and another zone', () => {
      const london: WorkingCalendar = {
        timeZone: 'Europe/London',
        officeHours: { start: '09:00', end: '16:00' },
      };
      const ldn = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });
      // UK clocks also changed on 2021-03-28, from +00:00 to +01:00.
      assertMoment(
        addWorkingDays(ldn('2021-03-26T15:30'), 1, london),
        '2021-03-29T15:30:00.000+01:00',
        'Europe/London',
      );
      assertMoment(
        addWorkingDays(ldn('2021-03-25T16:00'), 1, london),
        '2021-03-29T09:00:00.000+01:00',
        'Europe/London',
      );
      // Stockholm hours 09:00–16:00: 08:30 is too early.
      const shortDay: WorkingCalendar = { ...defaultCalendar, officeHours: { start: '09:00', end: '16:00' } };
      assertMoment(addWorkingDays(sthlm('2021-12-22T08:30'), 1, shortDay), '2021-12-23T09:00:00.000+01:00');
    });

    it('refuses a negative or fractional number of days', () => {
      const at = sthlm('2021-03-10T10:00');
      assert.throws(() => addWorkingDays(at, -1), RangeError);
      assert.throws(() => addWorkingDays(at, 1.5), RangeError);
      assert.throws(() => addWorkingDays(at, Number.NaN), RangeError);
    });
  });

  describe('workingDaysBefore', () => {
    it('counts back over a weekend with the national day on it', () => {
      // Thursday 10 June 2021: 9, 8, 7, then 4 and 3 June (5–6 June is a weekend).
      assertMoment(workingDaysBefore('2021-06-10', 5, '09:00'), '2021-06-03T09:00:00.000+02:00');
    });

    it('counts back over Easter', () => {
      assertMoment(workingDaysBefore('2021-04-07', 2, '10:00'), '2021-04-01T10:00:00.000+02:00');
    });

    it('uses the offset of the day it lands on, across the change to summer time', () => {
      assertMoment(workingDaysBefore('2021-03-30', 2, '08:30'), '2021-03-26T08:30:00.000+01:00');
    });

    it('returns the date itself for zero days', () => {
      assertMoment(workingDaysBefore('2021-06-06', 0, '09:00'), '2021-06-06T09:00:00.000+02:00');
    });

    it('uses the calendar zone', () => {
      const newYork: WorkingCalendar = { ...defaultCalendar, timeZone: 'America/New_York' };
      assertMoment(
        workingDaysBefore('2021-03-16', 1, '09:00', newYork),
        '2021-03-15T09:00:00.000-04:00',
        'America/New_York',
      );
    });

    it('refuses invalid input', () => {
      assert.throws(() => workingDaysBefore('2021-06-31', 1, '09:00'), RangeError);
      assert.throws(() => workingDaysBefore('2021-06-10', 1, '9:00'), RangeError);
      assert.throws(() => workingDaysBefore('2021-06-10', -1, '09:00'), RangeError);
    });
  });
});
