import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { linkTargets, readMarkdown } from './markdown.js';

/** A link that leaves the repository: a scheme such as https: or mailto:. */
const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('the README as the front door', () => {
  it('is at most 10 KB', () => {
    const size = statSync('README.md').size;
    assert.ok(size <= 10 * 1024, `README.md is ${size} bytes`);
  });

  it('links to every document in docs/', async () => {
    const linked = new Set(
      linkTargets(await readMarkdown('README.md'))
        .filter((t) => !external(t))
        .map((t) => path.normalize(t.split('#')[0] ?? '')),
    );
    const docs = (await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
    assert.deepEqual(
      docs.filter((doc) => !linked.has(doc)),
      [],
    );
  });
});
