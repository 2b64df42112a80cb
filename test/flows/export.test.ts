import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { messagesFor } from '../../src/features/shared/messages.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import {
  channelMessage,
  fileConsentAnswer,
  newChannel,
  personalMessage,
  users,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { seededReport, seededRound } from '../harness/seed.js';
import { parseCsv } from '../harness/csv.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const consentType = 'application/vnd.microsoft.teams.card.file.consent';
const fileInfoType = 'application/vnd.microsoft.teams.card.file.info';
const header = [
  'Omgång',
  'Insats',
  'Insatsens namn',
  'Målområde',
  'Ansvarig organisation',
  'Läge',
  'Beskrivning',
  'Hinder',
  'Nästa steg',
  'Indikatorvärde',
  'Behöver beslut i styrgruppen',
  'Rapporterad av',
  'Rapporterad',
  'Version',
];

interface Attachment {
  contentType: string;
  name?: string;
  contentUrl?: string;
  content: Record<string, unknown>;
}

describe('coordinators export the reports as a CSV file', () => {
  let bot: TestBot;
  const channel = newChannel();
  const now = Date.parse('2021-05-20T08:30:00Z');
  const serviceUrl = () => bot.connector.serviceUrl;
  const reports = () => new ReportRepository(bot.store);
  const personalChat = (person: TeamsUser) => `a:${person.aadObjectId}`;

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date(now),
    });
    // The coordinators' channel: the only channel where reports may be posted as text.
    await bot.post(
      channelMessage('koppla beredningsgrupp', channel, { serviceUrl: bot.connector.serviceUrl }),
    );
    const rounds = new RoundRepository(bot.store);
    await rounds.open(seededRound('q1', '2021 kvartal 1', '2021-02-01T08:00:00.000Z', 'closed'));
    await rounds.open(seededRound('q2', '2021 kvartal 2', '2021-05-03T08:00:00.000Z', 'open'));
    // Long texts in the first round make the whole agreement too long for a Teams message.
    const long = (n: number) => `Omfattande lägesbeskrivning nummer ${n}. `.repeat(45).trim();
    await reports().importHistory([
      seededReport('1.2', 1, {
        status: 'notStarted',
        roundId: 'q1',
        reportedAt: '2021-02-03T09:00:00.000Z',
        narrative: 'Planering; budget och "lokaler" klara.\r\nStart i mars.',
        obstacles: 'Ingen lokal\nännu',
        nextStep: '=SUMMA(A1:A3)',
        indicatorValue: 3.5,
      }),
      seededReport('1.2', 2, {
        status: 'onTrack',
        roundId: 'q2',
        reportedAt: '2021-05-04T07:15:00.000Z',
        narrative: 'Ordningsvakter på plats varje fredag; "Nattvandrarna" med.',
        indicatorValue: -2.25,
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
        narrative: '+46 8 123 45 ringer varje vecka',
        needsSteeringDecision: true,
      }),
      // Reported outside any round, in the hour that did not exist in Stockholm's clock change.
      seededReport('3.1', 1, {
        status: 'atRisk',
        reportedAt: '2021-03-28T01:30:00.000Z',
        reportedBy: users.megan,
      }),
      ...Array.from({ length: 12 }, (_, i) =>
        seededReport('3.3', i + 1, {
          status: 'onTrack',
          roundId: 'q1',
          reportedAt: `2021-02-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`,
          narrative: long(i + 1),
          reportedBy: users.megan,
        }),
      ),
    ]);
    // Alex has a personal chat with the bot; Megan, the other coordinator, has not.
    await bot.post(personalMessage('hjälp', { serviceUrl: serviceUrl(), from: users.alex }));
  });
  after(async () => {
    await bot.close();
  });

  const say = async (text: string, from: TeamsUser = users.alex) => {
    bot.connector.clear();
    const response = await bot.post(personalMessage(text, { serviceUrl: serviceUrl(), from }));
    assert.equal(response.status, 200, response.body);
    return bot.connector.sent;
  };
  const sayInChannel = async (text: string, from: TeamsUser) => {
    bot.connector.clear();
    const response = await bot.post(channelMessage(text, channel, { serviceUrl: serviceUrl(), from }));
    assert.equal(response.status, 200, response.body);
    return bot.connector.sent;
  };
  const attachments = (sent: readonly SentActivity[], contentType: string) =>
    sent.flatMap((s) =>
      ((s.body.attachments as Attachment[] | undefined) ?? [])
        .filter((a) => a.contentType === contentType)
        .map((attachment) => ({ sent: s, attachment })),
    );
  /** Everything a person would read in what was sent: message text and the text on adaptive cards. */
  const noticeText = (sent: readonly SentActivity[]) =>
    [
      ...sent.map((s) => (typeof s.body.text === 'string' ? s.body.text : '')),
      ...attachments(sent, 'application/vnd.microsoft.card.adaptive').map(({ attachment }) =>
        cardText(attachment.content).join('\n'),
      ),
    ].join('\n');
  const theConsentCard = (sent: readonly SentActivity[]) => {
    const found = attachments(sent, consentType);
    assert.equal(found.length, 1, 'one file consent card');
    const [{ sent: activity, attachment }] = found as [(typeof found)[number]];
    return { activity, attachment, content: attachment.content };
  };

  /** Teams' invoke when the person presses Allow or Decline on the file consent card. */
  const fileConsent = async (
    action: 'accept' | 'decline',
    context: unknown,
    options: { from?: TeamsUser; uploadUrl?: string; name?: string } = {},
  ) => {
    const uniqueId = randomUUID();
    const file = {
      name: options.name ?? 'samverkan-rapporter-2021-05-20.csv',
      uploadUrl: options.uploadUrl ?? bot.connector.uploadUrl(),
      uniqueId,
      fileType: 'csv',
    };
    const activity = fileConsentAnswer(action, context, file, {
      serviceUrl: serviceUrl(),
      from: options.from ?? users.alex,
    });
    bot.connector.clear();
    const response = await bot.post(activity);
    assert.equal(response.status, 200, response.body);
    return { sent: bot.connector.sent, uniqueId };
  };
  const theUpload = () => {
    assert.equal(bot.connector.uploads.length, 1, 'one upload');
    const [upload] = bot.connector.uploads as [(typeof bot.connector.uploads)[number]];
    return upload;
  };

  /** What each stored report should read as in the file, sorted as the file is. */
  const expectedRows = async (roundId?: string) => {
    const plan = await new PlanRepository(bot.store).load(agreementId);
    assert.ok(plan);
    const sv = messagesFor('sv');
    const labels: Record<string, string> = { q1: '2021 kvartal 1', q2: '2021 kvartal 2' };
    const text = (value: string | undefined) =>
      value && /^[=+\-@]/.test(value) ? `'${value}` : (value ?? '');
    return (await reports().allHistory(agreementId))
      .filter((r) => roundId === undefined || r.roundId === roundId)
      .sort((a, b) => a.measureId.localeCompare(b.measureId) || a.revision - b.revision)
      .map((r) => {
        const measure = plan.agreement.measures.find((m) => m.id === r.measureId);
        assert.ok(measure);
        const goal = plan.agreement.goalAreas.find((g) => g.number === measure.goalArea);
        return [
          r.roundId ? (labels[r.roundId] ?? '') : '',
          r.measureId,
          measure.title,
          `${goal?.number}. ${goal?.title}`,
          sv.ownerOrganisation[measure.ownerOrganisation],
          sv.statuses[r.status],
          text(r.narrative),
          text(r.obstacles),
          text(r.nextStep),
          r.indicatorValue === undefined ? '' : String(r.indicatorValue).replace('.', ','),
          r.needsSteeringDecision ? 'Ja' : 'Nej',
          r.reportedBy.name,
          DateTime.fromISO(r.reportedAt).setZone('Europe/Stockholm').toFormat('yyyy-MM-dd HH:mm'),
          String(r.revision),
        ];
      });
  };

  it('sends a file consent card in the personal chat, and uploads a CSV for Swedish Excel on accept', async () => {
    const asked = await say('exportera');
    const { activity, attachment, content } = theConsentCard(asked);
    assert.equal(activity.conversationId, personalChat(users.alex));
    assert.equal(attachment.name, 'samverkan-rapporter-2021-05-20.csv');
    const stored = await reports().allHistory(agreementId);
    assert.match(String(content.description), new RegExp(`med varje version \\(${stored.length} rader\\)`));
    assert.match(String(activity.body.text), /Här är rapporterna som CSV-fil för Excel/);
    // Only what builds the file again, and the language the upload's answer is to be in.
    assert.deepEqual(content.acceptContext, {
      kind: 'offered',
      source: 'export',
      args: {},
      locale: 'sv',
      agreementId: 'upplands-vasby-sollentuna-2021-2022',
    });

    const { sent, uniqueId } = await fileConsent('accept', content.acceptContext);
    const upload = theUpload();
    const size = upload.bytes.length;
    assert.equal(upload.method, 'PUT');
    assert.equal(upload.contentRange, `bytes 0-${size - 1}/${size}`);
    assert.equal(upload.contentLength, String(size));
    assert.equal(content.sizeInBytes, size, 'the card told the size of the file');
    assert.deepEqual([...upload.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');

    const text = upload.bytes.toString('utf8').slice(1);
    assert.ok(text.startsWith(`${header.join(';')}\r\n`));
    assert.ok(text.endsWith('\r\n'), 'every record ends with CRLF');
    const [head, ...rows] = parseCsv(text);
    assert.deepEqual(head, header);
    assert.deepEqual(rows, await expectedRows());
    // The tricky ones, spelled out.
    assert.ok(text.includes('"Planering; budget och ""lokaler"" klara.\r\nStart i mars."'));
    assert.ok(text.includes(';"Ingen lokal\nännu";\'=SUMMA(A1:A3);3,5;Nej;'));
    assert.ok(text.includes(';-2,25;Nej;'));
    assert.ok(text.includes(";'+46 8 123 45 ringer varje vecka;"));
    assert.ok(text.includes(';Megan Bowen;2021-03-28 03:30;1\r\n'));

    const info = attachments(sent, fileInfoType);
    assert.equal(info.length, 1, 'a file info card');
    const [{ sent: shown, attachment: file }] = info as [(typeof info)[number]];
    assert.equal(shown.conversationId, personalChat(users.alex));
    assert.equal(file.name, 'samverkan-rapporter-2021-05-20.csv');
    assert.equal(file.contentUrl, `https://contoso-my.sharepoint.com/personal/files/${uniqueId}.csv`);
    assert.deepEqual(file.content, { uniqueId, fileType: 'csv' });
    assert.match(
      String(shown.body.text),
      /Klart: samverkan-rapporter-2021-05-20\.csv är sparad i din OneDrive/,
    );
  });

  it('exports one round, with what is stored when the person accepts', async () => {
    const asked = await say('export 2021 kvartal 2');
    const { attachment, content } = theConsentCard(asked);
    assert.equal(attachment.name, 'samverkan-rapporter-2021-kvartal-2-2021-05-20.csv');
    assert.deepEqual(content.acceptContext, {
      kind: 'offered',
      source: 'export',
      args: { roundId: 'q2' },
      locale: 'en',
      agreementId: 'upplands-vasby-sollentuna-2021-2022',
    });
    assert.match(String(content.description), /The reports of the round 2021 kvartal 2 .*\(2 rows\)/);

    // Reported between the card and the accept: the file has it.
    await reports().add(
      seededReport('1.1', 1, { status: 'done', roundId: 'q2', reportedAt: '2021-05-20T08:00:00.000Z' }),
    );
    await fileConsent('accept', content.acceptContext, {
      name: 'samverkan-rapporter-2021-kvartal-2-2021-05-20.csv',
    });
    const bytes = theUpload().bytes;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const text = bytes.toString('utf8').slice(1);
    assert.ok(text.startsWith(`${header.join(';')}\r\n`) && text.endsWith('\r\n'), 'records end with CRLF');
    const [head, ...rows] = parseCsv(text);
    assert.deepEqual(head, header);
    assert.deepEqual(rows, await expectedRows('q2'));
    assert.deepEqual(
      rows.map((r) => `${r[0]} ${r[1]} v${r[13]}`),
      ['2021 kvartal 2 1.1 v1', '2021 kvartal 2 1.2 v2', '2021 kvartal 2 2.1 v2'],
    );
  });

  it('still uploads from a consent card an earlier version sent (its scope, not a source)', async () => {
    await fileConsent(
      'accept',
      { kind: 'round', roundId: 'q2', locale: 'sv' },
      {
        name: 'samverkan-rapporter-2021-kvartal-2-2021-05-20.csv',
      },
    );
    const [, ...rows] = parseCsv(theUpload().bytes.toString('utf8').slice(1));
    assert.deepEqual(rows, await expectedRows('q2'));
  });

  it('says so when the person declines, and when the upload fails', async () => {
    const asked = await say('exportera');
    const { content } = theConsentCard(asked);
    const declined = await fileConsent('decline', content.declineContext);
    assert.match(noticeText(declined.sent), /Okej, jag sparar ingen fil/);
    assert.equal(bot.connector.uploads.length, 0);

    const failed = await fileConsent('accept', content.acceptContext, {
      uploadUrl: bot.connector.uploadUrl({ failWith: 500 }),
    });
    assert.equal(theUpload().status, 500);
    assert.match(
      noticeText(failed.sent),
      /Jag kunde inte spara filen i din OneDrive\. Ingenting har ändrats\./,
    );
    assert.equal(attachments(failed.sent, fileInfoType).length, 0);
  });

  it('refuses someone who is not a coordinator, sending and uploading nothing', async () => {
    const asked = await say('exportera', users.patti);
    assert.equal(asked.length, 1);
    assert.match(noticeText(asked), /Bara samordnarna i beredningsgruppen kan exportera rapporterna/);
    assert.equal(attachments(asked, consentType).length, 0);

    // A made-up accept is refused too: the role is checked again when the file is built.
    const forged = await fileConsent('accept', { kind: 'all' }, { from: users.patti });
    assert.equal(bot.connector.uploads.length, 0);
    assert.match(noticeText(forged.sent), /Bara samordnarna/);
  });

  it('sends the file to the personal chat when asked in a channel, and says so there', async () => {
    const sent = await sayInChannel('exportera', users.alex);
    const { activity } = theConsentCard(sent);
    assert.equal(activity.conversationId, personalChat(users.alex));
    const inChannel = sent.filter((s) => s.conversationId.startsWith(channel.channelId));
    assert.equal(inChannel.length, 1);
    assert.match(
      noticeText(inChannel),
      /Jag har skickat filen till vår personliga chatt\. Godkänn den där så sparar jag den i din OneDrive\./,
    );

    // The person removed the bot since: Teams refuses the personal chat, so the answer comes in the channel.
    const lift = bot.connector.failWhen((r) => r.conversationId === personalChat(users.alex), {
      status: 403,
    });
    try {
      const refused = await sayInChannel('exportera 2021 kvartal 2', users.alex);
      assert.equal(refused.length, 1);
      assert.ok(refused[0]?.conversationId.startsWith(channel.channelId));
      assert.match(
        noticeText(refused),
        /Du har ingen personlig chatt med mig, så här kommer rapporterna som text/,
      );
    } finally {
      lift();
    }
  });

  it('without a personal chat, posts a small export as text in the channel and explains how to get a large one', async () => {
    const small = await sayInChannel('exportera 2021 kvartal 2', users.megan);
    assert.equal(attachments(small, consentType).length, 0);
    assert.equal(small.length, 1);
    const [message] = small as [SentActivity];
    assert.ok(message.conversationId.startsWith(channel.channelId));
    const text = String(message.body.text);
    assert.match(text, /Du har ingen personlig chatt med mig, så här kommer rapporterna som text \(3 rader/);
    assert.match(text, /sök efter Samverkansbot, välj Lägg till och skriv exportera igen/);
    const csv = /```\n([\s\S]*)```$/.exec(text)?.[1];
    assert.ok(csv, 'the CSV in a code block');
    assert.ok(!csv.startsWith('\uFEFF'));
    assert.ok(csv.startsWith(`${header.join(';')}\r\n`) && csv.endsWith('\r\n'), 'records end with CRLF');
    const [head, ...rows] = parseCsv(csv);
    assert.deepEqual(head, header);
    assert.deepEqual(rows, await expectedRows('q2'));

    const large = await sayInChannel('exportera', users.megan);
    assert.equal(attachments(large, consentType).length, 0);
    assert.equal(large.length, 1);
    assert.match(noticeText(large), /rader\) är för många för ett meddelande/);
    assert.match(noticeText(large), /öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till/);
    assert.ok(!noticeText(large).includes('Omfattande lägesbeskrivning'));
  });

  it("never posts reports as text in a channel other than the coordinators'", async () => {
    const other = newChannel();
    bot.connector.clear();
    await bot.post(
      channelMessage('exportera 2021 kvartal 2', other, { serviceUrl: serviceUrl(), from: users.megan }),
    );
    assert.equal(bot.connector.sent.length, 1);
    assert.match(noticeText(bot.connector.sent), /som text visar jag dem bara i beredningsgruppens kanal/);
    assert.ok(!String(bot.connector.sent[0]?.body.text ?? '').includes('Ordningsvakter'));
  });

  it('answers a round name that matches no round with the rounds there are', async () => {
    const sent = await say('exportera 2020 kvartal 9');
    assert.equal(attachments(sent, consentType).length, 0);
    assert.match(
      noticeText(sent),
      /Jag hittar ingen omgång som heter "2020 kvartal 9"\. Omgångarna är: 2021 kvartal 1, 2021 kvartal 2\./,
    );
    // Case and diacritics are forgiven, as everywhere else.
    const forgiven = await say('exportera 2021 KVARTAL 1');
    assert.equal(
      theConsentCard(forgiven).attachment.name,
      'samverkan-rapporter-2021-kvartal-1-2021-05-20.csv',
    );
  });
});
