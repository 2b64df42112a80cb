import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cardFields, renderCard, type CardData, type CardName } from '../../src/features/shared/cards.js';
import { checkInFormView, checkInReadView } from '../../src/features/checkIns/checkInViews.js';
import {
  helpView,
  measuresView,
  noticeView,
  personalDataFacts,
  personalDataView,
  welcomeView,
} from '../../src/features/shared/views.js';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { draftFrom } from '../../src/domain/checkInSubmission.js';
import type { Plan } from '../../src/domain/plan.js';
import type { Report } from '../../src/domain/report.js';
import {
  channelMessage,
  newChannel,
  personalInstall,
  personalMessage,
  users,
} from '../harness/activities.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * A card template may only bind what its view gives: a field bound in `cards/*.json` that no view fills stays
 * as `${field}` in the card Teams shows. `renderCard` asks each view for the fields `cardFields` lists (a view
 * without one does not compile); these tests hold the lists to the templates.
 */

const cardsDir = fileURLToPath(new URL('../../cards/', import.meta.url));
const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const timeZone = 'Europe/Stockholm';
const names = ['true', 'false', 'null', 'if', 'exists', 'count', 'json', 'string', 'not', 'and', 'or'];

/** The names an expression reads from its scope: identifiers not after a dot, not called, outside quotes. */
function namesIn(expression: string): string[] {
  const bare = expression.replace(/'[^']*'|"[^"]*"/g, "''");
  return [...bare.matchAll(/(?<![.\w$])([A-Za-z_]\w*)(?!\w|\s*\()/g)]
    .map((m) => m[1] as string)
    .filter((n) => !names.includes(n));
}

/** The root-level fields a template binds: its `${…}` expressions outside the `$data` scopes (repeats). */
function rootBindings(template: unknown): Set<string> {
  const found = new Set<string>();
  const expressions = (text: string) =>
    [...text.matchAll(/\$\{([^}]*)\}/g)].forEach((m) => namesIn(m[1] as string).forEach((n) => found.add(n)));
  const walk = (node: unknown): void => {
    if (typeof node === 'string') return expressions(node);
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    // An object with `$data` is a new scope: only its `$data` reads the root.
    if ('$data' in object) return walk(object.$data);
    Object.values(object).forEach(walk);
  };
  walk(template);
  return found;
}

/** Every string in a rendered card that still holds an unexpanded binding. */
function unexpanded(card: unknown): string[] {
  if (typeof card === 'string') return card.includes('${') ? [card] : [];
  if (Array.isArray(card)) return card.flatMap(unexpanded);
  if (card !== null && typeof card === 'object') return Object.values(card).flatMap(unexpanded);
  return [];
}

