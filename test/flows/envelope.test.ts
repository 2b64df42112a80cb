import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { messagesFor } from '../../src/features/shared/messages.js';
import { parseEnvelope } from '../../src/teams/teamsEnvelope.js';
import { tableNames } from '../../src/storage/tableStore.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalInstall,
  personalMessage,
  type Activity,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { logsDuring } from '../harness/logs.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * The envelope Teams puts around every activity (src/teams/teamsEnvelope.ts): what a real Teams client sends is
 * read as sent; an envelope no answer can be addressed from is refused with 400 and nothing is handled; what the
 * bot can do without, found of the wrong type, is read as absent and the person is answered.
 */
const fixturesDir = fileURLToPath(new URL('../fixtures/teams-activities/', import.meta.url));
const realActivities = readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.json'))
  .sort();
/**
 * The ones a client sent to the bot (the Agents Playground); the meeting events are Microsoft's documented examples
 * (see the fixtures' README), answered only in the steering group's channel: test/flows/meetings.test.ts.
 */
const capturedActivities = realActivities.filter((file) => !file.includes('-event-meeting'));
const readFixture = (file: string) =>
  JSON.parse(readFileSync(`${fixturesDir}${file}`, 'utf8')) as Activity & { type: string };

/** The tenant of the fixtures. */
const tenantId = '00000000-0000-0000-0000-0000000000001';

describe('the Teams envelope, as read', () => {
  for (const file of realActivities) {
    it(`reads ${file}, as a real Teams client sent it, unchanged`, () => {
      const activity = readFixture(file);
      const parsed = parseEnvelope(activity);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join(', '));
      assert.deepEqual(parsed.envelope, activity);
    });
  }

  it('reads what the bot can do without as absent when it has the wrong type', () => {
    const activity = {
      ...readFixture('channel-message-with-mention.json'),
      locale: 1053,
      text: { html: '<at>Test Bot</at> hjälp' },
      replyToId: ['m1'],
      membersAdded: 'Test Bot',
      from: { id: 'user-id-0', name: 42, aadObjectId: { id: 'x' } },
    };
    const parsed = parseEnvelope(activity);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join(', '));
    const read = parsed.envelope;
    assert.equal(read.locale, undefined);
    assert.equal(read.text, undefined);
    assert.equal(read.replyToId, undefined);
    assert.equal(read.membersAdded, undefined);
    assert.deepEqual(read.from, { id: 'user-id-0', name: undefined, aadObjectId: undefined });
    // Without text a mention points nowhere; the other entities stay.
    assert.deepEqual(
      read.entities?.map((e) => e.type),
      ['clientInfo'],
    );
    assert.equal(read.conversation.id, activity.conversation.id);
  });

  it('names where an envelope is wrong, never what it holds', () => {
    const activity = {
      ...readFixture('personal-message.json'),
      text: 'Hemligt: tre anmälningar i Väsby',
      conversation: { id: 'a:1', tenantId: { secret: 'Hemligt' } },
      from: undefined,
    };
    const parsed = parseEnvelope(activity);
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.problems, ['from: invalid_type', 'conversation.tenantId: invalid_type']);
  });
});

