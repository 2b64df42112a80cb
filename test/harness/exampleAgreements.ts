import { personalInstall, users } from './activities.js';
import { startTestBot, type TestBot } from './testBot.js';

/**
 * The bot serving both example agreements (the 2021–2022 samverkansöverenskommelse and the 2023 medborgarlöfte)
 * on its own clock, no timer and no automatic rounds (jobs run with `runJobs`), with Alex, Megan and Patti's
 * personal chats installed: the promise has no working group, so its cards go there.
 */
export async function startExamplesBot(now: () => Date): Promise<TestBot> {
  const bot = await startTestBot({
    env: {
      AGREEMENT_FILE: '',
      AGREEMENTS_DIR: 'agreements',
      SCHEDULER_INTERVAL_SECONDS: '0',
      AUTOMATIC_ROUNDS: 'off',
      JOBS_TRIGGER_SECRET: 'a-test-secret-of-enough-length',
    },
    now,
  });
  for (const from of [users.alex, users.megan, users.patti]) {
    await bot.post(
      personalInstall('installationUpdate', {
        serviceUrl: bot.connector.serviceUrl,
        from,
        conversationId: `a:${from.aadObjectId}`,
      }),
    );
  }
  return bot;
}
