import assert from 'node:assert/strict';
import { MeetingRepository } from '../../src/storage/meetingRepository.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import {
  cardAction,
  channelMessage,
  meetingEvent,
  newChannel,
  users,
  type ChannelPlace,
} from '../harness/activities.js';
import { cardInputs, cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';

describe("the steering group's meetings in Teams", () => {
  let bot: TestBot;
  let now = Date.parse('2021-11-25T12:00:00Z');
  const styrgrupp: ChannelPlace = newChannel();
  const beredning: ChannelPlace = newChannel();
  const elsewhere: ChannelPlace = newChannel();
  /** The thread of the example agreement's meeting of 2021-11-25 13:00 in the steering group's channel. */
  const november = {
    meetingId: 'MCMxOTpub3ZlbWJlci1tZWV0aW5n',
    thread: `${styrgrupp.channelId};messageid=1637840400000`,
  };

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0', STEERING_NOTICES: 'off' },
      now: () => new Date(now),
    });
    const serviceUrl = bot.connector.serviceUrl;
    await bot.post(channelMessage('koppla styrgrupp', styrgrupp, { serviceUrl }));
    await bot.post(channelMessage('koppla beredningsgrupp', beredning, { serviceUrl }));
    await bot.post(channelMessage('koppla est-strategisk', elsewhere, { serviceUrl }));
  });
  after(async () => {
    await bot.close();
  });

  const texts = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].join('\n');
  const inConversation = (conversationId: string) =>
    bot.connector.sent.filter((s) => s.conversationId === conversationId);
  const start = (where: ChannelPlace, meeting: { meetingId: string; thread: string }, at: string) =>
    bot.post(meetingEvent('start', where, { serviceUrl: bot.connector.serviceUrl, ...meeting, at }));
  const end = (where: ChannelPlace, meeting: { meetingId: string; thread: string }, at: string) =>
    bot.post(meetingEvent('end', where, { serviceUrl: bot.connector.serviceUrl, ...meeting, at }));

  it("posts the summary in the meeting's own thread when the steering meeting starts", async () => {
    bot.connector.clear();
    now = Date.parse('2021-11-25T12:02:20Z');
    const response = await start(styrgrupp, november, '2021-11-25T12:02:17.4388966Z');
    assert.equal(response.status, 200);

    assert.deepEqual(
      bot.connector.sent.map((s) => s.conversationId),
      [november.thread],
      'one post, in the thread the event names',
    );
    const text = texts(bot.connector.sent[0] as SentActivity);
    assert.match(text, /^Inför styrgruppens möte 2021-11-25 13:00$/m);
    assert.match(text, /förändringar sedan mötet 2021-06-10/);
    assert.match(text, /Långsiktigt mål: /);
    assert.match(text, /Målområde 1: Minska antalet otrygghetsskapande händelser/);
    assert.doesNotMatch(text, /Styrgruppens beslut/, 'nothing decided yet');

    const [held] = await new MeetingRepository(bot.store).list(agreementId);
    assert.ok(held);
    assert.deepEqual(
      {
        date: held.date,
        planned: held.planned,
        startedAt: held.startedAt,
        conversationId: held.conversationId,
        channelId: held.channelId,
      },
      {
        date: '2021-11-25',
        planned: true,
        startedAt: '2021-11-25T12:02:17.438Z',
        conversationId: november.thread,
        channelId: styrgrupp.channelId,
      },
    );
    assert.equal(held.reference.user, undefined, 'who started the meeting is not kept');
  });

  it('posts it once when Teams sends the start twice', async () => {
    bot.connector.clear();
    await start(styrgrupp, november, '2021-11-25T12:02:17.4388966Z');
    await Promise.all([
      start(styrgrupp, november, '2021-11-25T12:02:17.4388966Z'),
      start(styrgrupp, november, '2021-11-25T12:02:17.4388966Z'),
    ]);
    assert.deepEqual(bot.connector.sent, []);
    assert.equal((await new MeetingRepository(bot.store).list(agreementId)).length, 1);
  });

  it("ignores meetings in channels that are not the steering group's", async () => {
    bot.connector.clear();
    const other = {
      meetingId: 'MCMxOTpvdGhlci1tZWV0aW5n',
      thread: `${elsewhere.channelId};messageid=1637841000000`,
    };
    assert.equal((await start(elsewhere, other, '2021-11-25T12:10:00Z')).status, 200);
    assert.equal((await end(elsewhere, other, '2021-11-25T12:50:00Z')).status, 200);
    const unbound = newChannel();
    const stranger = {
      meetingId: 'MCMxOTpzdHJhbmdlcg',
      thread: `${unbound.channelId};messageid=1637841000001`,
    };
    assert.equal((await start(unbound, stranger, '2021-11-25T12:10:00Z')).status, 200);
    assert.deepEqual(bot.connector.sent, []);
    assert.deepEqual(
      (await new MeetingRepository(bot.store).list(agreementId)).map((m) => m.meetingId),
      [november.meetingId],
    );
  });

  it('posts nothing and stores nothing for a meeting event it cannot read', async () => {
    bot.connector.clear();
    const broken = { meetingId: 'MCMxOTpicm9rZW4', thread: `${styrgrupp.channelId};messageid=1637841000002` };
    const event = meetingEvent('start', styrgrupp, {
      serviceUrl: bot.connector.serviceUrl,
      ...broken,
      at: 'soon',
    });
    const withoutMeeting = meetingEvent('start', styrgrupp, {
      serviceUrl: bot.connector.serviceUrl,
      ...broken,
      at: '2021-11-25T12:10:00Z',
    });
    withoutMeeting.channelData = { tenant: { id: styrgrupp.tenantId } };
    const withoutTime = meetingEvent('start', styrgrupp, {
      serviceUrl: bot.connector.serviceUrl,
      ...broken,
      at: '2021-11-25T12:10:00Z',
    });
    delete (withoutTime.value as Record<string, unknown>).StartTime;
    for (const activity of [event, withoutMeeting, withoutTime]) {
      const response = await bot.post(activity);
      assert.ok(response.status < 500, `answered ${response.status}`);
    }
    assert.deepEqual(bot.connector.sent, []);
    assert.equal(await new MeetingRepository(bot.store).get(agreementId, broken.meetingId), undefined);
  });

  it("asks the coordinators for the decisions at the end: in the meeting's thread and the preparation channel", async () => {
    bot.connector.clear();
    now = Date.parse('2021-11-25T13:31:06Z');
    assert.equal((await end(styrgrupp, november, '2021-11-25T13:31:05.6102219Z')).status, 200);
    await end(styrgrupp, november, '2021-11-25T13:31:05.6102219Z');

    const inThread = inConversation(november.thread);
    const toCoordinators = bot.connector.sent.filter((s) => s.conversationId.startsWith(beredning.channelId));
    assert.equal(inThread.length, 1, 'once in the thread');
    assert.equal(toCoordinators.length, 1, 'once in the preparation group’s channel');
    assert.equal(bot.connector.sent.length, 2);
    for (const sent of [...inThread, ...toCoordinators]) {
      const text = texts(sent);
      assert.match(text, /Mötet Styrgruppsmöte \(2021-11-25\) är avslutat/);
      assert.match(text, /Styrgruppens beslut, mötet 2021-11-25/);
    }
    const [held] = await new MeetingRepository(bot.store).list(agreementId);
    assert.equal(held?.startedAt, '2021-11-25T12:02:17.438Z');
    assert.equal(held.endedAt, '2021-11-25T13:31:05.610Z');
  });

  it('shows the decisions recorded through that card on the next summary', async () => {
    const cardMessage = inConversation(november.thread)[0] as SentActivity;
    const card = (cardMessage.body.attachments as Array<{ content: Record<string, unknown> }>)[0]?.content;
    const submit = (card?.actions as Array<{ verb: string; data: Record<string, unknown> }>)[0];
    assert.equal(submit?.verb, 'recordDecision');
    const record = async (inputs: Record<string, string>) => {
      // A new form comes back after every save, with a new submit id.
      const response = await bot.post(
        cardAction(
          submit.verb,
          { ...cardInputs(card), ...submit.data, ...inputs, submitId: crypto.randomUUID() },
          { conversationId: november.thread, replyToId: cardMessage.id, channel: styrgrupp },
          { serviceUrl: bot.connector.serviceUrl, from: users.alex },
        ),
      );
      assert.equal(response.status, 200);
      return cardText((JSON.parse(response.body) as { value: unknown }).value).join('\n');
    };
    assert.match(
      await record({
        text: 'Trygghetsvandringarna utökas till Runby',
        concerns: 'measure:1.2',
        responsible: 'Kommunens trygghetssamordnare',
        dueDate: '2022-03-31',
      }),
      /Trygghetsvandringarna utökas till Runby/,
    );
    await record({
      text: 'Polisen och socialtjänsten tar fram en gemensam avhopparrutin',
      concerns: 'goal:2',
      responsible: 'Polisen',
      dueDate: '',
    });
    assert.equal((await new DecisionRepository(bot.store).list(agreementId)).length, 2);

    // The spring meeting starts: its summary, in its own thread, follows the decisions up.
    bot.connector.clear();
    now = Date.parse('2022-05-12T07:01:00Z');
    const may = {
      meetingId: 'MCMxOTptYXktbWVldGluZw',
      thread: `${styrgrupp.channelId};messageid=1652338800000`,
    };
    await start(styrgrupp, may, '2022-05-12T07:00:41Z');
    const [summary] = inConversation(may.thread);
    assert.ok(summary, 'a summary in the May meeting’s thread');
    const text = texts(summary);
    assert.match(text, /Inför styrgruppens möte 2022-05-12 09:00/);
    assert.match(
      text,
      /\nStyrgruppens beslut\n\*\*Försenade:\*\*\n- Trygghetsvandringarna utökas till Runby \(ansvarig: Kommunens trygghetssamordnare, senast 2022-03-31; \*\*1\.2\*\*\)\n\*\*Nya sedan mötet 2021-11-25:\*\*\n- Polisen och socialtjänsten tar fram en gemensam avhopparrutin \(ansvarig: Polisen; målområde 2\)/,
    );
  });

  it('records a meeting the agreement did not plan as held that day, and says so on its summary', async () => {
    bot.connector.clear();
    now = Date.parse('2022-02-03T14:00:00Z');
    const extra = {
      meetingId: 'MCMxOTpleHRyYS1tZWV0aW5n',
      thread: `${styrgrupp.channelId};messageid=1643896800000`,
    };
    await start(styrgrupp, extra, '2022-02-03T14:00:00Z');
    const text = texts(inConversation(extra.thread)[0] as SentActivity);
    assert.match(text, /Inför styrgruppens möte 2022-02-03 15:00/);
    assert.match(
      text,
      /Inget styrgruppsmöte var planerat 2022-02-03; det här mötet räknas som hållet 2022-02-03/,
    );
    const card = (
      inConversation(extra.thread)[0]?.body.attachments as Array<{ content: Record<string, unknown> }>
    )[0]?.content;
    const button = (card?.actions as Array<{ data: { meeting: string } }> | undefined)?.[0];
    assert.equal(button?.data.meeting, '', 'its report button asks for the report up to today');
    const held = await new MeetingRepository(bot.store).get(agreementId, extra.meetingId);
    assert.equal(held?.planned, false);
    assert.equal(held.date, '2022-02-03');
  });

  it('posts the summary once Teams takes it, when Teams is busy or failing a moment (429, 500)', async () => {
    bot.connector.clear();
    const busy = {
      meetingId: 'MCMxOTpidXN5LW1lZXRpbmc',
      thread: `${styrgrupp.channelId};messageid=1643904000000`,
    };
    bot.connector.failNext(1, { status: 429, retryAfterSeconds: 1 });
    bot.connector.failNext(1, { status: 500 });
    await start(styrgrupp, busy, '2022-02-03T16:00:00Z');
    const posted = inConversation(busy.thread);
    assert.equal(posted.length, 1, 'the summary, once, in the meeting thread');
    assert.match(
      cardText(posted[0]?.body.attachments).join('\n'),
      /Styrgruppens beslut|Inför styrgruppens möte|Läget/,
    );
  });

  it('posts the summary when Teams sends the start again after the first post failed', async () => {
    bot.connector.clear();
    const retried = {
      meetingId: 'MCMxOTpyZXRyaWVkLW1lZXRpbmc',
      thread: `${styrgrupp.channelId};messageid=1643900400000`,
    };
    bot.connector.failNext(1, { status: 403 });
    await start(styrgrupp, retried, '2022-02-03T15:00:00Z');
    assert.deepEqual(inConversation(retried.thread), [], 'Teams refused the post');
    await start(styrgrupp, retried, '2022-02-03T15:00:00Z');
    await start(styrgrupp, retried, '2022-02-03T15:00:00Z');
    assert.equal(inConversation(retried.thread).length, 1, 'posted once, when the event came again');
  });
});
