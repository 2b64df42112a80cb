import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { envSchema, loadConfig } from '../../src/config/env.js';
import { optionsFromEnv } from '../../src/tools/packageApp.js';
import { playgroundSettings } from '../../src/tools/playground.js';
import { readMarkdown, tableRows } from './markdown.js';

/** Every setting the bot reads: the keys of its environment schema. */
const botSettings = Object.keys(envSchema.shape);

/**
 * The names a tool reads from the environment it is given, found by handing it one that records every read. A
 * made-up value may be refused; what was read is what counts.
 */
function settingsReadBy(tool: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const read = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get(_target, name) {
        if (typeof name === 'string') read.add(name);
        return '00000000-0000-0000-0000-000000000000';
      },
    },
  );
  try {
    tool(env);
  } catch {
    // Refused: still read.
  }
  return [...read];
}

/** Settings only `npm run package` and `npm run playground` read, from the tools themselves. */
const toolSettings = [...new Set([...settingsReadBy(optionsFromEnv), ...settingsReadBy(playgroundSettings)])]
  .filter((name) => !botSettings.includes(name))
  .sort();

const allSettings = [...botSettings, ...toolSettings].sort();

/** What a setting is when it is not set, if the schema gives it a value of its own. */
function schemaDefault(name: string): string | undefined {
  const field = envSchema.shape[name as keyof typeof envSchema.shape];
  const parsed = field.safeParse(undefined);
  const value: unknown = parsed.success ? parsed.data : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `.env.example` as name → value, failing on a line that is neither a comment nor `NAME=value`. */
async function envExample(): Promise<Map<string, string>> {
  const settings = new Map<string, string>();
  const lines = (await readFile('.env.example', 'utf8')).split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    assert.ok(match, `.env.example line ${i + 1} is a comment or NAME=value: ${line}`);
    const [, name = '', value = ''] = match;
    assert.ok(!settings.has(name), `.env.example sets ${name} once`);
    settings.set(name, value);
  });
  return settings;
}

/** The rows of docs/configuration.md's settings tables, as setting → default cell, one setting a row. */
async function configurationTable(): Promise<Map<string, string>> {
  const rows = tableRows(await readMarkdown('docs/configuration.md'), ['Setting', 'Default', 'Meaning']);
  const settings = new Map<string, string>();
  for (const [setting = '', defaultCell = '', meaning = ''] of rows) {
    const match = /^`([A-Za-z_][A-Za-z0-9_]*)`$/.exec(setting);
    assert.ok(match, `one setting per row, in backticks: ${setting}`);
    const name = match[1] ?? '';
    assert.ok(!settings.has(name), `docs/configuration.md lists ${name} once`);
    assert.ok(defaultCell !== '', `${name} has a default, or – for none`);
    assert.ok(meaning !== '', `${name} says what it means`);
    settings.set(name, defaultCell);
  }
  return settings;
}

describe('the settings in .env.example and docs/configuration.md', () => {
  it('finds the settings of the bot and of its tools', () => {
    assert.ok(botSettings.length > 20, `${botSettings.length} settings in the schema`);
    // The tools read the bot's own PORT, DATA_DIR and MicrosoftAppId too; these are theirs alone.
    assert.ok(toolSettings.length > 0 && toolSettings.includes('PLAYGROUND_PORT'), toolSettings.join(', '));
  });

  it('.env.example has a NAME= line for every setting, and none the schema and tools do not know', async () => {
    assert.deepEqual([...(await envExample()).keys()].sort(), allSettings);
  });

  it(".env.example's values are empty or the schema's defaults, and make a valid configuration", async () => {
    const example = await envExample();
    for (const name of botSettings) {
      const value = example.get(name) ?? '';
      if (value !== '') assert.equal(value, schemaDefault(name), `${name} in .env.example`);
    }
    assert.doesNotThrow(() => loadConfig(Object.fromEntries(example)));
    assert.doesNotThrow(() => playgroundSettings(Object.fromEntries(example)));
  });

  it('docs/configuration.md has a row for every setting, and none the schema and tools do not know', async () => {
    assert.deepEqual([...(await configurationTable()).keys()].sort(), allSettings);
  });

  it("docs/configuration.md gives the schema's default for every setting that has one", async () => {
    const table = await configurationTable();
    for (const name of botSettings) {
      const value = schemaDefault(name);
      if (value !== undefined) assert.equal(table.get(name), `\`${value}\``, `the default of ${name}`);
    }
  });
});
