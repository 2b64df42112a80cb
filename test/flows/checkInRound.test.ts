import assert from 'node:assert/strict';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalInstall,
  users,
  type Activity,
  type ChannelPlace,
} from '../harness/activities.js';
import { cardText, type SentActivity } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const secret = 'a-long-enough-trigger-secret';

/** Tuesday 4 May 2021, 09:00 in Stockholm (UTC+2). */
const start = Date.parse('2021-05-04T07:00:00Z');

describe('a whole check-in round over HTTP', () => {
  let bot: TestBot;
  let now = start;
  const places: Record<'strategisk' | 'fordjupning' | 'beredning', ChannelPlace> = {
    strategisk: newChannel(),
    fordjupning: newChannel(),
    beredning: newChannel(),
  };
  const pattiChat = 'a:patti-personal-chat';

  before(async () => {
    bot = await startTestBot({
      env: { SCHEDULER_INTERVAL_SECONDS: '0', JOBS_TRIGGER_SECRET: secret, AUTOMATIC_ROUNDS: 'off' },
      now: () => new Date(now),
    });
  });
  after(async () => {
    await bot.close();
  });

  const serviceUrl = () => bot.connector.serviceUrl;
  const say = (text: string, where: ChannelPlace, from = users.alex) =>
    bot.post(channelMessage(text, where, { serviceUrl: serviceUrl(), from }));
  const text = (sent: SentActivity) =>
    [String(sent.body.text ?? ''), ...cardText(sent.body.attachments)].join('\n');
  const checkInCardsFor = (measureId: string) =>
    bot.connector.sent.filter((s) =>
      cardText(s.body.attachments).some((t) => t.startsWith(`Lägesrapport ${measureId}:`)),
    );
  const press = async (activity: Activity) => {
    const response = await bot.post(activity);
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body) as { value: Record<string, unknown> };
    return body.value;
  };

  it("opens a round, posts the cards, stores two owners' reports, reminds the third and lists what is missing", async () => {
    // The coordinator binds the channels; Patti has the bot in her personal chat.
    await say('koppla est-strategisk', places.strategisk);
    await say('koppla est-fordjupning', places.fordjupning);
    await say('koppla beredningsgrupp', places.beredning);
    await bot.post(
      personalInstall('installationUpdate', {
        serviceUrl: serviceUrl(),
        conversationId: pattiChat,
        from: users.patti,
      }),
    );
    bot.connector.clear();

    await say('ny runda 2021 kvartal 2', places.beredning);
    const opened = bot.connector.sent.find((s) => text(s).includes('Omgången **2021 kvartal 2** är öppnad'));
    assert.ok(opened, 'the coordinator is told the round is open');
    assert.match(text(opened), /9 insatser\. 11 kort skickas/);

    // Nine channel threads, one per measure, in the measure's working group's channel; two forms to Patti.
    await bot.connector.waitFor((sent) => sent.filter((s) => s.kind === 'createConversation').length === 9);
    await bot.connector.waitFor((sent) => sent.filter((s) => s.conversationId === pattiChat).length === 2);
    const threads = bot.connector.sent.filter((s) => s.kind === 'createConversation');
    assert.equal(threads.filter((s) => s.conversationId === places.fordjupning.channelId).length, 3);
    assert.equal(threads.filter((s) => s.conversationId === places.strategisk.channelId).length, 6);

    const card12 = checkInCardsFor('1.2').find((s) => s.kind === 'createConversation');
    assert.ok(card12);
    assert.match(text(card12), /Ansvariga: <at>Alex Wilber<\/at>/);
    assert.match(text(card12), /2021 kvartal 2 · Målområde 1/);
    const mentions = (card12.body.attachments as Array<{ content: { msteams: { entities: unknown[] } } }>)[0]
      ?.content.msteams.entities;
    assert.deepEqual(mentions, [
      {
        type: 'mention',
        text: '<at>Alex Wilber</at>',
        mentioned: { id: users.alex.aadObjectId, name: 'Alex Wilber' },
      },
    ]);

    // Alex opens the card in the channel: Teams refreshes it into his form, then he submits.
    const thread12 = `${places.strategisk.channelId};messageid=${card12.id}`;
    const where12 = { conversationId: thread12, replyToId: card12.id, channel: places.strategisk };
    const refreshData = { roundId: '', measureId: '1.2' };
    const card = card12.body.attachments as Array<{
      content: { refresh: { action: { data: typeof refreshData } } };
    }>;
    Object.assign(refreshData, card[0]?.content.refresh.action.data);
    const form = await press(
      cardAction('checkIn.refresh', refreshData, where12, { serviceUrl: serviceUrl() }),
    );
    assert.match(cardText(form).join('\n'), /Kort beskrivning av läget/);
    const save = (form.actions as Array<{ data: Record<string, unknown> }>)[0]?.data ?? {};
    const saved = await press(
      cardAction(
        'checkIn.submit',
        {
          ...save,
          status: 'onTrack',
          narrative: 'Ordningsvakter på plats i centrum varje fredag.',
          indicatorValue: '12',
          needsSteeringDecision: 'false',
        },
        where12,
        { serviceUrl: serviceUrl() },
      ),
    );
    const savedText = cardText(saved).join('\n');
    assert.match(savedText, /Sparat\. Tack!/);
    assert.match(savedText, /Pågår enligt plan/);
    assert.match(savedText, /Sparat av Alex Wilber 4 maj 2021 kl\. 09:00 \(version 1\)/);
    const update = bot.connector.sent.find((s) => s.kind === 'update' && s.activityId === card12.id);
    assert.ok(update, 'the message itself shows the new report to everyone');
    assert.match(text(update), /Ordningsvakter på plats/);

    // Patti answers 2.1 from the form in her personal chat.
    now += 60 * 60_000;
    const pattiForm = checkInCardsFor('2.1').find((s) => s.conversationId === pattiChat);
    assert.ok(pattiForm);
    const pattiSave =
      (
        pattiForm.body.attachments as Array<{
          content: { actions: Array<{ data: Record<string, unknown> }> };
        }>
      )[0]?.content.actions[0]?.data ?? {};
    const pattiSaved = await press(
      cardAction(
        'checkIn.submit',
        {
          ...pattiSave,
          status: 'atRisk',
          narrative: 'Två av tre skolor klara.',
          obstacles: 'Personalbrist.',
        },
        { conversationId: pattiChat, replyToId: pattiForm.id },
        { serviceUrl: serviceUrl(), from: users.patti },
      ),
    );
    assert.match(
      cardText(pattiSaved).join('\n'),
      /Risk för försening[\s\S]*Sparat av Patti Fernandez 4 maj 2021 kl\. 10:00/,
    );

    // Patti is not responsible for 1.3: her submit is refused and nothing is stored.
    const card13 = checkInCardsFor('1.3').find((s) => s.kind === 'createConversation');
    assert.ok(card13);
    const thread13 = `${places.strategisk.channelId};messageid=${card13.id}`;
    const refused = await press(
      cardAction(
        'checkIn.submit',
        { ...save, measureId: '1.3', status: 'done', narrative: 'Klart!' },
        { conversationId: thread13, replyToId: card13.id, channel: places.strategisk },
        { serviceUrl: serviceUrl(), from: users.patti },
      ),
    );
    assert.match(cardText(refused).join('\n'), /Bara de som ansvarar för insatsen kan rapportera/);

    const reports = new ReportRepository(bot.store);
    assert.deepEqual(
      (await reports.history(agreementId, '1.2')).map((r) => [r.revision, r.status, r.reportedBy.name]),
      [[1, 'onTrack', 'Alex Wilber']],
    );
    assert.equal((await reports.history(agreementId, '2.1'))[0]?.obstacles, 'Personalbrist.');
    assert.deepEqual(await reports.history(agreementId, '1.3'), []);

    // Three working days later (Friday 7 May, 09:00) the owners who have not answered are reminded in the thread.
    bot.connector.clear();
    now = Date.parse('2021-05-07T07:00:00Z');
    await bot.runJobs();
    const reminders = bot.connector.sent.filter((s) => String(s.body.text ?? '').startsWith('Påminnelse'));
    const reminded = reminders.map((s) => /insats (\d\.\d)/.exec(String(s.body.text))?.[1]).sort();
    // 1.2 and 2.1 were answered; 2.1's and 2.2's personal chats get one too, so 2.2 appears twice.
    assert.deepEqual(reminded, ['1.1', '1.3', '2.2', '2.2', '2.3', '3.1', '3.2', '3.3']);
    const reminder13 = reminders.find((s) => String(s.body.text).includes('insats 1.3'));
    assert.equal(reminder13?.conversationId, thread13);
    assert.match(String(reminder13?.body.text), /Påminnelse till <at>Megan Bowen<\/at>/);

    // The second reminder goes out three working days later; three more working days on (Ascension Day,
    // 13 May, is not one), on Tuesday 18 May, the coordinators' channel gets the missing list.
    now = Date.parse('2021-05-12T07:00:00Z');
    await bot.runJobs();
    bot.connector.clear();
    now = Date.parse('2021-05-17T07:00:00Z');
    await bot.runJobs();
    assert.equal(bot.connector.sent.length, 0, 'nothing is due on Monday 17 May');
    now = Date.parse('2021-05-18T07:00:00Z');
    await bot.runJobs();
    const summary = bot.connector.sent.find((s) =>
      text(s).includes('Saknade lägesrapporter: 2021 kvartal 2'),
    );
    assert.ok(summary, 'the coordinators get the missing list');
    assert.equal(summary.conversationId, places.beredning.channelId);
    const summaryText = text(summary);
    assert.match(summaryText, /7 av 9 insatser saknar rapport/);
    assert.match(summaryText, /\*\*1\.3\*\* .* – Megan Bowen/);
    assert.doesNotMatch(summaryText, /\*\*1\.2\*\*/);
    assert.doesNotMatch(summaryText, /\*\*2\.1\*\*/);

    // Nothing more is sent for this round.
    bot.connector.clear();
    now = Date.parse('2021-06-01T07:00:00Z');
    await bot.runJobs();
    assert.deepEqual(bot.connector.sent, []);
  });
});
