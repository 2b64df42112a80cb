import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { midTermMonth } from '../../src/domain/midTermReview.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  users,
  type ChannelPlace,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const secret = 'review-tests-trigger-secret';

describe('the mid-term review (halvtidsuppföljning)', () => {
  let bot: TestBot;
  let now = Date.parse('2021-11-30T09:00:00Z');
  const beredning: ChannelPlace = newChannel();
  const est: ChannelPlace = newChannel();

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret },
      now: () => new Date(now),
    });
    await bot.post(
      channelMessage('koppla beredningsgrupp', beredning, { serviceUrl: bot.connector.serviceUrl }),
    );
    await bot.post(channelMessage('koppla est-strategisk', est, { serviceUrl: bot.connector.serviceUrl }));
  });
  after(async () => {
    await bot.close();
  });

  const answer = async (from: TeamsUser, data: Record<string, unknown>) => {
    const response = await bot.post(
      cardAction(
        'review.submit',
        data,
        { conversationId: `${est.channelId};messageid=1`, replyToId: '1', channel: est },
        {
          serviceUrl: bot.connector.serviceUrl,
          from,
        },
      ),
    );
    return cardText((JSON.parse(response.body) as { value: unknown }).value).join('\n');
  };

  it('falls half-way through the example agreement: December 2021', async () => {
    assert.equal(midTermMonth(await loadAgreementFile('agreements/example.yaml')), '2021-12');
  });

  it("asks the agreement's three questions, collects answers per organisation and compiles them", async () => {
    bot.connector.clear();
    await bot.runJobs();
    assert.equal(
      bot.connector.cards().filter((c) => cardText(c).some((t) => t.startsWith('Halvtidsuppföljning')))
        .length,
      0,
      'not before December',
    );

    now = Date.parse('2021-12-01T07:00:00Z'); // Wednesday 1 December, 08:00.
    await bot.runJobs();
    const asked = bot.connector.sent.filter((s) =>
      cardText(s.body.attachments).includes('Halvtidsuppföljning av samverkansöverenskommelsen, 2021-12'),
    );
    assert.deepEqual(asked.map((s) => s.conversationId).sort(), [beredning.channelId, est.channelId].sort());
    const text = cardText(asked[0]?.body.attachments).join('\n');
    assert.match(text, /Hur samverkansformerna upplevs fungera/);
    assert.match(text, /Hur insatsernas genomförande har fungerat/);
    assert.match(text, /Bedömning av det resultat som insatserna har bidragit till/);

    assert.match(
      await answer(users.alex, {
        organisation: 'kommun',
        answer1: 'Styrgruppen fungerar bra.',
        answer2: 'Trygghetsvandringarna kom igång sent.',
        answer3: 'Färre anmälningar i centrum.',
      }),
      /Tack! Dina svar för Kommunen är sparade/,
    );
    assert.match(
      await answer(users.megan, {
        organisation: 'polis',
        answer1: 'Bra dialog i EST.',
        answer2: '',
        answer3: 'För tidigt att säga.',
      }),
      /Dina svar för Polisen är sparade/,
    );
    const outsider = {
      id: 'user-9',
      name: 'Utomstående',
      aadObjectId: '00000000-0000-0000-0000-0000000000099',
    };
    assert.match(
      await answer(outsider, { organisation: 'kommun', answer1: 'x', answer2: '', answer3: '' }),
      /besvaras av beredningsgruppen/,
    );
    assert.match(await answer(users.alex, { organisation: 'kommunen' }), /Ingenting har sparats/);

    bot.connector.clear();
    await bot.post(
      channelMessage('halvtid', beredning, { serviceUrl: bot.connector.serviceUrl, locale: 'sv-SE' }),
    );
    const compiled = cardText(bot.connector.cards().at(-1)).join('\n');
    assert.match(
      compiled,
      /Hur samverkansformerna upplevs fungera\n\*\*Kommunen\*\*, Alex Wilber: Styrgruppen fungerar bra\.\n\*\*Polisen\*\*, Megan Bowen: Bra dialog i EST\./,
    );
    assert.match(
      compiled,
      /Hur insatsernas genomförande har fungerat\n\*\*Kommunen\*\*, Alex Wilber: Trygghetsvandringarna kom igång sent\.\n/,
    );
    assert.doesNotMatch(compiled, /Utomstående/);
  });
});
