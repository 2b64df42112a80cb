import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import { automaticRoundsDue, effectiveValidTo, type PlannedRound } from '../../src/domain/roundSchedule.js';
import { defaultCalendar } from '../../src/domain/workingCalendar.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const stockholm = 'Europe/Stockholm';
/** ROUND_LEAD_WORKING_DAYS' default. */
const lead = 10;

const monthlyMeasures = ['1.1', '1.3', '2.1'];
const quarterlyMeasures = ['1.2', '2.2', '2.3', '3.2'];
/** Before a steering meeting every measure reports, whatever its own cadence. */
const beforeMeetingMeasures = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3'];

/** A local wall-clock time in Stockholm, e.g. "2021-03-01T08:00". */
function sthlm(localIso: string): DateTime {
  return DateTime.fromISO(localIso, { zone: stockholm });
}

/** Each due round as "id opensAt", so one assertion shows what is due and from when. */
function summary(rounds: PlannedRound[]): string[] {
  return rounds.map((r) => `${r.id} ${r.opensAt.toISO() ?? ''}`);
}

describe('round schedule', () => {
  let example: Agreement;

  before(async () => {
    example = await loadAgreementFile(examplePath);
  });

  function dueAt(localIso: string, agreement: Agreement = example, leadWorkingDays = lead): PlannedRound[] {
    return automaticRoundsDue(agreement, sthlm(localIso), defaultCalendar, leadWorkingDays);
  }

  it('reads the cadences and steering meetings of the example the tests rely on', () => {
    assert.equal(example.validFrom, '2021-01-01');
    assert.equal(example.validTo, '2022-12-31');
    assert.deepEqual(
      example.steeringMeetings.map((m) => m.date),
      ['2021-06-10', '2021-11-25', '2022-05-12', '2022-11-17'],
    );
  });

  describe('monthly and quarterly rounds', () => {
    it('opens the March round at 08:00 on Monday 1 March, not a minute before', () => {
      assert.deepEqual(summary(dueAt('2021-03-01T07:59')), [
        'quarterly-2021-q1 2021-01-04T08:00:00.000+01:00',
      ]);

      const due = dueAt('2021-03-01T08:00');
      assert.deepEqual(summary(due), [
        'monthly-2021-03 2021-03-01T08:00:00.000+01:00',
        'quarterly-2021-q1 2021-01-04T08:00:00.000+01:00',
      ]);
      const march = due[0];
      assert.ok(march);
      assert.equal(march.trigger, 'monthly');
      assert.deepEqual(march.period, { kind: 'month', year: 2021, month: 3 });
      assert.deepEqual(march.measureIds, monthlyMeasures);
      assert.equal(march.opensAt.zoneName, stockholm);
    });

    it('reads the time in Stockholm whatever zone `now` is given in', () => {
      // 07:00 UTC is 08:00 in Stockholm in winter (UTC+1), 06:00 UTC in summer (UTC+2).
      const winter = (iso: string) =>
        automaticRoundsDue(example, DateTime.fromISO(iso, { zone: 'utc' }), defaultCalendar, lead).map(
          (r) => r.id,
        );
      assert.deepEqual(winter('2021-03-01T06:59:59Z'), ['quarterly-2021-q1']);
      assert.deepEqual(winter('2021-03-01T07:00:00Z'), ['monthly-2021-03', 'quarterly-2021-q1']);
      assert.deepEqual(winter('2021-04-01T05:59:59Z'), []);
      assert.deepEqual(winter('2021-04-01T06:00:00Z'), ['monthly-2021-04', 'quarterly-2021-q2']);
    });

    it('opens the April month and the second quarter together on Thursday 1 April 2021', () => {
      assert.equal(sthlm('2021-04-01T08:00').weekdayLong, 'Thursday');
      // The first quarter has ended and the second has not opened: nothing is due.
      assert.deepEqual(dueAt('2021-04-01T07:59'), []);

      const due = dueAt('2021-04-01T08:00');
      assert.deepEqual(summary(due), [
        'monthly-2021-04 2021-04-01T08:00:00.000+02:00',
        'quarterly-2021-q2 2021-04-01T08:00:00.000+02:00',
      ]);
      const [month, quarter] = due;
      assert.deepEqual(month?.measureIds, monthlyMeasures);
      assert.equal(quarter?.trigger, 'quarterly');
      assert.deepEqual(quarter?.period, { kind: 'quarter', year: 2021, quarter: 2 });
      assert.deepEqual(quarter?.measureIds, quarterlyMeasures);
    });

    it('waits over Nyårsdagen and the weekend: January 2021 opens on Monday 4 January', () => {
      // 1 January 2021 is a Friday and a holiday, 2–3 January a weekend.
      assert.deepEqual(dueAt('2021-01-01T09:00'), []);
      assert.deepEqual(dueAt('2021-01-03T12:00'), []);
      assert.deepEqual(dueAt('2021-01-04T07:59'), []);
      assert.deepEqual(summary(dueAt('2021-01-04T08:00')), [
        'monthly-2021-01 2021-01-04T08:00:00.000+01:00',
        'quarterly-2021-q1 2021-01-04T08:00:00.000+01:00',
      ]);
    });

    it('opens January 2022 on Monday 3 January, the first working day (Trettondedag jul comes later)', () => {
      // 1 January 2022 is a Saturday (Nyårsdagen), 2 January a Sunday; Monday 3 January is a working day.
      assert.equal(sthlm('2022-01-01T08:00').weekdayLong, 'Saturday');
      assert.deepEqual(dueAt('2022-01-01T10:00'), []);
      assert.deepEqual(dueAt('2022-01-02T12:00'), []);
      assert.deepEqual(dueAt('2022-01-03T07:59'), []);
      const opening = [
        'monthly-2022-01 2022-01-03T08:00:00.000+01:00',
        'quarterly-2022-q1 2022-01-03T08:00:00.000+01:00',
      ];
      assert.deepEqual(summary(dueAt('2022-01-03T08:00')), opening);
      // Still the same rounds, opened on the 3rd, over Trettondedag jul and after it.
      assert.deepEqual(summary(dueAt('2022-01-06T10:00')), opening);
      assert.deepEqual(summary(dueAt('2022-01-07T08:00')), opening);
    });

    it('opens a quarter that starts on a Saturday on the Monday after (1 October 2022)', () => {
      assert.deepEqual(summary(dueAt('2022-10-03T08:00')), [
        'monthly-2022-10 2022-10-03T08:00:00.000+02:00',
        'quarterly-2022-q4 2022-10-03T08:00:00.000+02:00',
      ]);
      assert.deepEqual(dueAt('2022-10-01T12:00'), []);
    });

    it('keeps a round due for the rest of its period, also outside office hours', () => {
      assert.deepEqual(summary(dueAt('2021-03-31T23:59')), [
        'monthly-2021-03 2021-03-01T08:00:00.000+01:00',
        'quarterly-2021-q1 2021-01-04T08:00:00.000+01:00',
      ]);
    });
  });

  describe('rounds before steering meetings', () => {
    const meetingRounds = (rounds: PlannedRound[]) =>
      summary(rounds.filter((r) => r.trigger === 'steeringMeeting'));

    // Ten working days before each meeting in the file, counted back over weekends.
    const opening: Array<[meeting: string, opens: string]> = [
      ['2021-06-10', '2021-05-27T08:00:00.000+02:00'],
      ['2021-11-25', '2021-11-11T08:00:00.000+01:00'],
      ['2022-05-12', '2022-04-28T08:00:00.000+02:00'],
      ['2022-11-17', '2022-11-03T08:00:00.000+01:00'],
    ];

    for (const [meeting, opens] of opening) {
      it(`opens the round before the meeting on ${meeting} at ${opens}, not before`, () => {
        const opensAt = DateTime.fromISO(opens, { zone: stockholm });
        const justBefore = opensAt.minus({ minutes: 1 }).toISO({ includeOffset: false }) ?? '';
        assert.deepEqual(meetingRounds(dueAt(justBefore)), []);

        const due = dueAt(opensAt.toISO({ includeOffset: false }) ?? '');
        assert.deepEqual(meetingRounds(due), [`meeting-${meeting} ${opens}`]);
        const round = due.find((r) => r.trigger === 'steeringMeeting');
        assert.deepEqual(round?.period, { kind: 'steeringMeeting', date: meeting });
        assert.deepEqual(round?.measureIds, beforeMeetingMeasures);
      });
    }

    it('keeps the round due up to the meeting day and ignores the meeting once it is past', () => {
      assert.deepEqual(meetingRounds(dueAt('2021-06-10T08:00')), [
        'meeting-2021-06-10 2021-05-27T08:00:00.000+02:00',
      ]);
      assert.deepEqual(meetingRounds(dueAt('2021-06-11T08:00')), []);
      // The next meeting's round: the past meeting in June is not brought back.
      assert.deepEqual(meetingRounds(dueAt('2021-11-11T08:00')), [
        'meeting-2021-11-25 2021-11-11T08:00:00.000+01:00',
      ]);
    });

    it('counts the lead in working days, skipping Easter', () => {
      const agreement: Agreement = { ...example, steeringMeetings: [{ date: '2021-04-07' }] };
      // Back from Wednesday 7 April 2021: Tue 6, (Annandag påsk, Easter weekend, Långfredagen), Thu 1, Wed 31 March.
      assert.deepEqual(meetingRounds(dueAt('2021-03-31T07:59', agreement, 3)), []);
      assert.deepEqual(meetingRounds(dueAt('2021-03-31T08:00', agreement, 3)), [
        'meeting-2021-04-07 2021-03-31T08:00:00.000+02:00',
      ]);
    });

    it('opens on the meeting day itself with no lead', () => {
      assert.deepEqual(meetingRounds(dueAt('2021-06-10T07:59', example, 0)), []);
      assert.deepEqual(meetingRounds(dueAt('2021-06-10T08:00', example, 0)), [
        'meeting-2021-06-10 2021-06-10T08:00:00.000+02:00',
      ]);
    });

    it('opens one round per meeting when two meetings are within the lead', () => {
      const agreement: Agreement = {
        ...example,
        steeringMeetings: [{ date: '2021-06-10' }, { date: '2021-06-14', time: '09:00' }],
      };
      assert.deepEqual(meetingRounds(dueAt('2021-06-01T08:00', agreement)), [
        'meeting-2021-06-10 2021-05-27T08:00:00.000+02:00',
        'meeting-2021-06-14 2021-05-31T08:00:00.000+02:00',
      ]);
    });
  });

  describe('validity', () => {
    it('plans nothing before the agreement is valid or after it has ended', () => {
      assert.deepEqual(dueAt('2020-12-15T10:00'), []);
      assert.deepEqual(dueAt('2020-12-31T23:59'), []);
      assert.deepEqual(dueAt('2023-01-10T10:00'), []);
      assert.deepEqual(dueAt('2023-01-01T00:00'), []);
      // The last day is still valid.
      assert.deepEqual(
        dueAt('2022-12-31T12:00').map((r) => r.id),
        ['monthly-2022-12', 'quarterly-2022-q4'],
      );
    });

    it('plans nothing for a meeting before the agreement starts, even inside the lead', () => {
      const agreement: Agreement = { ...example, steeringMeetings: [{ date: '2021-01-12' }] };
      // Ten working days before 12 January 2021 is in December 2020.
      assert.deepEqual(dueAt('2020-12-28T10:00', agreement), []);
      assert.deepEqual(
        dueAt('2021-01-04T08:00', agreement).map((r) => r.id),
        ['monthly-2021-01', 'quarterly-2021-q1', 'meeting-2021-01-12'],
      );
    });

    it('takes the end from the latest extension', () => {
      assert.equal(effectiveValidTo(example), '2022-12-31');
      assert.equal(
        effectiveValidTo({
          validTo: '2022-12-31',
          extensions: [
            { decidedOn: '2024-06-01', validTo: '2026-12-31' },
            { decidedOn: '2022-06-01', validTo: '2024-12-31' },
          ],
        }),
        '2026-12-31',
      );
      assert.equal(
        effectiveValidTo({
          validTo: '2022-12-31',
          extensions: [{ decidedOn: '2022-06-01', validTo: '2024-12-31' }],
        }),
        '2024-12-31',
      );
    });

    it('keeps planning rounds in 2023 once the agreement is extended to 2024', () => {
      const extended: Agreement = {
        ...example,
        extensions: [{ decidedOn: '2022-06-15', validTo: '2024-12-31' }],
      };
      assert.deepEqual(summary(dueAt('2023-01-10T10:00', extended)), [
        'monthly-2023-01 2023-01-02T08:00:00.000+01:00',
        'quarterly-2023-q1 2023-01-02T08:00:00.000+01:00',
      ]);
      assert.deepEqual(
        dueAt('2024-12-31T10:00', extended).map((r) => r.id),
        ['monthly-2024-12', 'quarterly-2024-q4'],
      );
      assert.deepEqual(dueAt('2025-01-02T10:00', extended), []);
    });
  });

  it('plans no round for a cadence no measure has, but still one for every measure before a meeting', () => {
    const onlyMonthly: Agreement = {
      ...example,
      measures: example.measures.filter((m) => m.followUp.cadence === 'monthly'),
    };
    assert.deepEqual(
      dueAt('2021-05-27T08:00', onlyMonthly).map((r) => r.id),
      ['monthly-2021-05', 'meeting-2021-06-10'],
    );
    const retiredAll: Agreement = {
      ...example,
      measures: example.measures.map((m) => ({ ...m, retired: true })),
    };
    assert.deepEqual(dueAt('2021-05-27T08:00', retiredAll), []);
  });
});
