import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import {
  followUpReport,
  formatNumber,
  type FollowUpReport,
  type FollowUpReportInput,
  type ReportScope,
  type ReportReviewAnswer,
} from '../../src/domain/followUpReport.js';
import type { Report } from '../../src/domain/report.js';
import { swedishLabels } from '../../src/features/reports/followUpReportFile.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const zone = 'Europe/Stockholm';
const alex = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
const megan = { aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' };

let example: Agreement;
before(async () => {
  example = await loadAgreementFile(examplePath);
});

function round(
  id: string,
  openedAt: string,
  status: CheckInRound['status'] = 'closed',
  closedAt?: string,
  measureIds = example.measures.map((m) => m.id),
): CheckInRound {
  return {
    id,
    agreementId: example.id,
    label: id,
    trigger: 'manual',
    measureIds,
    openedAt,
    status,
    ...(closedAt ? { closedAt } : {}),
  };
}

function report(
  measureId: string,
  revision: number,
  fields: Partial<Report> & Pick<Report, 'status' | 'reportedAt'>,
): Report {
  return {
    agreementId: example.id,
    measureId,
    revision,
    narrative: `Läget för ${measureId}, version ${revision}.`,
    needsSteeringDecision: false,
    reportedBy: alex,
    ...fields,
  };
}

function build(
  scope: ReportScope,
  history: Report[],
  rounds: CheckInRound[],
  options: { now?: string; agreement?: Partial<Agreement>; reviewAnswers?: ReportReviewAnswer[] } = {},
): FollowUpReport {
  const input: FollowUpReportInput = {
    plan: { agreement: { ...example, ...options.agreement }, bindings: [] },
    history,
    rounds,
    scope,
    now: new Date(options.now ?? '2023-01-15T10:00:00.000Z'),
    timeZone: zone,
    labels: swedishLabels(),
    ...(options.reviewAnswers ? { reviewAnswers: options.reviewAnswers } : {}),
  };
  const result = followUpReport(input);
  assert.equal(result.kind, 'report');
  return result.report;
}

const row = (r: FollowUpReport, id: string) => {
  const found = r.goalAreas.flatMap((g) => g.measures).find((m) => m.id === id);
  assert.ok(found, `a row for ${id}`);
  return found;
};

describe('the written follow-up report (skriftlig uppföljning)', () => {
  it('reports for a meeting what was reported before it began, Stockholm time (13:00 CEST is 11:00 UTC)', () => {
    const r = build(
      { kind: 'meeting', date: '2021-06-10' },
      [
        report('1.2', 1, { status: 'onTrack', reportedAt: '2021-06-10T10:59:00.000Z' }),
        report('1.2', 2, { status: 'delayed', reportedAt: '2021-06-10T11:00:00.000Z' }),
      ],
      [],
    );
    assert.equal(r.title, 'Skriftlig uppföljning inför styrgruppens möte 10 juni 2021 kl. 13:00');
    assert.equal(r.fileBaseName, 'skriftlig-uppfoljning-styrgruppen-2021-06-10');
    assert.equal(r.asOf, '2021-06-10T11:00:00.000Z');
    assert.equal(r.asOfText, 'Läget enligt rapporter lämnade före 10 juni 2021 kl. 13:00.');
    assert.equal(row(r, '1.2').statusText, 'Pågår enligt plan');
    assert.deepEqual(
      r.history.map((h) => [h.date, h.measureId, h.revision]),
      [['2021-06-10 12:59', '1.2', 1]],
    );
  });

  it('made before the meeting, reports the state at that moment', () => {
    const r = build({ kind: 'meeting', date: '2021-11-25' }, [], [], { now: '2021-11-18T09:30:00.000Z' });
    assert.equal(r.asOfText, 'Läget enligt rapporter lämnade före 18 november 2021 kl. 10:30.');
    assert.equal(r.generatedText, 'Upprättad 18 november 2021 kl. 10:30 av Samverkansbot.');
  });

  it('cuts a meeting without a time at the start of its day', () => {
    const meetings = [{ date: '2021-09-15' }];
    const r = build(
      { kind: 'meeting', date: '2021-09-15' },
      [
        report('1.1', 1, { status: 'onTrack', reportedAt: '2021-09-14T21:59:00.000Z' }),
        report('1.1', 2, { status: 'atRisk', reportedAt: '2021-09-14T22:00:00.000Z' }),
      ],
      [],
      { agreement: { steeringMeetings: meetings } },
    );
    assert.equal(r.title, 'Skriftlig uppföljning inför styrgruppens möte 15 september 2021');
    assert.equal(row(r, '1.1').statusText, 'Pågår enligt plan');
  });

  it('includes the whole last day of an "until" report, and nothing after it (CET, UTC+1)', () => {
    const r = build(
      { kind: 'until', date: '2021-12-31' },
      [
        report('3.1', 1, { status: 'onTrack', reportedAt: '2021-12-31T22:59:00.000Z' }),
        report('3.1', 2, { status: 'done', reportedAt: '2021-12-31T23:00:00.000Z' }),
      ],
      [],
    );
    assert.equal(
      r.title,
      'Skriftlig uppföljning av samverkansöverenskommelsen till och med 31 december 2021',
    );
    assert.equal(r.fileBaseName, 'skriftlig-uppfoljning-till-och-med-2021-12-31');
    const promise = build({ kind: 'until', date: '2021-12-31' }, [], [], {
      agreement: { kind: 'medborgarlöfte' },
    });
    assert.equal(promise.title, 'Skriftlig uppföljning av medborgarlöftet till och med 31 december 2021');
    assert.equal(r.asOfText, 'Läget enligt rapporter lämnade till och med 31 december 2021.');
    assert.equal(row(r, '3.1').statusText, 'Pågår enligt plan');
    assert.deepEqual(
      r.history.map((h) => h.date),
      ['2021-12-31 23:59'],
    );
  });

  it('names the planned meetings when asked for one that is not, and refuses a date before the agreement', () => {
    const input = (scope: ReportScope): FollowUpReportInput => ({
      plan: { agreement: example, bindings: [] },
      history: [],
      rounds: [],
      scope,
      now: new Date('2023-01-01T00:00:00Z'),
      timeZone: zone,
      labels: swedishLabels(),
    });
    assert.deepEqual(followUpReport(input({ kind: 'meeting', date: '2021-06-11' })), {
      kind: 'unknownMeeting',
      date: '2021-06-11',
      planned: ['2021-06-10', '2021-11-25', '2022-05-12', '2022-11-17'],
    });
    assert.deepEqual(followUpReport(input({ kind: 'until', date: '2020-12-31' })), {
      kind: 'beforeAgreement',
      date: '2020-12-31',
      validFrom: '2021-01-01',
    });
  });

  it('writes the agreement header with the parties, signatories and the period as extended', () => {
    const r = build({ kind: 'until', date: '2022-12-31' }, [], [], {
      agreement: {
        extensions: [
          { decidedOn: '2024-06-01', validTo: '2026-12-31' },
          { decidedOn: '2022-05-20', validTo: '2024-12-31' },
        ],
      },
    });
    assert.deepEqual(r.header.parties, [
      {
        kind: 'kommun',
        organisation: 'Upplands Väsby kommun',
        signatory: 'Christine Hanefalk, Kommunstyrelsens ordförande',
      },
      {
        kind: 'polis',
        organisation: 'Polismyndigheten, Lokalpolisområde Sollentuna',
        signatory: 'Christoffer Bohman, Lokalpolisområdeschef',
      },
    ]);
    assert.equal(r.header.signed, '2020-12-14 i Upplands Väsby');
    assert.equal(r.header.period, '2021-01-01 – 2026-12-31');
    assert.deepEqual(r.header.extensions, [
      'Förlängd 2022-05-20 till 2024-12-31',
      'Förlängd 2024-06-01 till 2026-12-31',
    ]);
    assert.equal(r.header.cooperationArea, 'Trygghet i offentliga miljöer');
    assert.match(r.header.longTermGoal, /inte ha något kriminellt nätverk/);
    assert.match(r.exampleNote ?? '', /påhittade exempel/);
  });

  it('rolls up each goal area and shows every measure with its light, status, change and owners', () => {
    const rounds = [round('q1', '2021-02-01T08:00:00.000Z'), round('q2', '2021-05-03T08:00:00.000Z')];
    const r = build(
      { kind: 'until', date: '2021-05-31' },
      [
        report('1.1', 1, { status: 'notStarted', roundId: 'q1', reportedAt: '2021-02-02T08:00:00.000Z' }),
        report('1.1', 2, { status: 'onTrack', roundId: 'q2', reportedAt: '2021-05-04T08:00:00.000Z' }),
        report('1.3', 1, {
          status: 'atRisk',
          roundId: 'q2',
          reportedAt: '2021-05-04T09:00:00.000Z',
          reportedBy: megan,
        }),
        report('2.1', 1, { status: 'delayed', roundId: 'q1', reportedAt: '2021-02-03T08:00:00.000Z' }),
      ],
      rounds,
    );
    const [g1, g2, g3] = r.goalAreas;
    assert.equal(g1?.lightText, 'Gul');
    assert.equal(g1?.countsText, 'Pågår enligt plan: 1 · Risk för försening: 1 · Ingen rapport: 1');
    assert.equal(g2?.lightText, 'Röd');
    assert.equal(g3?.lightText, 'Grå');
    assert.equal(g3?.countsText, 'Ingen rapport: 3');
    assert.deepEqual(row(r, '1.1'), {
      id: '1.1',
      title: 'Gemensam lägesbild enligt EST',
      retired: false,
      light: 'green',
      lightText: 'Grön',
      status: 'onTrack',
      statusText: 'Pågår enligt plan',
      changeText: 'Tidigare: Ej påbörjad',
      ownerOrganisation: 'Gemensam',
      owners: 'Alex Wilber, Megan Bowen',
      lastReported: '2021-05-04 10:00, Alex Wilber',
    });
    assert.equal(row(r, '1.3').changeText, 'Ny sedan föregående omgång');
    assert.equal(row(r, '1.3').lightText, 'Gul');
    assert.equal(row(r, '2.1').changeText, undefined);
    assert.equal(row(r, '1.2').statusText, 'Ingen rapport');
    assert.equal(row(r, '1.2').lastReported, '');
  });

  it('counts a round closed after the meeting as open at it, and lists what was missing then', () => {
    const rounds = [
      round('inför mötet', '2021-05-27T07:00:00.000Z', 'closed', '2021-06-11T07:00:00.000Z', ['1.1', '1.2']),
      round('efter mötet', '2021-06-20T07:00:00.000Z', 'open'),
    ];
    const r = build(
      { kind: 'meeting', date: '2021-06-10' },
      [
        report('1.1', 1, {
          status: 'onTrack',
          roundId: 'inför mötet',
          reportedAt: '2021-05-28T07:00:00.000Z',
        }),
      ],
      rounds,
    );
    assert.deepEqual(r.missing, {
      roundLabel: 'inför mötet',
      measures: [
        {
          id: '1.2',
          title: 'Trygghetsvandringar och platssamverkan i Väsby centrum',
          owners: 'Alex Wilber',
        },
      ],
    });
    const closedBefore = build({ kind: 'until', date: '2021-06-30' }, [], [rounds[0] as CheckInRound]);
    assert.equal(closedBefore.missing, undefined);
  });

  it('gives each indicator one value per round, the newest given in it, with a dash where none was given', () => {
    const rounds = [
      round('2021 kvartal 1', '2021-02-01T08:00:00.000Z'),
      round('2021 kvartal 2', '2021-05-03T08:00:00.000Z'),
      round('bara 2.1', '2021-06-01T08:00:00.000Z', 'closed', undefined, ['2.1']),
      round('2021 kvartal 3', '2021-09-01T08:00:00.000Z'),
      round('2022 kvartal 1', '2022-02-01T08:00:00.000Z'),
    ];
    const r = build(
      { kind: 'until', date: '2021-12-31' },
      [
        report('1.1', 1, {
          status: 'onTrack',
          roundId: '2021 kvartal 1',
          indicatorValue: 138,
          reportedAt: '2021-02-02T08:00:00.000Z',
        }),
        report('1.1', 2, {
          status: 'onTrack',
          roundId: '2021 kvartal 1',
          indicatorValue: 136.5,
          reportedAt: '2021-02-03T08:00:00.000Z',
        }),
        report('1.1', 3, {
          status: 'onTrack',
          roundId: '2021 kvartal 3',
          indicatorValue: 121,
          reportedAt: '2021-09-02T08:00:00.000Z',
        }),
        report('1.1', 4, { status: 'onTrack', indicatorValue: 119, reportedAt: '2021-10-15T08:00:00.000Z' }),
        report('1.1', 5, {
          status: 'onTrack',
          roundId: '2022 kvartal 1',
          indicatorValue: 100,
          reportedAt: '2022-02-02T08:00:00.000Z',
        }),
      ],
      rounds,
    );
    const indicator = r.indicators.find((i) => i.measureId === '1.1');
    assert.ok(indicator);
    assert.equal(
      indicator.title,
      '1.1 Otrygghetsskapande händelser i offentlig miljö enligt EST (händelser per månad)',
    );
    assert.deepEqual(
      indicator.points.map((p) => [p.label, p.date, p.valueText]),
      [
        ['2021 kvartal 1', '2021-02-01', '136,5'],
        ['2021 kvartal 2', '2021-05-03', '–'],
        ['2021 kvartal 3', '2021-09-01', '121'],
        ['Utanför omgång', '2021-10-15', '119'],
      ],
    );
    assert.equal(
      indicator.summary,
      'Utgångsvärde 140 · Målvärde 110 · Senaste värde 119 (Utanför omgång, 2021-10-15)',
    );
    const noValues = r.indicators.find((i) => i.measureId === '2.2');
    assert.equal(noValues?.summary, 'Målvärde 5 · Inga värden rapporterade ännu.');
    assert.deepEqual(noValues?.points, []);
    assert.deepEqual(
      r.indicators.map((i) => i.measureId),
      example.measures.filter((m) => m.followUp.indicator).map((m) => m.id),
    );
    assert.equal(formatNumber(-0.25), '-0,25');
    assert.equal(formatNumber(1e21), '1000000000000000000000');
  });

  it('lists risks and requests for a decision from the latest reports only', () => {
    const r = build(
      { kind: 'until', date: '2021-12-31' },
      [
        report('1.1', 1, {
          status: 'atRisk',
          needsSteeringDecision: true,
          reportedAt: '2021-03-01T08:00:00.000Z',
        }),
        report('1.1', 2, { status: 'onTrack', reportedAt: '2021-04-01T08:00:00.000Z' }),
        report('1.3', 1, {
          status: 'onTrack',
          obstacles: 'Ordningsvakterna saknar avtal efter juni.',
          reportedAt: '2021-04-01T08:00:00.000Z',
        }),
        report('2.1', 1, {
          status: 'delayed',
          needsSteeringDecision: true,
          narrative: 'Socialtjänsten saknar två tjänster.',
          obstacles: 'Rekrytering pågår.',
          nextStep: 'Styrgruppen beslutar om tillfällig förstärkning.',
          reportedBy: megan,
          reportedAt: '2021-04-02T08:00:00.000Z',
        }),
      ],
      [],
    );
    assert.deepEqual(
      r.risks.map((x) => [x.measureId, x.statusText, x.obstacles]),
      [
        ['1.3', 'Pågår enligt plan', 'Ordningsvakterna saknar avtal efter juni.'],
        ['2.1', 'Försenad', 'Rekrytering pågår.'],
      ],
    );
    assert.deepEqual(r.decisions, [
      {
        measureId: '2.1',
        title: 'Sociala insatsgrupper för unga i riskzonen',
        statusText: 'Försenad',
        narrative: 'Socialtjänsten saknar två tjänster.',
        obstacles: 'Rekrytering pågår.',
        nextStep: 'Styrgruppen beslutar om tillfällig förstärkning.',
        reported: '2021-04-02 10:00, Megan Bowen',
      },
    ]);
  });

  it('keeps a mid-term review section with the three questions whether or not anyone has answered', () => {
    const before = build({ kind: 'meeting', date: '2021-11-25' }, [], []);
    assert.equal(before.review.heading, 'Halvtidsuppföljning (december 2021)');
    assert.match(before.review.note ?? '', /^Halvtidsuppföljningen görs i december 2021\./);
    assert.deepEqual(
      before.review.questions.map((q) => [q.question, q.answers.length]),
      example.midTermReview.questions.map((q) => [q, 0]),
    );
    const after = build({ kind: 'until', date: '2022-01-31' }, [], []);
    assert.equal(after.review.note, 'Inga svar har lämnats ännu.');
  });

  it('puts each review answer under its question, the municipality first, and keeps answers to other questions', () => {
    const [first, second] = example.midTermReview.questions;
    assert.ok(first && second);
    const answers: ReportReviewAnswer[] = [
      {
        question: first,
        organisation: 'polis',
        answer: 'Bra, tätare möten behövs.',
        answeredBy: 'Megan Bowen',
      },
      // The file folds long questions over lines; an answer may carry other spacing or case.
      {
        question: `  ${first.toUpperCase().replace(/ /g, '  ')} `,
        organisation: 'kommun',
        answer: 'Samverkan fungerar väl i EST.',
        answeredBy: 'Alex Wilber',
      },
      {
        question: 'Vad bör ändras?',
        organisation: 'kommun',
        answer: 'Fler trygghetsvandringar.',
        answeredBy: 'Alex Wilber',
      },
    ];
    const r = build({ kind: 'until', date: '2021-12-31' }, [], [], { reviewAnswers: answers });
    assert.equal(r.review.note, undefined);
    assert.deepEqual(r.review.questions[0], {
      question: first,
      answers: [
        { organisation: 'Kommunen', answeredBy: 'Alex Wilber', answer: 'Samverkan fungerar väl i EST.' },
        { organisation: 'Polisen', answeredBy: 'Megan Bowen', answer: 'Bra, tätare möten behövs.' },
      ],
    });
    assert.deepEqual(r.review.questions[1], { question: second, answers: [] });
    assert.deepEqual(r.review.otherQuestions, [
      {
        question: 'Vad bör ändras?',
        answers: [
          { organisation: 'Kommunen', answeredBy: 'Alex Wilber', answer: 'Fler trygghetsvandringar.' },
        ],
      },
    ]);
  });

  it('compiles stored review submits: the newest of each person given before the report, per question', () => {
    const [first, second] = example.midTermReview.questions;
    const submit = (
      who: typeof alex,
      organisation: 'kommun' | 'polis',
      answeredAt: string,
      answers: string[],
    ) => ({
      agreementId: example.id,
      organisation,
      answers,
      answeredBy: who,
      answeredAt,
    });
    const reviewSubmissions = [
      submit(megan, 'polis', '2021-12-02T08:00:00.000Z', ['Polisens svar.', 'Enligt plan.', '']),
      submit(alex, 'kommun', '2021-12-01T08:00:00.000Z', ['Ett första svar.', '', '']),
      submit(alex, 'kommun', '2021-12-03T08:00:00.000Z', ['Kommunens svar.', '', '']),
      submit(alex, 'kommun', '2022-01-05T08:00:00.000Z', ['Ett svar efter årsskiftet.', '', '']),
      {
        ...submit(megan, 'polis', '2021-12-04T08:00:00.000Z', ['Annan överenskommelse.', '', '']),
        agreementId: 'annan',
      },
    ];
    const input = (scope: ReportScope, reviewAnswers?: ReportReviewAnswer[]): FollowUpReportInput => ({
      plan: { agreement: example, bindings: [] },
      history: [],
      rounds: [],
      scope,
      now: new Date('2023-01-01T00:00:00Z'),
      timeZone: zone,
      labels: swedishLabels(),
      reviewSubmissions,
      ...(reviewAnswers ? { reviewAnswers } : {}),
    });
    const result = followUpReport(input({ kind: 'until', date: '2021-12-31' }));
    assert.ok(result.kind === 'report');
    assert.deepEqual(result.report.review.questions.slice(0, 2), [
      {
        question: first,
        answers: [
          { organisation: 'Kommunen', answeredBy: 'Alex Wilber', answer: 'Kommunens svar.' },
          { organisation: 'Polisen', answeredBy: 'Megan Bowen', answer: 'Polisens svar.' },
        ],
      },
      {
        question: second,
        answers: [{ organisation: 'Polisen', answeredBy: 'Megan Bowen', answer: 'Enligt plan.' }],
      },
    ]);
    const later = followUpReport(input({ kind: 'until', date: '2022-01-31' }));
    assert.ok(later.kind === 'report');
    assert.equal(later.report.review.questions[0]?.answers[0]?.answer, 'Ett svar efter årsskiftet.');
    const given = followUpReport(
      input({ kind: 'until', date: '2021-12-31' }, [
        { question: second ?? '', organisation: 'kommun', answer: 'Givet svar.', answeredBy: 'Alex Wilber' },
      ]),
    );
    assert.ok(given.kind === 'report');
    assert.deepEqual(
      given.report.review.questions.map((q) => q.answers.map((a) => a.answer)),
      [[], ['Givet svar.'], []],
    );
  });

  it('appends every revision oldest first, in Stockholm time across the change to summer time', () => {
    const rounds = [round('2021 kvartal 1', '2021-02-01T08:00:00.000Z')];
    const r = build(
      { kind: 'until', date: '2021-12-31' },
      [
        report('2.1', 2, { status: 'atRisk', reportedAt: '2021-03-28T01:30:00.000Z', reportedBy: megan }),
        report('2.1', 1, {
          status: 'onTrack',
          roundId: '2021 kvartal 1',
          reportedAt: '2021-03-27T12:00:00.000Z',
        }),
        report('1.2', 1, {
          status: 'onTrack',
          roundId: '2021 kvartal 1',
          reportedAt: '2021-03-27T12:00:00.000Z',
        }),
        {
          ...report('1.1', 1, { status: 'done', reportedAt: '2021-03-01T08:00:00.000Z' }),
          agreementId: 'annan',
        },
      ],
      rounds,
    );
    assert.deepEqual(
      r.history.map((h) => [h.date, h.measureId, h.revision, h.statusText, h.reportedBy, h.roundLabel]),
      [
        ['2021-03-27 13:00', '1.2', 1, 'Pågår enligt plan', 'Alex Wilber', '2021 kvartal 1'],
        ['2021-03-27 13:00', '2.1', 1, 'Pågår enligt plan', 'Alex Wilber', '2021 kvartal 1'],
        ['2021-03-28 03:30', '2.1', 2, 'Risk för försening', 'Megan Bowen', undefined],
      ],
    );
    assert.equal(r.history[2]?.narrative, 'Läget för 2.1, version 2.');
    assert.equal(r.history[2]?.measureTitle, 'Sociala insatsgrupper för unga i riskzonen');
  });
});
