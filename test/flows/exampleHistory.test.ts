import assert from 'node:assert/strict';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFollowUpReport } from '../../src/features/reports/followUpReportFile.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { personalMessage, users, type TeamsUser } from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { logsDuring, type LogLine } from '../harness/logs.js';
import { exampleAgreementId } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/** Where `npm start` starts the example agreement's clock: Monday 18 October 2021, 09:00 in Stockholm. */
const exampleClockStart = Date.parse('2021-10-18T07:00:00Z');
const env = {
  AUTOMATIC_ROUNDS: 'on',
  SCHEDULER_INTERVAL_SECONDS: '0',
  JOBS_TRIGGER_SECRET: 'example-history-secret-0123456789abcdef',
};

/** Starts the bot as `npm start` does, with the example history, and returns it with the log lines of its start. */
async function start(
  azurite: LocalAzurite,
  agreementFile = 'agreements/example.yaml',
  more: Record<string, string> = {},
): Promise<{ bot: TestBot; synced: LogLine[] }> {
  let bot: TestBot | undefined;
  const logs = await logsDuring(async () => {
    bot = await startTestBot({
      azurite,
      exampleHistory: true,
      env: { ...env, AGREEMENT_FILE: agreementFile, ...more },
      now: () => new Date(exampleClockStart),
    });
  }, 'info');
  assert.ok(bot);
  return { bot, synced: logs.filter((l) => l.event.startsWith('exampleHistory.')) };
}

describe("a newcomer's first start with the example agreement and its example history", () => {
  let azurite: LocalAzurite;
  let bot: TestBot;
  let firstStart: LogLine[];

  before(async () => {
    azurite = await startLocalAzurite();
    ({ bot, synced: firstStart } = await start(azurite));
  });
  after(async () => {
    await bot.close();
    await azurite.stop();
  });

  const ask = async (text: string, from: TeamsUser = users.alex) => {
    bot.connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from, locale: 'sv-SE' }));
    const card = bot.connector.cards().at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return cardText(card).join('\n');
  };

  it('writes the history at the first start and nothing at the second', async () => {
    assert.deepEqual(
      firstStart.map((l) => [l.event, l.rounds, l.reports, l.rowsWritten]),
      [['exampleHistory.synced', 15, 51, 75]],
    );
    await bot.close();
    const second = await start(azurite);
    bot = second.bot;
    assert.deepEqual(
      second.synced.map((l) => [l.event, l.rowsWritten]),
      [['exampleHistory.synced', 0]],
    );
    assert.equal((await new RoundRepository(bot.store).list(exampleAgreementId)).length, 15);
    assert.equal((await new ReportRepository(bot.store).allHistory(exampleAgreementId)).length, 51);
  });

  it('opens no round and sends no card when the clock starts: every round due is in the history, closed', async () => {
    bot.connector.clear();
    await bot.runJobs();
    assert.deepEqual(bot.connector.cards(), []);
    const rounds = await new RoundRepository(bot.store).list(exampleAgreementId);
    assert.equal(rounds.length, 15);
    assert.ok(rounds.every((r) => r.status === 'closed'));
  });

  it('answers "status" with coloured lights, the statuses reported, what changed and what needs a decision', async () => {
    const text = await ask('status');
    assert.match(text, /Beräknat 18 okt\. 2021 kl\. 09:00/);
    assert.match(text, /🟢 Målområde 1: [^\n]*\nPågår enligt plan: 3\n/);
    assert.match(text, /🔴 Målområde 2: [^\n]*\nRisk för försening: 1 · Försenad: 1 · Genomförd: 1\n/);
    assert.match(text, /🟡 Målområde 3: [^\n]*\nPågår enligt plan: 2 · Risk för försening: 1\n/);
    assert.match(
      text,
      /Ändrat sedan förra omgången: \*\*2\.1\*\* \(Pågår enligt plan → Risk för försening\)/,
    );
    assert.match(
      text,
      /Behöver beslut i styrgruppen:\*\* \*\*2\.1\*\* [^\n]*, \*\*2\.2\*\* Avhopparverksamhet/,
    );
    assert.doesNotMatch(text, /Ingen rapport|⚪/);
  });

  it('answers "historik 1.1" with the measure\'s reports month by month, marked as examples', async () => {
    const text = await ask('historik 1.1');
    assert.match(
      text,
      /Senaste rapporten\n🟢 \*\*Pågår enligt plan\*\* – Alex Wilber, 5 okt\. 2021 kl\. 10:40\nExempel: Fortsatt nedgång/,
    );
    const earlier = text.split('Tidigare rapporter\n')[1]?.split('\n') ?? [];
    assert.equal(earlier.length, 9, text);
    assert.ok(
      earlier.every((line) => /^\d+ \S+ 2021 kl\. \d\d:\d\d · \*\*.+\*\* · .+: Exempel: /.test(line)),
    );
    assert.match(
      text,
      /6 juli 2021 kl\. 10:20 · \*\*Risk för försening\*\* · Megan Bowen: Exempel: Fler händelser/,
    );
  });

  it('answers "sammanfattning" for the November meeting with changes, risks, decisions and indicator values', async () => {
    const text = await ask('sammanfattning', users.patti);
    assert.match(text, /Inför styrgruppens möte 2021-11-25 13:00/);
    assert.match(text, /Förändrat: \*\*2\.1\*\* Pågår enligt plan → Risk för försening/);
    assert.match(text, /\*\*Behöver beslut:\*\* \*\*2\.1\*\* [^\n]*, \*\*2\.2\*\* Avhopparverksamhet/);
    assert.match(
      text,
      /1\.1 Otrygghetsskapande händelser [^\n]*: 2021-01-07 142, 2021-02-03 138, [^\n]*2021-10-05 118/,
    );
  });

  it('writes the follow-up report with every measure reported and the indicators over time', async () => {
    const sources = {
      plans: new PlanRepository(bot.store),
      reports: new ReportRepository(bot.store),
      rounds: new RoundRepository(bot.store),
    };
    const { bytes } = await buildFollowUpReport(sources, {
      agreementId: exampleAgreementId,
      scope: { kind: 'meeting', date: '2021-11-25' },
      format: 'md',
      now: new Date(exampleClockStart),
      timeZone: 'Europe/Stockholm',
    });
    const markdown = Buffer.from(bytes).toString('utf8');
    assert.doesNotMatch(markdown, /Ingen rapport/);
    assert.match(markdown, /\| \*\*2\.2\*\* Avhopparverksamhet \| Röd \| Försenad/);
    assert.match(markdown, /oktober 2021 \(exempel\)/);
  });
});

