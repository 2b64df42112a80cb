import assert from 'node:assert/strict';
import {
  applyDecisionChange,
  decisionSchema,
  decisionsConcerning,
  decisionsForSummary,
  isOverdue,
  type Decision,
} from '../../src/domain/decision.js';
import { decisionDraftOf, parseDecisionSubmission } from '../../src/domain/decisionForm.js';
import {
  collectPersonalData,
  countsOf,
  knownPeople,
  pseudonymiseDecision,
  type StoredData,
} from '../../src/domain/personalData.js';

const alex = { aadObjectId: '00000000-0000-0000-0000-000000000001', name: 'Alex Wilber' };
const megan = { aadObjectId: '00000000-0000-0000-0000-000000000002', name: 'Megan Bowen' };

function decision(id: string, fields: Partial<Decision> = {}): Decision {
  return decisionSchema.parse({
    id,
    agreementId: 'example',
    text: `Beslut ${id}`,
    concerns: { goalAreas: [], measures: [] },
    responsible: 'Polisen',
    status: 'open',
    meetingDate: '2021-11-25',
    recordedAt: '2021-11-25T14:00:00.000Z',
    recordedBy: alex,
    revision: 1,
    ...fields,
  });
}

const agreement = {
  goalAreas: [
    { number: 1, title: 'Färre otrygghetsskapande händelser' },
    { number: 2, title: 'Minskad rekrytering' },
  ],
  measures: [
    { id: '1.2', goalArea: 1 },
    { id: '2.1', goalArea: 2 },
  ] as never,
};

describe('decisions (beslut)', () => {
  it('sorts decisions for the summary into new, open, overdue and done since the last meeting, each once', () => {
    const decisions = [
      decision('old-open', { meetingDate: '2021-05-20', dueDate: '2022-03-31' }),
      decision('old-overdue', { meetingDate: '2021-05-20', dueDate: '2021-10-01' }),
      decision('new-open', { meetingDate: '2021-11-25' }),
      decision('new-overdue', { meetingDate: '2021-11-25', dueDate: '2021-12-01' }),
      decision('done-since', { status: 'done', doneAt: '2021-12-10T09:00:00.000Z' }),
      // Done at 00:30 Stockholm time on the meeting day is done on that day, though it is the 24th in UTC.
      decision('done-on-day', { status: 'done', doneAt: '2021-11-24T23:30:00.000Z' }),
      decision('done-before', {
        status: 'done',
        meetingDate: '2021-05-20',
        doneAt: '2021-06-01T09:00:00.000Z',
      }),
    ];
    const summary = decisionsForSummary(decisions, {
      previousMeetingDate: '2021-11-25',
      today: '2022-03-10',
    });
    const ids = (list: Decision[]) => list.map((d) => d.id);
    assert.deepEqual(ids(summary.new), ['new-open']);
    assert.deepEqual(ids(summary.open), ['old-open']);
    assert.deepEqual(ids(summary.overdue), ['old-overdue', 'new-overdue']);
    assert.deepEqual(ids(summary.doneSinceLast).sort(), ['done-on-day', 'done-since']);
  });

  it('counts every decision as new (and every done one as done) when there was no earlier meeting', () => {
    const summary = decisionsForSummary(
      [
        decision('a', { meetingDate: '2021-05-20' }),
        decision('b', { status: 'done', doneAt: '2021-06-01T09:00:00Z' }),
      ],
      { today: '2021-06-10' },
    );
    assert.deepEqual(
      summary.new.map((d) => d.id),
      ['a'],
    );
    assert.deepEqual(
      summary.doneSinceLast.map((d) => d.id),
      ['b'],
    );
  });

  it('is overdue only while open and past its date', () => {
    assert.equal(isOverdue(decision('a', { dueDate: '2021-12-01' }), '2021-12-01'), false);
    assert.equal(isOverdue(decision('a', { dueDate: '2021-12-01' }), '2021-12-02'), true);
    assert.equal(isOverdue(decision('a', { dueDate: '2021-12-01', status: 'done' }), '2022-01-01'), false);
    assert.equal(isOverdue(decision('a'), '2030-01-01'), false);
  });

  it('concerns a measure when it names the measure or its goal area, not when it is about the whole agreement', () => {
    const decisions = [
      decision('measure', { concerns: { goalAreas: [], measures: ['1.2'] } }),
      decision('goal', { concerns: { goalAreas: [1], measures: [] } }),
      decision('other', { concerns: { goalAreas: [2], measures: ['2.1'] } }),
      decision('whole'),
    ];
    assert.deepEqual(
      decisionsConcerning(decisions, { id: '1.2', goalArea: 1 }).map((d) => d.id),
      ['goal', 'measure'],
    );
    assert.deepEqual(
      decisionsConcerning(decisions, { id: '1.3', goalArea: 1 }).map((d) => d.id),
      ['goal'],
    );
  });

  it('applies a change as the next revision: done sets when, reopening clears it, a removed date goes', () => {
    const open = decision('a', { dueDate: '2021-12-01' });
    const done = applyDecisionChange(open, {
      status: 'done',
      changedAt: '2021-12-02T10:00:00Z',
      changedBy: megan,
    });
    assert.equal(done.revision, 2);
    assert.equal(done.doneAt, '2021-12-02T10:00:00Z');
    assert.deepEqual(done.changedBy, megan);
    assert.equal(done.dueDate, '2021-12-01');
    assert.deepEqual(done.recordedBy, alex);
    const reopened = applyDecisionChange(done, {
      status: 'open',
      dueDate: null,
      text: 'Nytt beslut',
      changedAt: '2021-12-03T10:00:00Z',
      changedBy: alex,
    });
    assert.equal(reopened.revision, 3);
    assert.equal(reopened.doneAt, undefined);
    assert.equal(reopened.dueDate, undefined);
    assert.equal(reopened.text, 'Nytt beslut');
    assert.equal(decisionSchema.safeParse(reopened).success, true);
  });

  describe('the form', () => {
    const card = {
      verb: 'recordDecision',
      mode: 'record',
      meetingDate: '2021-11-25',
      submitId: '6f1c2d9e-4b7a-4c1e-9d2f-0a1b2c3d4e5f',
      decisionId: '',
      revision: '0',
    };

    it('reads a valid submit, with the concerns as Teams joins them', () => {
      const submission = parseDecisionSubmission(
        {
          ...card,
          text: '  Polisen och kommunen tar fram en gemensam lägesbild.  ',
          concerns: 'goal:2,measure:1.2',
          responsible: 'Kommunens trygghetssamordnare',
          dueDate: '2022-03-31',
        },
        agreement,
      );
      assert.equal(submission.kind, 'valid');
      if (submission.kind !== 'valid') return;
      assert.deepEqual(submission.fields, {
        text: 'Polisen och kommunen tar fram en gemensam lägesbild.',
        concerns: { goalAreas: [2], measures: ['1.2'] },
        responsible: 'Kommunens trygghetssamordnare',
        dueDate: '2022-03-31',
      });
    });

    it('gives problems per field for empty text, a bad date and an unknown choice, keeping the draft', () => {
      const submission = parseDecisionSubmission(
        { ...card, text: '   ', concerns: 'measure:9.9', responsible: 'Polisen', dueDate: '31/3 2022' },
        agreement,
      );
      assert.equal(submission.kind, 'invalid');
      if (submission.kind !== 'invalid') return;
      assert.deepEqual(submission.problems, {
        text: 'required',
        dueDate: 'badDate',
        concerns: 'unknownChoice',
      });
      assert.equal(submission.draft.dueDate, '31/3 2022');
      assert.equal(
        parseDecisionSubmission({ ...card, text: 'x', responsible: 'y', dueDate: '2022-02-30' }, agreement)
          .kind,
        'invalid',
      );
    });

    it('refuses what is not from its card', () => {
      assert.equal(parseDecisionSubmission({ text: 'x' }, agreement).kind, 'malformed');
      assert.equal(parseDecisionSubmission({ ...card, submitId: 'a b' }, agreement).kind, 'malformed');
      assert.equal(
        parseDecisionSubmission({ ...card, mode: 'change', text: 'x', responsible: 'y' }, agreement).kind,
        'malformed',
      );
      assert.equal(parseDecisionSubmission({ ...card, text: 'x'.repeat(5000) }, agreement).kind, 'malformed');
    });

    it('fills a change form from the decision as it stands', () => {
      const draft = decisionDraftOf(
        decision('a', { concerns: { goalAreas: [1], measures: ['2.1'] }, dueDate: '2022-01-31' }),
      );
      assert.deepEqual(draft.concerns, ['goal:1', 'measure:2.1']);
      assert.equal(draft.dueDate, '2022-01-31');
    });
  });
});

