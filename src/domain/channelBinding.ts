/** A Teams channel that one of the agreement's groups works in (kopplad kanal). */
export interface ChannelBinding {
  groupId: string;
  /** The channel's conversation id, without any `;messageid=` thread suffix. */
  channelId: string;
  teamId?: string;
  tenantId?: string;
  boundBy: { aadObjectId: string; name: string };
  /** UTC ISO time. */
  boundAt: string;
}

/** Teams gives a channel's threads the channel id plus `;messageid=…`; a binding is to the channel itself. */
export function channelIdOf(conversationId: string): string {
  return conversationId.split(';')[0] ?? conversationId;
}
