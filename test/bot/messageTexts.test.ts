import assert from 'node:assert/strict';
import { messagesFor } from '../../src/features/shared/messages.js';
import { locales } from '../../src/domain/locale.js';
import { angleBracketPlaceholder, asTeamsShows } from '../harness/teamsText.js';

/** Arguments to try a text function with; a function must accept one of these sets without throwing. */
const argumentSets: unknown[][] = [
  Array(6).fill('Frida'),
  Array(6).fill(0),
  Array(6).fill(1),
  Array(6).fill(2),
  Array(6).fill(['2021 kvartal 1']),
  Array(6).fill(['2021 kvartal 1', '2021 kvartal 2']),
];

/** Every text in a catalog of messages, with its path; functions are called with each set they accept. */
function texts(node: unknown, path = ''): Array<{ path: string; text: string }> {
  if (typeof node === 'string') return [{ path, text: node }];
  if (typeof node === 'function') {
    const outputs = argumentSets.flatMap((args) => {
      try {
        return texts((node as (...a: unknown[]) => unknown)(...args), path);
      } catch {
        return [];
      }
    });
    assert.ok(outputs.length > 0, `${path} could be called with one of the test's argument sets`);
    return outputs;
  }
  if (Array.isArray(node)) return node.flatMap((n, i) => texts(n, `${path}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => texts(value, path ? `${path}.${key}` : key));
  }
  return [];
}

describe('what the bot says', () => {
  for (const locale of locales) {
    it(`has no placeholder in angle brackets, which Teams would drop (${locale})`, () => {
      const all = texts(messagesFor(locale));
      assert.ok(all.length > 300, `${all.length} texts`);
      const vanishing = new Map(
        all.filter(({ text }) => angleBracketPlaceholder.test(text)).map(({ path, text }) => [path, text]),
      );
      assert.deepEqual(
        [...vanishing].map(([path, text]) => `${path}: ${text}`),
        [],
      );
    });
  }

  it('tells how to bind a channel with the placeholder still there once Teams has rendered it', () => {
    assert.match(asTeamsShows(messagesFor('sv').bindOnlyInChannel), /skriv koppla \[grupp\]\.$/);
    assert.match(asTeamsShows(messagesFor('en').bindOnlyInChannel), /type bind \[group\]\.$/);
    assert.match(asTeamsShows(messagesFor('sv').steering.noMeeting), /möte \[ÅÅÅÅ-MM-DD\]\.$/);
    assert.match(
      asTeamsShows(messagesFor('sv').personalData.missingPerson),
      /personuppgifter \[namn eller e-post\]/,
    );
  });
});
