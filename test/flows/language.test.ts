import assert from 'node:assert/strict';
import { cardAction, channelMessage, newChannel, personalMessage, users } from '../harness/activities.js';
import { cardInputs, cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * The language rule: a reply, the card it leads to, that card's form and its saved view are in one language,
 * whatever language the person's Teams client is set to.
 */
describe('one language within a conversation', () => {
  let bot: TestBot;
  const chat = `a:${users.alex.aadObjectId}-language`;
  let channelCard: unknown;

  before(async () => {
    bot = await startTestBot({
      env: {
        AUTOMATIC_ROUNDS: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
        JOBS_TRIGGER_SECRET: 'language-tests-secret',
      },
      now: () => new Date('2021-05-04T07:00:00Z'),
    });
    const beredning = newChannel();
    await bot.post(
      channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
    );
    const strategisk = newChannel();
    await bot.post(
      channelMessage('koppla est-strategisk', strategisk, { serviceUrl: bot.connector.serviceUrl }),
    );
    await bot.post(channelMessage('ny runda', beredning, { serviceUrl: bot.connector.serviceUrl }));
    await bot.runJobs();
    channelCard = bot.connector
      .cards()
      .find((card) => cardText(card).some((line) => line.startsWith('Lägesrapport 1.2')));
  });
  after(async () => {
    await bot.close();
  });

  /** What the person's English Teams client sends when they type. */
  const type = async (text: string) => {
    bot.connector.clear();
    await bot.post(
      personalMessage(text, { serviceUrl: bot.connector.serviceUrl, conversationId: chat, locale: 'en-US' }),
    );
    const card = bot.connector.cards().at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return card as { actions?: Array<{ title: string; verb: string; data: Record<string, unknown> }> };
  };
  const press = async (verb: string, data: Record<string, unknown>) => {
    const response = await bot.post(
      cardAction(
        verb,
        data,
        { conversationId: chat, replyToId: 'm1' },
        {
          serviceUrl: bot.connector.serviceUrl,
          locale: 'en-US',
        },
      ),
    );
    assert.equal(response.status, 200, response.body);
    return (JSON.parse(response.body) as { value: Record<string, unknown> }).value;
  };
  const reportButton = (card: Awaited<ReturnType<typeof type>>, measureId: string) => {
    const button = card.actions?.find((a) => a.data.measureId === measureId);
    assert.ok(button, `a button for ${measureId}`);
    return button;
  };

  it("keeps `mina`'s Swedish through its button's form and the saved view, on an English client", async () => {
    const mine = await type('mina');
    assert.match(cardText(mine).join('\n'), /Mina insatser/);
    const button = reportButton(mine, '1.2');
    assert.equal(button.title, 'Rapportera 1.2');

    const form = await press(button.verb, button.data);
    const formText = cardText(form).join('\n');
    assert.match(formText, /Kort beskrivning av läget/);
    assert.doesNotMatch(formText, /Short description/);

    const submit = (form.actions as Array<{ verb: string; data: Record<string, unknown> }>)[0];
    assert.ok(submit);
    const saved = await press(submit.verb, {
      ...cardInputs(form),
      ...submit.data,
      status: 'onTrack',
      narrative: 'Två trygghetsvandringar i maj.',
      indicatorValue: '2',
    });
    assert.match(cardText(saved).join('\n'), /Sparat av Alex Wilber/);
  });

  it('keeps English through the same chain when the person writes in English', async () => {
    const mine = await type('mine');
    assert.match(cardText(mine).join('\n'), /My measures/);
    const form = await press(reportButton(mine, '1.1').verb, reportButton(mine, '1.1').data);
    assert.match(cardText(form).join('\n'), /Short description/);
  });

  it('answers in the chosen language from then on, whatever the words', async () => {
    await type('språk en');
    const mine = await type('mina');
    assert.match(cardText(mine).join('\n'), /My measures/);
    const form = await press(reportButton(mine, '1.1').verb, reportButton(mine, '1.1').data);
    assert.match(cardText(form).join('\n'), /Short description/);
    await type('language sv');
    assert.match(cardText(await type('status')).join('\n'), /Läget i samverkansöverenskommelsen/);
  });

  it("posts check-in cards to a channel in the agreement's language, and a form opened from one keeps it", async () => {
    const posted = channelCard;
    assert.ok(posted, 'the round posted its cards');
    assert.match(cardText(posted).join('\n'), /Lägesrapport 1\.2/);
    const refresh = (posted as { refresh: { action: { verb: string; data: Record<string, unknown> } } })
      .refresh.action;
    assert.equal(refresh.data.locale, 'sv');
    // Alex chose English above, then Swedish again; with English chosen the shared card still opens in Swedish.
    await type('language en');
    const form = await press(refresh.verb, refresh.data);
    assert.match(cardText(form).join('\n'), /Kort beskrivning av läget/);
  });
});
