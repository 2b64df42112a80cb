import assert from 'node:assert/strict';
import { cardAction, type ChannelPlace, type TeamsUser } from './activities.js';
import { cardText } from './connector.js';
import type { TestBot } from './testBot.js';

/**
 * Opens the check-in card of a measure that was posted in `channel`, as its owner would (Teams refreshes it into
 * their form): where to answer, and the form's save data.
 */
export async function openCheckInCard(
  bot: TestBot,
  channel: ChannelPlace,
  measureId: string,
  from: TeamsUser,
) {
  const card = bot.connector.sent.find(
    (s) =>
      s.kind === 'createConversation' &&
      cardText(s.body.attachments).some((t) => t.startsWith(`Lägesrapport ${measureId}`)),
  );
  assert.ok(card, measureId);
  const where = { conversationId: `${channel.channelId};messageid=${card.id}`, replyToId: card.id, channel };
  const refresh = (card.body.attachments as Array<{ content: { refresh: { action: { data: object } } } }>)[0]
    ?.content.refresh.action.data;
  const opened = await bot.post(
    cardAction('checkIn.refresh', { ...refresh }, where, { serviceUrl: bot.connector.serviceUrl, from }),
  );
  const form = (JSON.parse(opened.body) as { value: { actions: Array<{ data: Record<string, unknown> }> } })
    .value;
  return { where, data: form.actions[0]?.data };
}
