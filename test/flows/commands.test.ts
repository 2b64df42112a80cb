import assert from 'node:assert/strict';
import { messagesFor } from '../../src/features/shared/messages.js';
import { commandCatalog, usage, type Audience } from '../../src/domain/commandCatalog.js';
import { channelMessage, newChannel, personalMessage, users, type TeamsUser } from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { asTeamsShows } from '../harness/teamsText.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/** Someone Teams knows but the agreement does not: in no group, owner of nothing. */
const outsider: TeamsUser = {
  id: '29:outsider-teams-id',
  name: 'Olle Utanför',
  aadObjectId: '00000000-0000-0000-0000-0000000000099',
};

describe('commands as people use them: the catalog, the help card and the bot agree', () => {
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot.close();
  });
  beforeEach(() => bot.connector.clear());

  /** What the person reads in the bot's answers to `text` (cards and plain messages), as Teams renders it. */
  const answer = async (text: string, from: TeamsUser, locale = 'sv-SE') => {
    bot.connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from, locale }));
    return bot.connector.sent
      .flatMap((sent) => [
        ...(typeof sent.body.text === 'string' ? [sent.body.text] : []),
        ...cardText(sent.body.attachments),
      ])
      .map(asTeamsShows)
      .join('\n');
  };

  it("shows Patti, who is no coordinator, her commands in a channel's help card, and none of the coordinators'", async () => {
    const where = newChannel();
    await bot.post(
      channelMessage('hjälp', where, { serviceUrl: bot.connector.serviceUrl, from: users.patti }),
    );
    const text = cardText(bot.connector.cards().at(-1)).map(asTeamsShows).join('\n');
    for (const command of commandCatalog) {
      const line = `${usage(command, 'sv')}: ${command.description.sv}`;
      assert.equal(text.includes(line), command.who !== 'coordinators', `${command.id}: ${line}`);
    }
    for (const heading of [
      'Komma igång',
      'Läget',
      'Rapportera och omgångar',
      'Styrgruppen',
      'Åtgärdsplanen',
    ]) {
      assert.ok(text.includes(heading), heading);
    }
    assert.ok(!text.includes('Personuppgifter'), 'no personal data section for Patti');
  });

  it('shows Alex, a coordinator, every command, the coordinators’ own marked', async () => {
    const text = await answer('hjälp', users.alex);
    for (const command of commandCatalog) {
      const marker = command.who === 'coordinators' ? ' (bara samordnare)' : '';
      assert.ok(text.includes(`${usage(command, 'sv')}: ${command.description.sv}${marker}`), command.id);
    }
    const english = await answer('help', users.alex, 'en-US');
    assert.ok(english.includes('history [measure]: '), english);
    assert.ok(english.includes('erase personal data [name or email]: '), english);
  });

  it('tells how to bind a channel with a placeholder that survives Teams', async () => {
    assert.match(await answer('koppla styrgrupp', users.alex), /nämn mig där och skriv koppla \[grupp\]\./);
    assert.match(await answer('bind styrgrupp', users.alex, 'en-US'), /type bind \[group\]\./);
  });

  /** Who the catalog says may use a command decides who is refused; nothing is changed by a refusal. */
  const refused = (who: Audience, person: 'member' | 'outsider') =>
    who === 'coordinators' || (who === 'members' && person === 'outsider');

  for (const command of commandCatalog) {
    it(`refuses ${usage(command, 'sv')} exactly to those the catalog leaves out (${command.who})`, async () => {
      const notAllowed = messagesFor('sv').notAllowedTitle;
      for (const [person, from] of [
        ['member', users.patti],
        ['outsider', outsider],
      ] as const) {
        const text = await answer(command.example.sv, from);
        assert.ok(text.length > 0, `${person} got an answer to ${command.example.sv}`);
        assert.equal(text.includes(notAllowed), refused(command.who, person), `${person}: ${text}`);
      }
    });
  }
});
