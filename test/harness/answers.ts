import type { Activity } from './activities.js';
import { cardsIn, cardText, type SentActivity } from './connector.js';
import { asTeamsShows } from './teamsText.js';
import type { TestBot } from './testBot.js';

/** What a person reads in what was sent (cards and plain messages), as Teams renders it. */
export function textOf(sent: readonly SentActivity[]): string {
  return sent
    .flatMap((s) => [
      ...(typeof s.body.text === 'string' ? [s.body.text] : []),
      ...cardText(s.body.attachments),
    ])
    .map(asTeamsShows)
    .join('\n');
}

/** The bot's answers to a message: its replies to it, not what jobs post meanwhile. */
export async function answersTo(bot: TestBot, message: Activity): Promise<SentActivity[]> {
  await bot.post(message);
  return bot.connector.sent.filter((s) => s.kind === 'reply' && s.activityId === message.id);
}

/** Every Action.Execute/Submit's data on the cards sent. */
export function actionData(sent: readonly SentActivity[]): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if ((record.type === 'Action.Execute' || record.type === 'Action.Submit') && record.data)
      found.push(record.data as Record<string, unknown>);
    Object.values(record).forEach(visit);
  };
  for (const s of sent) cardsIn(s.body).forEach(visit);
  return found;
}
