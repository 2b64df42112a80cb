import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { may } from '../../src/domain/access.js';
import { parseCommand } from '../../src/domain/command.js';
import {
  commandCatalog,
  commandGroups,
  manifestCommands,
  manifestLimit,
  teamsScopes,
  usage,
  type Audience,
  type CommandKind,
} from '../../src/domain/commandCatalog.js';
import { locales } from '../../src/domain/locale.js';
import type { Plan } from '../../src/domain/plan.js';
import { angleBracketPlaceholder } from '../harness/teamsText.js';

/** Every kind of command the bot handles; the compiler fails here when command.ts gains or loses one. */
const kinds = {
  help: true,
  bind: true,
  measures: true,
  openRound: true,
  closeRound: true,
  status: true,
  missing: true,
  mine: true,
  history: true,
  addMeasure: true,
  editMeasure: true,
  retireMeasure: true,
  planMeeting: true,
  meetings: true,
  extend: true,
  decisions: true,
  followUpReport: true,
  review: true,
  summary: true,
  export: true,
  personalData: true,
  language: true,
} satisfies Record<CommandKind, true>;

const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;

describe('the command catalog', () => {
  it('has every command the bot handles, each id once', () => {
    assert.deepEqual([...new Set(commandCatalog.map((c) => c.kind))].sort(), Object.keys(kinds).sort());
    const ids = commandCatalog.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'unique ids');
    for (const locale of locales) {
      const usages = commandCatalog.map((c) => usage(c, locale));
      assert.equal(new Set(usages).size, usages.length, `unique usage in ${locale}`);
    }
    // Both parts of the personal data command, and the three ways to ask for status.
    assert.deepEqual(
      commandCatalog.filter((c) => c.kind === 'personalData').map((c) => c.id),
      ['personalData.export', 'personalData.erase'],
    );
    assert.deepEqual(
      commandCatalog.filter((c) => c.kind === 'status').map((c) => usage(c, 'sv')),
      ['status', 'status mål [nummer]', 'status [insats]'],
    );
  });

  it('has examples that the parser reads as the command, in their language', () => {
    for (const command of commandCatalog) {
      for (const locale of locales) {
        const parsed = parseCommand(command.example[locale]) as { kind: string; locale?: string };
        assert.equal(parsed.kind, command.kind, `${command.example[locale]} (${command.id})`);
        if (parsed.locale) assert.equal(parsed.locale, locale, command.example[locale]);
        assert.ok(
          command.example[locale].startsWith(command.words[locale]),
          `the example of ${command.id} starts with its words`,
        );
      }
    }
  });

  it('has command words that, typed alone as the manifest puts them, reach the command or ask for what is missing', () => {
    for (const command of commandCatalog) {
      for (const locale of locales) {
        const parsed = parseCommand(command.words[locale]) as { kind: string; locale?: string };
        if (parsed.kind === 'invalid') {
          assert.ok(
            command.argument,
            `${command.words[locale]} needs something after it, so it has a placeholder`,
          );
        } else {
          // `möte` alone lists the meetings; with a date it plans one: both are in the catalog.
          assert.ok(
            commandCatalog.some((c) => c.words[locale] === command.words[locale] && c.kind === parsed.kind),
            `${command.words[locale]} alone is ${parsed.kind}, which the catalog has under the same words`,
          );
        }
        if (parsed.locale) assert.equal(parsed.locale, locale, command.words[locale]);
      }
    }
  });

  it('writes placeholders in square brackets, never in angle brackets, which Teams drops', () => {
    for (const command of commandCatalog) {
      for (const locale of locales) {
        if (command.argument) assert.match(command.argument[locale], /^\[[^[\]]+\]( \[[^[\]]+\])*$/);
        for (const text of [usage(command, locale), command.description[locale], command.example[locale]]) {
          assert.doesNotMatch(text, angleBracketPlaceholder, `${command.id}: ${text}`);
        }
      }
    }
  });

  it('puts every command in a group, and every group has commands', () => {
    for (const group of commandGroups) {
      assert.ok(
        commandCatalog.some((c) => c.group === group.id),
        group.id,
      );
    }
    for (const command of commandCatalog) {
      assert.ok(
        commandGroups.some((g) => g.id === command.group),
        command.id,
      );
    }
  });

  it('says who may use each command as access.ts decides it (for the action samverkansBot asks about)', async () => {
    const agreement = await loadAgreementFile('agreements/example.yaml');
    const plan: Plan = { agreement, bindings: [] };
    const coordinator = { aadObjectId: id(20) }; // Alex Wilber, beredningsgrupp
    const member = { aadObjectId: id(24) }; // Patti Fernandez: working groups, owner of measures
    const outsider = { aadObjectId: id(99) };
    for (const command of commandCatalog) {
      const action = command.action;
      if (!action) {
        assert.equal(command.who, 'everyone', `${command.id} asks nothing, so everyone may use it`);
        continue;
      }
      const expected: Audience = may(plan, outsider, action)
        ? 'everyone'
        : may(plan, member, action)
          ? 'members'
          : 'coordinators';
      assert.equal(command.who, expected, command.id);
      assert.ok(may(plan, coordinator, action), `a coordinator may use ${command.id}`);
    }
  });

  it('chooses at most 10 commands a Teams scope for the manifest, among those that make sense there', () => {
    for (const command of commandCatalog) {
      assert.ok(command.scopes.length > 0, command.id);
      for (const scope of command.manifest)
        assert.ok(command.scopes.includes(scope), `${command.id} in ${scope}`);
    }
    for (const scope of teamsScopes) {
      for (const locale of locales) {
        const commands = manifestCommands(scope, locale);
        assert.ok(commands.length > 0 && commands.length <= manifestLimit, `${scope}: ${commands.length}`);
        assert.equal(
          new Set(commands.map((c) => c.title)).size,
          commands.length,
          `unique titles in ${scope}`,
        );
        for (const { title, description } of commands) {
          assert.ok(title.length <= 32, title);
          assert.ok(description.length <= 128, `${description} (${description.length})`);
        }
      }
      // Help and status everywhere; binding a channel only where there are channels.
      const titles = manifestCommands(scope, 'sv').map((c) => c.title);
      assert.ok(titles.includes('hjälp') && titles.includes('status'), scope);
      assert.equal(titles.includes('koppla'), scope === 'team', `koppla in ${scope}`);
    }
  });
});

describe('The table of commands in docs/commands.md', () => {
  /** The cells of a Markdown table row; `\|` is a pipe inside a cell. */
  const cells = (row: string) =>
    row
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replaceAll('\\|', '|'));

  it('lists every command of the catalog with its Swedish and English words and who may use it', async () => {
    const doc = await readFile('docs/commands.md', 'utf8');
    const start = doc.indexOf('## Every command');
    assert.ok(start >= 0, 'docs/commands.md has the section "Every command"');
    const lines = doc.slice(start).split('\n');
    const header = lines.findIndex((l) => l.startsWith('| Swedish'));
    assert.ok(header >= 0, 'the table is in the section "Every command"');
    assert.deepEqual(cells(lines[header] ?? ''), ['Swedish', 'English', 'Who', 'What it does']);
    const end = lines.findIndex((l, i) => i > header && !l.startsWith('|'));
    const rows = lines.slice(header + 2, end).map(cells);
    assert.deepEqual(
      rows.map(([sv, en, who]) => [sv, en, who]),
      commandCatalog.map((c) => [`\`${usage(c, 'sv')}\``, `\`${usage(c, 'en')}\``, c.who]),
    );
    for (const row of rows) assert.ok((row[3] ?? '').length > 0, `${row[0]} says what it does`);
  });
});
