import assert from 'node:assert/strict';
import { ConversationRepository } from '../../src/storage/conversationRepository.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalMessage,
  users,
  type ChannelPlace,
  type TeamsUser,
} from '../harness/activities.js';
import {
  cardInputs,
  cardText,
  startLoopbackConnector,
  type LoopbackConnector,
} from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

type Card = Record<string, unknown>;
const secret = 'a-long-enough-trigger-secret';
/** Tuesday 4 May 2021, 09:00 in Stockholm. */
const tuesdayMorning = Date.parse('2021-05-04T07:00:00Z');

/**
 * Two instances of the bot on one storage account (App Service scaled out): each keeps the plan it read last,
 * and what one of them changes must be what the other uses for the very next activity it handles.
 */
describe('two instances of the bot on the same storage', () => {
  let azurite: LocalAzurite;
  let connector: LoopbackConnector;
  let x: TestBot;
  let y: TestBot;
  let now = tuesdayMorning;

  before(async () => {
    azurite = await startLocalAzurite();
    connector = await startLoopbackConnector();
    const options = {
      azurite,
      connector,
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' },
      now: () => new Date(now),
    };
    x = await startTestBot(options);
    y = await startTestBot(options);
  });
  after(async () => {
    await x.close();
    await y.close();
    await connector.close();
    await azurite.stop();
  });
  beforeEach(() => connector.clear());

  const serviceUrl = () => connector.serviceUrl;
  const lastCard = () => {
    const card = connector.cards().at(-1);
    assert.ok(card, 'the bot sent no card');
    return cardText(card).join('\n');
  };
  const inChannel = async (bot: TestBot, text: string, where: ChannelPlace) => {
    connector.clear();
    const response = await bot.post(channelMessage(text, where, { serviceUrl: serviceUrl() }));
    assert.equal(response.status, 200, response.body);
    return lastCard();
  };
  const inChat = async (bot: TestBot, text: string, from: TeamsUser = users.alex): Promise<Card> => {
    connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: serviceUrl(), from }));
    const card = connector.cards().at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return card;
  };

  it('a channel bound on one instance is bound on the other at its very next message', async () => {
    const where = newChannel();
    assert.match(await inChannel(y, 'hjälp', where), /inte kopplad till någon grupp/);
    assert.match(await inChannel(x, 'koppla styrgrupp', where), /nu kopplad till/);
    assert.match(
      await inChannel(y, 'hjälp', where),
      /Den här kanalen är kopplad till: Strategiskt samverkansforum \(styrgrupp\)/,
    );
  });

  it('a round opened on one instance right after a binding on the other posts in the bound channel', async () => {
    const strategisk = newChannel();
    const beredning = newChannel();
    await inChannel(x, 'koppla beredningsgrupp', beredning);
    // y reads the plan now, before the working group's channel is bound on x.
    await inChannel(y, 'hjälp', beredning);
    await inChannel(x, 'koppla est-strategisk', strategisk);
    assert.match(
      await inChannel(y, 'ny runda Två instanser', beredning),
      /Omgången \*\*Två instanser\*\* är öppnad för 9 insatser\. 9 kort skickas/,
    );
    await y.runJobs();
    // The strategic working group's channel is the only working group channel: every card is posted there.
    await connector.waitFor(
      (sent) =>
        sent.filter((s) => s.kind === 'createConversation' && s.conversationId === strategisk.channelId)
          .length === 9,
    );
    await inChannel(x, 'stäng runda', beredning);
  });

  it('a measure edited on one instance shows in the very next answers of the other', async () => {
    assert.match(cardText(await inChat(y, 'insatser')).join('\n'), /Trygghetsvandringar/);
    const form = await inChat(x, 'ändra 1.2');
    const data = (form.actions as Array<{ data: Record<string, unknown> }>)[0]?.data ?? {};
    const saved = await x.post(
      cardAction(
        'measure.save',
        { ...data, ...cardInputs(form.body), title: 'Nattvandringar med föreningarna' },
        { conversationId: `a:${users.alex.aadObjectId}`, replyToId: 'm' },
        { serviceUrl: serviceUrl(), from: users.alex },
      ),
    );
    assert.match(saved.body, /är ändrad/);
    assert.match(
      cardText(await inChat(y, 'insatser')).join('\n'),
      /1\.2\*\* Nattvandringar med föreningarna/,
    );
    assert.match(cardText(await inChat(y, 'status 1.2')).join('\n'), /Nattvandringar med föreningarna/);
  });

  it('stores a reference that differs from what either instance last stored, and refreshes an old one', async () => {
    const stored = async () =>
      (await new ConversationRepository(x.store).get('personal', users.patti.aadObjectId))?.reference
        .serviceUrl;
    const from = (bot: TestBot, url: string) =>
      bot.post(personalMessage('hjälp', { serviceUrl: url, from: users.patti }));
    const first = serviceUrl();
    const moved = first.replace('127.0.0.1', 'localhost');
    await from(y, first);
    assert.equal(await stored(), first);
    await from(x, moved);
    assert.equal(await stored(), moved);
    // y last stored `first`: Teams moving the chat again is stored, though y has seen this chat before.
    const movedAgain = first.replace('127.0.0.1', 'LOCALHOST');
    await from(y, movedAgain);
    assert.equal(await stored(), movedAgain);
    // x last stored `moved` and gets it again: that differs from what is stored now, but x cannot know that
    // without reading; after `refreshEveryMs` it writes its reference anyway.
    await from(x, moved);
    now += 11 * 60_000;
    await from(x, moved);
    assert.equal(await stored(), moved);
  });
});
