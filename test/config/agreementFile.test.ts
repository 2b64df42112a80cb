import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgreementFileError, loadAgreementFile, parseAgreement } from '../../src/config/agreementFile.js';
import { isCoordinator, ownerOrganisations, type Agreement } from '../../src/domain/agreement.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const promisePath = fileURLToPath(new URL('../../agreements/medborgarlofte-exempel.yaml', import.meta.url));
const alexWilber = '00000000-0000-0000-0000-0000000000020';
const pattiFernandez = '00000000-0000-0000-0000-0000000000024';

/** Everyone named anywhere in an agreement, by Entra object id. */
function peopleOf(agreement: Agreement): Map<string, string> {
  const people = new Map<string, string>();
  for (const m of agreement.measures) for (const o of m.owners) people.set(o.aadObjectId, o.name);
  for (const g of agreement.groups) for (const m of g.members) people.set(m.aadObjectId, m.name);
  return people;
}

/** Parses `data` as a JSON agreement file and returns the error it must cause. */
function errorFor(data: unknown, fileName = 'bad.json'): AgreementFileError {
  return errorForSource(JSON.stringify(data), fileName);
}

function errorForSource(source: string, fileName = 'bad.yaml'): AgreementFileError {
  try {
    parseAgreement(source, fileName);
  } catch (error) {
    assert.ok(error instanceof AgreementFileError, `expected AgreementFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the agreement to be rejected');
}

describe('agreement file', () => {
  let example: Agreement;
  let exampleSource: string;

  before(async () => {
    example = await loadAgreementFile(examplePath);
    exampleSource = await readFile(examplePath, 'utf8');
  });

  /** A fresh, valid copy of the example to break in one place. */
  function exampleCopy(): Agreement {
    return structuredClone(example);
  }

  describe('the shipped example', () => {
    it('has the facts of the signed agreement', () => {
      assert.equal(example.signedOn, '2020-12-14');
      assert.equal(example.validFrom, '2021-01-01');
      assert.equal(example.validTo, '2022-12-31');
      assert.deepEqual(
        example.parties.map((p) => [p.kind, p.signatory.name]),
        [
          ['kommun', 'Christine Hanefalk'],
          ['polis', 'Christoffer Bohman'],
        ],
      );
      assert.deepEqual(example.renewal, { extensionYears: 2, consultationMonthsBeforeExpiry: 6 });
      assert.equal(example.cooperationArea, 'Trygghet i offentliga miljöer');
    });

    it('has three goal areas with three measures each', () => {
      assert.deepEqual(
        example.goalAreas.map((g) => g.number),
        [1, 2, 3],
      );
      assert.ok(example.measures.length >= 9);
      for (const goal of example.goalAreas) {
        const ids = example.measures.filter((m) => m.goalArea === goal.number).map((m) => m.id);
        assert.deepEqual(
          ids,
          [1, 2, 3].map((n) => `${goal.number}.${n}`),
        );
      }
    });

    it('spreads the measures over all owner organisations and marks the plan as an example', () => {
      const owners = new Set(example.measures.map((m) => m.ownerOrganisation));
      assert.deepEqual([...owners].sort(), [...ownerOrganisations].sort());
      assert.ok(example.measures.some((m) => m.followUp.indicator !== undefined));
      assert.match(example.actionPlanNote ?? '', /bilaga 4/);
    });

    it('makes the Playground default user Alex Wilber a coordinator who owns measures', () => {
      assert.equal(isCoordinator(example, alexWilber), true);
      assert.equal(isCoordinator(example, '00000000-0000-0000-0000-0000000000023'), false);
      const member = example.groups
        .find((g) => g.kind === 'beredningsgrupp')
        ?.members.find((m) => m.aadObjectId === alexWilber);
      assert.equal(member?.organisation, 'kommun');
      assert.ok(example.measures.some((m) => m.owners.some((o) => o.aadObjectId === alexWilber)));
    });

    it('has the mid-term review in December 2021 with the three questions', () => {
      assert.equal(example.midTermReview.month, '2021-12');
      assert.equal(example.midTermReview.questions.length, 3);
    });

    it('has at least two steering meetings per year of validity', () => {
      for (const year of ['2021', '2022']) {
        assert.ok(example.steeringMeetings.filter((m) => m.date.startsWith(year)).length >= 2);
      }
    });

    it('is a samverkansöverenskommelse that follows no other, though its file does not say so', () => {
      assert.doesNotMatch(exampleSource, /^kind:/m);
      assert.equal(example.kind, 'samverkansöverenskommelse');
      assert.equal(example.follows, undefined);
    });

    it('parses the same from JSON', () => {
      assert.deepEqual(parseAgreement(JSON.stringify(example), 'example.json'), example);
    });
  });

  describe('the citizen promise example', () => {
    let promise: Agreement;

    before(async () => {
      promise = await loadAgreementFile(promisePath);
    });

    it('is an invented medborgarlöfte for 2023 between the same parties, and says so', async () => {
      assert.equal(promise.kind, 'medborgarlöfte');
      assert.notEqual(promise.id, example.id);
      assert.equal(promise.follows, undefined);
      assert.deepEqual([promise.validFrom, promise.validTo], ['2023-01-01', '2023-12-31']);
      assert.deepEqual(
        promise.parties.map((p) => p.organisation),
        example.parties.map((p) => p.organisation),
      );
      assert.match(promise.title, /exempel/);
      assert.match(promise.actionPlanNote ?? '', /påhittat/);
      assert.match(await readFile(promisePath, 'utf8'), /^# EXEMPEL – PÅHITTAT MEDBORGARLÖFTE/);
    });

    it('has the example agreement’s people, by the same ids and names', () => {
      const inExample = peopleOf(example);
      const inPromise = peopleOf(promise);
      for (const [id, name] of inPromise) assert.equal(inExample.get(id), name, `${name} is in example.yaml`);
      assert.ok(inPromise.has(alexWilber), 'the Playground default user is in both');
    });

    it('gives people other roles than the example agreement does', () => {
      assert.equal(isCoordinator(example, alexWilber), true);
      assert.equal(isCoordinator(promise, alexWilber), false);
      assert.equal(isCoordinator(example, pattiFernandez), false);
      assert.equal(isCoordinator(promise, pattiFernandez), true);
      assert.ok(promise.measures.some((m) => m.owners.some((o) => o.aadObjectId === alexWilber)));
    });
  });

  describe('kind and succession', () => {
    it('reads a medborgarlöfte that follows another agreement', () => {
      const data = {
        ...exampleCopy(),
        kind: 'medborgarlöfte',
        follows: 'upplands-vasby-medborgarlofte-2022',
      };
      const agreement = parseAgreement(JSON.stringify(data), 'promise.json');
      assert.equal(agreement.kind, 'medborgarlöfte');
      assert.equal(agreement.follows, 'upplands-vasby-medborgarlofte-2022');
    });

    it('names an unknown kind', () => {
      const data = { ...exampleCopy(), kind: 'avtal' };
      const [problem, ...rest] = errorFor(data).problems;
      assert.deepEqual(rest, []);
      assert.match(
        problem ?? '',
        /^kind: Invalid option: expected one of "samverkansöverenskommelse"\|"medborgarlöfte"/,
      );
    });

    it('names a follows that is not an agreement id', () => {
      const data = { ...exampleCopy(), follows: 'Förra överenskommelsen' };
      assert.deepEqual(errorFor(data).problems, ['follows: expected lower-case letters, digits and dashes']);
    });

    it('names an agreement that follows itself', () => {
      const data = { ...exampleCopy(), follows: example.id };
      assert.deepEqual(errorFor(data).problems, ['follows: an agreement cannot follow itself']);
    });
  });

  describe('a bad file', () => {
    it('names a measure whose goal area does not exist', () => {
      const data = exampleCopy();
      const measure = data.measures[0];
      assert.ok(measure);
      measure.goalArea = 7;
      const error = errorFor(data);
      assert.match(error.message, /^Agreement file bad\.json could not be loaded:/);
      assert.match(error.message, /measures\[0\]\.goalArea: no goal area number 7/);
    });

    it('names a bad date', () => {
      const data = exampleCopy();
      data.signedOn = '2020-02-30';
      const meeting = data.steeringMeetings[1];
      assert.ok(meeting);
      meeting.date = '10 juni 2021';
      const error = errorFor(data);
      assert.match(error.message, /signedOn: not a valid calendar date/);
      assert.match(error.message, /steeringMeetings\[1\]\.date: expected a date as YYYY-MM-DD/);
    });

    it('names a mid-term month that does not exist', () => {
      const data = exampleCopy();
      data.midTermReview.month = '2021-13';
      assert.deepEqual(errorFor(data).problems, ['midTermReview.month: expected YYYY-MM']);
    });

    it('names a missing owners list and a missing owner id', () => {
      const data = exampleCopy() as unknown as { measures: Record<string, unknown>[] };
      const [first, , , fourth] = data.measures;
      assert.ok(first && fourth);
      delete first.owners;
      fourth.owners = [{ name: 'Alex Wilber' }];
      const error = errorFor(data);
      assert.match(error.message, /measures\[0\]\.owners: Invalid input: expected array/);
      assert.match(error.message, /measures\[3\]\.owners\[0\]\.aadObjectId: Invalid input/);
    });

    it('names a duplicate measure id', () => {
      const data = exampleCopy();
      const measure = data.measures[1];
      assert.ok(measure);
      measure.id = '1.1';
      assert.match(errorFor(data).message, /measures\[1\]\.id: duplicate id 1\.1/);
    });

    it('names a misspelt field', () => {
      const data = exampleCopy() as unknown as { measures: Record<string, unknown>[] };
      const measure = data.measures[2];
      assert.ok(measure);
      measure.owner = measure.ownerOrganisation;
      delete measure.ownerOrganisation;
      const error = errorFor(data);
      assert.match(error.message, /measures\[2\]\.ownerOrganisation: Invalid option/);
      assert.match(error.message, /measures\[2\]: Unrecognized key: "owner"/);
    });

    it('names an unquoted measure number read as a number', () => {
      const source = exampleSource.replace("- id: '1.2'", '- id: 1.20');
      assert.deepEqual(errorForSource(source).problems, [
        'measures[1].id: Invalid input: expected string, received number',
      ]);
    });

    it('gives the line and column of a YAML syntax error', () => {
      const source = ['id: x', 'title: Test', 'goalAreas: [', '  - number: 1', 'measures: []'].join('\n');
      const error = errorForSource(source, 'broken.yaml');
      assert.match(error.message, /^Agreement file broken\.yaml could not be loaded:/);
      assert.match(
        error.message,
        /line 4, column 3: Block collections are not allowed within flow collections/,
      );
    });

    it('gives the line of a duplicate key', () => {
      const source = ['id: x', 'title: Test', 'id: y'].join('\n');
      assert.match(errorForSource(source).message, /line 3, column 1: Map keys must be unique/);
    });

    it('gives the line of a tab used as indentation', () => {
      const source = exampleSource.replace('\n  extensionYears: 2', '\n\textensionYears: 2');
      const line = source.split('\n').findIndex((l) => l.startsWith('\t')) + 1;
      assert.match(
        errorForSource(source).message,
        new RegExp(`line ${line}, column 1: Tabs are not allowed`),
      );
    });

    it('rejects an empty file', () => {
      assert.match(errorForSource('').message, /\(top level\): Invalid input: expected object/);
    });

    it('shows at most twenty problems', () => {
      const data = exampleCopy() as unknown as { measures: Record<string, unknown>[] };
      for (const measure of data.measures) {
        delete measure.title;
        delete measure.owners;
        delete measure.followUp;
      }
      const error = errorFor(data);
      assert.equal(error.problems.length, data.measures.length * 3);
      const lines = error.message.split('\n');
      assert.equal(lines.length, 1 + 20 + 1);
      assert.match(lines.at(-1) ?? '', /and 7 more/);
    });
  });

  describe('loadAgreementFile', () => {
    let dir: string;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agreement-file-'));
    });

    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('names the file it cannot read', async () => {
      const path = join(dir, 'missing.yaml');
      await assert.rejects(loadAgreementFile(path), (error: unknown) => {
        assert.ok(error instanceof AgreementFileError);
        assert.equal(error.fileName, path);
        assert.match(error.message, /cannot read the file: ENOENT/);
        return true;
      });
    });

    it('names the file that is invalid', async () => {
      const path = join(dir, 'bad.yaml');
      await writeFile(path, exampleSource.replace("validTo: '2022-12-31'", "validTo: '2020-12-31'"));
      await assert.rejects(loadAgreementFile(path), (error: unknown) => {
        assert.ok(error instanceof AgreementFileError);
        assert.ok(error.message.includes(path));
        assert.match(error.message, /validTo: must not be before validFrom/);
        return true;
      });
    });
  });
});
