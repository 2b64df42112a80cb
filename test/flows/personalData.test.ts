import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { messagesFor } from '../../src/features/shared/messages.js';
import { commandCatalog, usage } from '../../src/domain/commandCatalog.js';
import type { Report } from '../../src/domain/report.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { keyOf, tableNames } from '../../src/storage/tableStore.js';
import {
  cardAction,
  channelMessage,
  fileConsentAnswer,
  newChannel,
  personalInstall,
  personalMessage,
  users,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { exampleAgreementId as agreementId, seededReport, seededRound } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const sv = messagesFor('sv').personalData;
const en = messagesFor('en').personalData;
const consentType = 'application/vnd.microsoft.teams.card.file.consent';
const fileInfoType = 'application/vnd.microsoft.teams.card.file.info';

/** Frida owned two measures and left; she asks for her data, then for its erasure. */
const frida: TeamsUser = {
  id: '29:frida-teams-id',
  name: 'Frida Fältström',
  aadObjectId: '00000000-0000-0000-0000-0000000000031',
};
const fridaEmail = 'frida.faltstrom@vasby.example';
/** Two people with the same name, known from the audit log. */
const kims = ['00000000-0000-0000-0000-0000000000041', '00000000-0000-0000-0000-0000000000042'];
const fridaIdentity = [frida.aadObjectId, frida.name, frida.id];
/** Everyone else whose data must stay as it was. */
const others = [users.alex, users.megan, users.patti];

type Row = Record<string, unknown>;
type Card = Record<string, unknown>;

interface Attachment {
  contentType: string;
  name?: string;
  content: Record<string, unknown>;
}

describe("coordinators export and erase a person's data (GDPR art. 15 and 17)", () => {
  let bot: TestBot;
  let dir: string;
  let agreementFile: string;
  let now = Date.parse('2021-05-03T08:00:00Z');
  const places = { strategisk: newChannel(), fordjupning: newChannel(), beredning: newChannel() };
  const fridasChannel = newChannel();
  const styrgruppChannel = '19:styrgrupp@thread.tacv2';
  const serviceUrl = () => bot.connector.serviceUrl;
  const reports = () => new ReportRepository(bot.store);
  const audit = () => new AuditLog(bot.store);

  before(async () => {
    // The example agreement, with Frida as owner of 2.3 and, with Alex, of 3.3.
    dir = await mkdtemp(join(tmpdir(), 'samverkansbot-personal-'));
    agreementFile = join(dir, 'agreement.yaml');
    const agreement = parse(await readFile('agreements/example.yaml', 'utf8')) as {
      measures: Array<{ id: string; owners: Array<{ aadObjectId: string; name: string }> }>;
    };
    const fridaOwner = { aadObjectId: frida.aadObjectId, name: frida.name };
    for (const measure of agreement.measures) {
      if (measure.id === '2.3') measure.owners = [fridaOwner];
      if (measure.id === '3.3') measure.owners = [...measure.owners, fridaOwner];
    }
    await writeFile(agreementFile, stringify(agreement));

    bot = await startTestBot({
      env: {
        AGREEMENT_FILE: agreementFile,
        AUTOMATIC_ROUNDS: 'off',
        STEERING_NOTICES: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
      },
      now: () => new Date(now),
    });
    for (const [group, place] of [
      ['est-strategisk', places.strategisk],
      ['est-fordjupning', places.fordjupning],
      ['beredningsgrupp', places.beredning],
    ] as const) {
      await bot.post(channelMessage(`koppla ${group}`, place, { serviceUrl: serviceUrl() }));
    }
    // Frida installed the bot personally and once wrote in a channel of her own team; Alex has a personal chat.
    await bot.post(
      personalInstall('installationUpdate', {
        serviceUrl: serviceUrl(),
        conversationId: `a:${frida.aadObjectId}`,
        from: frida,
      }),
    );
    await bot.post(personalMessage('hjälp', { serviceUrl: serviceUrl(), from: frida }));
    await bot.post(channelMessage('hjälp', fridasChannel, { serviceUrl: serviceUrl(), from: frida }));
    await bot.post(personalMessage('hjälp', { serviceUrl: serviceUrl(), from: users.alex }));

    // A round: its cards reach Frida's personal chat, and three working days later its first reminder.
    await bot.post(channelMessage('ny runda 2021 kvartal 2', places.beredning, { serviceUrl: serviceUrl() }));
    await bot.app.runDueJobs();
    now = Date.parse('2021-05-06T09:00:00Z');
    await bot.app.runDueJobs();

    await reports().importHistory([
      seededReport('2.3', 1, {
        status: 'notStarted',
        reportedAt: '2021-02-01T09:00:00.000Z',
        reportedBy: frida,
      }),
      seededReport('2.3', 2, {
        status: 'onTrack',
        reportedAt: '2021-03-01T09:00:00.000Z',
        reportedBy: users.megan,
      }),
      seededReport('2.3', 3, {
        status: 'atRisk',
        reportedAt: '2021-04-01T09:00:00.000Z',
        reportedBy: frida,
        narrative: 'Föreningarna har inte svarat; nytt möte i maj.',
        obstacles: 'Lokal saknas',
      }),
      seededReport('3.3', 1, {
        status: 'onTrack',
        reportedAt: '2021-02-02T09:00:00.000Z',
        reportedBy: frida,
      }),
      seededReport('3.3', 2, { status: 'onTrack', reportedAt: '2021-03-02T09:00:00.000Z' }),
      seededReport('2.1', 1, {
        status: 'delayed',
        reportedAt: '2021-02-03T09:00:00.000Z',
        reportedBy: users.patti,
      }),
    ]);
    const reviews = new ReviewRepository(bot.store);
    for (const [person, organisation] of [
      [frida, 'kommun'],
      [users.megan, 'polis'],
    ] as const) {
      await reviews.add({
        agreementId,
        organisation,
        answers: [`Svar från ${organisation}`, '', 'Bra'],
        answeredBy: { aadObjectId: person.aadObjectId, name: person.name },
        answeredAt: '2021-12-01T10:00:00.000Z',
      });
    }
    // Earlier, when Frida was a coordinator: she bound the steering group's channel and opened a round.
    const fridaRef = { aadObjectId: frida.aadObjectId, name: frida.name };
    await new PlanRepository(bot.store).bind(agreementId, {
      groupId: 'styrgrupp',
      channelId: styrgruppChannel,
      boundBy: fridaRef,
      boundAt: '2021-01-04T09:00:00.000Z',
    });
    await audit().record({
      agreementId,
      actor: fridaRef,
      action: 'bindChannel',
      details: { groupId: 'styrgrupp', channelId: styrgruppChannel },
      at: '2021-01-04T09:00:00.000Z',
    });
    await new RoundRepository(bot.store).open({
      ...seededRound('q1', '2021 kvartal 1', '2021-02-01T08:00:00.000Z', 'closed'),
      openedBy: fridaRef,
    });
    for (const id of kims) {
      await audit().record({
        agreementId,
        actor: { aadObjectId: id, name: 'Kim Lund' },
        action: 'planMeeting',
        details: { date: '2021-11-25' },
        at: '2021-01-10T09:00:00.000Z',
      });
    }
  });
  after(async () => {
    await bot.close();
    await rm(dir, { recursive: true, force: true });
  });

  // -------------------------------------------------------------------------------------------------------------

  const say = async (text: string, from: TeamsUser = users.alex, locale = 'sv-SE') => {
    bot.connector.clear();
    const response = await bot.post(personalMessage(text, { serviceUrl: serviceUrl(), from, locale }));
    assert.equal(response.status, 200, response.body);
    return [...bot.connector.sent];
  };
  /** An Action.Execute press in the person's personal chat; what Teams shows is the invoke response. */
  const press = async (
    verb: string,
    data: Record<string, unknown>,
    from: TeamsUser = users.alex,
    locale = 'sv-SE',
  ) => {
    bot.connector.clear();
    const response = await bot.post(
      cardAction(
        verb,
        data,
        { conversationId: `a:${from.aadObjectId}`, replyToId: 'card' },
        { serviceUrl: serviceUrl(), from, locale },
      ),
    );
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body) as { type: string; value: unknown };
    return {
      card: body.type === 'application/vnd.microsoft.card.adaptive' ? (body.value as Card) : undefined,
      message: typeof body.value === 'string' ? body.value : undefined,
      sent: [...bot.connector.sent],
    };
  };
  const textOf = (card: unknown) => cardText(card).join('\n');
  const attachments = (sent: readonly SentActivity[], contentType: string) =>
    sent.flatMap((s) =>
      ((s.body.attachments as Attachment[] | undefined) ?? []).filter((a) => a.contentType === contentType),
    );
  const sentText = (sent: readonly SentActivity[]) =>
    [
      ...sent.map((s) => (typeof s.body.text === 'string' ? s.body.text : '')),
      ...attachments(sent, 'application/vnd.microsoft.card.adaptive').map((a) => textOf(a.content)),
    ].join('\n');
  const fileConsent = async (
    action: 'accept' | 'decline',
    context: unknown,
    from: TeamsUser = users.alex,
  ) => {
    const file = {
      name: 'personuppgifter.json',
      uploadUrl: bot.connector.uploadUrl(),
      uniqueId: randomUUID(),
      fileType: 'json',
    };
    const activity = fileConsentAnswer(action, context, file, { serviceUrl: serviceUrl(), from });
    bot.connector.clear();
    const response = await bot.post(activity);
    assert.equal(response.status, 200, response.body);
    return [...bot.connector.sent];
  };

  /** Every row of every table, without the version stamps storage adds. */
  const everything = async (): Promise<Map<string, Row>> => {
    const rows = new Map<string, Row>();
    for (const table of Object.values(tableNames)) {
      for await (const entity of bot.store.table(table).listEntities<Row>()) {
        const { etag: _etag, timestamp: _timestamp, ...row } = entity;
        rows.set(`${table}|${String(row.partitionKey)}|${String(row.rowKey)}`, row);
      }
    }
    return rows;
  };
  /** Everything but the conversation reference the sender's own activity refreshed, as every activity does. */
  const snapshot = async (sender: TeamsUser = users.alex) => {
    const rows = await everything();
    rows.delete(`${tableNames.conversations}|personal|${keyOf(sender.aadObjectId)}`);
    return rows;
  };
  /** A row as text, its keys decoded too: ids from Teams are stored base64url-encoded in keys. */
  const readable = (key: string, row: Row) => {
    const decoded = key
      .split('|')
      .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
      .join(' ');
    return `${key} ${decoded} ${JSON.stringify(row)}`;
  };
  const naming = (text: string, identity: readonly string[]) =>
    identity.filter((value) => text.includes(value));

  // -------------------------------------------------------------------------------------------------------------

  it('tells coordinators, and only them, about the commands in the help card', async () => {
    const coordinator = sentText(await say('hjälp'));
    const owner = sentText(await say('hjälp', users.patti));
    for (const command of commandCatalog.filter((c) => c.kind === 'personalData')) {
      assert.ok(coordinator.includes(usage(command, 'sv')), command.id);
      assert.ok(!owner.includes(usage(command, 'sv')), command.id);
    }
    assert.ok(
      sentText(await say('help', users.alex, 'en-US')).includes('erase personal data [name or email]'),
    );
  });

  it('refuses everyone but the coordinators, and exports and changes nothing', async () => {
    const before = await snapshot(users.patti);
    for (const text of [`personuppgifter ${frida.name}`, 'radera personuppgifter frida']) {
      const sent = await say(text, users.patti);
      assert.match(sentText(sent), new RegExp(sv.onlyCoordinators));
      assert.equal(attachments(sent, consentType).length, 0);
    }
    assert.match(
      sentText(await say('erase personal data frida', users.patti, 'en-US')),
      new RegExp(en.onlyCoordinators),
    );
    // Buttons of a card a coordinator got, pressed by someone else, and a forged file consent.
    const erase = await press(
      'personalData.erase',
      {
        aadObjectId: frida.aadObjectId,
        pseudonym: 'erased-0123456789abcdef',
      },
      users.patti,
    );
    assert.match(textOf(erase.card), new RegExp(sv.onlyCoordinators));
    const choose = await press(
      'personalData.choose',
      { intent: 'erase', aadObjectId: frida.aadObjectId },
      users.patti,
    );
    assert.match(textOf(choose.card), new RegExp(sv.onlyCoordinators));
    const accepted = await fileConsent(
      'accept',
      { kind: 'offered', source: 'personalData', args: { aadObjectId: frida.aadObjectId } },
      users.patti,
    );
    assert.match(sentText(accepted), new RegExp(sv.onlyCoordinators));
    assert.equal(bot.connector.uploads.length, 0, 'nothing uploaded');
    assert.deepEqual(await snapshot(users.patti), before);
  });

  it('exports everything stored about the person as a JSON file in the coordinator’s personal chat, and audits it', async () => {
    const sent = await say('personuppgifter frida fältström');
    const [consent, ...more] = attachments(sent, consentType);
    assert.ok(consent, 'a file consent card');
    assert.equal(more.length, 0);
    assert.equal(consent.name, 'personuppgifter-frida-faltstrom-2021-05-06.json');
    assert.equal(consent.content.description, sv.fileDescription(frida.name));
    const context = consent.content.acceptContext;
    assert.deepEqual(context, {
      kind: 'offered',
      source: 'personalData',
      args: { aadObjectId: frida.aadObjectId },
      locale: 'sv',
      agreementId: 'upplands-vasby-sollentuna-2021-2022',
    });

    const accepted = await fileConsent('accept', context);
    assert.equal(bot.connector.uploads.length, 1);
    const [upload] = bot.connector.uploads;
    assert.ok(upload);
    const text = upload.bytes.toString('utf8');
    assert.ok(!text.startsWith('\ufeff') && text.includes('\n  "about"'), 'UTF-8 JSON, indented');
    const file = JSON.parse(text) as Record<string, unknown>;
    const [info] = attachments(accepted, fileInfoType);
    assert.equal(info?.name, 'personuppgifter.json');

    // The header: what it is, which agreement, when (Stockholm time and UTC).
    assert.equal(file.about, sv.fileAbout(frida.name));
    // One agreement is served, so the file has one part: the agreement's own records under its id, title, kind.
    const [part, ...moreParts] = file.agreements as Array<Record<string, unknown>>;
    assert.deepEqual(moreParts, []);
    assert.ok(part);
    assert.deepEqual(
      [part.id, part.title, part.kind],
      [
        agreementId,
        'Samverkansöverenskommelse mellan Upplands Väsby kommun och Lokalpolisområde Sollentuna 2021–2022',
        'samverkansöverenskommelse',
      ],
    );
    assert.deepEqual(file.notIncluded, []);
    assert.deepEqual(file.madeAt, {
      local: '2021-05-06 11:00:00 Europe/Stockholm',
      utc: '2021-05-06T09:00:00.000Z',
    });
    assert.deepEqual(file.person, {
      aadObjectId: frida.aadObjectId,
      names: [frida.name],
      teamsUserIds: [frida.id],
    });

    // Everything of hers that storage holds, as stored.
    const isFrida = (id: string | undefined) => id === frida.aadObjectId;
    const history = await reports().allHistory(agreementId);
    assert.deepEqual(
      part.reports,
      history.filter((r) => isFrida(r.reportedBy.aadObjectId)),
    );
    assert.equal((part.reports as Report[]).length, 3);
    const reviews = await new ReviewRepository(bot.store).list(agreementId);
    assert.deepEqual(
      part.reviewAnswers,
      reviews.filter((a) => isFrida(a.answeredBy.aadObjectId)),
    );
    assert.deepEqual(
      (part.measuresOwned as Array<{ id: string; retired: boolean }>).map((m) => [m.id, m.retired]),
      [
        ['2.3', false],
        ['3.3', false],
      ],
    );
    assert.deepEqual(part.groupMemberships, []);
    assert.deepEqual(
      (part.channelBindings as Array<{ channelId: string }>).map((b) => b.channelId),
      [styrgruppChannel],
    );
    const entries = (await audit().all(agreementId)).filter((e) => isFrida(e.actor.aadObjectId));
    assert.deepEqual(part.auditEntries, entries);
    assert.equal(entries.length, 1);
    assert.deepEqual(
      (part.roundsOpened as Array<{ id: string }>).map((r) => r.id),
      ['q1'],
    );
    assert.deepEqual(
      (file.personalChat as Array<{ id: string }>).map((c) => c.id),
      [frida.aadObjectId],
    );
    assert.deepEqual(
      (file.lastWriterInConversations as Array<{ id: string }>).map((c) => c.id),
      [fridasChannel.channelId],
    );
    const rounds = new RoundRepository(bot.store);
    const deliveries = (await rounds.allDeliveries()).filter(
      (d) => d.target.kind === 'personal' && isFrida(d.target.aadObjectId),
    );
    assert.equal(deliveries.length, 2, "the round's cards for 2.3 and 3.3 in her chat");
    assert.deepEqual(file.checkInDeliveries, deliveries);
    const reminders = (await rounds.allReminders()).filter(
      (r) => r.target.kind === 'personal' && isFrida(r.target.aadObjectId),
    );
    assert.equal(reminders.length, 2);
    assert.deepEqual(file.reminders, reminders);
    assert.deepEqual(
      (file.scheduledSends as Array<{ id: string }>).map((j) => j.id).sort(),
      deliveries.map((d) => `prompt|${d.roundId}|${d.measureId}|personal:${frida.aadObjectId}`).sort(),
    );

    // Declined, nothing is uploaded.
    assert.match(sentText(await fileConsent('decline', context)), new RegExp(sv.declined.slice(0, 30)));
    assert.equal(bot.connector.uploads.length, 0);

    // Nothing of anyone else's.
    for (const person of others) {
      assert.deepEqual(naming(text, [person.aadObjectId, person.name, person.id]), [], person.name);
    }
    // The export is itself a record: who exported whose data.
    const [recorded] = await audit().recent(agreementId, 1);
    assert.equal(recorded?.action, 'exportPersonalData');
    assert.deepEqual(recorded.actor, { aadObjectId: users.alex.aadObjectId, name: users.alex.name });
    assert.equal(recorded.details.person, frida.aadObjectId);
    assert.equal(recorded.details.agreementId, agreementId);
  });

  it('sends the file only to a personal chat, never into a channel', async () => {
    // Megan, a coordinator, has no personal chat with the bot.
    bot.connector.clear();
    await bot.post(
      channelMessage(`personuppgifter ${frida.name}`, places.beredning, {
        serviceUrl: serviceUrl(),
        from: users.megan,
      }),
    );
    assert.equal(attachments(bot.connector.sent, consentType).length, 0);
    assert.match(sentText(bot.connector.sent), new RegExp(sv.needsPersonalChat.slice(0, 40)));
    assert.deepEqual(naming(JSON.stringify(bot.connector.sent), [frida.aadObjectId]), []);
  });

  it('finds a person by e-mail address through Teams, and asks which one when two share a name', async () => {
    // Teams knows Frida's address among the members of the coordinators' team; the bot stores no addresses.
    bot.connector.rosters.set(places.beredning.teamId, [{ ...frida, email: fridaEmail }]);
    bot.connector.clear();
    await bot.post(
      channelMessage(`personuppgifter ${fridaEmail.toUpperCase()}`, places.beredning, {
        serviceUrl: serviceUrl(),
      }),
    );
    const consent = bot.connector.sent.find((s) => attachments([s], consentType).length > 0);
    assert.equal(consent?.conversationId, `a:${users.alex.aadObjectId}`, 'in the personal chat');
    assert.equal(attachments([consent], consentType)[0]?.content.description, sv.fileDescription(frida.name));
    // In the personal chat Teams knows only the chat's two members.
    assert.match(
      sentText(await say(`personuppgifter ${fridaEmail}`)),
      new RegExp(`adressen "${fridaEmail}"`),
    );

    const sent = await say('personuppgifter KIM LUND');
    const [choice] = attachments(sent, 'application/vnd.microsoft.card.adaptive');
    assert.match(textOf(choice?.content), new RegExp(sv.chooseTitle('KIM LUND')));
    const buttons = (choice?.content.actions ?? []) as Array<{ verb: string; data: Record<string, unknown> }>;
    assert.deepEqual(
      buttons.map((b) => b.data.aadObjectId),
      kims,
    );
    const chosen = await press('personalData.choose', buttons[1]?.data ?? {});
    const [offered] = attachments(chosen.sent, consentType);
    assert.deepEqual(offered?.content.acceptContext, {
      kind: 'offered',
      source: 'personalData',
      args: { aadObjectId: kims[1] },
      locale: 'sv',
      agreementId: 'upplands-vasby-sollentuna-2021-2022',
    });

    assert.match(
      sentText(await say('personuppgifter Nils Nilsson')),
      /inget lagrat om någon som heter "Nils Nilsson"/,
    );
    assert.ok(sentText(await say('personuppgifter')).includes(sv.missingPerson));
  });

  it('refuses to erase someone who still owns active measures or belongs to a group, and changes nothing', async () => {
    const before = await snapshot();
    const owns = sentText(await say('radera personuppgifter frida'));
    assert.match(owns, /Frida Fältström är fortfarande ansvarig för 2\.3 .*, 3\.3 /);
    assert.match(owns, /ändra \[insats\]/);
    const member = sentText(await say('radera personuppgifter adele vance'));
    assert.match(member, /Adele Vance är med i Strategiskt samverkansforum \(styrgrupp\)/);
    assert.ok(member.includes(agreementFile), 'names the file to change');
    assert.deepEqual(await snapshot(), before);
  });

  let confirmation: Card;
  let eraseData: Record<string, unknown>;
  it('confirms what an erasure will do, counted per kind, and that the texts stay', async () => {
    // She chose her language: that too is hers, and goes with the erasure.
    await say('språk sv', frida);
    await say('avsluta 2.3');
    await say('avsluta 3.3');
    const [card] = attachments(
      await say('radera personuppgifter Frida'),
      'application/vnd.microsoft.card.adaptive',
    );
    assert.ok(card);
    confirmation = card.content;
    const text = textOf(confirmation);
    assert.match(text, new RegExp(sv.eraseTitle(frida.name).replace('?', '\\?')));
    assert.ok(text.includes(sv.contentsKept), 'says the texts stay');
    const facts = Object.fromEntries(
      cardText(confirmation)
        .filter((t) => /: \d+$/.test(t))
        .map((t) => [t.replace(/: \d+$/, ''), Number(/(\d+)$/.exec(t)?.[1])]),
    );
    assert.deepEqual(facts, {
      [sv.counts.reports]: 3,
      [sv.counts.measures]: 2,
      [sv.counts.bindings]: 1,
      // Her binding, and Alex's export of her data.
      [sv.counts.audit]: 2,
      [sv.counts.reviewAnswers]: 1,
      [sv.counts.rounds]: 1,
      [sv.counts.conversations]: 2,
      // Two cards, two reminders, and the two jobs that sent the cards.
      [sv.counts.deliveries]: 6,
      [sv.counts.languageChoice]: 1,
    });
    const [button] = confirmation.actions as Array<{ verb: string; data: Record<string, unknown> }>;
    assert.equal(button?.verb, 'personalData.erase');
    eraseData = button?.data ?? {};
    assert.equal(eraseData.aadObjectId, frida.aadObjectId);
    assert.match(String(eraseData.pseudonym), /^erased-[0-9a-f]{16}$/);
  });

  it('answers a tampered erase button in the person’s language and changes nothing', async () => {
    const before = await snapshot();
    for (const data of [
      {},
      { aadObjectId: frida.aadObjectId },
      { aadObjectId: frida.aadObjectId, pseudonym: frida.name },
      { aadObjectId: frida.aadObjectId, pseudonym: 'erased-0123' },
      { aadObjectId: 42, pseudonym: eraseData.pseudonym },
      { aadObjectId: 'x'.repeat(201), pseudonym: eraseData.pseudonym },
    ]) {
      const { card } = await press('personalData.erase', data);
      assert.match(textOf(card), new RegExp(sv.badCard.slice(0, 40)), JSON.stringify(data));
    }
    // A button of a card written in English: the answer keeps the card's language.
    const { card } = await press('personalData.erase', { pseudonym: eraseData.pseudonym, locale: 'en' });
    assert.match(textOf(card), new RegExp(en.badCard.slice(0, 40)));
    assert.deepEqual(await snapshot(), before);
  });

  it('checks again when the button is pressed: an owner of an active measure is not erased', async () => {
    const plans = new PlanRepository(bot.store);
    const stored = await plans.measureWithVersion(agreementId, '3.3');
    assert.ok(stored);
    await plans.saveMeasure(
      agreementId,
      { ...stored.measure, retired: false },
      stored.version,
      new Date(now),
    );
    const before = await snapshot();
    const { card } = await press('personalData.erase', eraseData);
    assert.match(textOf(card), /Frida Fältström är fortfarande ansvarig för 3\.3 /);
    assert.deepEqual(await snapshot(), before);
    await say('avsluta 3.3');
  });

  it('erases: no table holds her name or ids any more, what was written stays, and no one else’s data changed', async () => {
    const before = await snapshot();
    const historyBefore = await reports().allHistory(agreementId);
    const { card } = await press('personalData.erase', eraseData);
    const text = textOf(card);
    assert.match(text, new RegExp(sv.erasedTitle));
    assert.match(text, /Rapportversioner som personen skrev: 3/);
    // The agreement file still names her; the coordinator is told to remove her there too.
    assert.ok(text.includes(sv.stillInFile(agreementFile, '2.3, 3.3')));

    for (const [key, row] of await everything()) {
      assert.deepEqual(naming(readable(key, row), fridaIdentity), [], key);
    }
    const after = await snapshot();
    // Rows that never named her are as they were, but for the audit entry of the erasure.
    const pseudonym = { aadObjectId: String(eraseData.pseudonym), name: 'Borttagen person' };
    for (const [key, row] of before) {
      if (naming(readable(key, row), fridaIdentity).length > 0) continue;
      // The plan's version row changes with every write to the plan, so that other instances read it again.
      if (key.endsWith('|!version')) continue;
      assert.deepEqual(after.get(key), row, key);
    }
    // Added: the erasure's own audit entry, and her review answer under the pseudonym's key (it moved).
    const added = [...after.keys()].filter((key) => !before.has(key));
    assert.equal(added.length, 2);
    const reviewKey = `${tableNames.rounds}|review|${agreementId}|${keyOf(pseudonym.aadObjectId)}|`;
    assert.ok(
      added.some((key) => key.startsWith(reviewKey)),
      'the moved answer',
    );
    const erasure = after.get(added.find((key) => key.startsWith(`${tableNames.audit}|`)) ?? '') ?? {};
    assert.equal(erasure.action, 'erasePersonalData');
    assert.equal(erasure.actorId, users.alex.aadObjectId);
    assert.deepEqual(JSON.parse(String(erasure.details)), {
      agreementId,
      pseudonym: pseudonym.aadObjectId,
      reports: 3,
      measures: 2,
      bindings: 1,
      audit: 2,
      reviewAnswers: 1,
      rounds: 1,
      conversations: 2,
      deliveries: 6,
      languageChoice: 1,
      agreementChoice: 0,
      decisions: 0,
    });

    // Her reports read as before, by "Borttagen person"; the current report on 2.3 too.
    const historyAfter = await reports().allHistory(agreementId);
    assert.deepEqual(
      historyAfter,
      historyBefore.map((r) =>
        r.reportedBy.aadObjectId === frida.aadObjectId ? { ...r, reportedBy: pseudonym } : r,
      ),
    );
    assert.deepEqual((await reports().latest(agreementId, '2.3'))?.reportedBy, pseudonym);
    const answers = await new ReviewRepository(bot.store).list(agreementId);
    assert.deepEqual(answers.map((a) => [a.answeredBy.name, a.answers[0]]).sort(), [
      ['Borttagen person', 'Svar från kommun'],
      ['Megan Bowen', 'Svar från polis'],
    ]);
    const plan = await new PlanRepository(bot.store).load(agreementId);
    assert.deepEqual(plan?.agreement.measures.find((m) => m.id === '3.3')?.owners, [
      { aadObjectId: users.alex.aadObjectId, name: users.alex.name },
      pseudonym,
    ]);
  });

  it('finds nothing the second time, and an export finds nothing either', async () => {
    const before = await snapshot();
    const { card } = await press('personalData.erase', eraseData);
    assert.match(textOf(card), new RegExp(sv.nothingLeft));
    for (const text of [
      'radera personuppgifter frida',
      `personuppgifter ${frida.name}`,
      `personuppgifter ${frida.aadObjectId}`,
    ]) {
      const sent = await say(text);
      assert.match(sentText(sent), /inget lagrat om någon som heter/, text);
      assert.equal(attachments(sent, consentType).length, 0);
    }
    // The consent card from before the erasure, accepted now, has nothing left to send.
    const accepted = await fileConsent('accept', {
      kind: 'offered',
      source: 'personalData',
      args: { aadObjectId: frida.aadObjectId },
    });
    assert.match(sentText(accepted), new RegExp(sv.nothingStored));
    assert.equal(bot.connector.uploads.length, 0);
    assert.deepEqual(await snapshot(), before);
  });

  it('does not bring her back from the agreement file when the bot starts again', async () => {
    const second = await startTestBot({
      azurite: bot.azurite,
      connector: bot.connector,
      env: {
        AGREEMENT_FILE: agreementFile,
        AUTOMATIC_ROUNDS: 'off',
        STEERING_NOTICES: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
      },
      now: () => new Date(now),
    });
    await second.close();
    for (const [key, row] of await everything()) {
      assert.deepEqual(naming(readable(key, row), fridaIdentity), [], key);
    }
  });
});