describe('the Teams envelope over HTTP: refused whole, or answered', () => {
  let bot: TestBot;

  before(async () => {
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', AUTOMATIC_ROUNDS: 'off' },
    });
  });
  after(async () => {
    await bot?.close();
  });
  beforeEach(() => bot.connector.clear());

  const serviceUrl = () => bot.connector.serviceUrl;

  /** Every row of every table with its ETag, which changes on every write. */
  const stored = async () => {
    const rows: string[] = [];
    for (const name of Object.values(tableNames)) {
      for await (const row of bot.store.table(name).listEntities()) {
        rows.push(`${name}/${row.partitionKey}/${row.rowKey}/${row.etag}`);
      }
    }
    return rows.sort();
  };
  /** Everything but conversation references, which every activity that can be answered refreshes. */
  const storedBesidesReferences = async () =>
    (await stored()).filter(
      (row) =>
        !row.startsWith(`${tableNames.conversations}/personal/`) &&
        !row.startsWith(`${tableNames.conversations}/channel/`),
    );

  /** Posts the activity, capturing the log; the bot's answers come from `bot.connector.sent`. */
  const post = async (activity: Record<string, unknown>) => {
    let response = { status: 0, body: '' };
    const logs = await logsDuring(async () => {
      response = await bot.post(activity as Activity);
    });
    return { ...response, logs };
  };

  it('accepts each activity a real Teams client sent, and answers it', async () => {
    for (const [n, file] of capturedActivities.entries()) {
      // Its own conversation, so that each install is welcomed and each answer can be told apart.
      const fixture = readFixture(file);
      const conversationId = `${fixture.conversation.id}-${n}`;
      const activity = {
        ...fixture,
        serviceUrl: serviceUrl(),
        conversation: { ...fixture.conversation, id: conversationId },
      };
      const { status, body, logs } = await post(activity);
      assert.equal(status, 200, `${file}: ${body}`);
      assert.deepEqual(logs, [], file);
      if (fixture.type === 'invoke') {
        const response = JSON.parse(body) as { type?: string; value?: unknown };
        assert.equal(response.type, 'application/vnd.microsoft.card.adaptive', file);
        // The Playground's example card is none of the bot's, and carries no language: the agreement's is used.
        assert.match(cardText(response.value).join('\n'), /Det här kortet känner jag inte igen längre/, file);
      } else {
        await bot.connector.waitFor((sent) => sent.some((s) => s.conversationId === conversationId));
      }
    }
  });

  const refusals: Array<[string, () => Record<string, unknown>]> = [
    [
      'a message without `from`',
      () => ({ ...personalMessage('hjälp', { serviceUrl: serviceUrl() }), from: undefined }),
    ],
    [
      'a message without `recipient`',
      () => ({ ...personalMessage('hjälp', { serviceUrl: serviceUrl() }), recipient: undefined }),
    ],
    [
      'a message without `conversation`',
      () => ({ ...personalMessage('hjälp', { serviceUrl: serviceUrl() }), conversation: undefined }),
    ],
    [
      'a message whose tenant id is an object',
      () => {
        const activity = channelMessage('hjälp', newChannel(), { serviceUrl: serviceUrl() });
        return { ...activity, channelData: { ...activity.channelData, tenant: { id: { id: tenantId } } } };
      },
    ],
    [
      'a message whose conversation names its tenant with a number',
      () => {
        const activity = personalMessage('hjälp', { serviceUrl: serviceUrl() });
        return { ...activity, conversation: { ...activity.conversation, tenantId: 1 } };
      },
    ],
    [
      'a message whose conversation id would change the Bot Connector address it is answered at',
      () => {
        const activity = personalMessage('hjälp', { serviceUrl: serviceUrl() });
        return { ...activity, conversation: { ...activity.conversation, id: '..' } };
      },
    ],
    [
      'a message whose conversation id holds a character no HTTP header may carry',
      () => {
        const activity = personalMessage('hjälp', { serviceUrl: serviceUrl() });
        return { ...activity, conversation: { ...activity.conversation, id: 'a:samverkan☂' } };
      },
    ],
    [
      'a message whose channel id is a list',
      () => {
        const activity = channelMessage('hjälp', newChannel(), { serviceUrl: serviceUrl() });
        return {
          ...activity,
          channelData: { ...activity.channelData, channel: { id: ['19:a@thread.tacv2'] } },
        };
      },
    ],
    [
      'an edited message without channelData, whose eventType the SDK reads',
      () => ({
        ...personalMessage('hjälp', { serviceUrl: serviceUrl() }),
        type: 'messageUpdate',
        channelData: undefined,
      }),
    ],
    [
      'a message whose serviceUrl is no web address',
      () => ({ ...personalMessage('hjälp', { serviceUrl: serviceUrl() }), serviceUrl: 'file:///etc/passwd' }),
    ],
  ];

  for (const [kind, activity] of refusals) {
    it(`refuses ${kind} with 400, handling and storing nothing`, async () => {
      const before = await stored();
      const { status, logs } = await post(activity());
      assert.equal(status, 400);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(bot.connector.sent, [], 'nothing was sent');
      assert.deepEqual(await stored(), before, 'nothing was stored, not even a conversation reference');
      assert.deepEqual(
        logs.map((l) => l.event),
        ['request.malformedActivity'],
      );
    });
  }

  it('logs the paths of what is wrong with a refused envelope, never the values', async () => {
    const activity = personalMessage('Hemligt: tre anmälningar i Väsby', { serviceUrl: serviceUrl() });
    const { status, logs } = await post({
      ...activity,
      conversation: { ...activity.conversation, tenantId: { note: 'Hemligt också' } },
    });
    assert.equal(status, 400);
    assert.equal(logs.length, 1);
    assert.deepEqual(logs[0]?.problems, ['conversation.tenantId: invalid_type']);
    assert.equal(logs[0]?.activityType, 'message');
    assert.ok(!JSON.stringify(logs).includes('Hemligt'), JSON.stringify(logs));
  });

  it('welcomes nobody and fails nothing when membersAdded is not a list', async () => {
    const conversationId = 'a:members-not-a-list';
    const activity = {
      ...personalInstall('conversationUpdate', { serviceUrl: serviceUrl(), conversationId }),
      membersAdded: 'Test Bot',
    };
    const before = await storedBesidesReferences();
    const { status, logs } = await post(activity);
    assert.equal(status, 200);
    assert.deepEqual(logs, [], 'no turn failed');
    assert.deepEqual(bot.connector.sent, []);
    assert.deepEqual(await storedBesidesReferences(), before, 'no welcome was claimed');
  });

  for (const [kind, value] of [
    ['without an action', { trigger: 'manual' }],
    ['whose action is text', { action: 'checkIn.submit' }],
    ['whose action is null', { action: null }],
    ['without a value', undefined],
  ] as const) {
    it(`answers a card button ${kind} "I no longer recognise this card", in the agreement's language`, async () => {
      const before = await stored();
      for (const locale of ['sv-SE', 'en-US'] as const) {
        const activity = {
          ...cardAction(
            'checkIn.submit',
            {},
            { conversationId: 'a:1', replyToId: 'm1' },
            { serviceUrl: serviceUrl(), locale },
          ),
          value,
        };
        const { status, body, logs } = await post(activity);
        assert.equal(status, 200, body);
        assert.deepEqual(logs, []);
        // No card of the bot's to take the language from, whatever the Teams client's language is.
        const expected = messagesFor('sv').unknownAction;
        assert.deepEqual(JSON.parse(body), {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: expected,
        });
      }
      assert.deepEqual(bot.connector.sent, [], 'the card stays as it is');
      assert.deepEqual(
        (await stored()).filter(
          (row) => !before.includes(row) && !row.startsWith(`${tableNames.conversations}/`),
        ),
        [],
      );
    });
  }

  it('keeps answering 501 to invokes the bot does not handle, and 400 to a file consent without a value', async () => {
    for (const name of ['composeExtension/query', 'task/fetch', 'signin/verifyState']) {
      const activity = {
        ...cardAction('x', {}, { conversationId: 'a:1', replyToId: 'm1' }, { serviceUrl: serviceUrl() }),
        name,
      };
      const { status, logs } = await post(activity);
      assert.equal(status, 501, name);
      assert.deepEqual(logs, [], name);
    }
    const consent = {
      ...cardAction('x', {}, { conversationId: 'a:1', replyToId: 'm1' }, { serviceUrl: serviceUrl() }),
      name: 'fileConsent/invoke',
      value: undefined,
    };
    const { status, logs } = await post(consent);
    assert.equal(status, 400);
    assert.deepEqual(logs, []);
  });

  it('answers a message whose locale is a number, in Swedish', async () => {
    const { status, logs } = await post({
      ...personalMessage('hjälp', { serviceUrl: serviceUrl() }),
      locale: 1053,
    });
    assert.equal(status, 200);
    assert.deepEqual(logs, []);
    await bot.connector.waitFor((sent) => sent.length === 1);
    assert.match(cardText(bot.connector.cards()[0]).join('\n'), /Det här kan jag/);
  });

  it('answers a channel message whose text is not text, though it carries a mention', async () => {
    const activity = channelMessage('hjälp', newChannel(), { serviceUrl: serviceUrl(), locale: 'sv-SE' });
    const { status, logs } = await post({ ...activity, text: { content: 'hjälp' } });
    assert.equal(status, 200);
    assert.deepEqual(logs, [], 'no turn failed');
    await bot.connector.waitFor((sent) => sent.length === 1);
    assert.match(cardText(bot.connector.cards()[0]).join('\n'), /Det här kan jag/);
  });
});

describe('the Teams envelope with MicrosoftAppId set', () => {
  let bot: TestBot;

  before(async () => {
    bot = await startTestBot({
      env: {
        MicrosoftAppId: '7a1d3c55-6f0b-4b8e-9d6c-2f4e8a1b0c9d',
        MicrosoftAppPassword: 'not-used-here',
        MicrosoftAppTenantId: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
        // Never reached: a request without a token is refused before any key is fetched.
        BotOpenIdMetadata: 'http://127.0.0.1:9/v1/.well-known/openidconfiguration',
        SCHEDULER_INTERVAL_SECONDS: '0',
        AUTOMATIC_ROUNDS: 'off',
      },
    });
  });
  after(async () => {
    await bot?.close();
  });

  it('refuses a broken envelope without a token with 401, telling a stranger nothing about the envelope', async () => {
    const activity = {
      ...personalMessage('hjälp', { serviceUrl: bot.connector.serviceUrl }),
      from: undefined,
    };
    const response = await bot.post(activity as unknown as Activity);
    assert.equal(response.status, 401);
    assert.equal(response.body, '');
    assert.deepEqual(bot.connector.sent, []);
  });
});
