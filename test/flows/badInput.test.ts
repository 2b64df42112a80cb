import assert from 'node:assert/strict';
import fc from 'fast-check';
import { messagesFor } from '../../src/features/shared/messages.js';
import { parseCommand } from '../../src/domain/command.js';
import { localeOfCard } from '../../src/teams/cardStamp.js';
import { localeFrom, type Locale } from '../../src/domain/locale.js';
import { tableNames, type TableName } from '../../src/storage/tableStore.js';
import { fixture, users, type Activity, type ChannelPlace, type TeamsUser } from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * Generated and mutated activities and card payloads, sent over HTTP to the real server with real storage: the
 * bot never answers 500, answers every person who can be answered with a message in their language, and changes
 * nothing in the plan, the rounds, the reports, the audit log or the scheduled jobs.
 *
 * Activities whose Bot Framework envelope was broken on purpose (fields Teams always sends left out or of the
 * wrong type) are either refused with 400, nothing sent (src/teams/teamsEnvelope.ts: what no answer can be
 * addressed without), or answered like any other: never "something went wrong", and a card button never a 501.
 *
 * The senders are people who may not change anything (strangers, and Patti, who owns measures 2.1 and 2.2 but is
 * no coordinator), sending anything, valid forms included; and those who may, Alex (a coordinator who owns
 * measures too) and Patti, only with forms that are valid but for one to three breakages, each enough on its own
 * to make the form unsavable. Remove any one check and some form gets saved, which fails the test.
 *
 * Requests go 50 at a time over keep-alive connections; a batch is one fast-check run. A failure names the
 * activity and the seed; FUZZ_SEED=<n> replays the run, and FUZZ_SHRINK=1 also shrinks the failing activity to
 * a smallest one (minutes: every step sends a batch again).
 */
const tenantId = '00000000-0000-0000-0000-0000000000001';
const batchSize = 50;
/** Batches per property; with `batchSize` and the four properties below, 10,000 requests or more in all. */
const runs = { messages: 60, cardActions: 80, envelopes: 50, otherTypes: 12 };

/** The example agreement's measures, and which of them Alex (a coordinator) and Patti own. */
const allMeasureIds = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3'];
const ownedBy: Record<string, string[]> = {
  [users.alex.aadObjectId]: ['1.1', '1.2', '2.1', '3.2', '3.3'],
  [users.patti.aadObjectId]: ['2.1', '2.2'],
};

/** Tables that bad input must leave alone (conversation references are refreshed by every activity on purpose). */
const guardedTables: TableName[] = [
  tableNames.plan,
  tableNames.reports,
  tableNames.rounds,
  tableNames.audit,
  tableNames.jobs,
  tableNames.decisions,
];

// ---------------------------------------------------------------------------------------------------------------
// What a person may type or a card may carry

const stranger: fc.Arbitrary<TeamsUser> = fc
  .uuid()
  .map((id) => ({ id: `29:${id}`, name: 'Okänd Person', aadObjectId: id }));
/** People who can change nothing whatever they send. */
const powerless = fc.oneof(stranger, fc.constant(users.patti));

const teamsLocale = fc.oneof(
  {
    arbitrary: fc.constantFrom('sv-SE', 'en-US', 'en-GB', 'sv', 'EN', 'en_us', 'fi-FI', 'de-DE', ''),
    weight: 5,
  },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const awkwardUnits = [
  'a',
  'å',
  'Ä ',
  '😀',
  '👩‍👩‍👧',
  '\u202e',
  '\u200b',
  '\u0000',
  '\ud800',
  '<at>x</at>',
  '${title}',
  '{{x}}',
  '"',
  '\\',
  '\n',
  'ﷺ',
  'ｈ',
];
/** Far beyond what Teams lets a person send (about 28 KB); some beyond the server's 256 KB limit, refused with 413. */
const hugeText = fc
  .tuple(fc.constantFrom(...awkwardUnits), fc.integer({ min: 2_000, max: 60_000 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const anyText = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 2 },
  { arbitrary: fc.constantFrom(...awkwardUnits), weight: 1 },
  { arbitrary: hugeText, weight: 1 },
);

const commandWords = [
  'hjälp',
  'help',
  'HJALP',
  'koppla',
  'bind',
  'insatser',
  'measures',
  'status',
  'status mål 2',
  'status goal 9',
  'status 1.2',
  'status 1,2',
  'stauts',
  'saknas',
  'missing',
  'mina',
  'mine',
  'historik',
  'history 2.1',
  'ändra 1.1',
  'edit',
  'avsluta 3.3',
  'retire',
  'möte 2021-11-25 13:00',
  'meeting 2031-13-45',
  'exportera',
  'export september',
  'personuppgifter Alex Wilber',
  'radera personuppgifter patti',
  'erase personal data 00000000-0000-0000-0000-0000000000024',
  'ny insats',
  'new measure',
  'ny runda',
  'new round',
  'stäng runda',
  'close round',
];
const messageText = fc.oneof(
  { arbitrary: anyText, weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...commandWords), anyText)
      .map(([command, rest]) => `${command} ${rest}`),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(...commandWords),
        fc.constantFrom('<p>', '&nbsp;', '<at>Samverkansbot</at>', '\t'),
      )
      .map(([command, noise]) => `${noise}${command}${noise}`),
    weight: 1,
  },
  { arbitrary: fc.constantFrom('', ' ', '<at>Test Bot</at>', '&nbsp;', 'help'.repeat(2000)), weight: 1 },
);

