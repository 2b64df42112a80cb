import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { measureStatuses, type Report } from '../../src/domain/report.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalMessage,
  users,
  type ChannelPlace,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { seededReport, seededRound } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/** Teams refuses messages over about 28 KB; a card must stay well below. */
const teamsMessageLimit = 28 * 1024;
const outsider: TeamsUser = {
  id: 'user-id-9',
  name: 'Utomstående',
  aadObjectId: '00000000-0000-0000-0000-0000000000099',
};

describe('coordinators ask the bot for status', () => {
  let bot: TestBot;
  const channel: ChannelPlace = newChannel();
  const now = Date.parse('2021-05-20T08:30:00Z');

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date(now),
    });
    await bot.post(
      channelMessage('koppla est-strategisk', channel, { serviceUrl: bot.connector.serviceUrl }),
    );
    const rounds = new RoundRepository(bot.store);
    const all = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3'];
    await rounds.open(seededRound('q1', '2021 kvartal 1', '2021-02-01T08:00:00.000Z', 'closed', all));
    await rounds.open(seededRound('q2', '2021 kvartal 2', '2021-05-03T08:00:00.000Z', 'open', all));
    await new ReportRepository(bot.store).importHistory([
      seededReport('1.2', 1, { status: 'notStarted', roundId: 'q1', reportedAt: '2021-02-03T09:00:00.000Z' }),
      seededReport('1.2', 2, {
        status: 'onTrack',
        roundId: 'q2',
        reportedAt: '2021-05-04T07:15:00.000Z',
        narrative: 'Ordningsvakter på plats varje fredag.',
      }),
      seededReport('2.1', 1, {
        status: 'onTrack',
        roundId: 'q1',
        reportedAt: '2021-02-04T09:00:00.000Z',
        reportedBy: users.patti,
      }),
      seededReport('2.1', 2, {
        status: 'delayed',
        roundId: 'q2',
        reportedAt: '2021-05-05T09:00:00.000Z',
        reportedBy: users.patti,
        needsSteeringDecision: true,
      }),
      seededReport('3.2', 1, {
        status: 'atRisk',
        roundId: 'q1',
        reportedAt: '2021-02-05T09:00:00.000Z',
        reportedBy: users.megan,
      }),
    ]);
  });
  after(async () => {
    await bot.close();
  });

  const ask = async (text: string, from: TeamsUser = users.alex, locale = 'sv-SE') => {
    bot.connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from, locale }));
    const card = bot.connector.cards().at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return { card, text: cardText(card).join('\n') };
  };
  const askInChannel = async (text: string, from: TeamsUser) => {
    bot.connector.clear();
    await bot.post(
      channelMessage(text, channel, { serviceUrl: bot.connector.serviceUrl, from, locale: 'sv-SE' }),
    );
    return cardText(bot.connector.cards().at(-1)).join('\n');
  };

  it('answers "status" with every goal area: counts, traffic light, changes, missing reports and the time', async () => {
    const { text } = await ask('status');
    assert.match(text, /Läget i samverkansöverenskommelsen/);
    assert.match(text, /Beräknat 20 maj 2021 kl\. 10:30/);
    assert.match(text, /Öppen omgång: \*\*2021 kvartal 2\*\*, 2 av 9 insatser har rapporterat/);
    assert.match(text, /🟢 Målområde 1: [^\n]*\nPågår enligt plan: 1 · Ingen rapport: 2/);
    assert.match(text, /🔴 Målområde 2: [^\n]*\nFörsenad: 1 · Ingen rapport: 2/);
    assert.match(text, /🟡 Målområde 3: [^\n]*\nRisk för försening: 1 · Ingen rapport: 2/);
    assert.match(text, /Ändrat sedan förra omgången: \*\*1\.2\*\* \(Ej påbörjad → Pågår enligt plan\)/);
    assert.match(
      text,
      /Saknas i omgången: \*\*1\.1\*\* \(Alex Wilber, Megan Bowen\), \*\*1\.3\*\* \(Megan Bowen\)/,
    );
    assert.match(text, /Behöver beslut i styrgruppen:\*\* \*\*2\.1\*\*/);
  });

  it('shows the names of those who have not reported to coordinators only', async () => {
    const text = await askInChannel('status', users.patti);
    assert.match(text, /Saknas i omgången: \*\*1\.1\*\*, \*\*1\.3\*\*/);
    assert.doesNotMatch(text, /Megan Bowen/);
    const missing = await ask('saknas', users.patti);
    assert.match(missing.text, /Saknade rapporter i omgången 2021 kvartal 2/);
    assert.match(missing.text, /\*\*1\.3\*\* /);
    assert.doesNotMatch(missing.text, /Megan Bowen/);
    assert.match(missing.text, /visas bara för samordnarna/);
    const forCoordinator = await ask('missing', users.alex, 'en-US');
    assert.match(forCoordinator.text, /Missing reports in the round 2021 kvartal 2/);
    assert.match(forCoordinator.text, /\*\*1\.3\*\* .* – Megan Bowen/);
  });

  it('answers "status goal 2" in English with the goal area\'s measures', async () => {
    const { text } = await ask('status goal 2', users.alex, 'en-US');
    assert.match(text, /Goal area 2: Reducera rekrytering/);
    assert.match(text, /🔴 \*\*2\.1\*\* .* – Delayed \(Patti Fernandez, 5 May 2021 at 11:00\)/);
    assert.match(text, /⚪ \*\*2\.2\*\* .* – No report/);
    const swedish = await ask('status mål 2');
    assert.match(swedish.text, /Läget i målområde 2:/);
    const unknown = await ask('status mål 7');
    assert.match(unknown.text, /Det finns inget målområde 7\. Målområdena är 1, 2, 3\./);
  });

  it('answers "status 1.2" and "historik" with the measure, its owners and its reports over time', async () => {
    const { text } = await ask('status 1.2');
    assert.match(text, /Insats 1\.2: /);
    assert.match(text, /Kommunen · Ansvariga: Alex Wilber/);
    assert.match(
      text,
      /🟢 \*\*Pågår enligt plan\*\* – Alex Wilber, 4 maj 2021 kl\. 09:15\nOrdningsvakter på plats varje fredag\./,
    );
    assert.match(
      text,
      /Tidigare rapporter\n3 feb\. 2021 kl\. 10:00 · \*\*Ej påbörjad\*\* · Alex Wilber: Läget för 1\.2, version 1\./,
    );
    const english = await ask('history 1,2', users.alex, 'en-US');
    assert.match(english.text, /Measure 1\.2: [\s\S]*Earlier reports/);
  });

  it('forgives typos, offers a choice when a name is ambiguous, and suggests when it is unknown', async () => {
    const typo = await ask('stauts ordnigsvakter');
    assert.match(typo.text, /Insats 1\.3: /);

    const ambiguous = await ask('status unga');
    assert.match(ambiguous.text, /Flera insatser matchar "unga"\. Vilken menar du\?/);
    const choice = (
      ambiguous.card.actions as Array<{ title: string; verb: string; data: Record<string, unknown> }>
    )[0];
    assert.equal(choice?.verb, 'status.measure');
    const chosen = await bot.post(
      cardAction(
        'status.measure',
        choice.data,
        { conversationId: `a:${users.alex.aadObjectId}`, replyToId: 'x' },
        {
          serviceUrl: bot.connector.serviceUrl,
        },
      ),
    );
    const chosenCard = (JSON.parse(chosen.body) as { value: unknown }).value;
    assert.match(
      cardText(chosenCard).join('\n'),
      new RegExp(`Insats ${String(choice.data.measureId).replace('.', '\\.')}: `),
    );

    const unknown = await ask('status fotboll');
    assert.match(unknown.text, /Jag hittar ingen insats som matchar "fotboll"/);
    const empty = await ask('historik');
    assert.match(empty.text, /Skriv vilken insats du menar/);
  });

  it('answers "mina" with my measures and a button to report what is due', async () => {
    const { card, text } = await ask('mina', users.patti);
    assert.match(text, /Att rapportera i omgången 2021 kvartal 2\n⚪ \*\*2\.2\*\* /);
    assert.match(text, /Övriga insatser\n🔴 \*\*2\.1\*\* .* – Försenad/);
    const button = (card.actions as Array<{ title: string; verb: string; data: Record<string, unknown> }>)[0];
    assert.equal(button?.title, 'Rapportera 2.2');
    const opened = await bot.post(
      cardAction(
        button.verb,
        button.data,
        { conversationId: 'a:patti', replyToId: 'y' },
        {
          serviceUrl: bot.connector.serviceUrl,
          from: users.patti,
        },
      ),
    );
    assert.match(
      cardText((JSON.parse(opened.body) as { value: unknown }).value).join('\n'),
      /Kort beskrivning av läget/,
    );
  });

  it('tells someone outside the agreement that status is for its groups', async () => {
    const { text } = await ask('status', outsider);
    assert.match(text, /Läget visas för dem som är med i överenskommelsens grupper/);
  });
});

