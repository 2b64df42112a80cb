import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConversationRepository } from '../../src/storage/conversationRepository.js';
import {
  cardAction,
  channelInstall,
  channelMessage,
  newChannel,
  personalInstall,
  personalMessage,
  users,
  type Activity,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { logsDuring } from '../harness/logs.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const municipality = '6f1c2b7e-0a4d-4c59-9e21-3b8d7f5a1c04';
const police = 'b3e9a0d2-5c7f-4e18-8a6b-9d2c4f0e7a15';
/** Some other organisation's tenant, where someone installed the bot too. */
const foreign = 'e8d7c6b5-a4f3-4e21-9d0c-b1a2f3e4d5c6';

/** Teams names the tenant twice: in `conversation.tenantId` and in `channelData.tenant.id`. */
function inTenant(activity: Activity, tenantId: string | undefined): Activity {
  const { tenantId: _dropped, ...conversation } = activity.conversation;
  const { tenant: _alsoDropped, ...channelData } = activity.channelData ?? {};
  return {
    ...activity,
    conversation: { ...conversation, ...(tenantId ? { tenantId } : {}) },
    channelData: { ...channelData, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
  };
}

describe('tenants: only the municipality and the police are served', () => {
  let bot: TestBot;

  before(async () => {
    bot = await startTestBot({
      env: {
        ALLOWED_TENANT_IDS: `${municipality}, ${police}`,
        SCHEDULER_INTERVAL_SECONDS: '0',
        AUTOMATIC_ROUNDS: 'off',
      },
    });
  });
  after(async () => {
    await bot.close();
  });
  beforeEach(() => bot.connector.clear());

  const serviceUrl = () => bot.connector.serviceUrl;
  const conversations = () => new ConversationRepository(bot.store);

  it("answers the municipality's and the police's people, in the same shared channel", async () => {
    const where = newChannel(municipality);
    await bot.post(inTenant(channelMessage('hjälp', where, { serviceUrl: serviceUrl() }), municipality));
    // In a channel shared with the police, a police officer's message carries the police's tenant.
    await bot.post(
      inTenant(channelMessage('help', where, { serviceUrl: serviceUrl(), from: users.megan }), police),
    );
    const answers = bot.connector.cards().map((card) => cardText(card).join('\n'));
    assert.equal(answers.length, 2);
    assert.match(answers[0] ?? '', /Det här kan jag/);
    assert.match(answers[1] ?? '', /What I can do/);
    assert.ok(await conversations().get('channel', where.channelId));
  });

  it('answers a message from another tenant with nothing, stores nothing and logs the tenant', async () => {
    const where = newChannel(foreign);
    const text = 'status och lite hemlig text';
    let status = 0;
    const warnings = await logsDuring(async () => {
      ({ status } = await bot.post(
        inTenant(channelMessage(text, where, { serviceUrl: serviceUrl() }), foreign),
      ));
    });
    assert.equal(status, 200);
    assert.deepEqual(bot.connector.sent, [], 'the bot sent nothing');
    assert.equal(await conversations().get('channel', where.channelId), undefined, 'no reference was kept');
    const refused = warnings.filter((w) => w.event === 'activity.tenantRefused');
    assert.equal(refused.length, 1, JSON.stringify(warnings));
    assert.equal(refused[0]?.tenantId, foreign);
    assert.equal(refused[0]?.type, 'message');
    assert.ok(!JSON.stringify(warnings).includes('hemlig'), 'the log does not carry what was written');
  });

  it('answers a personal message from another tenant with nothing', async () => {
    const stranger = { id: 'user-id-x', name: 'Eve Other', aadObjectId: randomUUID() };
    await bot.post(inTenant(personalMessage('hjälp', { serviceUrl: serviceUrl(), from: stranger }), foreign));
    assert.deepEqual(bot.connector.sent, []);
    assert.equal(await conversations().get('personal', stranger.aadObjectId), undefined);
  });

  it('welcomes nobody when the bot is installed in another tenant', async () => {
    const where = newChannel(foreign);
    await bot.post(inTenant(channelInstall(where, { serviceUrl: serviceUrl() }), foreign));
    const conversationId = `a:${randomUUID()}`;
    await bot.post(
      inTenant(personalInstall('installationUpdate', { serviceUrl: serviceUrl(), conversationId }), foreign),
    );
    await bot.post(
      inTenant(personalInstall('conversationUpdate', { serviceUrl: serviceUrl(), conversationId }), foreign),
    );
    assert.deepEqual(bot.connector.sent, []);
    assert.equal(await conversations().get('channel', where.channelId), undefined);

    // The same installs in the municipality's tenant are welcomed, so the silence above is the tenant's doing.
    const ours = newChannel(municipality);
    await bot.post(inTenant(channelInstall(ours, { serviceUrl: serviceUrl() }), municipality));
    await bot.connector.waitFor((sent) => sent.length === 1);
  });

  it('gives a card action from another tenant what its message gets: 200, nothing said, nothing changed', async () => {
    const where = newChannel(foreign);
    const response = await bot.post(
      inTenant(
        cardAction(
          'status.page',
          { page: 1 },
          { conversationId: where.channelId, replyToId: 'm1', channel: where },
          { serviceUrl: serviceUrl(), from: users.alex },
        ),
        foreign,
      ),
    );
    // Answered as its message would be: 200 and nothing at all, so the tenant learns nothing of the bot.
    assert.equal(response.status, 200);
    assert.equal(response.body, '');
    assert.deepEqual(bot.connector.sent, []);
  });

  it('refuses an activity that names no tenant at all', async () => {
    const where = newChannel(municipality);
    await bot.post(inTenant(channelMessage('hjälp', where, { serviceUrl: serviceUrl() }), undefined));
    assert.deepEqual(bot.connector.sent, []);
  });

  it('refuses a tenant id that only resembles an allowed one', async () => {
    const where = newChannel(municipality);
    for (const lookalike of [
      `${municipality} `,
      municipality.replace(/.$/, '5'),
      `${municipality},${foreign}`,
      municipality.slice(0, -1),
    ]) {
      await bot.post(inTenant(channelMessage('hjälp', where, { serviceUrl: serviceUrl() }), lookalike));
    }
    assert.deepEqual(bot.connector.sent, []);
  });
});
