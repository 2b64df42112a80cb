import assert from 'node:assert/strict';
import { normalizeForMatching, parseCommand } from '../../src/domain/command.js';

describe('commands typed to the bot', () => {
  const cases: Array<[unknown, unknown]> = [
    ['hjälp', { kind: 'help', locale: 'sv' }],
    ['  Hjalp ', { kind: 'help', locale: 'sv' }],
    ['HELP', { kind: 'help', locale: 'en' }],
    ['insatser', { kind: 'measures', locale: 'sv' }],
    ['measures', { kind: 'measures', locale: 'en' }],
    ['koppla styrgrupp', { kind: 'bind', locale: 'sv', group: 'styrgrupp' }],
    ['bind EST-Fördjupning', { kind: 'bind', locale: 'en', group: 'est fordjupning' }],
    ['koppla', { kind: 'invalid', locale: 'sv', problem: 'missingGroup' }],
    [`koppla ${'x'.repeat(101)}`, { kind: 'invalid', locale: 'sv', problem: 'groupTooLong' }],
    ['hej', { kind: 'unknown' }],
    ['', { kind: 'unknown' }],
    ['x'.repeat(4001), { kind: 'unknown' }],
    [42, { kind: 'unknown' }],
    [undefined, { kind: 'unknown' }],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(typeof text === 'string' ? text.slice(0, 30) : text)}`, () => {
      assert.deepEqual(parseCommand(text), expected);
    });
  }

  it('matches regardless of case, diacritics, dashes and punctuation', () => {
    assert.equal(
      normalizeForMatching('  Berednings-GRUPP!  '),
      'beredningsgrupp'.replace('sgrupp', 's grupp'),
    );
    assert.equal(normalizeForMatching('Övergripande Målområde'), 'overgripande malomrade');
  });
});
