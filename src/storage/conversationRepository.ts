import type { TableClient } from '@azure/data-tables';
import { isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

/** Where the bot can reach someone without being asked first: a person's personal chat, a channel, a group chat. */
export type ConversationKind = 'personal' | 'channel' | 'groupChat';

export interface StoredConversation {
  kind: ConversationKind;
  /** The person's AAD object id for personal chats, the channel or chat id otherwise. */
  id: string;
  tenantId?: string;
  /** The Bot Framework conversation reference, kept as the SDK gave it. */
  reference: Record<string, unknown>;
  /** UTC ISO time of the last activity that refreshed it. */
  updatedAt: string;
}

interface ConversationRow {
  partitionKey: string;
  rowKey: string;
  id: string;
  tenantId?: string;
  reference: string;
  updatedAt: string;
}

/**
 * Conversation references, refreshed from every incoming activity because Teams may move a conversation to a
 * new `serviceUrl`. Partition per kind, so "every channel" or "this person's chat" is one partition read.
 */
export class ConversationRepository {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.conversations);
  }

  async save(conversation: StoredConversation): Promise<void> {
    const row: ConversationRow = {
      partitionKey: conversation.kind,
      rowKey: keyOf(conversation.id),
      id: conversation.id,
      reference: JSON.stringify(conversation.reference),
      updatedAt: conversation.updatedAt,
      ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
    };
    // Last writer wins on purpose: the newest reference is the right one.
    await this.table.upsertEntity(row, 'Replace');
  }

  async get(kind: ConversationKind, id: string): Promise<StoredConversation | undefined> {
    try {
      const row = await this.table.getEntity<ConversationRow>(kind, keyOf(id));
      return {
        kind,
        id: row.id,
        reference: JSON.parse(row.reference) as Record<string, unknown>,
        updatedAt: row.updatedAt,
        ...(row.tenantId ? { tenantId: row.tenantId } : {}),
      };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Records that a conversation got its welcome card. Teams announces one installation both as an
   * installationUpdate and as a conversationUpdate, possibly at once; the insert lets exactly one of them win.
   */
  async claimWelcome(conversationId: string, at: string): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: 'welcome', rowKey: keyOf(conversationId), at });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }
}