/** Any JSON at all, the shapes a tampered or outdated card could carry. */
const json = fc.jsonValue({ maxDepth: 3 });
const wrongType = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(json, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }),
);
const anyValue = fc.oneof({ arbitrary: anyText, weight: 2 }, { arbitrary: wrongType, weight: 2 });

// ---------------------------------------------------------------------------------------------------------------
// Card payloads

const knownVerbs = [
  'checkIn.submit',
  'checkIn.refresh',
  'measure.save',
  'status.page',
  'status.measure',
  'personalData.choose',
  'personalData.erase',
  'recordDecision',
  'completeDecision',
  'changeDecision',
  'newDecision',
  'listDecisions',
];
const verb = fc.oneof(
  { arbitrary: fc.constantFrom(...knownVerbs), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      'CHECKIN.SUBMIT',
      'checkIn.submit ',
      'measure.delete',
      'round.close',
      '',
      'constructor',
      '__proto__',
      'toString',
    ),
    weight: 1,
  },
  { arbitrary: anyValue, weight: 1 },
);

/** What one breakage does to a form: fields set to values the form must refuse, or a field left out. */
type Breakage = { fields: Record<string, unknown> } | { field: string; removed: true };

const set = (field: string, values: fc.Arbitrary<unknown>): fc.Arbitrary<Breakage> =>
  values.map((value) => ({ fields: { [field]: value } }));
const removed = (field: string): fc.Arbitrary<Breakage> => fc.constant({ field, removed: true as const });
const longer = (min: number, max: number) => fc.integer({ min, max }).map((n) => 'x'.repeat(n));
/** Values of no JSON type a form field has (no text, no number that could be read as one). */
const noFieldType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.array(json, { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 2 }),
);

function broken(
  valid: fc.Arbitrary<Record<string, unknown>>,
  breakages: Array<fc.Arbitrary<Breakage>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(valid, fc.array(fc.oneof(...breakages), { minLength: 1, maxLength: 3 }))
    .map(([data, breaks]) => {
      const result = { ...data };
      for (const b of breaks) {
        if ('removed' in b) delete result[b.field];
        else Object.assign(result, b.fields);
      }
      return result;
    });
}

const shortText = fc.string({ unit: 'grapheme', maxLength: 60 });
/** Text a person may write where text is asked for: never blank. */
const someText = shortText.map((s) => `Läget ${s}`);

/** A check-in form filled in as the card would send it, for `measureId` in the open round. */
function checkInForm(roundId: string, measureIds: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    roundId: fc.constant(roundId),
    measureId: fc.constantFrom(...measureIds),
    baseRevision: fc.constantFrom(0, '0'),
    submitId: fc.uuid(),
    status: fc.constantFrom('notStarted', 'onTrack', 'atRisk', 'delayed', 'done', 'cancelled'),
    narrative: someText,
    obstacles: fc.oneof(fc.constant(''), shortText),
    nextStep: fc.oneof(fc.constant(''), shortText),
    indicatorValue: fc.constantFrom('', '12', '12,5', ' 7 ', 3),
    needsSteeringDecision: fc.constantFrom(true, false, 'true', 'false'),
  });
}

/** Each is enough on its own to make a check-in unsavable. */
const checkInBreakages = [
  set('narrative', fc.oneof(fc.constantFrom('', ' ', '\n\t ', '\u00a0'), noFieldType, longer(2001, 5000))),
  removed('narrative'),
  set('status', fc.oneof(fc.constantFrom('', 'ONTRACK', 'klar', 'onTrack '.repeat(20)), noFieldType)),
  removed('status'),
  set('obstacles', fc.oneof(longer(2001, 5000), noFieldType)),
  set('nextStep', fc.oneof(longer(1001, 3000), noFieldType)),
  set(
    'indicatorValue',
    fc.oneof(fc.constantFrom('tolv', 'Infinity', '1e400', '12abc', '1,2,3'), noFieldType),
  ),
  set('roundId', fc.oneof(fc.constantFrom('', 'okänd-runda', 'x'.repeat(101)), noFieldType)),
  removed('roundId'),
  set('measureId', fc.oneof(fc.constantFrom('9.9', '1.1.1', '1', ''), noFieldType)),
  set('baseRevision', fc.constantFrom(-1, 'x', 1.5, 2_000_000, {})),
  set('submitId', fc.oneof(fc.constantFrom('', 'kort', 'x'.repeat(101)), noFieldType)),
  removed('submitId'),
  set('needsSteeringDecision', fc.constantFrom('yes', 1, 0, null, 'TRUE', {})),
];

