/**
 * Stages what the web app runs into build/webapp: the compiled bot (dist/), the cards and agreements it reads at
 * run time, and package.json with its lock file, so that `npm ci --omit=dev` there installs only what production
 * needs (no TypeScript, Azurite, test or lint tools). Run from the repository root after `npm run build`:
 *
 *   node infra/stageWebApp.mjs && npm ci --omit=dev --omit=optional --no-audit --no-fund --prefix build/webapp
 *
 * m365agents.yml's deploy stage does the same before it zip-deploys build/webapp; docs/deployment.md shows the
 * plain `az` way. Nothing else goes to Azure: no source, no tests, no .env.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';

/** What the web app needs besides its production node_modules, relative to the repository root. */
const stagedEntries = ['package.json', 'package-lock.json', 'dist', 'cards', 'agreements'];

const root = process.cwd();
const out = path.join(root, 'build', 'webapp');

function fail(message) {
  console.error(message);
  process.exit(1);
}

if (!existsSync(path.join(root, 'dist', 'index.js'))) {
  fail('dist/index.js is missing: run `npm run build` first (from the repository root).');
}
for (const entry of stagedEntries) {
  if (!existsSync(path.join(root, entry))) fail(`${entry} is missing: run this from the repository root.`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const entry of stagedEntries) {
  cpSync(path.join(root, entry), path.join(out, entry), { recursive: true });
}
console.log(`Web app staged in ${path.relative(root, out)}: ${stagedEntries.join(', ')}`);
