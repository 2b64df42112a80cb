import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { headingAnchors, linkTargets, readMarkdown } from './markdown.js';

/** The README, everything in docs/ and the agreement format. */
async function documents(): Promise<string[]> {
  const docs = (await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
  return ['README.md', ...docs.sort(), 'agreements/README.md'];
}

/** A link that leaves the repository: a scheme such as https: or mailto:. */
const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('links in the README and docs/', () => {
  it('finds the links', async () => {
    const readmeLinks = linkTargets(await readMarkdown('README.md')).filter((t) => !external(t));
    assert.ok(readmeLinks.length >= 10, readmeLinks.join(', '));
  });

  it('points every relative link at a file that exists, and at a heading that exists in it', async () => {
    const problems: string[] = [];
    for (const file of await documents()) {
      for (const target of linkTargets(await readMarkdown(file))) {
        if (external(target)) continue;
        const [pathPart = '', anchor] = target.split('#', 2);
        const resolved = pathPart === '' ? file : path.join(path.dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(resolved)) {
          problems.push(`${file}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) continue;
        if (!headingAnchors(await readMarkdown(resolved)).has(decodeURIComponent(anchor))) {
          problems.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
