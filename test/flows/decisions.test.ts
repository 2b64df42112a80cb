import assert from 'node:assert/strict';
import type { Decision } from '../../src/domain/decision.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { buildFollowUpReport } from '../../src/features/reports/followUpReportFile.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import {
  cardAction,
  fileConsentAnswer,
  personalMessage,
  users,
  type TeamsUser,
} from '../harness/activities.js';
import { cardsIn, cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
type Card = Record<string, unknown>;
type CardAction = { type: string; title: string; verb?: string; data?: Record<string, unknown> };

/** The day after the steering meeting of 25 November 2021. */
let now = new Date('2021-11-26T09:00:00Z');

describe("the steering group's decisions (beslut), recorded and followed up over HTTP", () => {
  let azurite: LocalAzurite;
  let bot: TestBot;

  before(async () => {
    azurite = await startLocalAzurite();
    bot = await startTestBot({
      azurite,
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => now,
    });
  });
  after(async () => {
    await bot.close();
    await azurite.stop();
  });

  const decisions = () => new DecisionRepository(bot.store).list(agreementId);
  const read = (card: Card) => cardText(card).join('\n');

  const say = async (text: string, from: TeamsUser = users.alex, locale = 'sv-SE'): Promise<Card> => {
    bot.connector.clear();
    const message = personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from, locale });
    await bot.post(message);
    // The answer to this message, not a card a job of a round posts meanwhile.
    const card = bot.connector.sent
      .filter((s) => s.kind === 'reply' && s.activityId === message.id)
      .flatMap((s) => cardsIn(s.body))
      .at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return card;
  };

  /** Every action on a card, in its body's action sets too. */
  const actionsOf = (card: unknown): CardAction[] => {
    if (Array.isArray(card)) return card.flatMap(actionsOf);
    if (card === null || typeof card !== 'object') return [];
    const object = card as Record<string, unknown>;
    const own =
      typeof object.type === 'string' && object.type.startsWith('Action.') ? [object as CardAction] : [];
    return [
      ...own,
      ...Object.entries(object).flatMap(([key, value]) => (key === 'fallback' ? [] : actionsOf(value))),
    ];
  };
  const action = (card: Card, title: string | RegExp, nth = 0): CardAction => {
    const found = actionsOf(card).filter((a) =>
      typeof title === 'string' ? a.title === title : title.test(a.title),
    );
    const chosen = found[nth];
    assert.ok(chosen, `a "${String(title)}" button on ${read(card)}`);
    return chosen;
  };
  const press = async (
    pressed: CardAction,
    values: Record<string, unknown> = {},
    from: TeamsUser = users.alex,
  ): Promise<Card> => {
    const response = await bot.post(
      cardAction(
        pressed.verb ?? '',
        { ...pressed.data, ...values },
        { conversationId: `a:${from.aadObjectId}`, replyToId: 'm' },
        { serviceUrl: bot.connector.serviceUrl, from },
      ),
    );
    assert.equal(response.status, 200, response.body);
    return (JSON.parse(response.body) as { value: Card }).value;
  };
  const save = (form: Card, values: Record<string, unknown>, from: TeamsUser = users.alex) =>
    press(action(form, /Spara|Save/), values, from);

  const decided = {
    text: 'Polisen och kommunen tar fram en gemensam lägesbild för Väsby centrum.',
    concerns: 'measure:1.2',
    responsible: 'Megan Bowen',
    dueDate: '2021-12-15',
  };

  it('lets a coordinator record decisions one after another on the form, stored and audited', async () => {
    const list = await say('beslut');
    assert.match(read(list), /Styrgruppens beslut[\s\S]*Inga beslut är inskrivna än/);
    const form = await press(action(list, 'Nytt beslut'));
    assert.match(read(form), /Styrgruppens beslut, mötet 2021-11-25/);
    const concerns = (form.body as Card[]).find((e) => e.id === 'concerns') as {
      choices: Array<{ value: string }>;
    };
    assert.ok(concerns.choices.some((c) => c.value === 'measure:1.2'));
    assert.ok(concerns.choices.some((c) => c.value === 'goal:2'));

    // Every binding of both templates is filled.
    for (const card of [list, form]) assert.equal(JSON.stringify(card).includes('${'), false);
    const next = await save(form, decided);
    assert.match(
      read(next),
      /Sparat: "Polisen och kommunen tar fram en gemensam lägesbild för Väsby centrum\."/,
    );
    // The form comes back empty for the next decision, with what was saved from the meeting above it.
    assert.match(read(next), /Sparade från mötet[\s\S]*gemensam lägesbild/);
    assert.equal((next.body as Card[]).find((e) => e.id === 'text')?.value, '');
    const second = await save(next, {
      text: 'Kommunen bjuder in bostadsbolagen till EST strategisk.',
      concerns: 'goal:2',
      responsible: 'Kommunen',
      dueDate: '',
    });
    assert.match(read(second), /Sparat: "Kommunen bjuder in bostadsbolagen/);

    const stored = await decisions();
    assert.equal(stored.length, 2);
    const first = stored.find((d) => d.text === decided.text);
    assert.deepEqual(first?.concerns, { goalAreas: [], measures: ['1.2'] });
    assert.equal(first?.responsible, 'Megan Bowen');
    assert.equal(first?.dueDate, '2021-12-15');
    assert.equal(first?.meetingDate, '2021-11-25');
    assert.equal(first?.status, 'open');
    assert.deepEqual(first?.recordedBy, { aadObjectId: users.alex.aadObjectId, name: users.alex.name });
    const audit = await new AuditLog(bot.store).recent(agreementId);
    const recorded = audit.filter((e) => e.action === 'recordDecision');
    assert.equal(recorded.length, 2);
    assert.ok(recorded.every((e) => e.agreementId === agreementId && e.actor.name === 'Alex Wilber'));

    // A double click sends the same form twice: still one decision.
    const again = await save(form, decided);
    assert.match(read(again), /Det beslutet var redan sparat/);
    assert.equal((await decisions()).length, 2);

    // An old copy of that form, sent with other text: kept on a new form, the stored decision untouched.
    const other = { ...decided, text: 'Lägesbilden tas fram varje kvartal.' };
    const kept = await save(form, other);
    assert.match(
      read(kept),
      /Det här formuläret har redan sparat beslutet "Polisen och kommunen tar fram en gemensam lägesbild för Väsby centrum\."/,
    );
    assert.equal((kept.body as Card[]).find((e) => e.id === 'text')?.value, other.text);
    assert.equal((await decisions()).length, 2);
    assert.equal((await decisions()).find((d) => d.text === decided.text)?.revision, 1);
  });

  it("refuses a non-coordinator's submit and stores nothing", async () => {
    const form = await press(action(await say('beslut'), 'Nytt beslut'));
    const before = await decisions();
    const answer = await save(form, { ...decided, text: 'Smygbeslut' }, users.patti);
    assert.match(
      read(answer),
      /Bara samordnarna i beredningsgruppen kan skriva in och ändra styrgruppens beslut/,
    );
    assert.deepEqual(await decisions(), before);
    assert.match(read(await say('beslut', users.patti)), /Bara samordnarna/);
  });

  it('answers bad input in Swedish and English, keeping what was typed, and stores nothing', async () => {
    const before = await decisions();
    const sv = await press(action(await say('beslut'), 'Nytt beslut'));
    const svAnswer = await save(sv, {
      text: '   ',
      concerns: '',
      responsible: 'Polisen',
      dueDate: '15/12 2021',
    });
    assert.match(read(svAnswer), /Något behöver rättas innan beslutet kan sparas\. Ingenting har sparats/);
    assert.match(read(svAnswer), /Fältet behövs\.[\s\S]*Skriv datumet som ÅÅÅÅ-MM-DD\./);
    assert.equal((svAnswer.body as Card[]).find((e) => e.id === 'dueDate')?.value, '15/12 2021');

    const en = await press(
      action(await say('decisions', users.megan, 'en-US'), 'New decision'),
      {},
      users.megan,
    );
    assert.match(read(en), /Steering group decisions, meeting of 2021-11-25/);
    const enAnswer = await save(en, { text: '', responsible: 'Police', dueDate: '2021-02-30' }, users.megan);
    assert.match(
      read(enAnswer),
      /Something needs fixing before the decision can be saved\. Nothing was saved/,
    );
    assert.match(read(enAnswer), /This field is needed\.[\s\S]*Write the date as YYYY-MM-DD\./);
    assert.deepEqual(await decisions(), before);
  });

  it('lists the open decisions, overdue ones marked, and marks one done', async () => {
    now = new Date('2021-12-20T09:00:00Z');
    const list = await say('beslut');
    const text = read(list);
    assert.match(text, /Öppna beslut \(2\)/);
    // Due 15 December, so overdue on the 20th; it is listed first.
    assert.match(
      text,
      /gemensam lägesbild[\s\S]*Försenat[\s\S]*skulle vara klart 2021-12-15[\s\S]*bostadsbolagen/,
    );
    assert.match(text, /Gäller insats 1\.2 · Ansvarig: Megan Bowen/);

    const done = await press(action(list, 'Klar'));
    assert.match(read(done), /Klart: "Polisen och kommunen tar fram en gemensam lägesbild/);
    assert.match(read(done), /Öppna beslut \(1\)[\s\S]*Klara[\s\S]*gemensam lägesbild/);
    const stored = (await decisions()).find((d) => d.text === decided.text) as Decision;
    assert.equal(stored.status, 'done');
    assert.equal(stored.revision, 2);
    assert.ok(
      (await new AuditLog(bot.store).recent(agreementId)).some((e) => e.action === 'completeDecision'),
    );
  });

  it('changes a decision, and refuses a change based on a revision someone else has changed since', async () => {
    const list = await say('beslut');
    const alexForm = await press(action(list, 'Ändra'));
    const meganForm = await press(action(list, 'Ändra'), {}, users.megan);
    assert.match(read(alexForm), /Ändra beslut/);
    assert.equal((alexForm.body as Card[]).find((e) => e.id === 'responsible')?.value, 'Kommunen');

    const changed = await save(alexForm, {
      text: 'Kommunen bjuder in bostadsbolagen till EST strategisk i januari.',
      concerns: 'goal:2',
      responsible: 'Kommunen',
      dueDate: '2022-01-31',
    });
    assert.match(
      read(changed),
      /Ändrat: "Kommunen bjuder in bostadsbolagen till EST strategisk i januari\."/,
    );

    const stale = await save(
      meganForm,
      { text: 'Polisen bjuder in bostadsbolagen.', concerns: 'goal:2', responsible: 'Polisen', dueDate: '' },
      users.megan,
    );
    assert.match(
      read(stale),
      /Alex Wilber ändrade beslutet .* efter att du öppnade det\. Ingenting av ditt har sparats/,
    );
    // Megan's text is kept in the form for her to decide on.
    assert.equal(
      (stale.body as Card[]).find((e) => e.id === 'text')?.value,
      'Polisen bjuder in bostadsbolagen.',
    );
    const stored = (await decisions()).find((d) => d.concerns.goalAreas.includes(2)) as Decision;
    assert.equal(stored.text, 'Kommunen bjuder in bostadsbolagen till EST strategisk i januari.');
    assert.equal(stored.revision, 2);
    const history = await new DecisionRepository(bot.store).history(agreementId, stored.id);
    assert.deepEqual(
      history.map((d) => d.text),
      ['Kommunen bjuder in bostadsbolagen till EST strategisk.', stored.text],
    );
  });

  it("shows a measure's decisions on its status and check-in card, keeps the owner's answer in its history", async () => {
    const form = await press(action(await say('beslut'), 'Nytt beslut'));
    await save(form, {
      text: 'Trygghetsvandringarna utökas till Runby.',
      concerns: 'goal:1',
      responsible: 'Kommunen',
      dueDate: '2022-04-30',
    });
    const aboutGoal1 = (await decisions()).find((d) => d.concerns.goalAreas.includes(1)) as Decision;

    const status = read(await say('status 1.2'));
    assert.match(status, /Styrgruppens beslut/);
    assert.match(status, /Trygghetsvandringarna utökas till Runby\.\*\* \(öppet\)/);
    assert.match(status, /gemensam lägesbild.*\(klart\)/);
    assert.doesNotMatch(status, /bostadsbolagen/);

    // The next check-in card for 1.2 asks its owner about the open decision concerning it, not the done one.
    await say('ny runda');
    const [round] = await new RoundRepository(bot.store).list(agreementId);
    assert.ok(round);
    const checkIn = await press({
      type: 'Action.Execute',
      title: '',
      verb: 'checkIn.refresh',
      data: { roundId: round.id, measureId: '1.2' },
    });
    const checkInText = read(checkIn);
    assert.match(
      checkInText,
      /Hur går det med styrgruppens beslut: "Trygghetsvandringarna utökas till Runby\."\?/,
    );
    assert.doesNotMatch(checkInText, /gemensam lägesbild/);
    const answerInput = `decision_${aboutGoal1.id}`;
    assert.ok(JSON.stringify(checkIn).includes(`"id":"${answerInput}"`));
    const saved = await press(action(checkIn, /Spara|Skicka/), {
      status: 'onTrack',
      narrative: 'Vandringarna pågår varje vecka.',
      [answerInput]: 'Runby är med från februari.',
    });
    assert.match(read(saved), /Sparat/);
    const [latest] = (await new ReportRepository(bot.store).history(agreementId, '1.2')).slice(-1);
    assert.deepEqual(latest?.decisionFollowUps, [
      {
        decisionId: aboutGoal1.id,
        decision: 'Trygghetsvandringarna utökas till Runby.',
        answer: 'Runby är med från februari.',
      },
    ]);
    assert.match(
      read(await say('historik 1.2')),
      /Beslut "Trygghetsvandringarna utökas till Runby\.": Runby är med från februari\./,
    );
  });

  it('gives the written report (Word and Markdown) and the export a section of decisions', async () => {
    const sources = {
      plans: new PlanRepository(bot.store),
      reports: new ReportRepository(bot.store),
      rounds: new RoundRepository(bot.store),
      decisions: new DecisionRepository(bot.store),
    };
    // Made a minute after the day's work above, which all happened at the bot's one moment.
    const request = {
      agreementId,
      scope: { kind: 'until' as const, date: '2021-12-20' },
      now: new Date(now.getTime() + 60_000),
      timeZone: 'Europe/Stockholm',
    };
    const md = new TextDecoder().decode(
      (await buildFollowUpReport(sources, { ...request, format: 'md' })).bytes,
    );
    const section = md.slice(md.indexOf('## Beslut'));
    assert.match(section, /^## Beslut\n/);
    assert.match(section, /\| Beslut \| Gäller \| Ansvarig \| Klart senast \| Beslutat \| Läge \|/);
    assert.match(
      section,
      /Trygghetsvandringarna utökas till Runby\.<br>_1\.2, 2021-12-20 10:00, Alex Wilber: Runby är med från februari\._ \| målområde 1 \| Kommunen \| 2022-04-30 \| 2021-11-25 \| Öppet \|/,
    );
    assert.match(
      section,
      /gemensam lägesbild för Väsby centrum\. \| insats 1\.2 \| Megan Bowen \| 2021-12-15 \| 2021-11-25 \| Klart 2021-12-20 \|/,
    );

    const docx = await buildFollowUpReport(sources, { ...request, format: 'docx' });
    const zip = await JSZip.loadAsync(docx.bytes);
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const words = xml.replace(/<[^>]+>/g, ' ');
    assert.match(words, /Beslut/);
    assert.match(words, /Trygghetsvandringarna utökas till Runby\./);
    assert.match(words, /Runby är med från februari\./);

    // exportera beslut: the decisions as a CSV file of their own, through the file consent card.
    bot.connector.clear();
    await bot.post(
      personalMessage('exportera beslut', { serviceUrl: bot.connector.serviceUrl, from: users.alex }),
    );
    const consent = bot.connector.sent
      .flatMap(
        (s) =>
          (s.body.attachments as
            Array<{ contentType: string; name?: string; content: Record<string, unknown> }> | undefined) ??
          [],
      )
      .find((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent');
    assert.ok(consent, 'a file consent card');
    assert.match(consent.name ?? '', /^samverkan-beslut-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.match(String(consent.content.description), /Styrgruppens beslut \(\d+ rader\)/);
    bot.connector.uploads.length = 0;
    const accepted = await bot.post(
      fileConsentAnswer(
        'accept',
        consent.content.acceptContext,
        {
          name: consent.name ?? '',
          uploadUrl: bot.connector.uploadUrl(),
          uniqueId: randomUUID(),
          fileType: 'csv',
        },
        { serviceUrl: bot.connector.serviceUrl, from: users.alex },
      ),
    );
    assert.equal(accepted.status, 200, accepted.body);
    const [upload] = bot.connector.uploads;
    assert.ok(upload, 'the file was uploaded');
    const csv = upload.bytes.toString('utf8');
    assert.ok(
      csv.startsWith(
        '\uFEFFBeslut;Gäller;Ansvarig;Klart senast;Beslutat vid mötet;Läge;Klart;Inskrivet av;Inskrivet;Version;Svar från insatsernas ansvariga\r\n',
      ),
      csv.slice(0, 200),
    );
    assert.equal(csv.trimEnd().split('\r\n').length, 1 + (await decisions()).length);
    assert.match(
      csv,
      /Trygghetsvandringarna utökas till Runby\.;målområde 1;Kommunen;2022-04-30;2021-11-25;Öppet;;Alex Wilber;/,
    );
    // The reports' export stays one table of reports.
    bot.connector.clear();
    await bot.post(personalMessage('exportera', { serviceUrl: bot.connector.serviceUrl, from: users.alex }));
    const reportsOffer = bot.connector.sent
      .flatMap((s) => (s.body.attachments as Array<{ name?: string }> | undefined) ?? [])
      .find((a) => a.name?.startsWith('samverkan-rapporter-'));
    assert.ok(reportsOffer, 'the reports are offered as before');
  });

  it('puts the decisions a person recorded or is responsible for in their personal data export', async () => {
    bot.connector.clear();
    await bot.post(
      personalMessage('personuppgifter megan bowen', {
        serviceUrl: bot.connector.serviceUrl,
        from: users.alex,
      }),
    );
    const consent = bot.connector.sent
      .flatMap(
        (s) =>
          (s.body.attachments as
            Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? [],
      )
      .find((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent');
    assert.ok(consent, 'a file consent card');
    const file = {
      name: 'personuppgifter.json',
      uploadUrl: bot.connector.uploadUrl(),
      uniqueId: randomUUID(),
      fileType: 'json',
    };
    bot.connector.uploads.length = 0;
    const response = await bot.post(
      fileConsentAnswer('accept', consent.content.acceptContext, file, {
        serviceUrl: bot.connector.serviceUrl,
        from: users.alex,
      }),
    );
    assert.equal(response.status, 200, response.body);
    const [upload] = bot.connector.uploads;
    assert.ok(upload, 'the file was uploaded');
    const exportFile = JSON.parse(upload.bytes.toString('utf8')) as {
      agreements: Array<{ id: string; steeringGroupDecisions: Decision[] }>;
      counts: Record<string, number>;
    };
    // One agreement served: the file has its part only.
    assert.deepEqual(
      exportFile.agreements.map((a) => a.id),
      [agreementId],
    );
    const exported = {
      ...exportFile,
      steeringGroupDecisions: exportFile.agreements[0]?.steeringGroupDecisions ?? [],
    };
    // Megan is responsible for the first decision (both revisions) and changed nothing that stands.
    const texts = exported.steeringGroupDecisions.map((d) => `${d.text} r${d.revision}`);
    assert.ok(texts.includes(`${decided.text} r1`) && texts.includes(`${decided.text} r2`), texts.join('; '));
    assert.ok(
      exported.steeringGroupDecisions.every(
        (d) => d.responsible === 'Megan Bowen' || d.changedBy?.name === 'Megan Bowen',
      ),
    );
    assert.equal(exported.counts.decisions, exported.steeringGroupDecisions.length);
  });
});