describe('decisions in a person’s data (GDPR art. 15 and 17)', () => {
  const frida = { aadObjectId: '00000000-0000-0000-0000-000000000009', name: 'Frida Fältström' };
  const person = { aadObjectId: frida.aadObjectId, names: [frida.name], teamsUserIds: [], emails: [] };
  const pseudonym = { aadObjectId: 'erased-0123456789abcdef', name: 'Borttagen person' };
  const stored = (decisions: Decision[]) =>
    ({
      plan: { agreement: { measures: [], groups: [] }, bindings: [] },
      reports: [],
      audit: [],
      reviews: [],
      rounds: [],
      conversations: [],
      languageChoices: [],
      deliveries: [],
      reminders: [],
      jobs: [],
      decisions,
    }) as unknown as StoredData;

  it('finds the revisions a person recorded, changed or is named responsible in, and no others', () => {
    const decisions = [
      decision('recorded', { recordedBy: frida }),
      decision('changed', { revision: 2, changedBy: frida, changedAt: '2021-12-01T10:00:00Z' }),
      decision('responsible', { responsible: 'frida faltstrom (socialtjänsten)' }),
      decision('someone-else', { responsible: 'Fridas chef' }),
    ];
    const mine = collectPersonalData(stored(decisions), person);
    assert.deepEqual(
      mine.decisions.map((d) => d.id),
      ['recorded', 'changed', 'responsible'],
    );
    assert.equal(countsOf(mine).decisions, 3);
    assert.ok(knownPeople(stored(decisions)).some((p) => p.aadObjectId === frida.aadObjectId));
  });

  it('replaces the person in an erasure, keeping what else the responsible says, and leaves others alone', () => {
    assert.deepEqual(
      pseudonymiseDecision(
        decision('a', { recordedBy: frida, responsible: 'Frida Fältström, kommunen' }),
        person,
        pseudonym,
      ),
      decision('a', { recordedBy: pseudonym, responsible: 'Borttagen person, kommunen' }),
    );
    // Spelt without the diacritics: the whole field goes rather than a name that could still be found.
    assert.equal(
      pseudonymiseDecision(decision('b', { responsible: 'Frida Faltstrom' }), person, pseudonym)?.responsible,
      'Borttagen person',
    );
    assert.equal(
      pseudonymiseDecision(decision('c', { responsible: 'Fridas chef' }), person, pseudonym),
      undefined,
    );
    const erased = [decision('a', { recordedBy: frida })].map(
      (d) => pseudonymiseDecision(d, person, pseudonym) ?? d,
    );
    assert.deepEqual(collectPersonalData(stored(erased), person).decisions, []);
  });
});
