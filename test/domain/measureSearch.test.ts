import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Measure } from '../../src/domain/agreement.js';
import { findMeasure, type MeasureMatch } from '../../src/domain/measureSearch.js';
import { closestWord } from '../../src/domain/wordMatching.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));

function measure(id: string, title: string): Measure {
  return {
    id,
    goalArea: Number(id.split('.')[0]),
    title,
    ownerOrganisation: 'kommun',
    owners: [{ aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' }],
    communication: { communicate: false },
    followUp: { cadence: 'quarterly' },
  };
}

/** The match in a form that reads well in an assertion: `found 1.2`, `ambiguous 1.1,3.1`, `unknown 1.3`. */
function outcome(match: MeasureMatch): string {
  switch (match.kind) {
    case 'found':
      return `found ${match.measure.id}`;
    case 'ambiguous':
      return `ambiguous ${match.candidates.map((m) => m.id).join(',')}`;
    case 'unknown':
      return `unknown ${match.suggestions.map((m) => m.id).join(',')}`.trim();
  }
}

describe('measure search', () => {
  describe('findMeasure on a small plan', () => {
    const measures = [
      measure('1.1', 'Trygghetsvandringar i centrum'),
      measure('1.2', 'Ordningsvakter vid stationen'),
      measure('1.10', 'Belysning i parker'),
      measure('2.1', 'Lägesbild för centrum'),
      measure('2.2', 'Lägesbild för skolor'),
    ];
    const cases: Array<[string, string]> = [
      ['1.2', 'found 1.2'],
      ['1,2', 'found 1.2'],
      ['insats 1.2', 'found 1.2'],
      ['Insats 1, 2', 'found 1.2'],
      ['measure 01.02', 'found 1.2'],
      ['1.10', 'found 1.10'],
      ['trygghetsvandring', 'found 1.1'],
      ['TRYGGHETSVANDRINGAR I CENTRUM', 'found 1.1'],
      ['vandringar', 'found 1.1'],
      ['ordningsvakter', 'found 1.2'],
      ['ordnigsvakter', 'found 1.2'],
      ['Ordningsvaktr', 'found 1.2'],
      ['lagesbild skolor', 'found 2.2'],
      ['lägesbild', 'ambiguous 2.1,2.2'],
      ['centrum', 'ambiguous 1.1,2.1'],
      ['belysning', 'found 1.10'],
      ['kameror', 'unknown'],
      ['', 'unknown'],
    ];
    for (const [query, expected] of cases) {
      it(`${JSON.stringify(query)} → ${expected}`, () => {
        assert.equal(outcome(findMeasure(measures, query)), expected);
      });
    }

    it('prefers the whole title over titles that contain it', () => {
      const nested = [measure('1.1', 'Lägesbild'), measure('1.2', 'Lägesbild för skolor')];
      assert.equal(outcome(findMeasure(nested, 'lägesbild')), 'found 1.1');
    });

    it('prefers an exact word over a word that starts with it', () => {
      const both = [measure('1.1', 'Lägesbilden i stort'), measure('1.2', 'Gemensam lägesbild')];
      assert.equal(outcome(findMeasure(both, 'lägesbild')), 'found 1.2');
    });

    it('suggests the measures of the goal area for a number that does not exist', () => {
      assert.equal(outcome(findMeasure(measures, '2.9')), 'unknown 2.1,2.2');
      assert.equal(outcome(findMeasure(measures, '7.1')), 'unknown');
    });

    it('searches the words after a number that does not exist', () => {
      assert.equal(outcome(findMeasure(measures, '1.9 belysning')), 'found 1.10');
    });

    it('gives at most ten candidates', () => {
      const many = Array.from({ length: 14 }, (_, i) =>
        measure(`1.${i + 1}`, `Trygghetsinsats nummer ${i + 1}`),
      );
      const match = findMeasure(many, 'trygghetsinsats');
      assert.equal(match.kind, 'ambiguous');
      assert.equal(match.kind === 'ambiguous' && match.candidates.length, 10);
    });
  });

  describe('findMeasure on the example plan', () => {
    let measures: Measure[];

    before(async () => {
      measures = (await loadAgreementFile(examplePath)).measures;
    });

    const cases: Array<[string, string]> = [
      ['3,3', 'found 3.3'],
      ['insats 2.2', 'found 2.2'],
      ['trygghetsvandring', 'found 1.2'],
      ['Väsby centrum', 'found 1.2'],
      ['vasby', 'found 1.2'],
      ['ordningsvakter', 'found 1.3'],
      ['ordnigsvakter', 'found 1.3'],
      ['kamerabevakning', 'found 1.3'],
      ['avhopp', 'found 2.2'],
      ['informatinsutbyte', 'found 3.2'],
      ['välfärdsbrott', 'found 3.3'],
      ['lägesbild', 'ambiguous 1.1,3.1'],
      ['lägesbild est', 'found 1.1'],
      ['lokal lägesbild', 'found 3.1'],
      ['unga', 'ambiguous 2.1,2.3'],
      ['xyzzy', 'unknown'],
    ];
    for (const [query, expected] of cases) {
      it(`${JSON.stringify(query)} → ${expected}`, () => {
        assert.equal(outcome(findMeasure(measures, query)), expected);
      });
    }

    it('suggests the closest titles when nothing matches', () => {
      // "torget" is in no title, so nothing matches; the camera measure is the closest by name.
      const match = findMeasure(measures, 'kamerabevakningen torget');
      assert.equal(match.kind, 'unknown');
      assert.ok(match.kind === 'unknown' && match.suggestions.length <= 3);
      assert.equal(match.kind === 'unknown' && match.suggestions[0]?.id, '1.3');
    });
  });

  describe('closestWord', () => {
    const known = ['status', 'saknas', 'hjalp', 'help', 'insatser', 'mina', 'ny'];
    const cases: Array<[string, string | undefined]> = [
      ['status', 'status'],
      ['STATUS', 'status'],
      ['hjälp', 'hjalp'],
      ['stauts', 'status'],
      ['statsu', 'status'],
      ['sakans', 'saknas'],
      ['saknsa', 'saknas'],
      ['insattser', 'insatser'],
      ['hjalpp', 'hjalp'],
      ['mian', undefined],
      ['minna', 'mina'],
      ['nu', undefined],
      ['stautsx', undefined],
      ['bananer', undefined],
      ['', undefined],
    ];
    for (const [word, expected] of cases) {
      it(`${JSON.stringify(word)} → ${String(expected)}`, () => {
        assert.equal(closestWord(word, known), expected);
      });
    }

    it('does not guess between two equally close words', () => {
      assert.equal(closestWord('hjelp', ['hjalp', 'help']), undefined);
      assert.equal(closestWord('hjelp', ['hjalp']), 'hjalp');
    });
  });
});
