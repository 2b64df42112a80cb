import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { agreementName as agreementNameOf } from '../../src/features/agreements/agreementName.js';
import { agreementTextsFor } from '../../src/features/agreements/agreementTexts.js';
import { messagesFor } from '../../src/features/shared/messages.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
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
import { cardsIn } from '../harness/connector.js';
import { actionData, answersTo, textOf } from '../harness/answers.js';
import { startExamplesBot } from '../harness/exampleAgreements.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const sv = messagesFor('sv');
const choice = agreementTextsFor('sv');
const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const promiseId = 'upplands-vasby-medborgarlofte-2023';
/** The status answer of each: its title, by the agreement's kind. */
const agreementStatus = sv.status.title.samverkansöverenskommelse;
const promiseStatus = sv.status.title.medborgarlöfte;
/** Measure 1.1 of each, as "mina" lists it. */
const agreementMeasure = 'Trygghetsvandringar';
const promiseMeasure = 'Gemensam kvällsnärvaro av polis och kommunens trygghetsvärdar';

describe('several agreements in one deployment, over HTTP', () => {
  /** Wednesday 1 February 2023, 09:00 in Stockholm: the agreement has ended, the citizen promise runs. */
  let at = new Date('2023-02-01T08:00:00Z');
  let bot: TestBot;
  const agreementChannel = newChannel();
  const promiseChannel = newChannel();

  before(async () => {
    bot = await startExamplesBot(() => at);
  });
  after(async () => {
    await bot.close();
  });

  const inChannel = async (text: string, where: ChannelPlace, from: TeamsUser) =>
    answersTo(bot, channelMessage(text, where, { serviceUrl: bot.connector.serviceUrl, from }));
  const inChat = async (text: string, from: TeamsUser) =>
    answersTo(bot, personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from }));
  const plans = () => new PlanRepository(bot.store);

  it('binds a channel in the agreement whose coordinator binds it, and keeps each agreement’s roles to itself', async () => {
    // Patti coordinates only the promise, Alex only the agreement: each `koppla` needs no question.
    const pattiBinds = await inChannel('koppla styrgrupp', promiseChannel, users.patti);
    assert.match(textOf(pattiBinds), /kopplad till Styrgrupp för medborgarlöftet/);
    const alexBinds = await inChannel('koppla styrgrupp', agreementChannel, users.alex);
    assert.match(textOf(alexBinds), /kopplad till Strategiskt samverkansforum \(styrgrupp\)/);

    const promise = await plans().load(promiseId);
    const agreement = await plans().load(agreementId);
    assert.deepEqual(
      promise?.bindings.map((b) => b.channelId),
      [promiseChannel.channelId],
    );
    assert.deepEqual(
      agreement?.bindings.map((b) => b.channelId),
      [agreementChannel.channelId],
    );

    // In the promise's channel Alex is nobody who may open a round; in the agreement's, Patti is not either.
    assert.match(textOf(await inChannel('ny runda', promiseChannel, users.alex)), /Bara samordnarna/);
    assert.match(textOf(await inChannel('ny runda', agreementChannel, users.patti)), /Bara samordnarna/);
    assert.deepEqual(await new RoundRepository(bot.store).list(promiseId), []);
  });

  it('opens no round in the agreement that has ended, and still answers status about it', async () => {
    const refused = textOf(await inChannel('ny runda', agreementChannel, users.alex));
    assert.ok(refused.includes(sv.steering.roundsEnded('2022-12-31')), refused);
    const status = textOf(await inChannel('status', agreementChannel, users.alex));
    assert.ok(status.includes(agreementStatus), status);
  });

  it('opens the promise’s round in its channel; its cards name it, and a report is stored in the promise only', async () => {
    const opened = textOf(await inChannel('ny runda', promiseChannel, users.patti));
    assert.match(opened, /Omgången .* är öppnad/);
    await bot.runJobs();
    const alexChat = `a:${users.alex.aadObjectId}`;
    await bot.connector.waitFor((sent) =>
      sent.some((s) => s.conversationId === alexChat && textOf([s]).includes('Lägesrapport 1.1')),
    );
    const cards = bot.connector.sent.filter((s) => textOf([s]).includes('Lägesrapport'));
    assert.ok(cards.length > 0, 'the check-in card of 1.1 was sent');
    for (const data of actionData(cards)) assert.equal(data.agreementId, promiseId);

    // Alex owns 1.1 in both; he opens the promise's card in his chat and saves a report.
    const card = cards.find((s) => s.conversationId === alexChat && textOf([s]).includes('1.1'));
    assert.ok(card, 'Alex got the card in his personal chat');
    const where = { conversationId: card.conversationId, replyToId: card.id };
    const [refresh] = actionData([card]);
    const form = await bot.post(
      cardAction('checkIn.refresh', refresh ?? {}, where, {
        serviceUrl: bot.connector.serviceUrl,
        from: users.alex,
      }),
    );
    const formCard = (JSON.parse(form.body) as { value: { actions: Array<{ data: object }> } }).value;
    const save = formCard.actions[0]?.data;
    const saved = await bot.post(
      cardAction(
        'checkIn.submit',
        { ...save, status: 'onTrack', narrative: 'Två kvällar i veckan, som lovat.' },
        where,
        { serviceUrl: bot.connector.serviceUrl, from: users.alex },
      ),
    );
    assert.equal(saved.status, 200);
    const reports = new ReportRepository(bot.store);
    const promiseReports = await reports.allHistory(promiseId);
    assert.deepEqual(
      promiseReports.map((r) => [r.measureId, r.narrative]),
      [['1.1', 'Två kvällar i veckan, som lovat.']],
    );
    const agreementReports = await reports.allHistory(agreementId);
    assert.ok(agreementReports.every((r) => r.narrative !== 'Två kvällar i veckan, som lovat.'));
  });

  it('lists Alex’s measures of both agreements on one card, each under its agreement’s name', async () => {
    const text = textOf(await inChat('mina', users.alex));
    const today = '2023-02-01';
    const [agreement, promise] = await Promise.all([plans().load(agreementId), plans().load(promiseId)]);
    assert.ok(agreement && promise);
    // Titles that say their kind and years get only "avslutad" once ended.
    const agreementName = agreementNameOf(agreement.agreement, 'sv', today);
    assert.equal(agreementName, `${agreement.agreement.title} · avslutad`);
    const promiseName = agreementNameOf(promise.agreement, 'sv', today);
    const at = (part: string) => {
      const index = text.indexOf(part);
      assert.ok(index >= 0, `${part} in ${text}`);
      return index;
    };
    assert.ok(at(agreementName) < at(agreementMeasure), 'the agreement, then its measures');
    assert.ok(at(agreementMeasure) < at(promiseName), 'then the promise');
    assert.ok(at(promiseName) < at(promiseMeasure), 'then its measures');
  });

  it('answers help and language without asking, and someone in neither agreement without a choice', async () => {
    // Megan takes part in both and has chosen none.
    for (const text of ['hjälp', 'språk']) {
      const answer = textOf(await inChat(text, users.megan));
      assert.ok(answer.length > 0 && !answer.includes(choice.chooseTitle), `${text}: ${answer}`);
    }
    assert.ok(textOf(await inChat('status', users.megan)).includes(choice.chooseTitle));
    const outsider = {
      id: '29:outsider',
      name: 'Olle Utanför',
      aadObjectId: '00000000-0000-0000-0000-0000000000099',
    };
    const answer = textOf(await inChat('status', outsider));
    assert.ok(answer.length > 0 && !answer.includes(choice.chooseTitle), answer);
  });

  it('asks Patti which agreement status is about, answers in the one she chooses and remembers it', async () => {
    const asked = await inChat('status', users.patti);
    const text = textOf(asked);
    assert.ok(text.includes(choice.chooseTitle), text);
    const [button] = actionData(asked);
    assert.equal(button?.verb, 'agreement.choose');
    assert.equal(button?.command, 'status');
    const choices = JSON.stringify(cardsIn(asked[0]?.body ?? {}));
    assert.ok(choices.includes(promiseId) && choices.includes(agreementId), choices);

    bot.connector.clear();
    const chosen = await bot.post(
      cardAction(
        'agreement.choose',
        { ...button, chosenAgreement: promiseId },
        { conversationId: `a:${users.patti.aadObjectId}`, replyToId: asked[0]?.id ?? '' },
        { serviceUrl: bot.connector.serviceUrl, from: users.patti },
      ),
    );
    const notice = JSON.stringify(JSON.parse(chosen.body));
    assert.ok(notice.includes(choice.chosenTitle), notice);
    const status = textOf(bot.connector.sent);
    assert.ok(status.includes(promiseStatus), status);

    const again = await inChat('status', users.patti);
    assert.ok(!textOf(again).includes(choice.chooseTitle), 'not asked again');
    assert.ok(textOf(again).includes(promiseStatus), textOf(again));

    // Naming the other one answers about it, and is remembered in turn.
    const named = textOf(await inChat(`status ${agreementId}`, users.patti));
    assert.ok(named.includes(agreementStatus), named);
    assert.ok(textOf(await inChat('status', users.patti)).includes(agreementStatus));
  });

  it('reminds the owners of the promise’s unreported measures only, after three working days', async () => {
    const promise = await plans().load(promiseId);
    assert.ok(promise);
    // Tuesday 7 February: three working days after the round opened on Wednesday.
    at = new Date('2023-02-07T08:00:00Z');
    const before = bot.connector.sent.length;
    await bot.runJobs();
    const reminders = bot.connector.sent
      .slice(before)
      .map((s) => textOf([s]))
      .filter((t) => t.includes('Påminnelse'));
    assert.ok(reminders.length > 0, 'reminders were sent');
    const promiseMeasures = promise.agreement.measures.filter((m) => m.id !== '1.1');
    for (const reminder of reminders) {
      assert.ok(
        promiseMeasures.some((m) => reminder.includes(`${m.id} ${m.title}`)),
        `a reminder about one of the promise's unreported measures: ${reminder}`,
      );
    }
  });
});