/** A check-in as `from` would send it: unsavable, or savable but for a measure they do not own. */
function checkInPress(roundId: string, from: TeamsUser): fc.Arbitrary<Record<string, unknown>> {
  const owns = ownedBy[from.aadObjectId] ?? [];
  const others = allMeasureIds.filter((id) => !owns.includes(id));
  return fc.oneof(
    broken(checkInForm(roundId, allMeasureIds), checkInBreakages),
    checkInForm(roundId, others),
  );
}

/** A new measure filled in as the card would send it. */
const measureForm: fc.Arbitrary<Record<string, unknown>> = fc.record({
  mode: fc.constant('add'),
  title: someText,
  description: fc.oneof(fc.constant(''), shortText),
  goalArea: fc.constantFrom('1', '2', '3'),
  ownerOrganisation: fc.constantFrom('kommun', 'polis', 'gemensam'),
  workingGroup: fc.constantFrom('', 'est-strategisk', 'est-fordjupning'),
  owners: fc.constantFrom(users.alex.aadObjectId, `${users.alex.aadObjectId},${users.patti.aadObjectId}`),
  cadence: fc.constantFrom('monthly', 'quarterly', 'beforeSteeringMeeting'),
  indicatorName: fc.constant(''),
  indicatorUnit: fc.constant(''),
  indicatorBaseline: fc.constantFrom('', '12', '1,5'),
  indicatorTarget: fc.constantFrom('', '0'),
  communicate: fc.constantFrom(true, false, 'true', 'false'),
  communicationNote: fc.oneof(fc.constant(''), shortText),
});

/** Each is enough on its own to make a measure unsavable. */
const measureBreakages = [
  set('title', fc.oneof(fc.constantFrom('', '   ', '\n'), noFieldType, longer(201, 500))),
  removed('title'),
  set('goalArea', fc.oneof(fc.constantFrom('7', '0', 'x', '-1', '1.5'), noFieldType)),
  removed('goalArea'),
  set('ownerOrganisation', fc.oneof(fc.constantFrom('Kommun', 'staten', ' '), noFieldType)),
  set('cadence', fc.oneof(fc.constantFrom('weekly', 'Monthly', ' '), noFieldType)),
  set('workingGroup', fc.oneof(fc.constantFrom('styrgrupp', 'nope', 'x'.repeat(81)), noFieldType)),
  set(
    'owners',
    fc.oneof(
      fc.constantFrom('', ' , ', ','),
      fc.uniqueArray(fc.uuid(), { minLength: 61, maxLength: 80 }).map((ids) => ids.join(',')),
      // Not what Teams' people picker gives: an Entra object id.
      fc.constantFrom('not-a-person', '<at>Eve</at>', `${users.alex.aadObjectId},${'y'.repeat(150)}`),
      longer(101, 300),
      noFieldType,
    ),
  ),
  removed('owners'),
  set('indicatorBaseline', fc.oneof(fc.constantFrom('x', '1e999', '12abc'), noFieldType)),
  set('indicatorTarget', fc.oneof(fc.constantFrom('många', 'Infinity'), noFieldType)),
  // An indicator needs both a name and a unit.
  fc.constantFrom<Breakage>(
    { fields: { indicatorName: 'Antal händelser', indicatorUnit: '' } },
    { fields: { indicatorName: ' ', indicatorUnit: 'st' } },
  ),
  set('description', fc.oneof(longer(2001, 4000), noFieldType)),
  set('communicationNote', fc.oneof(longer(1001, 2000), noFieldType)),
  set('mode', fc.oneof(fc.constantFrom('delete', '', 'ADD', 'edit'), noFieldType)),
  removed('mode'),
  set('communicate', fc.constantFrom('yes', 1, null, {})),
];

const measurePress = fc.oneof(broken(measureForm, measureBreakages), measureForm);

const statusData = fc.record(
  {
    page: fc.oneof(fc.constantFrom(1, 2, 0, -1, 1001, '2', 1.5), anyValue),
    goalArea: fc.oneof(fc.constantFrom(1, 3, 99, 100, '2'), anyValue),
    measureId: fc.oneof(fc.constantFrom('1.1', '2.3', '9.9', '1.1.1'), anyValue),
    roundId: anyValue,
  },
  { requiredKeys: [] },
);

