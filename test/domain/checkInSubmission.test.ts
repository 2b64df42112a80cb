import assert from 'node:assert/strict';
import {
  decisionFollowUpsOf,
  draftFrom,
  parseCheckInSubmission,
  type CheckInSubmission,
} from '../../src/domain/checkInSubmission.js';
import type { ReportInput } from '../../src/domain/report.js';

/** The hidden data of a check-in card, as the card's Action.Execute sends it back. */
const cardData = {
  verb: 'checkIn.submit',
  roundId: 'monthly-2021-03',
  measureId: '1.1',
  baseRevision: '2',
  submitId: '6f1c2d9e-4b7a-4c1e-9d2f-0a1b2c3d4e5f',
};

/** A complete, valid form as Teams sends it: every input as text. */
const typed = {
  status: 'atRisk',
  narrative: 'Lägesbilden tas fram varje vecka men underlaget från bostadsbolagen dröjer.',
  obstacles: 'Bostadsbolagen saknar en utsedd kontaktperson.',
  nextStep: 'Samordnarna bjuder in bostadsbolagen till EST strategisk i april.',
  indicatorValue: '12,5',
  needsSteeringDecision: 'true',
};

function parse(fields: Record<string, unknown>): CheckInSubmission {
  return parseCheckInSubmission({ ...cardData, ...fields });
}

function invalid(submission: CheckInSubmission) {
  assert.equal(submission.kind, 'invalidForm', `expected invalidForm, got ${JSON.stringify(submission)}`);
  return submission;
}

