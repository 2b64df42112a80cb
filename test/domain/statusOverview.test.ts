import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement, GoalArea, Measure } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import type { Plan } from '../../src/domain/plan.js';
import type { MeasureStatus, Report } from '../../src/domain/report.js';
import {
  measureStatus,
  myMeasures,
  statusOverview,
  trafficLight,
  type GoalAreaStatus,
  type StatusOverview,
  type TrafficLight,
} from '../../src/domain/statusOverview.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));

const agreementId = 'testkommun-2021';
const alex = '00000000-0000-0000-0000-0000000000020';
const megan = '00000000-0000-0000-0000-0000000000021';
const now = new Date('2021-09-20T08:00:00.000Z');

function measure(id: string, owners: string[] = [alex]): Measure {
  return {
    id,
    goalArea: Number(id.split('.')[0]),
    title: `Insats ${id}`,
    ownerOrganisation: 'gemensam',
    owners: owners.map((aadObjectId) => ({ aadObjectId, name: aadObjectId === alex ? 'Alex' : 'Megan' })),
    communication: { communicate: false },
    followUp: { cadence: 'quarterly' },
  };
}

function agreementWith(goalAreas: GoalArea[], measures: Measure[]): Agreement {
  return {
    id: agreementId,
    kind: 'samverkansöverenskommelse',
    title: 'Testöverenskommelse',
    parties: [
      { kind: 'kommun', organisation: 'Testkommun', signatory: { name: 'A', title: 'Ordförande' } },
      { kind: 'polis', organisation: 'Testpolisen', signatory: { name: 'B', title: 'Chef' } },
    ],
    signedOn: '2020-12-14',
    signedAt: 'Test',
    validFrom: '2021-01-01',
    validTo: '2022-12-31',
    renewal: { extensionYears: 2, consultationMonthsBeforeExpiry: 6 },
    extensions: [],
    cooperationArea: 'Trygghet i offentliga miljöer',
    longTermGoal: 'Inga utsatta områden',
    midTermReview: { month: '2021-12', questions: ['Hur fungerar samverkan?'] },
    goalAreas,
    measures,
    groups: [
      {
        id: 'beredningsgrupp',
        kind: 'beredningsgrupp',
        name: 'Beredningsgrupp',
        members: [{ aadObjectId: alex, name: 'Alex', organisation: 'kommun' }],
      },
    ],
    steeringMeetings: [],
  };
}

function round(
  id: string,
  openedAt: string,
  status: 'open' | 'closed',
  measureIds: string[],
  agreement = agreementId,
): CheckInRound {
  return { id, agreementId: agreement, label: id, trigger: 'manual', measureIds, openedAt, status };
}

function report(
  measureId: string,
  revision: number,
  status: MeasureStatus,
  reportedAt: string,
  roundId?: string,
  more: Partial<Report> = {},
): Report {
  return {
    agreementId,
    measureId,
    ...(roundId === undefined ? {} : { roundId }),
    status,
    narrative: `${measureId} rev ${revision}`,
    needsSteeringDecision: false,
    revision,
    reportedBy: { aadObjectId: alex, name: 'Alex' },
    reportedAt,
    ...more,
  };
}

const ids = (measures: readonly Measure[]): string[] => measures.map((m) => m.id);

function zeroCounts(): GoalAreaStatus['counts'] {
  return { notStarted: 0, onTrack: 0, atRisk: 0, delayed: 0, done: 0, cancelled: 0, noReport: 0 };
}

function goalArea(overview: StatusOverview, number: number): GoalAreaStatus {
  const found = overview.goalAreas.find((g) => g.goalArea.number === number);
  assert.ok(found, `no goal area ${number} in the overview`);
  return found;
}

function row(overview: StatusOverview, id: string): GoalAreaStatus['measures'][number] {
  for (const g of overview.goalAreas) {
    const found = g.measures.find((m) => m.measure.id === id);
    if (found) return found;
  }
  assert.fail(`no measure ${id} in the overview`);
}