/** The data of a card button: shaped like one of ours and broken, or anything at all. */
function cardData(roundId: string, from: TeamsUser) {
  return fc.oneof(
    checkInPress(roundId, from),
    measurePress,
    statusData,
    { arbitrary: json, weight: 1 },
    { arbitrary: fc.dictionary(anyText, anyValue, { maxKeys: 5 }), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Activities

type Where = { kind: 'channel'; channel: ChannelPlace } | { kind: 'personal' } | { kind: 'groupChat' };

function channelFrom(hex: string): ChannelPlace {
  return { teamId: `19:team${hex}@thread.tacv2`, channelId: `19:${hex}@thread.tacv2`, tenantId };
}

/** A fresh channel, the bound working group channel, a personal chat or a group chat. */
function where(boundChannel: ChannelPlace): fc.Arbitrary<Where> {
  return fc.oneof(
    fc.uuid().map((id): Where => ({ kind: 'channel', channel: channelFrom(id.replace(/-/g, '')) })),
    fc.constant<Where>({ kind: 'channel', channel: boundChannel }),
    fc.constant<Where>({ kind: 'personal' }),
    fc.constant<Where>({ kind: 'groupChat' }),
  );
}

/** The envelope Teams puts around everything: who, where, which language. */
function envelope(
  type: string,
  place: Where,
  from: TeamsUser,
  locale: unknown,
  serviceUrl: string,
): Activity {
  const base =
    place.kind === 'channel'
      ? fixture(type === 'invoke' ? 'channel-invoke-adaptiveCard-action' : 'channel-message-with-mention')
      : fixture(type === 'invoke' ? 'personal-invoke-adaptiveCard-action' : 'personal-message');
  const conversation =
    place.kind === 'channel'
      ? { conversationType: 'channel', isGroup: true, tenantId, id: `${place.channel.channelId};messageid=1` }
      : place.kind === 'personal'
        ? { conversationType: 'personal', tenantId, id: `a:${from.aadObjectId}` }
        : { conversationType: 'groupChat', isGroup: true, tenantId, id: `19:chat@thread.v2` };
  const channelData =
    place.kind === 'channel'
      ? {
          teamsChannelId: place.channel.channelId,
          teamsTeamId: place.channel.teamId,
          tenant: { id: tenantId },
          team: { id: place.channel.teamId },
          channel: { id: place.channel.channelId },
        }
      : { tenant: { id: tenantId } };
  const { text: _text, value: _value, name: _name, ...rest } = base;
  return { ...rest, type, id: 'activity', serviceUrl, locale, from, conversation, channelData };
}

interface Generated {
  /** What the sender is doing; decides what answer is owed. */
  kind: 'text' | 'submit' | 'execute' | 'other';
  activity: Activity;
  /** Whether the Bot Framework envelope (who, where, type) was broken on purpose. */
  brokenEnvelope: boolean;
}

function textMessages(serviceUrl: string, bound: ChannelPlace): fc.Arbitrary<Generated> {
  return fc
    .record({ place: where(bound), from: powerless, locale: teamsLocale, text: messageText })
    .map(({ place, from, locale, text }) => {
      const activity = envelope('message', place, from, locale, serviceUrl);
      // In a channel the bot is only told what @mentions it.
      activity.text = place.kind === 'channel' ? `<at>Test Bot</at> ${text}` : text;
      return { kind: 'text', activity, brokenEnvelope: false };
    });
}

/**
 * Card buttons: Action.Execute (an `adaptiveCard/action` invoke) and the Action.Submit fallback (a message with a
 * value and no text). A coordinator and owner presses too, on forms that cannot be valid.
 */
function cardActions(serviceUrl: string, bound: ChannelPlace, roundId: string): fc.Arbitrary<Generated> {
  const anyone = powerless.chain((from) =>
    fc.record({ from: fc.constant(from), verb, data: cardData(roundId, from) }),
  );
  // Those who may save, with forms that cannot be saved.
  const mayChange = fc.oneof(
    fc.record({
      from: fc.constant(users.alex),
      verb: fc.constant('measure.save'),
      data: broken(measureForm, measureBreakages),
    }),
    ...[users.alex, users.patti].map((from) =>
      fc.record({
        from: fc.constant(from),
        verb: fc.constant('checkIn.submit'),
        data: broken(checkInForm(roundId, ownedBy[from.aadObjectId] ?? []), checkInBreakages),
      }),
    ),
  );
  return fc
    .record({
      place: where(bound),
      locale: teamsLocale,
      press: fc.oneof({ arbitrary: anyone, weight: 3 }, { arbitrary: mayChange, weight: 2 }),
      execute: fc.boolean(),
    })
    .map(({ place, locale, press, execute }) => {
      if (execute) {
        const activity = envelope('invoke', place, press.from, locale, serviceUrl);
        activity.name = 'adaptiveCard/action';
        activity.replyToId = 'card-message';
        activity.value = {
          action: { type: 'Action.Execute', verb: press.verb, data: press.data },
          trigger: 'manual',
        };
        return { kind: 'execute', activity, brokenEnvelope: false };
      }
      const activity = envelope('message', place, press.from, locale, serviceUrl);
      activity.replyToId = 'card-message';
      // Action.Submit merges the button's data with the inputs; the verb travels inside.
      const data = press.data;
      activity.value =
        typeof data === 'object' && data !== null && !Array.isArray(data)
          ? { ...data, verb: press.verb }
          : { verb: press.verb, data };
      return { kind: 'submit', activity, brokenEnvelope: false };
    });
}

/** Other activity types and invokes the bot does not expect, and ones it does with broken values. */
function otherActivities(serviceUrl: string, bound: ChannelPlace): fc.Arbitrary<Generated> {
  const invokeNames = fc.oneof(
    fc.constantFrom(
      'adaptiveCard/action',
      'fileConsent/invoke',
      'composeExtension/query',
      'task/fetch',
      'signin/verifyState',
      'actionableMessage/executeAction',
      'config/fetch',
      '',
    ),
    anyText,
  );
  const invokeValue = fc.oneof(
    json,
    fc.record(
      {
        action: fc.oneof(fc.constantFrom('accept', 'decline', 'maybe'), anyValue),
        context: fc.oneof(fc.constant({ kind: 'all' }), fc.constant({ kind: 'round', roundId: 'x' }), json),
        uploadInfo: fc.oneof(
          fc.constant({ name: 'rapporter.csv', uploadUrl: 'http://127.0.0.1:9/upload', uniqueId: 'u' }),
          json,
        ),
      },
      { requiredKeys: [] },
    ),
    fc.record({ action: fc.record({ type: fc.oneof(fc.constant('Action.Submit'), anyValue), verb }) }),
  );
  const other = fc.oneof(
    fc.record({ type: fc.constant('invoke'), name: invokeNames, value: invokeValue }),
    fc.record({
      type: fc.constantFrom('conversationUpdate', 'installationUpdate'),
      action: fc.oneof(fc.constantFrom('add', 'remove', 'add-upgrade', 'remove-upgrade'), anyValue),
      membersAdded: fc.oneof(
        fc.constant([{ id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' }]),
        fc.array(fc.record({ id: anyValue, name: anyValue }, { requiredKeys: [] }), { maxLength: 3 }),
        wrongType,
      ),
      membersRemoved: fc.oneof(fc.constant([]), wrongType),
    }),
    fc.record({
      type: fc.constantFrom(
        'messageReaction',
        'typing',
        'event',
        'endOfConversation',
        'messageUpdate',
        'messageDelete',
        'handoff',
        'trace',
        'delay',
        'command',
      ),
      name: anyValue,
      value: json,
      reactionsAdded: fc.oneof(fc.constant([{ type: 'like' }]), wrongType),
    }),
    fc.record({ type: anyText, text: messageText, value: json }),
  );
  return fc
    .record({ place: where(bound), from: powerless, locale: teamsLocale, other })
    .map(({ place, from, locale, other }) => {
      const activity = envelope('message', place, from, locale, serviceUrl);
      return { kind: 'other', activity: { ...activity, ...other }, brokenEnvelope: false };
    });
}

/** Paths of the Bot Framework envelope a broken or hostile client could leave out or fill with the wrong type. */
const envelopePaths = [
  'type',
  'id',
  'from',
  'from.id',
  'from.aadObjectId',
  'from.name',
  'conversation',
  'conversation.id',
  'conversation.conversationType',
  'conversation.tenantId',
  'recipient',
  'recipient.id',
  'recipient.name',
  'channelData',
  'channelData.tenant',
  'channelData.tenant.id',
  'channelData.channel',
  'channelData.channel.id',
  'channelData.team',
  'channelData.team.id',
  'serviceUrl',
  'channelId',
  'locale',
  'replyToId',
  'entities',
  'timestamp',
  'localTimestamp',
  'name',
  'value',
  'value.action',
  'value.action.type',
  'text',
  'attachments',
  'membersAdded',
  'membersRemoved',
] as const;

type Mutation = { path: string; op: 'delete' } | { path: string; op: 'set'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...envelopePaths), op: fc.constant('delete' as const) }),
  fc.record({
    path: fc.constantFrom(...envelopePaths),
    op: fc.constant('set' as const),
    // Never a working address: the bot must not be made to call out.
    value: fc.oneof(wrongType, fc.constantFrom('', 'not a url', 'ftp://', '..', '\u0000')),
  }),
  fc.record({
    path: fc.string({ minLength: 1, maxLength: 12 }).map((key) => `unknown_${key}`),
    op: fc.constant('set' as const),
    value: json,
  }),
);

function mutate(activity: Activity, mutations: Mutation[]): Activity {
  const copy = JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
  for (const m of mutations) {
    const keys = m.path.split('.');
    const last = keys.pop() ?? '';
    let parent: unknown = copy;
    for (const key of keys) parent = (parent as Record<string, unknown> | undefined)?.[key];
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) continue;
    if (m.op === 'delete') delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = m.value;
  }
  return copy as Activity;
}

/** Fields Teams may add one day: ignored, nothing else changes. */
const unknownFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).map((key) => `x_${key}`),
  json,
  { maxKeys: 2 },
);

