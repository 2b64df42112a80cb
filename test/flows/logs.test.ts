import assert from 'node:assert/strict';
import { channelMessage, newChannel, users, type Activity } from '../harness/activities.js';
import { logsDuring, type LogLine } from '../harness/logs.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/**
 * What an operator reads in the logs while two turns and a round's jobs run at once: which lines belong to which
 * turn or job, and where an error came from.
 */
describe('logs: every line tells its turn or its job', () => {
  let bot: TestBot;
  let lines: LogLine[];
  /** "ny runda" in a working group's channel whose cards Teams refuses (403): each prompt job logs its failure. */
  let openRound: Activity;
  /** "hjälp" in another channel whose answer Teams refuses: the turn fails. */
  let help: Activity;

  before(async () => {
    bot = await startTestBot({
      env: {
        AUTOMATIC_ROUNDS: 'off',
        STEERING_NOTICES: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
        JOBS_TRIGGER_SECRET: 'logs-test-secret-0123',
      },
      now: () => new Date('2021-09-07T08:00:00Z'),
    });
    const serviceUrl = bot.connector.serviceUrl;
    const workingGroup = newChannel();
    const elsewhere = newChannel();
    await bot.post(channelMessage('koppla est-strategisk', workingGroup, { serviceUrl }));
    openRound = channelMessage('ny runda september', workingGroup, { serviceUrl, from: users.alex });
    help = channelMessage('hjälp', elsewhere, { serviceUrl, from: users.megan });
    bot.connector.failWhen((r) => r.kind === 'createConversation', { status: 403 });
    bot.connector.failWhen((r) => r.kind === 'reply' && r.conversationId.startsWith(elsewhere.channelId), {
      status: 403,
    });
    lines = await logsDuring(async () => {
      // The round's jobs start as soon as it is opened, while the other turn runs.
      await Promise.all([bot.post(openRound), bot.post(help)]);
      await bot.runJobs();
    }, 'debug');
  });
  after(async () => {
    await bot.close();
  });

  const ofTurn = (activity: Activity) => lines.filter((l) => l.activityId === activity.id);
  const jobLines = () => lines.filter((l) => l.jobId !== undefined);

  it("puts the turn's activity id and conversation id on each of its lines", () => {
    assert.deepEqual(
      ofTurn(openRound).map((l) => l.event),
      ['command', 'round.opened'],
    );
    assert.deepEqual(
      ofTurn(help).map((l) => l.event),
      ['command', 'turn.failed', 'turn.errorReplyFailed'],
    );
    for (const turn of [openRound, help]) {
      for (const line of ofTurn(turn)) assert.equal(line.conversationId, turn.conversation.id, line.event);
    }
    // Once the turn's agreement is found, its lines name it.
    const opened = ofTurn(openRound).find((l) => l.event === 'round.opened');
    assert.equal(opened?.agreementId, 'upplands-vasby-sollentuna-2021-2022');
  });

  it('puts a turn id or a job id on every line, and never both', () => {
    for (const line of lines) {
      const turn = line.activityId !== undefined && line.conversationId !== undefined;
      const job = line.jobId !== undefined && line.jobKind !== undefined;
      assert.ok(turn !== job, JSON.stringify(line));
    }
  });

  it('gives the error line of a failed turn the stack trace, and what failed', () => {
    const failed = ofTurn(help).find((l) => l.event === 'turn.failed');
    assert.equal(failed?.level, 'error');
    assert.equal(failed?.statusCode, 403);
    assert.equal(failed?.error, 'RestError');
    assert.match(String(failed?.stack), /^RestError: .*BotNotInConversationRoster.*\n {4}at /);
  });

  it("puts each job's id and kind on its lines, not the id of the turn that planned it", () => {
    const byJob = new Map<string, LogLine[]>();
    for (const line of jobLines())
      byJob.set(String(line.jobId), [...(byJob.get(String(line.jobId)) ?? []), line]);
    assert.equal(byJob.size, 9, 'one prompt per measure');
    for (const [jobId, ofJob] of byJob) {
      assert.match(jobId, /^prompt\|/);
      assert.deepEqual(
        ofJob.map((l) => [l.jobKind, l.event]),
        [
          ['prompt', 'prompt.failed'],
          ['prompt', 'coordinators.unreachable'],
        ],
        jobId,
      );
      assert.equal(new Set(ofJob.map((l) => l.measureId).filter(Boolean)).size, 1, 'one measure a job');
    }
  });

  it('carries no name and nothing anyone wrote', () => {
    const text = JSON.stringify(lines);
    for (const secret of [users.alex.name, users.megan.name, 'ny runda september', 'hjälp']) {
      assert.ok(!text.includes(secret), `${secret} in the log`);
    }
  });
});