describe('status for the largest realistic plan: 60 measures, 24 rounds', () => {
  let bot: TestBot;

  before(async () => {
    const example = parse(await readFile('agreements/example.yaml', 'utf8')) as Record<string, unknown>;
    const owners = [
      { aadObjectId: users.alex.aadObjectId, name: 'Alex Wilber' },
      { aadObjectId: users.megan.aadObjectId, name: 'Megan Bowen' },
    ];
    const goalAreas = Array.from({ length: 6 }, (_, g) => ({
      number: g + 1,
      title: `Målområde nummer ${g + 1} med en lång beskrivning av vad parterna vill uppnå i kommunen under perioden`,
    }));
    const measures = goalAreas.flatMap((g) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${g.number}.${i + 1}`,
        goalArea: g.number,
        title:
          `Insats ${i + 1} i målområde ${g.number}: ${'trygghetsskapande arbete i offentlig miljö '.repeat(4)}`.slice(
            0,
            200,
          ),
        ownerOrganisation: 'gemensam',
        owners,
        communication: { communicate: false },
        followUp: { cadence: 'monthly' },
      })),
    );
    const dir = await mkdtemp(join(tmpdir(), 'large-plan-'));
    const file = join(dir, 'large.yaml');
    await writeFile(file, stringify({ ...example, goalAreas, measures }));
    bot = await startTestBot({
      env: { AGREEMENT_FILE: file, AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date('2022-12-20T09:00:00Z'),
    });
    const rounds = new RoundRepository(bot.store);
    const ids = measures.map((m) => m.id);
    const history: Report[] = [];
    for (let r = 0; r < 24; r++) {
      const openedAt = new Date(Date.UTC(2021, r, 1, 8)).toISOString();
      await rounds.open(seededRound(`m${r}`, `Månad ${r + 1}`, openedAt, r === 23 ? 'open' : 'closed', ids));
      for (const [i, id] of ids.entries()) {
        if (r === 23 && i % 3 === 0) continue;
        history.push(
          seededReport(id, r + 1, {
            roundId: `m${r}`,
            status: measureStatuses[(i + r) % measureStatuses.length] ?? 'onTrack',
            reportedAt: new Date(Date.UTC(2021, r, 3, 9)).toISOString(),
            narrative: 'Å'.repeat(2000),
            needsSteeringDecision: (i + r) % 7 === 0,
          }),
        );
      }
    }
    await new ReportRepository(bot.store).importHistory(history);
  });
  after(async () => {
    await bot.close();
  });

  const press = async (verb: string, data: Record<string, unknown>) => {
    const response = await bot.post(
      cardAction(
        verb,
        data,
        { conversationId: 'a:alex', replyToId: 'z' },
        { serviceUrl: bot.connector.serviceUrl },
      ),
    );
    return (JSON.parse(response.body) as { value: Record<string, unknown> }).value;
  };
  const size = (card: unknown) => Buffer.byteLength(JSON.stringify(card), 'utf8');

  it("pages the overview and each goal area, every page under Teams' size limit", async () => {
    bot.connector.clear();
    await bot.post(personalMessage('status', { serviceUrl: bot.connector.serviceUrl, locale: 'sv-SE' }));
    const first = bot.connector.cards()[0];
    assert.ok(first);
    assert.ok(size(first) < teamsMessageLimit, `${size(first)} bytes`);
    const text = cardText(first).join('\n');
    assert.match(text, /Sida 1 av 2/);
    assert.match(text, /Målområde 3: /);
    assert.doesNotMatch(text, /Målområde 4: /);

    const next = (first.actions as Array<{ verb: string; data: Record<string, unknown> }>)[0];
    assert.equal(next?.verb, 'status.page');
    const second = await press(next.verb, next.data);
    assert.ok(size(second) < teamsMessageLimit, `${size(second)} bytes`);
    assert.match(cardText(second).join('\n'), /Målområde 6: [\s\S]*Sida 2 av 2/);

    await bot.post(
      personalMessage('status mål 4', { serviceUrl: bot.connector.serviceUrl, locale: 'sv-SE' }),
    );
    const goal = bot.connector.cards().at(-1);
    assert.ok(goal && size(goal) < teamsMessageLimit, `${size(goal)} bytes`);
    assert.match(cardText(goal).join('\n'), /\*\*4\.10\*\*[\s\S]*Sida 1 av 1|\*\*4\.10\*\*/);

    await bot.post(
      personalMessage('historik 6.10', { serviceUrl: bot.connector.serviceUrl, locale: 'sv-SE' }),
    );
    const history = bot.connector.cards().at(-1);
    assert.ok(history && size(history) < teamsMessageLimit, `${size(history)} bytes`);
    assert.match(cardText(history).join('\n'), /Insats 6\.10: [\s\S]*Tidigare rapporter/);
  });
});