function withUnknownFields(activities: fc.Arbitrary<Generated>): fc.Arbitrary<Generated> {
  return fc
    .tuple(activities, unknownFields)
    .map(([generated, extra]) => ({ ...generated, activity: { ...extra, ...generated.activity } }));
}

function withBrokenEnvelope(activities: fc.Arbitrary<Generated>): fc.Arbitrary<Generated> {
  return fc
    .tuple(activities, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([generated, mutations]) => ({
      ...generated,
      activity: mutate(generated.activity, mutations),
      brokenEnvelope: true,
    }));
}

// ---------------------------------------------------------------------------------------------------------------
// What a person sees

/** Every fixed text in a catalog (functions give texts with data in them, which no language owns). */
function fixedTexts(node: unknown, into = new Set<string>()): Set<string> {
  if (typeof node === 'string') into.add(node);
  else if (Array.isArray(node)) node.forEach((x) => fixedTexts(x, into));
  else if (typeof node === 'object' && node !== null) Object.values(node).forEach((x) => fixedTexts(x, into));
  return into;
}
const catalogTexts: Record<Locale, Set<string>> = (() => {
  const sv = fixedTexts(messagesFor('sv'));
  const en = fixedTexts(messagesFor('en'));
  const shared = [...sv].filter((t) => en.has(t));
  for (const t of shared) {
    sv.delete(t);
    en.delete(t);
  }
  return { sv, en };
})();

