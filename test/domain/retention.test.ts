import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { Agreement } from '../../src/domain/agreement.js';
import { retentionDueOn, retentionState } from '../../src/domain/retention.js';

const stockholm = 'Europe/Stockholm';
type Dates = Pick<Agreement, 'validTo' | 'extensions'>;

/** An agreement valid to a day, with extensions decided later. */
function endingOn(validTo: string, ...extendedTo: string[]): Dates {
  return { validTo, extensions: extendedTo.map((to) => ({ decidedOn: '2022-05-01', validTo: to })) };
}

/** The state at a Stockholm wall-clock time, e.g. "2025-01-01T00:00". */
function stateAt(agreement: Dates, months: number | undefined, localIso: string) {
  const now = DateTime.fromISO(localIso, { zone: stockholm }).toJSDate();
  return retentionState(agreement, months, now, stockholm);
}

describe('retention rule (gallring)', () => {
  it('keeps reports when no period is configured, however long ago the agreement ended', () => {
    assert.deepEqual(stateAt(endingOn('2022-12-31'), undefined, '2099-01-01T12:00'), { kind: 'off' });
  });

  it('is due from the day after the period has passed in full, not a day earlier', () => {
    const agreement = endingOn('2022-12-31');
    assert.equal(retentionDueOn(agreement, 24), '2025-01-01');
    assert.deepEqual(stateAt(agreement, 24, '2024-12-31T23:59'), {
      kind: 'notYet',
      validTo: '2022-12-31',
      dueOn: '2025-01-01',
    });
    assert.deepEqual(stateAt(agreement, 24, '2025-01-01T00:00'), {
      kind: 'due',
      validTo: '2022-12-31',
      dueOn: '2025-01-01',
    });
    assert.equal(stateAt(agreement, 24, '2031-06-01T12:00').kind, 'due', 'and stays due');
  });

  it('counts calendar months from month ends without cutting a period short', () => {
    // 2022-12-31 + 1 month is 2023-01-31: the period runs through January.
    assert.equal(retentionDueOn(endingOn('2022-12-31'), 1), '2023-02-01');
    // 2023-01-31 + 1 month is 2023-02-28 (luxon keeps the month end), so removal starts in March.
    assert.equal(retentionDueOn(endingOn('2023-01-31'), 1), '2023-03-01');
    assert.equal(retentionDueOn(endingOn('2023-08-31'), 6), '2024-03-01', 'leap year: 2024-02-29 is kept');
    assert.equal(retentionDueOn(endingOn('2022-06-15'), 1), '2022-07-16');
    assert.equal(retentionDueOn(endingOn('2022-06-15'), 240), '2042-06-16');
  });

  it('is due exactly on the days after the last day of the period', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2080-12-31'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: -400, max: 400 }),
        (end, months, offsetDays) => {
          const validTo = DateTime.fromJSDate(end, { zone: 'utc' }).toISODate() ?? '';
          const lastKeptDay = DateTime.fromISO(validTo, { zone: stockholm }).plus({ months });
          const today = lastKeptDay.plus({ days: offsetDays, hours: 12 });
          const state = retentionState(endingOn(validTo), months, today.toJSDate(), stockholm);
          assert.equal(state.kind, offsetDays > 0 ? 'due' : 'notYet');
        },
      ),
    );
  });

  it('moves with every extension recorded with förläng', () => {
    const extended = endingOn('2022-12-31', '2024-12-31');
    assert.deepEqual(stateAt(extended, 24, '2025-01-01T09:00'), {
      kind: 'notYet',
      validTo: '2024-12-31',
      dueOn: '2027-01-01',
    });
    assert.equal(stateAt(extended, 24, '2027-01-01T00:00').kind, 'due');
    // The latest extension counts, in whatever order they were recorded.
    assert.equal(retentionDueOn(endingOn('2022-12-31', '2026-12-31', '2024-12-31'), 12), '2028-01-01');
  });

  it('takes the day in Stockholm, so summer time neither brings removal forward nor holds it back', () => {
    // Summer time begins on the due day (2023-03-26, 02:00 → 03:00) and ends on another (2023-10-29).
    const spring = endingOn('2023-02-25');
    assert.equal(retentionDueOn(spring, 1), '2023-03-26');
    const at = (utc: string) => retentionState(spring, 1, new Date(utc), stockholm).kind;
    assert.equal(at('2023-03-25T22:59:59Z'), 'notYet', '23:59:59 CET the day before');
    assert.equal(at('2023-03-25T23:00:00Z'), 'due', '00:00 CET on the day');
    const autumn = endingOn('2023-09-28');
    assert.equal(retentionDueOn(autumn, 1), '2023-10-29');
    const atAutumn = (utc: string) => retentionState(autumn, 1, new Date(utc), stockholm).kind;
    assert.equal(atAutumn('2023-10-28T21:59:59Z'), 'notYet', '23:59:59 CEST the day before');
    assert.equal(atAutumn('2023-10-28T22:00:00Z'), 'due', '00:00 CEST on the day');
    // The UTC date is still the day before at midnight in Stockholm; it is the Stockholm date that counts.
    assert.equal(
      retentionState(endingOn('2022-12-31'), 24, new Date('2024-12-31T23:30:00Z'), 'UTC').kind,
      'notYet',
    );
    assert.equal(stateAt(endingOn('2022-12-31'), 24, '2025-01-01T00:30').kind, 'due');
  });
});
