import assert from 'node:assert/strict';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalMessage,
  users,
  type ChannelPlace,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const secret = 'submit-tests-trigger-secret';

interface PostedCard {
  sent: SentActivity;
  where: { conversationId: string; replyToId: string; channel: ChannelPlace };
  refreshData: Record<string, unknown>;
}

describe('check-in card submits over HTTP', () => {
  let bot: TestBot;
  let now: number;
  let channel: ChannelPlace;
  let cards: Map<string, PostedCard>;

  // Each test has a bot, storage and round of its own: a round with no reports yet, every card posted.
  beforeEach(async () => {
    now = Date.parse('2021-09-07T08:00:00Z');
    channel = newChannel();
    cards = new Map<string, PostedCard>();
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' },
      now: () => new Date(now),
    });
    await bot.post(
      channelMessage('koppla est-strategisk', channel, { serviceUrl: bot.connector.serviceUrl }),
    );
    await bot.post(channelMessage('ny runda september', channel, { serviceUrl: bot.connector.serviceUrl }));
    // Only est-strategisk has a channel, so it gets every measure's card, est-fordjupning's too.
    await bot.connector.waitFor((sent) => sent.filter((s) => s.kind === 'createConversation').length === 9);
    for (const sent of bot.connector.sent.filter((s) => s.kind === 'createConversation')) {
      const content = (
        sent.body.attachments as Array<{ content: { refresh: { action: { data: object } } } }>
      )[0]?.content;
      const measureId = /Lägesrapport (\d\.\d)/.exec(cardText(content).join('\n'))?.[1] ?? '';
      cards.set(measureId, {
        sent,
        where: { conversationId: `${channel.channelId};messageid=${sent.id}`, replyToId: sent.id, channel },
        refreshData: { ...content?.refresh.action.data },
      });
    }
  });
  afterEach(async () => {
    await bot.close();
  });

  const serviceUrl = () => bot.connector.serviceUrl;
  const reports = () => new ReportRepository(bot.store);
  const card = (measureId: string) => {
    const found = cards.get(measureId);
    assert.ok(found, `a card was posted for ${measureId}`);
    return found;
  };
  const press = async (verb: string, data: Record<string, unknown>, measureId: string, from: TeamsUser) => {
    const response = await bot.post(
      cardAction(verb, data, card(measureId).where, { serviceUrl: serviceUrl(), from }),
    );
    assert.equal(response.status, 200, response.body);
    return (JSON.parse(response.body) as { value: Record<string, unknown> }).value;
  };
  /** Opens the card as `from` would (Teams refreshes it) and returns the form's save data. */
  const openForm = async (measureId: string, from: TeamsUser) => {
    const form = await press('checkIn.refresh', card(measureId).refreshData, measureId, from);
    const data = (form.actions as Array<{ data: Record<string, unknown> }>)[0]?.data;
    assert.ok(data, 'the owner sees a form with a save button');
    return { form, data };
  };
  const read = (card: unknown) => cardText(card).join('\n');
  const inputValue = (card: Record<string, unknown>, id: string) =>
    (card.body as Array<{ id?: string; value?: unknown }>).find((e) => e.id === id)?.value;

  it('saves a double click or a retried request once', async () => {
    const { data } = await openForm('1.2', users.alex);
    const submit = { ...data, status: 'done', narrative: 'Klart i augusti.' };
    const [first, second] = await Promise.all([
      press('checkIn.submit', submit, '1.2', users.alex),
      press('checkIn.submit', submit, '1.2', users.alex),
    ]);
    const answers = [read(first), read(second)];
    assert.ok(
      answers.every((t) => /Genomförd[\s\S]*Sparat av Alex Wilber/.test(t)),
      answers.join('\n---\n'),
    );
    assert.ok(answers.some((t) => t.includes('Sparat. Tack!')));
    const later = await press('checkIn.submit', submit, '1.2', users.alex);
    assert.match(read(later), /Det här var redan sparat/);
    assert.equal((await reports().history(agreementId, '1.2')).length, 1);
  });

  it('never drops an edit sent with a form already saved, and never stores a submit id twice', async () => {
    const { data } = await openForm('3.2', users.alex);
    const first = { ...data, status: 'onTrack', narrative: 'Rutinen är antagen.' };
    assert.match(read(await press('checkIn.submit', first, '3.2', users.alex)), /Sparat\. Tack!/);

    // The same form pressed again with other text: a conflict with the text kept, not "already saved".
    const edited = { ...first, narrative: 'Rutinen är antagen och utbildningen bokad.' };
    const answer = await press('checkIn.submit', edited, '3.2', users.alex);
    assert.doesNotMatch(read(answer), /redan sparat/);
    assert.match(read(answer), /Din text finns kvar/);
    assert.equal(inputValue(answer, 'narrative'), 'Rutinen är antagen och utbildningen bokad.');

    // The same submit id at the next revision (a form crafted on top of its own save) is not stored again.
    const again = await press('checkIn.submit', { ...edited, baseRevision: 1 }, '3.2', users.alex);
    assert.match(read(again), /Din text finns kvar/);
    const history = await reports().history(agreementId, '3.2');
    assert.deepEqual(
      history.map((r) => r.narrative),
      ['Rutinen är antagen.'],
    );

    // Saving the kept text from the form it came back in stores it, as the next revision.
    const retry = (answer.actions as Array<{ data: Record<string, unknown> }>)[0]?.data ?? {};
    const saved = await press(
      'checkIn.submit',
      { ...retry, status: 'onTrack', narrative: edited.narrative },
      '3.2',
      users.alex,
    );
    assert.match(read(saved), /Sparat\. Tack!/);
    assert.deepEqual(
      (await reports().history(agreementId, '3.2')).map((r) => [r.revision, r.narrative]),
      [
        [1, 'Rutinen är antagen.'],
        [2, 'Rutinen är antagen och utbildningen bokad.'],
      ],
    );
  });

  it('gives an invalid form back with a message at the field and the text kept, storing nothing', async () => {
    const { data } = await openForm('3.3', users.alex);
    const answer = await press(
      'checkIn.submit',
      { ...data, status: 'onTrack', narrative: '   ', obstacles: 'Väntar på avtal.', indicatorValue: 'tolv' },
      '3.3',
      users.alex,
    );
    const text = read(answer);
    assert.match(text, /Något behöver rättas innan det kan sparas\. Din text finns kvar\./);
    assert.match(text, /Fältet behövs\./);
    assert.match(text, /Skriv ett tal/);
    assert.equal(inputValue(answer, 'obstacles'), 'Väntar på avtal.');
    assert.equal(inputValue(answer, 'status'), 'onTrack');
    assert.deepEqual(await reports().history(agreementId, '3.3'), []);
  });

  it("keeps both owners' work when they edit the same measure at once", async () => {
    const alex = await openForm('1.1', users.alex);
    const megan = await openForm('1.1', users.megan);
    await press(
      'checkIn.submit',
      { ...alex.data, status: 'onTrack', narrative: 'Alex: lägesbild klar.' },
      '1.1',
      users.alex,
    );
    now += 5 * 60_000;
    const conflict = await press(
      'checkIn.submit',
      { ...megan.data, status: 'atRisk', narrative: 'Megan: polisens underlag dröjer.' },
      '1.1',
      users.megan,
    );
    assert.match(
      read(conflict),
      /Alex Wilber sparade en nyare rapport 7 sep\. 2021 kl\. 10:00\. Din text finns kvar/,
    );
    assert.equal(inputValue(conflict, 'narrative'), 'Megan: polisens underlag dröjer.');
    assert.deepEqual(
      (await reports().history(agreementId, '1.1')).map((r) => r.narrative),
      ['Alex: lägesbild klar.'],
    );

    const retry = (conflict.actions as Array<{ data: Record<string, unknown> }>)[0]?.data ?? {};
    const saved = await press(
      'checkIn.submit',
      { ...retry, status: 'atRisk', narrative: 'Megan: polisens underlag dröjer.' },
      '1.1',
      users.megan,
    );
    assert.match(read(saved), /Sparat av Megan Bowen .* \(version 2\)/);
    assert.deepEqual(
      (await reports().history(agreementId, '1.1')).map((r) => [r.revision, r.reportedBy.name]),
      [
        [1, 'Alex Wilber'],
        [2, 'Megan Bowen'],
      ],
    );
  });

  it('handles the Action.Submit fallback of older clients the same way', async () => {
    const { data } = await openForm('3.2', users.megan);
    const activity = personalMessage('', { serviceUrl: serviceUrl(), from: users.megan, locale: 'sv-SE' });
    const submit = {
      ...activity,
      text: undefined,
      replyToId: 'card-message-1',
      value: { ...data, status: 'delayed', narrative: 'Avtalet är försenat.' },
    };
    const before = bot.connector.sent.length;
    assert.equal((await bot.post(submit)).status, 200);
    const update = bot.connector.sent.slice(before).find((s) => s.kind === 'update');
    assert.equal(update?.activityId, 'card-message-1');
    assert.match(read(update?.body.attachments), /Försenad[\s\S]*Sparat av Megan Bowen/);
    assert.equal((await reports().latest(agreementId, '3.2'))?.status, 'delayed');
  });

  it('stops reminders when a coordinator closes the round', async () => {
    for (const measureId of ['1.1', '1.2', '3.2']) {
      const { data } = await openForm(measureId, users.alex);
      const saved = await press(
        'checkIn.submit',
        { ...data, status: 'onTrack', narrative: 'På väg.' },
        measureId,
        users.alex,
      );
      assert.match(read(saved), /Sparat\. Tack!/);
    }
    await bot.post(channelMessage('stäng runda', channel, { serviceUrl: serviceUrl() }));
    const closed = bot.connector.sent.at(-1);
    assert.match(
      read(closed?.body.attachments),
      /Omgången \*\*september\*\* är stängd: 3 av 9 insatser har rapporterats/,
    );
    bot.connector.clear();
    now = Date.parse('2021-10-01T08:00:00Z');
    await bot.runJobs();
    assert.equal(bot.connector.sent.length, 0);
  });

  it('refuses the job trigger without the right secret', async () => {
    const wrong = await fetch(`${bot.app.url}/api/jobs/run`, {
      method: 'POST',
      headers: { 'x-jobs-secret': 'nope' },
    });
    assert.equal(wrong.status, 401);
    const missing = await fetch(`${bot.app.url}/api/jobs/run`, { method: 'POST' });
    assert.equal(missing.status, 401);
  });
});