/** The language of a card by its fixed texts (titles, labels, notices); undefined when it has none. */
function languageOf(texts: string[]): Locale | 'mixed' | undefined {
  const sv = texts.some((t) => catalogTexts.sv.has(t));
  const en = texts.some((t) => catalogTexts.en.has(t));
  if (sv && en) return 'mixed';
  return sv ? 'sv' : en ? 'en' : undefined;
}

const genericError = [messagesFor('sv').error, messagesFor('en').error];

function visibleTexts(body: Record<string, unknown>): string[] {
  const attachments = (body.attachments as Array<{ content?: unknown }> | undefined) ?? [];
  return [
    ...(typeof body.text === 'string' ? [body.text] : []),
    ...attachments.flatMap((a) => cardText(a.content)),
  ];
}

/** The languages a person may be answered in: their Teams client's, or the language of the command word. */
function languagesFor(generated: Generated): Locale[] {
  // The language rule (docs/commands.md, "Languages"): a pressed card answers in the card's own language, a command in its
  // word's language, anything else in the agreement's (Swedish); only a welcome in a personal chat follows the
  // Teams client. Nothing here chooses a language with `språk`, so no choice is remembered.
  const { activity } = generated;
  const agreement: Locale = 'sv';
  if (generated.kind === 'execute' || generated.kind === 'submit') {
    const value = activity.value as { action?: { data?: unknown } } | undefined;
    const data = generated.kind === 'execute' ? value?.action?.data : value;
    return [localeOfCard(data) ?? agreement];
  }
  if (generated.kind !== 'text' || typeof activity.text !== 'string') {
    return [agreement, localeFrom(typeof activity.locale === 'string' ? activity.locale : undefined, 'sv')];
  }
  const asTyped = activity.text
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .trim();
  const command = parseCommand(asTyped);
  return command.kind !== 'unknown' && command.locale ? [command.locale] : [agreement];
}

// ---------------------------------------------------------------------------------------------------------------

interface Outcome {
  generated: Generated;
  /** Bytes of the request body. */
  bytes: number;
  status: number;
  body: string;
  sent: SentActivity[];
}

/** restify's body limit (src/server.ts): larger requests are refused before the bot sees them. */
const maxBodyBytes = 256 * 1024;

