import assert from 'node:assert/strict';
import { openCheckInCard } from '../harness/checkInCard.js';
import sinon from 'sinon';
import { healthCacheMs } from '../../src/server.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { freePort, startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { cardAction, channelMessage, newChannel, users, type TeamsUser } from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { logsDuring } from '../harness/logs.js';
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

  const openCard = (measureId: string, from: TeamsUser = users.alex) =>
    openCheckInCard(bot, channel, measureId, from);

  it('says "not saved, try again" with the card left as it was, reports degraded, and recovers by itself', async () => {
    const { where, data } = await openCard('1.2');
    const submit = { ...data, status: 'onTrack', narrative: 'Skrivet under avbrottet.' };

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

    // Azurite comes back on the same port and data: no restart of the bot. /healthz asks storage again once its
    // last answer is older than a few seconds; until then it repeats it, without a storage request per probe.
    azurite = await startLocalAzurite({ location, port });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      clock.tick(healthCacheMs);
      assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${bot.app.url}/healthz`, { method: 'HEAD' })).status, 200);
    } finally {
      clock.restore();
    }
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

  it('logs that a save failed by ids and kinds, never what the person wrote nor their name', async () => {
    const from = users.megan;
    const { where, data } = await openCard('1.3', from);
    const narrative = 'Ordningsvakterna såg Kalle Anka vid stationen, se anteckning 7731.';
    const submit = { ...data, status: 'atRisk', narrative };
    const logs = await logsDuring(async () => {
      await azurite.stop();
      const during = await bot.post(
        cardAction('checkIn.submit', submit, where, { serviceUrl: bot.connector.serviceUrl, from }),
      );
      assert.match(JSON.stringify(JSON.parse(during.body)), /Inte sparat/);
      azurite = await startLocalAzurite({ location, port });
      const after = await bot.post(
        cardAction('checkIn.submit', submit, where, { serviceUrl: bot.connector.serviceUrl, from }),
      );
      assert.match(
        cardText((JSON.parse(after.body) as { value: unknown }).value).join('\n'),
        /Sparat\. Tack!/,
      );
    }, 'debug');

    // The failure was logged, so an operator can follow it: which kind of event, which measure.
    const failures = logs.filter((l) => l.level === 'error' || l.level === 'warn');
    assert.ok(failures.length > 0, JSON.stringify(logs));
    assert.ok(logs.length > failures.length, 'the saved report was logged too');
    for (const secret of [narrative, 'Kalle Anka', '7731', from.name]) {
      assert.ok(!JSON.stringify(logs).includes(secret), `${secret} in ${JSON.stringify(logs)}`);
    }
    const stored = await new ReportRepository(bot.store).history(agreementId, '1.3');
    assert.deepEqual(
      stored.map((r) => [r.narrative, r.reportedBy.name]),
      [[narrative, from.name]],
    );
  });
});