describe('status overview', () => {
  describe('trafficLight', () => {
    const table: Array<[Array<MeasureStatus | undefined>, TrafficLight]> = [
      [[], 'grey'],
      [[undefined, undefined], 'grey'],
      [['onTrack'], 'green'],
      [['notStarted', undefined], 'green'],
      [['done', 'cancelled'], 'green'],
      [['onTrack', 'atRisk', 'done'], 'yellow'],
      [['atRisk', undefined], 'yellow'],
      [['atRisk', 'delayed', 'onTrack'], 'red'],
      [[undefined, 'delayed'], 'red'],
      [['cancelled', 'delayed'], 'red'],
    ];
    for (const [statuses, light] of table) {
      it(`[${statuses.map((s) => s ?? 'no report').join(', ')}] → ${light}`, () => {
        assert.equal(trafficLight(statuses), light);
      });
    }
  });

  describe('statusOverview', () => {
    const goalAreas: GoalArea[] = [
      { number: 1, title: 'Färre otrygghetsskapande händelser' },
      { number: 2, title: 'Minskad rekrytering' },
      { number: 3, title: 'Myndighetssamverkan' },
    ];
    const plan: Plan = {
      agreement: agreementWith(goalAreas, [
        measure('1.1', [alex, megan]),
        measure('1.2'),
        measure('1.3', [megan]),
        measure('2.1'),
        measure('2.2', [megan]),
        measure('3.1'),
      ]),
      bindings: [],
    };
    const q1 = round('2021-q1', '2021-03-01T07:00:00.000Z', 'closed', ['1.1', '1.2', '1.3', '2.1', '2.2']);
    const q2 = round('2021-q2', '2021-06-01T07:00:00.000Z', 'closed', ['1.1', '1.2', '1.3', '2.1', '2.2']);
    const q3 = round('2021-q3', '2021-09-01T07:00:00.000Z', 'open', ['1.1', '1.2', '1.3', '2.1', '3.1']);

    const history: Report[] = [
      // 1.1: on track in Q1 and Q2, delayed in Q3 → changed.
      report('1.1', 1, 'onTrack', '2021-03-02T09:00:00.000Z', q1.id),
      report('1.1', 2, 'onTrack', '2021-06-02T09:00:00.000Z', q2.id),
      report('1.1', 3, 'delayed', '2021-09-02T09:00:00.000Z', q3.id),
      // 1.2: at risk, then corrected to on track within Q2; not yet answered in Q3 → unchanged, missing.
      report('1.2', 1, 'atRisk', '2021-06-03T09:00:00.000Z', q2.id),
      report('1.2', 2, 'onTrack', '2021-06-10T09:00:00.000Z', q2.id),
      // 1.3: its first report ever, in Q3, asking for a decision → changed.
      report('1.3', 1, 'notStarted', '2021-09-03T09:00:00.000Z', q3.id, { needsSteeringDecision: true }),
      // 2.1: reported outside any round in May; not in Q2 → compared with the May report, unchanged.
      report('2.1', 1, 'done', '2021-05-01T09:00:00.000Z'),
      // 2.2: at risk in Q1, cancelled outside the rounds in September with a question for the steering group.
      report('2.2', 1, 'atRisk', '2021-03-05T09:00:00.000Z', q1.id),
      report('2.2', 2, 'cancelled', '2021-09-05T09:00:00.000Z', undefined, { needsSteeringDecision: true }),
      // 3.1: never reported.
    ].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));

    it('finds the open round and the one before it, whatever order the rounds come in', () => {
      const overview = statusOverview(plan, history, [q3, q1, q2], now);
      assert.equal(overview.openRound?.id, q3.id);
      assert.equal(overview.previousRound?.id, q2.id);
      assert.equal(overview.computedAt, '2021-09-20T08:00:00.000Z');
    });

    it('gives each goal area a traffic light and counts every status', () => {
      const overview = statusOverview(plan, history, [q1, q2, q3], now);
      assert.deepEqual(
        overview.goalAreas.map((g) => [g.goalArea.number, g.light]),
        [
          [1, 'red'],
          [2, 'green'],
          [3, 'grey'],
        ],
      );
      assert.deepEqual(goalArea(overview, 1).counts, {
        ...zeroCounts(),
        delayed: 1,
        onTrack: 1,
        notStarted: 1,
      });
      assert.deepEqual(goalArea(overview, 2).counts, { ...zeroCounts(), done: 1, cancelled: 1 });
      assert.deepEqual(goalArea(overview, 3).counts, { ...zeroCounts(), noReport: 1 });
      assert.deepEqual(
        goalArea(overview, 1).measures.map((m) => m.measure.id),
        ['1.1', '1.2', '1.3'],
      );
    });

    it('uses the latest revision of each measure', () => {
      const overview = statusOverview(plan, history, [q1, q2, q3], now);
      assert.equal(row(overview, '1.1').latest?.revision, 3);
      assert.equal(row(overview, '1.2').latest?.status, 'onTrack');
      assert.equal(row(overview, '3.1').latest, undefined);
    });

    it('marks what changed since the previous round', () => {
      const overview = statusOverview(plan, history, [q1, q2, q3], now);
      const changed = (id: string) => row(overview, id).changed;
      // Status moved: on track in Q2, delayed now.
      assert.equal(changed('1.1'), true);
      assert.equal(row(overview, '1.1').previous?.revision, 2);
      // The newest report in Q2 counts, not the first one.
      assert.equal(changed('1.2'), false);
      assert.equal(row(overview, '1.2').previous?.revision, 2);
      // First report ever.
      assert.equal(changed('1.3'), true);
      assert.equal(row(overview, '1.3').previous, undefined);
      // Not in Q2: compared with the newest report from before Q3 opened.
      assert.equal(changed('2.1'), false);
      assert.equal(row(overview, '2.1').previous?.revision, 1);
      assert.equal(changed('2.2'), true);
      assert.equal(row(overview, '2.2').previous?.status, 'atRisk');
      // Nothing reported, nothing changed.
      assert.equal(changed('3.1'), false);
    });

    it('lists what is missing in the open round and what needs a decision', () => {
      const overview = statusOverview(plan, history, [q1, q2, q3], now);
      assert.deepEqual(ids(overview.missing), ['1.2', '2.1', '3.1']);
      assert.deepEqual(
        overview.goalAreas
          .flatMap((g) => g.measures.filter((m) => m.missingInOpenRound))
          .map((m) => m.measure.id),
        ['1.2', '2.1', '3.1'],
      );
      assert.deepEqual(ids(overview.decisionsNeeded), ['1.3', '2.2']);
      assert.equal(row(overview, '1.3').needsDecision, true);
      assert.equal(row(overview, '1.1').needsDecision, false);
    });

    it('drops a decision once a later revision no longer asks for one', () => {
      const withdrawn = [...history, report('2.2', 3, 'cancelled', '2021-09-06T09:00:00.000Z')];
      const overview = statusOverview(plan, withdrawn, [q1, q2, q3], now);
      assert.deepEqual(ids(overview.decisionsNeeded), ['1.3']);
    });

    it('limits everything to one goal area when asked', () => {
      const overview = statusOverview(plan, history, [q1, q2, q3], now, 2);
      assert.deepEqual(
        overview.goalAreas.map((g) => g.goalArea.number),
        [2],
      );
      assert.deepEqual(ids(overview.missing), ['2.1']);
      assert.deepEqual(ids(overview.decisionsNeeded), ['2.2']);
      assert.deepEqual(statusOverview(plan, history, [q1, q2, q3], now, 9).goalAreas, []);
    });

    it('with no open round, compares the newest closed round with the one before it', () => {
      const closedQ3: CheckInRound = { ...q3, status: 'closed', closedAt: '2021-09-15T07:00:00.000Z' };
      const overview = statusOverview(plan, history, [q1, q2, closedQ3], now);
      assert.equal(overview.openRound, undefined);
      assert.equal(overview.previousRound?.id, q2.id);
      assert.deepEqual(overview.missing, []);
      assert.equal(row(overview, '1.1').changed, true);
      assert.equal(row(overview, '1.2').changed, false);
      assert.equal(row(overview, '1.2').missingInOpenRound, false);
    });

    it('in the first round, compares with what was reported before it opened', () => {
      const first = round('2021-q1', '2021-03-01T07:00:00.000Z', 'open', ['1.1', '2.1']);
      const early = [
        report('1.1', 1, 'notStarted', '2021-02-01T09:00:00.000Z'),
        report('1.1', 2, 'onTrack', '2021-03-02T09:00:00.000Z', first.id),
        report('2.1', 1, 'atRisk', '2021-02-01T09:00:00.000Z'),
      ];
      const overview = statusOverview(plan, early, [first], now);
      assert.equal(overview.previousRound, undefined);
      assert.equal(row(overview, '1.1').changed, true);
      assert.equal(row(overview, '1.1').previous?.status, 'notStarted');
      assert.equal(row(overview, '2.1').changed, false);
      assert.deepEqual(ids(overview.missing), ['2.1']);
    });

    it('with no rounds at all, shows the latest status and marks nothing as changed', () => {
      const overview = statusOverview(plan, history, [], now);
      assert.equal(overview.openRound, undefined);
      assert.equal(overview.previousRound, undefined);
      assert.deepEqual(overview.missing, []);
      assert.ok(overview.goalAreas.every((g) => g.measures.every((m) => !m.changed)));
      assert.equal(goalArea(overview, 1).light, 'red');
    });

    it("ignores reports of another agreement's measures", () => {
      const stray = report('3.1', 1, 'delayed', '2021-09-04T09:00:00.000Z', q3.id, { agreementId: 'annan' });
      const overview = statusOverview(plan, [...history, stray], [q1, q2, q3], now);
      assert.equal(goalArea(overview, 3).light, 'grey');
      assert.deepEqual(ids(overview.missing), ['1.2', '2.1', '3.1']);
    });
  });

  describe('measureStatus', () => {
    const m = measure('1.1');
    const history = [
      report('1.1', 1, 'notStarted', '2021-03-01T09:00:00.000Z'),
      report('9.9', 1, 'delayed', '2021-03-01T09:00:00.000Z'),
      report('1.1', 2, 'onTrack', '2021-04-01T09:00:00.000Z'),
      report('1.1', 3, 'atRisk', '2021-05-01T09:00:00.000Z'),
    ];

    it('gives the latest report and the recent ones newest first', () => {
      const status = measureStatus(m, history);
      assert.equal(status.measure, m);
      assert.equal(status.latest?.revision, 3);
      assert.deepEqual(
        status.recent.map((r) => r.revision),
        [3, 2, 1],
      );
    });

    it('keeps to the limit', () => {
      assert.deepEqual(
        measureStatus(m, history, 2).recent.map((r) => r.revision),
        [3, 2],
      );
      assert.deepEqual(measureStatus(m, history, 0).recent, []);
    });

    it('has no latest report for a measure nobody has reported on', () => {
      const status = measureStatus(measure('1.2'), history);
      assert.equal(status.latest, undefined);
      assert.deepEqual(status.recent, []);
    });
  });

  describe('on the example plan', () => {
    let plan: Plan;

    before(async () => {
      plan = { agreement: await loadAgreementFile(examplePath), bindings: [] };
    });

    function exampleReport(measureId: string, status: MeasureStatus, roundId: string, revision = 1): Report {
      return {
        ...report(measureId, revision, status, '2021-03-03T09:00:00.000Z', roundId),
        agreementId: plan.agreement.id,
      };
    }

    it("lists Alex's measures with what is due from Alex in the open round", () => {
      const open = round(
        'q1',
        '2021-03-01T07:00:00.000Z',
        'open',
        plan.agreement.measures.map((m) => m.id).filter((id) => id !== '3.3'),
        plan.agreement.id,
      );
      const history = [exampleReport('1.1', 'onTrack', 'q1'), exampleReport('2.1', 'atRisk', 'q1')];
      const mine = myMeasures(plan, alex, history, [open]);
      assert.deepEqual(
        mine.map((m) => [m.measure.id, m.dueInOpenRound, m.latest?.status]),
        [
          ['1.1', false, 'onTrack'],
          ['1.2', true, undefined],
          ['2.1', false, 'atRisk'],
          ['3.2', true, undefined],
          ['3.3', false, undefined],
        ],
      );
    });

    it('has nothing due when no round is open, and nothing for someone who owns no measure', () => {
      assert.ok(myMeasures(plan, alex, [], []).every((m) => !m.dueInOpenRound));
      assert.equal(myMeasures(plan, alex, [], []).length, 5);
      assert.deepEqual(myMeasures(plan, 'someone-else', [], []), []);
    });

    it('summarises the example plan by goal area', () => {
      const open = round(
        'q1',
        '2021-03-01T07:00:00.000Z',
        'open',
        ['1.1', '1.2', '2.1', '3.1'],
        plan.agreement.id,
      );
      const history = [
        exampleReport('1.1', 'onTrack', 'q1'),
        exampleReport('1.2', 'atRisk', 'q1'),
        exampleReport('2.1', 'done', 'q1'),
      ];
      const overview = statusOverview(plan, history, [open], now);
      assert.deepEqual(
        overview.goalAreas.map((g) => [g.goalArea.number, g.light, g.measures.length]),
        [
          [1, 'yellow', 3],
          [2, 'green', 3],
          [3, 'grey', 3],
        ],
      );
      assert.deepEqual(goalArea(overview, 1).counts, { ...zeroCounts(), onTrack: 1, atRisk: 1, noReport: 1 });
      assert.deepEqual(ids(overview.missing), ['3.1']);
    });
  });

  describe('at scale', () => {
    it('summarises 3,000 measures over 24 rounds of history', () => {
      const goalAreas: GoalArea[] = Array.from({ length: 20 }, (_, i) => ({
        number: i + 1,
        title: `Målområde ${i + 1}`,
      }));
      const measures = goalAreas.flatMap((g) =>
        Array.from({ length: 150 }, (_, i) => measure(`${g.number}.${i + 1}`)),
      );
      const plan: Plan = { agreement: agreementWith(goalAreas, measures), bindings: [] };
      const allIds = measures.map((m) => m.id);
      const rounds = Array.from({ length: 24 }, (_, r) =>
        round(
          `round-${r + 1}`,
          new Date(Date.UTC(2021, r, 1, 7)).toISOString(),
          r === 23 ? 'open' : 'closed',
          allIds,
        ),
      );
      const statuses: MeasureStatus[] = ['onTrack', 'atRisk', 'done'];
      const history: Report[] = [];
      rounds.forEach((r, index) => {
        measures.forEach((m, n) => {
          // In the open round, every third measure has not answered yet.
          if (index === 23 && n % 3 === 0) return;
          // Measures alternate between a steady status and one that moves every round.
          const status = n % 2 === 0 ? 'onTrack' : (statuses[index % 3] ?? 'onTrack');
          const reportedAt = new Date(Date.parse(r.openedAt) + 3_600_000).toISOString();
          history.push(report(m.id, index + 1, status, reportedAt, r.id));
        });
      });
      assert.equal(history.length, 3000 * 23 + 2000);

      const overview = statusOverview(plan, history, rounds, now);
      assert.equal(overview.goalAreas.length, 20);
      assert.equal(overview.missing.length, 1000);
      assert.equal(overview.previousRound?.id, 'round-23');
      const total = zeroCounts();
      for (const g of overview.goalAreas) {
        for (const [key, value] of Object.entries(g.counts)) total[key as keyof typeof total] += value;
      }
      // Even measures are always on track. Odd ones were at risk in round 23 and are done if they answered
      // round 24.
      const odd = measures.filter((_, n) => n % 2 === 1);
      const oddAnswered = odd.filter((_, i) => (2 * i + 1) % 3 !== 0).length;
      assert.deepEqual(total, {
        ...zeroCounts(),
        onTrack: 1500,
        done: oddAnswered,
        atRisk: odd.length - oddAnswered,
      });
      const changed = overview.goalAreas.flatMap((g) => g.measures).filter((m) => m.changed).length;
      // Only the odd measures that answered round 24 moved (atRisk in round 23 → done).
      assert.equal(changed, oddAnswered);
    });
  });
});