/** Why an outcome breaks the promise, or undefined. */
function problemWith(outcome: Outcome, serviceUrl: string): string | undefined {
  const { generated, bytes, status, body, sent } = outcome;
  const activity = generated.activity;
  const cardButton = activity.type === 'invoke' && activity.name === 'adaptiveCard/action';
  if (status === 500) return `answered 500: ${body.slice(0, 200)}`;
  // 501 is the Bot Framework's answer to an invoke a bot does not handle; the bot handles card buttons.
  if (status > 500 && !(status === 501 && activity.type === 'invoke' && !cardButton))
    return `answered ${status}`;
  if (bytes > maxBodyBytes)
    return status === 413 && sent.length === 0 ? undefined : `${status} for ${bytes} bytes`;
  if (status === 413) return `413 for ${bytes} bytes`;
  // An envelope Teams would never send may be refused whole, and then nothing is answered; or it is answered
  // like any other, below.
  if (generated.brokenEnvelope && status === 400)
    return sent.length === 0 ? undefined : 'refused with 400, yet something was sent';
  for (const reply of sent) {
    const texts = visibleTexts(reply.body);
    if (texts.some((t) => genericError.includes(t)))
      return 'the bot failed and said so (see LOG_LEVEL=error)';
  }

  const languages = languagesFor(generated);
  const inTheirLanguage = (texts: string[]) => {
    const language = languageOf(texts);
    return language === undefined || (language !== 'mixed' && languages.includes(language));
  };
  if (cardButton) {
    if (status === 400 && otherKindOfButton(activity))
      return sent.length === 0 ? undefined : 'a 400 sent something';
    if (status !== 200) return `a card button was answered ${status}`;
    const response = JSON.parse(body) as { type?: string; value?: unknown };
    // A press without an action is answered with a message ("I no longer recognise this card"), leaving the
    // card as it is; a generated Action.Execute gets a card.
    const messageAllowed = generated.kind !== 'execute' || generated.brokenEnvelope;
    if (messageAllowed && response.type === 'application/vnd.microsoft.activity.message') {
      if (typeof response.value !== 'string' || response.value === '') return 'an empty message response';
      if (!inTheirLanguage([response.value]))
        return `a message in the wrong language (${languages.join('/')}): ${response.value}`;
      return undefined;
    }
    if (response.type !== 'application/vnd.microsoft.card.adaptive') return 'a card button got no card';
    const texts = cardText(response.value);
    if (texts.length === 0) return 'a card button got an empty card';
    if (!inTheirLanguage(texts)) return `a card in the wrong language (${languages.join('/')}): ${texts[0]}`;
    return undefined;
  }
  if ((generated.kind === 'text' || generated.kind === 'submit') && activity.type === 'message') {
    if (status !== 200) return `a message was answered ${status}`;
    if (activity.serviceUrl !== serviceUrl) return undefined;
    if (sent.length === 0) return 'a message got no answer';
    for (const reply of sent) {
      const texts = visibleTexts(reply.body);
      if (texts.length === 0) return 'an answer without text';
      if (!inTheirLanguage(texts))
        return `an answer in the wrong language (${languages.join('/')}): ${texts[0]}`;
    }
  }
  return undefined;
}

/** A card button of another kind than Action.Execute, which the Bot Framework SDK answers 400 (Teams sends none). */
function otherKindOfButton(activity: Activity): boolean {
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  const action = isRecord(activity.value) ? activity.value.action : undefined;
  return isRecord(action) && action.type !== 'Action.Execute';
}

