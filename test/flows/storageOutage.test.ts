import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { freePort, startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { cardAction, channelMessage, newChannel, users } from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';

describe('storage outage: Azurite stops in the middle of a round', () => {
  let azurite: LocalAzurite;
  let bot: TestBot;
  let location: string;
  let port: number;
  const channel = newChannel();

  before(async () => {
    location = await mkdtemp(join(tmpdir(), 'azurite-outage-'));
    port = await freePort();
    azurite = await startLocalAzurite({ location, port });
    bot = await startTestBot({
      azurite,
      env: { AUTOMATIC_ROUNDS: 'off', STEERING_NOTICES: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date('2021-09-07T08:00:00Z'),
    });
    await bot.post(
      channelMessage('koppla est-strategisk', channel, { serviceUrl: bot.connector.serviceUrl }),
    );
    await bot.post(channelMessage('ny runda september', channel, { serviceUrl: bot.connector.serviceUrl }));
    await bot.connector.waitFor((sent) => sent.filter((s) => s.kind === 'createConversation').length === 9);
  });
  after(async () => {
    await bot.close();
    await azurite.stop();
  });

  it('says "not saved, try again" with the card left as it was, reports degraded, and recovers by itself', async () => {
    const card = bot.connector.sent.find(
      (s) =>
        s.kind === 'createConversation' &&
        cardText(s.body.attachments).some((t) => t.startsWith('Lägesrapport 1.2')),
    );
    assert.ok(card);
    const where = {
      conversationId: `${channel.channelId};messageid=${card.id}`,
      replyToId: card.id,
      channel,
    };
    const refresh = (
      card.body.attachments as Array<{ content: { refresh: { action: { data: object } } } }>
    )[0]?.content.refresh.action.data;
    const opened = await bot.post(
      cardAction('checkIn.refresh', { ...refresh }, where, { serviceUrl: bot.connector.serviceUrl }),
    );
    const form = (JSON.parse(opened.body) as { value: { actions: Array<{ data: Record<string, unknown> }> } })
      .value;
    const submit = { ...form.actions[0]?.data, status: 'onTrack', narrative: 'Skrivet under avbrottet.' };

    await azurite.stop();
    const health = await fetch(`${bot.app.url}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'degraded', storage: 'unreachable' });

    const during = await bot.post(
      cardAction('checkIn.submit', submit, where, { serviceUrl: bot.connector.serviceUrl }),
    );
    assert.equal(during.status, 200, 'never an HTTP error towards Teams');
    const answer = JSON.parse(during.body) as { type: string; value: string };
    // A message, not a card: Teams shows it and leaves the form with the person's text as it was.
    assert.equal(answer.type, 'application/vnd.microsoft.activity.message');
    assert.match(answer.value, /^Inte sparat: jag når inte lagringen just nu\. Det du skrev finns kvar/);

    // Azurite comes back on the same port and data: no restart of the bot.
    azurite = await startLocalAzurite({ location, port });
    assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);
    const after = await bot.post(
      cardAction('checkIn.submit', submit, where, { serviceUrl: bot.connector.serviceUrl }),
    );
    assert.match(cardText((JSON.parse(after.body) as { value: unknown }).value).join('\n'), /Sparat\. Tack!/);
    const history = await new ReportRepository(bot.store).history(agreementId, '1.2');
    assert.deepEqual(
      history.map((r) => [r.revision, r.narrative, r.reportedBy.name]),
      [[1, 'Skrivet under avbrottet.', users.alex.name]],
    );
  });
});
