import assert from 'node:assert/strict';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConversationRepository } from '../../src/storage/conversationRepository.js';
import {
  channelInstall,
  channelMessage,
  newChannel,
  personalInstall,
  personalMessage,
  users,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';

describe('foundation: the bot over HTTP with Azurite and a loopback connector', () => {
  let bot: TestBot;

  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot.close();
  });
  beforeEach(() => bot.connector.clear());

  const lastCardText = () => {
    const cards = bot.connector.cards();
    assert.ok(cards.length > 0, 'the bot sent no card');
    return cardText(cards.at(-1)).join('\n');
  };

  it('answers "hjälp" in a channel with the Swedish help card, in the same thread', async () => {
    const where = newChannel();
    const activity = channelMessage('hjälp', where, { serviceUrl: bot.connector.serviceUrl });
    const { status } = await bot.post(activity);
    assert.equal(status, 200);
    assert.equal(bot.connector.sent.length, 1);
    const [reply] = bot.connector.sent;
    assert.equal(reply?.kind, 'reply');
    assert.equal(reply?.conversationId, activity.conversation.id);
    const text = lastCardText();
    assert.match(text, /Det här kan jag/);
    assert.match(text, /koppla \[grupp\]/);
    assert.match(text, /inte kopplad till någon grupp/);
  });

  it('answers "help" in English, and forgives case and missing diacritics in "HJALP"', async () => {
    const where = newChannel();
    await bot.post(channelMessage('help', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(lastCardText(), /What I can do/);
    await bot.post(channelMessage('HJALP', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(lastCardText(), /Det här kan jag/);
  });

  it('binds a channel with "koppla styrgrupp" and a later message sees the binding', async () => {
    const where = newChannel();
    await bot.post(channelMessage('koppla styrgrupp', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(
      lastCardText(),
      /Den här kanalen är nu kopplad till \*\*Strategiskt samverkansforum \(styrgrupp\)/,
    );

    const plan = await new PlanRepository(bot.store).load(agreementId);
    const binding = plan?.bindings.find((b) => b.channelId === where.channelId);
    assert.equal(binding?.groupId, 'styrgrupp');
    assert.equal(binding?.teamId, where.teamId);
    assert.equal(binding?.boundBy.aadObjectId, users.alex.aadObjectId);

    const audit = await new AuditLog(bot.store).recent(agreementId);
    assert.ok(audit.some((e) => e.action === 'bindChannel' && e.details.channelId === where.channelId));

    bot.connector.clear();
    await bot.post(channelMessage('hjälp', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(
      lastCardText(),
      /Den här kanalen är kopplad till: Strategiskt samverkansforum \(styrgrupp\)/,
    );
  });

  it('binds by a group name with other case and diacritics, in English', async () => {
    const where = newChannel();
    await bot.post(channelMessage('bind EST FORDJUPNING', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(lastCardText(), /This channel is now bound to \*\*EST fördjupning/i);
  });

  it('refuses "koppla" from someone who is not a coordinator, and stores nothing', async () => {
    const where = newChannel();
    await bot.post(
      channelMessage('koppla styrgrupp', where, { serviceUrl: bot.connector.serviceUrl, from: users.patti }),
    );
    assert.match(lastCardText(), /Bara samordnarna i beredningsgruppen kan koppla kanaler/);
    const plan = await new PlanRepository(bot.store).load(agreementId);
    assert.equal(
      plan?.bindings.find((b) => b.channelId === where.channelId),
      undefined,
    );
  });

  it('answers an unknown or missing group with the groups one can bind to', async () => {
    const where = newChannel();
    await bot.post(channelMessage('koppla fotbollslaget', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(
      lastCardText(),
      /ingen grupp som heter "fotbollslaget".*Strategiskt samverkansforum \(styrgrupp\), Beredningsgrupp, EST strategisk, EST fördjupning\./s,
    );
    await bot.post(channelMessage('koppla', where, { serviceUrl: bot.connector.serviceUrl }));
    assert.match(lastCardText(), /Skriv vilken grupp kanalen ska kopplas till: .*Beredningsgrupp/);
    const plan = await new PlanRepository(bot.store).load(agreementId);
    assert.equal(
      plan?.bindings.find((b) => b.channelId === where.channelId),
      undefined,
    );
  });

  it('explains that channels are bound from a channel when asked in personal chat', async () => {
    await bot.post(personalMessage('koppla styrgrupp', { serviceUrl: bot.connector.serviceUrl }));
    assert.match(lastCardText(), /Kanaler kopplas i en kanal i ett team/);
  });

  it('lists the measures by goal area for "insatser", marked as an example plan', async () => {
    await bot.post(personalMessage('insatser', { serviceUrl: bot.connector.serviceUrl }));
    const text = lastCardText();
    assert.match(text, /Åtgärdsplanens insatser/);
    assert.match(text, /Exempel: /);
    for (const n of [1, 2, 3]) assert.match(text, new RegExp(`Målområde ${n}: `));
    assert.match(text, /\*\*1\.1\*\* /);
    assert.match(text, /\*\*3\.3\*\* /);
    assert.match(text, /Kommunen · /);
    assert.match(text, /Polisen · /);
    assert.match(text, /Gemensam · /);
  });

  it("answers anything else with the help card in the agreement's language, or the language the person chose", async () => {
    const serviceUrl = bot.connector.serviceUrl;
    const from = users.patti;
    await bot.post(personalMessage('vad gör du?', { serviceUrl, from, locale: 'sv-SE' }));
    assert.match(lastCardText(), /Det här kan jag/);
    // An English Teams client alone does not switch the language inside a conversation held in Swedish.
    await bot.post(personalMessage('what now', { serviceUrl, from, locale: 'en-US' }));
    assert.match(lastCardText(), /Det här kan jag/);
    await bot.post(personalMessage('language en', { serviceUrl, from, locale: 'en-US' }));
    assert.match(lastCardText(), /I will answer you in English from now on/);
    await bot.post(personalMessage('vad gör du?', { serviceUrl, from, locale: 'sv-SE' }));
    assert.match(lastCardText(), /What I can do/);
    await bot.post(personalMessage('språk', { serviceUrl, from }));
    assert.match(lastCardText(), /You have chosen English/);
    await bot.post(personalMessage('språk svenska', { serviceUrl, from }));
    assert.match(lastCardText(), /Jag svarar dig på svenska från och med nu/);
    await bot.post(personalMessage('status', { serviceUrl, from, locale: 'en-US' }));
    assert.match(lastCardText(), /Läget i samverkansöverenskommelsen/);
    await bot.post(personalMessage('språk franska', { serviceUrl, from }));
    assert.match(lastCardText(), /Jag kan svenska och engelska/);
  });

  it('welcomes once on personal install, though Teams announces it twice, and stores the reference', async () => {
    const conversationId = `a:install-${Date.now()}`;
    const from = users.megan;
    const serviceUrl = bot.connector.serviceUrl;
    await Promise.all([
      bot.post(personalInstall('installationUpdate', { serviceUrl, conversationId, from, locale: 'sv-SE' })),
      bot.post(personalInstall('conversationUpdate', { serviceUrl, conversationId, from, locale: 'sv-SE' })),
    ]);
    const welcomes = bot.connector.sent.filter((s) => s.conversationId === conversationId);
    assert.equal(welcomes.length, 1);
    assert.match(cardText(bot.connector.cards()[0]).join('\n'), /Hej! Jag är Samverkansbot[\s\S]*hjälp/);

    const stored = await new ConversationRepository(bot.store).get('personal', from.aadObjectId);
    assert.equal((stored?.reference.conversation as { id?: string }).id, conversationId);
    assert.equal(stored?.reference.serviceUrl, serviceUrl);
  });

  it("welcomes a team in the agreement's language, whatever the installer's client, with what to type next", async () => {
    const where = newChannel();
    await bot.post(channelInstall(where, { serviceUrl: bot.connector.serviceUrl, locale: 'en-US' }));
    assert.match(lastCardText(), /Hej! Jag är Samverkansbot[\s\S]*@Samverkansbot hjälp/);
    const stored = await new ConversationRepository(bot.store).get('channel', where.channelId);
    assert.equal((stored?.reference.conversation as { id?: string }).id, where.channelId);
  });

  it('refreshes the stored reference when Teams moves a conversation to a new serviceUrl', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    await bot.post(personalMessage('hjälp', { serviceUrl, from: users.patti }));
    const moved = serviceUrl.replace('127.0.0.1', 'localhost');
    await bot.post(personalMessage('hjälp', { serviceUrl: moved, from: users.patti }));
    const stored = await new ConversationRepository(bot.store).get('personal', users.patti.aadObjectId);
    assert.equal(stored?.reference.serviceUrl, moved);
  });

  it('reports storage reachability on /healthz', async () => {
    const response = await fetch(`${bot.app.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', storage: 'ok' });
  });
});