describe('bad input: generated and mutated activities over HTTP change nothing and get no 500', function () {
  // About 10,000 requests; the rate is printed, no time is asserted.
  this.timeout(process.env.FUZZ_SHRINK === '1' ? 3_600_000 : 300_000);
  const now = Date.parse('2021-09-07T08:00:00Z');
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  const shrink = process.env.FUZZ_SHRINK === '1';
  let bot: TestBot;
  let roundId = '';
  const bound = channelFrom('0b0e0e0e0b0e0e0e0b0e0e0e0b0e0e0e');
  let snapshot: string[];
  let sequence = 0;
  const totals = {
    requests: 0,
    ms: 0,
    statuses: new Map<number, number>(),
    answered: 0,
    brokenEnvelopes: 0,
    refused: 0,
  };

  /** Every row of the guarded tables with its ETag, which changes on every write. */
  const rows = async () => {
    const tables = await Promise.all(
      guardedTables.map(async (name) => {
        const all: string[] = [];
        for await (const row of bot.store.table(name).listEntities()) {
          all.push(`${name}/${row.partitionKey}/${row.rowKey}/${row.etag}`);
        }
        return all;
      }),
    );
    return tables.flat().sort();
  };

  before(async () => {
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', AUTOMATIC_ROUNDS: 'off' },
      now: () => new Date(now),
    });
    const serviceUrl = bot.connector.serviceUrl;
    const coordinatorSays = async (text: string) => {
      const activity = envelope(
        'message',
        { kind: 'channel', channel: bound },
        users.alex,
        'sv-SE',
        serviceUrl,
      );
      activity.text = `<at>Test Bot</at> ${text}`;
      const response = await bot.post(activity);
      assert.equal(response.status, 200);
    };
    await coordinatorSays('koppla est-strategisk');
    await coordinatorSays('ny runda september');
    await bot.connector.waitFor((sent) => sent.filter((s) => s.kind === 'createConversation').length === 9);
    await bot.app.runDueJobs();
    const card = bot.connector.sent.find((s) => s.kind === 'createConversation');
    const refresh = (
      card?.body.attachments as Array<{ content: { refresh: { action: { data: { roundId: string } } } } }>
    )[0]?.content.refresh.action.data;
    roundId = refresh?.roundId ?? '';
    assert.ok(roundId, 'a round is open, so check-in payloads reach its measures');
    snapshot = await rows();
    assert.ok(snapshot.some((r) => r.startsWith(`${tableNames.rounds}/`)));
  });
  after(async () => {
    await bot?.close();
  });

  /** Sends a batch at once over keep-alive connections, one conversation each, and reads what each got. */
  const send = async (batch: Generated[]): Promise<Outcome[]> => {
    bot.connector.clear();
    const started = Date.now();
    const outcomes = await Promise.all(
      batch.map(async (generated) => {
        const activity = JSON.parse(JSON.stringify(generated.activity)) as Activity;
        const n = ++sequence;
        // Each its own conversation, so what was sent can be told apart.
        if (typeof activity.conversation === 'object' && activity.conversation !== null) {
          if (typeof activity.conversation.id === 'string') activity.conversation.id += `;fuzz=${n}`;
        }
        const body = JSON.stringify(activity);
        const response = await fetch(`${bot.app.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return {
          generated: { ...generated, activity },
          bytes: Buffer.byteLength(body),
          status: response.status,
          body: await response.text(),
        };
      }),
    );
    totals.ms += Date.now() - started;
    totals.requests += batch.length;
    return outcomes.map((o) => {
      totals.statuses.set(o.status, (totals.statuses.get(o.status) ?? 0) + 1);
      const conversationId = (o.generated.activity.conversation as { id?: unknown } | undefined)?.id;
      const sent = bot.connector.sent.filter((s) => s.conversationId === conversationId);
      if (sent.length > 0) totals.answered++;
      if (o.generated.brokenEnvelope) totals.brokenEnvelopes++;
      if (o.generated.brokenEnvelope && o.status === 400) totals.refused++;
      return { ...o, sent };
    });
  };

  const property = (activities: fc.Arbitrary<Generated>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(
        fc.array(activities, { minLength: batchSize, maxLength: batchSize }),
        async (batch) => {
          // Compared batch by batch, so that a failure found is shrunk against the storage it changed.
          const before = await rows();
          const outcomes = await send(batch);
          const serviceUrl = bot.connector.serviceUrl;
          for (const outcome of outcomes) {
            const problem = problemWith(outcome, serviceUrl);
            assert.equal(
              problem,
              undefined,
              `${problem}\n${JSON.stringify(outcome.generated).slice(0, 3000)}`,
            );
          }
          const after = await rows();
          const changed = after.filter((row) => !before.includes(row));
          assert.deepEqual(changed, [], 'storage changed');
          assert.equal(after.length, before.length, 'rows were removed');
        },
      ),
      { numRuns, endOnFailure: !shrink, ...(seed !== undefined ? { seed } : {}) },
    );

  it('answers messages with any text, in the language asked, and never fails', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    await property(withUnknownFields(textMessages(serviceUrl, bound)), runs.messages);
  });

  it('answers card buttons with any verb and data, broken forms included, and saves nothing', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    await property(withUnknownFields(cardActions(serviceUrl, bound, roundId)), runs.cardActions);
  });

  it('refuses or answers activities with a broken envelope: missing fields, wrong types, unknown fields', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    const any = fc.oneof(
      textMessages(serviceUrl, bound),
      cardActions(serviceUrl, bound, roundId),
      otherActivities(serviceUrl, bound),
    );
    await property(withBrokenEnvelope(any), runs.envelopes);
  });

  it('survives activity types and invokes it does not expect', async () => {
    await property(otherActivities(bot.connector.serviceUrl, bound), runs.otherTypes);
  });

  it('sent at least 10,000 requests in all, and still answers', async () => {
    const rate = Math.round((totals.requests / totals.ms) * 1000);
    console.log(
      `      ${totals.requests} requests in ${(totals.ms / 1000).toFixed(1)} s (${rate}/s, ${batchSize} at a time); ` +
        `statuses ${JSON.stringify(Object.fromEntries(totals.statuses))}; ${totals.answered} got a message; ` +
        `of ${totals.brokenEnvelopes} broken envelopes ${totals.refused} refused with 400, the rest answered`,
    );
    assert.ok(totals.requests >= 10_000, `only ${totals.requests} requests`);
    const health = await fetch(`${bot.app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await rows(), snapshot);
  });
});
