import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src');

/**
 * The folders of src/ from the bottom up (docs/architecture.md): a file may import from its own folder and the
 * ones below it, never from one above. Files directly in src/ (the process entry, the composition root, the HTTP
 * server) and the tools stand on top of everything.
 */
const layers = ['domain', 'platform', 'config', 'storage', 'scheduling', 'features', 'teams'] as const;
const layerOf = (file: string): number => {
  const [folder] = relative(src, file).split('/');
  const index = layers.indexOf(folder as (typeof layers)[number]);
  return index >= 0 ? index : layers.length;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/** Every module a file imports, `import type` and `import()` included, as written. */
const importsOf = (file: string): string[] => {
  const text = readFileSync(file, 'utf8');
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((match) => match[1] ?? '');
};

const files = sourceFiles(src);
const graph = new Map(
  files.map((file) => [
    file,
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts'))),
  ]),
);
const name = (file: string) => relative(root, file);

describe('the shape of src/: Teams only at the edge, no import upwards, no cycles', () => {
  it('resolves every relative import to a file of src/', () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${name(file)} → ${name(target)}`),
    );
    assert.deepEqual(missing, []);
  });

  it('imports botbuilder only in src/teams/', () => {
    const outside = files
      .filter((file) => layers[layerOf(file)] !== 'teams')
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(botbuilder|botframework-)/.test(spec))
          .map((spec) => `${name(file)} imports ${spec}`),
      );
    assert.deepEqual(outside, []);
  });

  it('keeps the domain pure: no I/O, no SDK', () => {
    const allowed = new Set(['zod', 'luxon', 'fastest-levenshtein']);
    const impure = files
      .filter((file) => layers[layerOf(file)] === 'domain')
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => !spec.startsWith('.') && !allowed.has(spec))
          .map((spec) => `${name(file)} imports ${spec}`),
      );
    assert.deepEqual(impure, []);
  });

  it('never imports from a folder above', () => {
    const upwards = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => layerOf(target) > layerOf(file))
        .map((target) => `${name(file)} → ${name(target)}`),
    );
    assert.deepEqual(upwards, []);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components: any component of more than one file is a cycle.
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (file: string) => {
      index.set(file, next);
      low.set(file, next);
      next++;
      stack.push(file);
      onStack.add(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          visit(target);
          low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
        } else if (onStack.has(target)) {
          low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
        }
      }
      if (low.get(file) === index.get(file)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(name(member));
        } while (member !== file);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const file of files) if (!index.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });
});
