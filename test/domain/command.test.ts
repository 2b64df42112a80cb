import assert from 'node:assert/strict';
import { parseCommand } from '../../src/domain/command.js';
import { normalizeForMatching } from '../../src/domain/wordMatching.js';

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
    [
      'personuppgifter Megan Bowen',
      { kind: 'personalData', locale: 'sv', intent: 'export', person: 'Megan Bowen' },
    ],
    ['Personuppgifer megan', { kind: 'personalData', locale: 'sv', intent: 'export', person: 'megan' }],
    [
      'personal data Megan.Bowen@Contoso.com',
      { kind: 'personalData', locale: 'en', intent: 'export', person: 'Megan.Bowen@Contoso.com' },
    ],
    [
      'PERSONAL-DATA 00000000-0000-0000-0000-0000000000021',
      {
        kind: 'personalData',
        locale: 'en',
        intent: 'export',
        person: '00000000-0000-0000-0000-0000000000021',
      },
    ],
    [
      'radera personuppgifter Åsa Öberg',
      { kind: 'personalData', locale: 'sv', intent: 'erase', person: 'Åsa Öberg' },
    ],
    ['Erase personal data  patti ', { kind: 'personalData', locale: 'en', intent: 'erase', person: 'patti' }],
    ['personuppgifter', { kind: 'invalid', locale: 'sv', problem: 'missingPerson' }],
    ['erase personal data', { kind: 'invalid', locale: 'en', problem: 'missingPerson' }],
    [`radera personuppgifter ${'x'.repeat(201)}`, { kind: 'invalid', locale: 'sv', problem: 'queryTooLong' }],
    // An erasure must be meant: a typo in "radera" is no command at all.
    ['radra personuppgifter megan', { kind: 'unknown' }],
    ['erase megan', { kind: 'unknown' }],
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
    assert.equal(normalizeForMatching('  Berednings-GRUPP!  '), 'berednings grupp');
    assert.equal(normalizeForMatching('Övergripande Målområde'), 'overgripande malomrade');
  });
});