const templateNames = readdirSync(cardsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

describe('card templates bind only what their views give', () => {
  let plan: Plan;
  /**
   * Data built by the real view functions, for each template that has one (the others are built inside the
   * bot's answers, and checked by what the bot sends below).
   */
  let views: Partial<Record<CardName, object[]>>;

  before(async () => {
    const agreement = await loadAgreementFile(examplePath);
    plan = { agreement, bindings: [] };
    const measure = agreement.measures[0];
    assert.ok(measure);
    const round = { id: 'q2', label: '2021 kvartal 2' };
    const latest: Report = {
      agreementId: agreement.id,
      measureId: measure.id,
      roundId: round.id,
      submitId: '0b6c1f0e-5a43-4d3f-9b1e-2f6d8c7a9e10',
      status: 'atRisk',
      narrative: 'Lägesbilden tas fram varje vecka.',
      obstacles: '',
      nextStep: '',
      needsSteeringDecision: false,
      revision: 1,
      reportedBy: { aadObjectId: users.megan.aadObjectId, name: users.megan.name },
      reportedAt: '2021-05-04T07:15:00Z',
    };
    const context = { locale: 'sv' as const, timeZone, plan, round, measure };
    views = {
      welcome: [
        welcomeView('sv', { name: agreement.title, area: agreement.cooperationArea }, true),
        welcomeView('en', undefined, false),
      ],
      help: [
        helpView('sv', plan, { coordinator: true }),
        helpView('en', plan, { channelId: 'c', coordinator: false }),
      ],
      measures: [measuresView('sv', plan)],
      notice: [noticeView('Titel', 'Text')],
      personalData: [
        personalDataView({ title: 'Titel' }),
        personalDataView({
          title: 'Titel',
          intro: 'Intro',
          facts: personalDataFacts('sv', { reports: 2 } as never),
          lines: ['En rad'],
          note: 'Not',
          buttons: [{ title: 'Ta bort', verb: 'erase', data: { who: 'x' } }],
        }),
      ],
      checkInForm: [
        checkInFormView({ ...context, latest: undefined, draft: draftFrom(undefined), submitId: 's' }),
        checkInFormView({
          ...context,
          latest,
          draft: draftFrom(latest),
          submitId: 's',
          notice: { tone: 'good', text: 'Sparad' },
        }),
        checkInFormView({
          ...context,
          latest,
          draft: draftFrom(latest),
          submitId: 's',
          decisions: [{ id: 'd-1', text: 'Trygghetsvandringarna utökas till Runby.' }],
        }),
      ],
      checkInView: [
        checkInReadView({ ...context, latest: undefined }),
        checkInReadView({ ...context, latest }),
      ],
    };
  });

  it('knows every template, and renderCard knows the same ones', () => {
    assert.deepEqual([...templateNames].sort(), Object.keys(cardFields).sort());
  });
  for (const name of Object.keys(cardFields) as CardName[]) {
    it(`${name}: renderCard asks its view for exactly the root-level fields the template binds`, () => {
      const template: unknown = JSON.parse(readFileSync(`${cardsDir}${name}.json`, 'utf8'));
      assert.deepEqual(
        [...rootBindings(template)].sort(),
        [...cardFields[name]].sort(),
        `cards/${name}.json`,
      );
    });
  }
  // The cards whose data a view function builds; the others are built inside the bot's services and checked
  // through what the bot sends below.
  const withViews = [
    'welcome',
    'help',
    'measures',
    'notice',
    'personalData',
    'checkInForm',
    'checkInView',
  ] as const;
  for (const name of withViews) {
    it(`${name}: its views fill every binding`, () => {
      const samples = views[name];
      assert.ok(samples, `a view for ${name}`);
      for (const sample of samples) {
        assert.deepEqual(
          unexpanded(renderCard(name, sample as CardData<typeof name>)),
          [],
          `cards/${name}.json`,
        );
      }
    });
  }

  it('finds root bindings outside repeats and not inside them', () => {
    const bound = rootBindings({
      body: [
        { type: 'TextBlock', text: '${title}', $when: "${note != ''}" },
        { $data: '${items}', type: 'TextBlock', text: '${label}' },
        { type: 'TextBlock', text: "${if(flag, 'a', other.name)}" },
      ],
    });
    assert.deepEqual([...bound].sort(), ['flag', 'items', 'note', 'other', 'title']);
  });
});

describe('cards the bot sends have no unexpanded bindings (over HTTP, Azurite)', () => {
  let bot: TestBot;

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date('2021-05-20T08:30:00Z'),
    });
  });
  after(async () => {
    await bot?.close();
  });

  it('welcome, help, measures, status, measure form, meeting summary, personal data and notices', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    const channel = newChannel();
    await bot.post(personalInstall('installationUpdate', { serviceUrl, conversationId: 'a:alex-chat' }));
    await bot.post(channelMessage('koppla beredningsgrupp', channel, { serviceUrl }));
    for (const text of [
      'hjälp',
      'insatser',
      'status',
      'ny insats',
      'ändra 1.2',
      'sammanfattning',
      'personuppgifter',
      `personuppgifter ${users.megan.name}`,
      'halvtid',
      'ett kommando som inte finns',
    ]) {
      await bot.post(personalMessage(text, { serviceUrl, from: users.alex, locale: 'sv-SE' }));
      await bot.post(channelMessage(text, channel, { serviceUrl, from: users.alex, locale: 'sv-SE' }));
    }
    const cards = bot.connector.cards();
    assert.ok(cards.length >= 10, `${cards.length} cards`);
    assert.deepEqual(cards.flatMap(unexpanded), []);
  });
});