describe('a start with another agreement file', () => {
  it('writes no example history, so status shows no reports', async () => {
    const azurite = await startLocalAzurite();
    const dir = await mkdtemp(join(tmpdir(), 'agreement-'));
    const copy = join(dir, 'egen.yaml');
    await copyFile('agreements/example.yaml', copy);
    const { bot, synced } = await start(azurite, copy);
    try {
      assert.deepEqual(synced, []);
      assert.deepEqual(await new RoundRepository(bot.store).list(exampleAgreementId), []);
      bot.connector.clear();
      await bot.post(personalMessage('status', { serviceUrl: bot.connector.serviceUrl, locale: 'sv-SE' }));
      const text = cardText(bot.connector.cards().at(-1)).join('\n');
      assert.match(text, /⚪ Målområde 1: [^\n]*\nIngen rapport: 3/);
    } finally {
      await bot.close();
      await azurite.stop();
    }
  });

  it('writes none in production, even with the example agreement', async () => {
    const azurite = await startLocalAzurite();
    const tenant = '66666666-7777-8888-9999-000000000000';
    const { bot, synced } = await start(azurite, 'agreements/example.yaml', {
      NODE_ENV: 'production',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: tenant,
      ALLOWED_TENANT_IDS: tenant,
    });
    try {
      assert.deepEqual(synced, []);
      assert.deepEqual(await new RoundRepository(bot.store).list(exampleAgreementId), []);
    } finally {
      await bot.close();
      await azurite.stop();
    }
  });
});