describe('check-in submission', () => {
  it('parses a valid submit with text values as Teams sends them', () => {
    const submission = parse(typed);
    assert.equal(submission.kind, 'valid');
    assert.deepEqual(submission.card, {
      roundId: 'monthly-2021-03',
      measureId: '1.1',
      baseRevision: 2,
      submitId: '6f1c2d9e-4b7a-4c1e-9d2f-0a1b2c3d4e5f',
    });
    assert.deepEqual(submission.input, {
      status: 'atRisk',
      narrative: typed.narrative,
      obstacles: typed.obstacles,
      nextStep: typed.nextStep,
      indicatorValue: 12.5,
      needsSteeringDecision: true,
    });
  });

  it('leaves out empty optional fields and reads "false" and a missing toggle as no decision needed', () => {
    const submission = parse({
      status: 'onTrack',
      narrative: '  Enligt plan.  ',
      obstacles: '   ',
      nextStep: '',
      indicatorValue: '',
      needsSteeringDecision: 'false',
    });
    assert.equal(submission.kind, 'valid');
    assert.deepEqual(submission.input, {
      status: 'onTrack',
      narrative: 'Enligt plan.',
      needsSteeringDecision: false,
    });

    const withoutToggle = parse({ status: 'done', narrative: 'Klart.' });
    assert.equal(withoutToggle.kind, 'valid');
    assert.deepEqual(withoutToggle.input, {
      status: 'done',
      narrative: 'Klart.',
      needsSteeringDecision: false,
    });
  });

  it('accepts numbers and booleans where a newer client sends them typed', () => {
    const submission = parseCheckInSubmission({
      ...cardData,
      baseRevision: 0,
      status: 'delayed',
      narrative: 'Försenat.',
      indicatorValue: -3,
      needsSteeringDecision: true,
    });
    assert.equal(submission.kind, 'valid');
    assert.equal(submission.card.baseRevision, 0);
    assert.equal(submission.input.indicatorValue, -3);
    assert.equal(submission.input.needsSteeringDecision, true);
  });

  it('asks for status and narrative when they are missing, keeping what was typed', () => {
    const submission = invalid(
      parse({
        obstacles: 'Inga.',
        nextStep: 'Fortsätt.',
        indicatorValue: '7',
        needsSteeringDecision: 'true',
      }),
    );
    assert.deepEqual(submission.problems, { status: 'required', narrative: 'required' });
    assert.deepEqual(submission.draft, {
      status: '',
      narrative: '',
      obstacles: 'Inga.',
      nextStep: 'Fortsätt.',
      indicatorValue: '7',
      needsSteeringDecision: true,
      decisionAnswers: {},
    });
    assert.equal(submission.card.measureId, '1.1');
  });

  it('treats a narrative of only spaces as missing and keeps the rest of the draft', () => {
    const submission = invalid(parse({ ...typed, narrative: '   \n ' }));
    assert.deepEqual(submission.problems, { narrative: 'required' });
    assert.equal(submission.draft.narrative, '   \n ');
    assert.equal(submission.draft.obstacles, typed.obstacles);
    assert.equal(submission.draft.status, 'atRisk');
  });

  it('refuses a status that is not one of the six', () => {
    const submission = invalid(parse({ ...typed, status: 'finished' }));
    assert.deepEqual(submission.problems, { status: 'unknownStatus' });
    assert.equal(submission.draft.status, 'finished');
    assert.equal(submission.draft.narrative, typed.narrative);
  });

  it('says which text is too long: narrative over 2000, next step over 1000 characters', () => {
    const narrative = 'a'.repeat(2001);
    const submission = invalid(parse({ ...typed, narrative }));
    assert.deepEqual(submission.problems, { narrative: 'tooLong' });
    assert.equal(submission.draft.narrative, narrative);

    assert.deepEqual(invalid(parse({ ...typed, nextStep: 'b'.repeat(1001) })).problems, {
      nextStep: 'tooLong',
    });
    assert.deepEqual(invalid(parse({ ...typed, obstacles: 'c'.repeat(2001) })).problems, {
      obstacles: 'tooLong',
    });
  });

  it('accepts texts of exactly the maximum length', () => {
    const submission = parse({
      ...typed,
      narrative: 'a'.repeat(2000),
      obstacles: 'b'.repeat(2000),
      nextStep: 'c'.repeat(1000),
    });
    assert.equal(submission.kind, 'valid');
    assert.equal(submission.input.narrative.length, 2000);
    assert.equal(submission.input.nextStep?.length, 1000);
  });

  it('asks for a number when the indicator is not one', () => {
    const submission = invalid(parse({ ...typed, indicatorValue: 'tolv' }));
    assert.deepEqual(submission.problems, { indicatorValue: 'notANumber' });
    assert.equal(submission.draft.indicatorValue, 'tolv');
    assert.deepEqual(invalid(parse({ ...typed, indicatorValue: 'Infinity' })).problems, {
      indicatorValue: 'notANumber',
    });
  });

  it('reports every problem of a form at once', () => {
    const submission = invalid(parse({ status: 'klart', narrative: '', indicatorValue: '1,2,3' }));
    assert.deepEqual(submission.problems, {
      status: 'unknownStatus',
      narrative: 'required',
      indicatorValue: 'notANumber',
    });
  });

  describe('refuses what is not from one of our cards', () => {
    /** The complete form without one of the card's hidden fields. */
    const without = (field: keyof typeof cardData): Record<string, unknown> => {
      const data: Record<string, unknown> = { ...cardData, ...typed };
      delete data[field];
      return data;
    };
    const cases: Array<[string, unknown]> = [
      ['no roundId', without('roundId')],
      ['no measureId', without('measureId')],
      ['no submitId', without('submitId')],
      ['no baseRevision', without('baseRevision')],
      ['a measure id that is not one', { ...cardData, ...typed, measureId: 'DROP TABLE' }],
      ['a submit id too short to be ours', { ...cardData, ...typed, submitId: 'abc' }],
      ['a negative revision', { ...cardData, ...typed, baseRevision: '-1' }],
      ['a string', 'checkIn.submit'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['an array', [cardData]],
      ['a 30,000-character narrative', { ...cardData, ...typed, narrative: 'x'.repeat(30_000) }],
      ['a number as narrative', { ...cardData, ...typed, narrative: 42 }],
      ['a number as status', { ...cardData, ...typed, status: 3 }],
      ['an object as obstacles', { ...cardData, ...typed, obstacles: { text: 'Inga' } }],
      ['a toggle that is neither true nor false', { ...cardData, ...typed, needsSteeringDecision: 'yes' }],
    ];
    for (const [name, data] of cases) {
      it(`refuses ${name}`, () => {
        assert.deepEqual(parseCheckInSubmission(data), { kind: 'malformed' });
      });
    }
  });

  it('reads the answers about decisions, by decision id, and keeps only non-empty ones with the decision asked', () => {
    const submission = parse({ ...typed, 'decision_d-1': '  Lägesbilden är klar.  ', 'decision_d-2': '' });
    assert.equal(submission.kind, 'valid');
    if (submission.kind !== 'valid') return;
    assert.deepEqual(submission.draft.decisionAnswers, { 'd-1': '  Lägesbilden är klar.  ', 'd-2': '' });
    assert.deepEqual(
      decisionFollowUpsOf(submission.draft.decisionAnswers, [
        { id: 'd-1', text: 'Ta fram en lägesbild' },
        { id: 'd-2', text: 'Bjud in bostadsbolagen' },
      ]),
      [{ decisionId: 'd-1', decision: 'Ta fram en lägesbild', answer: 'Lägesbilden är klar.' }],
    );
    assert.deepEqual(invalid(parse({ ...typed, 'decision_d-1': 'x'.repeat(1500) })).problems, {
      decisionAnswers: 'tooLong',
    });
    assert.equal(parse({ ...typed, 'decision_d-1': 'x'.repeat(3000) }).kind, 'malformed');
  });

  describe('drafts', () => {
    it('starts an empty form without a report', () => {
      assert.deepEqual(draftFrom(undefined), {
        status: '',
        narrative: '',
        obstacles: '',
        nextStep: '',
        indicatorValue: '',
        needsSteeringDecision: false,
        decisionAnswers: {},
      });
    });

    it('fills the form from a report, and that form submits the same report', () => {
      const report: ReportInput = {
        status: 'atRisk',
        narrative: 'Lägesbilden dröjer.',
        obstacles: 'Underlag saknas.',
        nextStep: 'Möte i april.',
        indicatorValue: 12.5,
        needsSteeringDecision: true,
      };
      const draft = draftFrom(report);
      assert.deepEqual(draft, {
        status: 'atRisk',
        narrative: 'Lägesbilden dröjer.',
        obstacles: 'Underlag saknas.',
        nextStep: 'Möte i april.',
        indicatorValue: '12.5',
        needsSteeringDecision: true,
        decisionAnswers: {},
      });

      const submission = parse({ ...draft });
      assert.equal(submission.kind, 'valid');
      assert.deepEqual(submission.input, report);
      assert.deepEqual(draftFrom(submission.input), draft);
    });

    it('round-trips a report without optional fields and an indicator of zero', () => {
      const report: ReportInput = {
        status: 'notStarted',
        narrative: 'Inte påbörjad.',
        indicatorValue: 0,
        needsSteeringDecision: false,
      };
      const draft = draftFrom(report);
      assert.equal(draft.indicatorValue, '0');
      assert.equal(draft.obstacles, '');
      const submission = parse({ ...draft, needsSteeringDecision: String(draft.needsSteeringDecision) });
      assert.equal(submission.kind, 'valid');
      assert.deepEqual(submission.input, report);
    });
  });
});
