/** Where the bot can reach someone without being asked first: a person's personal chat, a channel, a group chat. */
export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/** A conversation the bot can write to on its own, as stored (`storage/conversationRepository.ts`). */
export interface StoredConversation {
  kind: ConversationKind;
  /** The person's AAD object id for personal chats, the channel or chat id otherwise. */
  id: string;
  tenantId?: string;
  /** The Bot Framework conversation reference, kept as the SDK gave it. */
  reference: Record<string, unknown>;
  /** UTC ISO time of the last activity that changed it, or that refreshed it after a while. */
  updatedAt: string;
}
