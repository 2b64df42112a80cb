import assert from 'node:assert/strict';
import { renderCard } from '../../src/features/shared/cards.js';
import { helpView } from '../../src/features/shared/views.js';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import {
  commandCatalog,
  commandGroups,
  usage,
  type CatalogCommand,
} from '../../src/domain/commandCatalog.js';
import { locales, type Locale } from '../../src/domain/locale.js';
import type { Plan } from '../../src/domain/plan.js';
import { cardText } from '../harness/connector.js';
import { angleBracketPlaceholder, asTeamsShows } from '../harness/teamsText.js';

/** What a person reads on the help card: each group's heading with its commands, as Teams renders them. */
function helpSections(card: unknown): Array<{ heading: string; commands: string[]; descriptions: string[] }> {
  const sections: Array<{ heading: string; commands: string[]; descriptions: string[] }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as { type?: string; items?: unknown[] };
    if (element.type === 'Container' && Array.isArray(element.items)) {
      const [heading, facts] = element.items as Array<{
        type?: string;
        text?: string;
        facts?: Array<{ title: string; value: string }>;
      }>;
      if (heading?.type === 'TextBlock' && facts?.type === 'FactSet') {
        sections.push({
          heading: asTeamsShows(heading.text ?? ''),
          commands: (facts.facts ?? []).map((f) => asTeamsShows(f.title)),
          descriptions: (facts.facts ?? []).map((f) => asTeamsShows(f.value)),
        });
        return;
      }
    }
    Object.values(element).forEach(visit);
  };
  visit(card);
  return sections;
}

/** The sections a person should see: the catalog's groups, in order, with the commands they may use. */
function expectedSections(locale: Locale, shown: (c: CatalogCommand) => boolean) {
  return commandGroups
    .map((group) => ({
      heading: group.title[locale],
      commands: commandCatalog.filter((c) => c.group === group.id && shown(c)).map((c) => usage(c, locale)),
    }))
    .filter((s) => s.commands.length > 0);
}

describe('the help card', () => {
  let plan: Plan;
  before(async () => {
    plan = { agreement: await loadAgreementFile('agreements/example.yaml'), bindings: [] };
  });
  const card = (locale: Locale, coordinator: boolean) =>
    renderCard('help', helpView(locale, plan, { channelId: '19:help@thread.tacv2', coordinator }));

  for (const locale of locales) {
    it(`shows someone who is not a coordinator every command they may use, grouped, with visible placeholders (${locale})`, () => {
      const sections = helpSections(card(locale, false));
      assert.deepEqual(
        sections.map(({ heading, commands }) => ({ heading, commands })),
        expectedSections(locale, (c) => c.who !== 'coordinators'),
      );
      const text = cardText(card(locale, false)).join('\n');
      for (const command of commandCatalog.filter((c) => c.who === 'coordinators')) {
        assert.ok(!sections.some((s) => s.commands.includes(usage(command, locale))), command.id);
      }
      assert.doesNotMatch(text, locale === 'sv' ? /samordnare/ : /coordinator/);
    });

    it(`shows a coordinator every command, the coordinators' own marked (${locale})`, () => {
      const sections = helpSections(card(locale, true));
      assert.deepEqual(
        sections.map(({ heading, commands }) => ({ heading, commands })),
        expectedSections(locale, () => true),
      );
      const marker = locale === 'sv' ? '(bara samordnare)' : '(coordinators only)';
      for (const section of sections) {
        section.commands.forEach((shown, i) => {
          const command = commandCatalog.find((c) => usage(c, locale) === shown);
          assert.ok(command, shown);
          const description = section.descriptions[i] ?? '';
          assert.ok(description.startsWith(command.description[locale]), shown);
          assert.equal(
            description.endsWith(marker),
            command.who === 'coordinators',
            `${shown}: ${description}`,
          );
        });
      }
    });

    it(`reads in Teams as written: no placeholder in angle brackets (${locale})`, () => {
      for (const coordinator of [false, true]) {
        for (const text of cardText(card(locale, coordinator))) {
          assert.doesNotMatch(text, angleBracketPlaceholder, text);
        }
      }
    });
  }

  it('names the groups to bind to for coordinators only, who are the ones who can bind', () => {
    const coordinator = cardText(card('sv', true)).join('\n');
    const member = cardText(card('sv', false)).join('\n');
    assert.match(
      coordinator,
      /Grupper att koppla: Strategiskt samverkansforum \(styrgrupp\), Beredningsgrupp/,
    );
    assert.doesNotMatch(member, /Grupper att koppla/);
    assert.match(member, /inte kopplad till någon grupp/);
  });

  it("stays well under Teams' 28 KB limit for a message", () => {
    for (const locale of locales) {
      const bytes = Buffer.byteLength(JSON.stringify(card(locale, true)), 'utf8');
      assert.ok(bytes < 16 * 1024, `${bytes} bytes`);
    }
  });
});