describe('an agreement and its successor in one deployment, over HTTP', () => {
  const successorId = 'upplands-vasby-sollentuna-2023-2024';
  let at = new Date('2022-12-20T08:00:00Z');
  let bot: TestBot;
  const channel = newChannel();

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agreements-'));
    const old = parse(await readFile('agreements/example.yaml', 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'old.yaml'), stringify(old));
    await writeFile(
      join(dir, 'successor.yaml'),
      stringify({
        ...old,
        id: successorId,
        follows: agreementId,
        title: 'Samverkansöverenskommelse 2023–2024',
        signedOn: '2022-12-15',
        validFrom: '2023-01-01',
        validTo: '2024-12-31',
        extensions: [],
        midTermReview: { ...(old.midTermReview as object), month: '2023-12' },
        steeringMeetings: [
          { date: '2023-05-11', time: '13:00' },
          { date: '2023-11-23', time: '13:00' },
        ],
      }),
    );
    bot = await startTestBot({
      env: {
        AGREEMENT_FILE: '',
        AGREEMENTS_DIR: dir,
        SCHEDULER_INTERVAL_SECONDS: '0',
        AUTOMATIC_ROUNDS: 'off',
        JOBS_TRIGGER_SECRET: 'a-test-secret-of-enough-length',
      },
      now: () => at,
    });
  });
  after(async () => {
    await bot.close();
  });

  const inChannel = async (text: string, from: TeamsUser = users.alex) =>
    answersTo(bot, channelMessage(text, channel, { serviceUrl: bot.connector.serviceUrl, from }));

  it('asks which agreement a channel is bound in when both could be, and binds it in the one chosen', async () => {
    const asked = await inChannel('koppla styrgrupp');
    assert.ok(textOf(asked).includes(choice.chooseTitle), textOf(asked));
    const [button] = actionData(asked);
    bot.connector.clear();
    await bot.post(
      cardAction(
        'agreement.choose',
        { ...button, chosenAgreement: agreementId },
        { conversationId: channel.channelId, replyToId: asked[0]?.id ?? '', channel },
        { serviceUrl: bot.connector.serviceUrl, from: users.alex },
      ),
    );
    assert.match(textOf(bot.connector.sent), /kopplad till/);
    const plans = new PlanRepository(bot.store);
    assert.deepEqual(
      (await plans.load(agreementId))?.bindings.map((b) => b.channelId),
      [channel.channelId],
    );
    assert.deepEqual((await plans.load(successorId))?.bindings, []);
  });

  it('hands the channel to the successor when it starts; the old agreement stays readable, without rounds', async () => {
    const plans = new PlanRepository(bot.store);
    const oldRows = JSON.stringify(await plans.load(agreementId));
    at = new Date('2023-01-02T08:00:00Z');
    await bot.runJobs();
    assert.deepEqual(
      (await plans.load(successorId))?.bindings.map((b) => [b.groupId, b.channelId]),
      [['styrgrupp', channel.channelId]],
    );
    assert.equal(JSON.stringify(await plans.load(agreementId)), oldRows, 'the old plan is unchanged');
    // The channel is told that the old one has ended and a new one has taken over.
    const told = sv.steering.endedFollowed('2022-12-31', '2023-01-01');
    await bot.connector.waitFor((sent) => textOf(sent).includes(told));

    // The channel is the successor's now: a round opens there.
    const opened = textOf(await inChannel('ny runda'));
    assert.match(opened, /Omgången .* är öppnad/);
    assert.equal((await new RoundRepository(bot.store).list(successorId)).length, 1);
    assert.deepEqual(await new RoundRepository(bot.store).list(agreementId), []);

    // The old one answers when named, and opens nothing.
    const oldStatus = textOf(await inChannel(`status ${agreementId}`));
    assert.ok(oldStatus.includes(agreementStatus), oldStatus);
    const refused = textOf(await inChannel(`ny runda ${agreementId}`));
    assert.ok(refused.includes(sv.steering.roundsEnded('2022-12-31')), refused);

    // Nor can it be extended: its successor has taken over.
    const before = JSON.stringify(await plans.load(agreementId));
    const extend = textOf(await inChannel(`förläng ${agreementId}`));
    assert.ok(extend.includes(sv.steering.extendSucceeded('2023-01-01')), extend);
    assert.equal(JSON.stringify(await plans.load(agreementId)), before);
  });
});
