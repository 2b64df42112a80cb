import type { ConversationKind, StoredConversation } from '../domain/conversation.js';
import { odata, type TableClient } from '@azure/data-tables';
import {
  deleteAsRead,
  isStatus,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from './tableStore.js';

/**
 * How long an unchanged reference goes without being written again. Another instance may have stored a different
 * reference for the same conversation meanwhile; this bounds how long such a difference can last.
 */
export const refreshEveryMs = 10 * 60_000;
/**
 * How long a reference this process read or wrote is handed out again without asking storage. A round's cards
 * go to the same channels and chats in quick succession; a reference another instance changed meanwhile (Teams
 * moved the conversation) reaches this one at most this late, and Teams still answers on the old address.
 */
export const readReusedMs = 30_000;
/** Conversations remembered; beyond this the memory starts over (a write each, no harm). */
const rememberedMax = 20_000;

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
  /** What this process last wrote or read per conversation, so an unchanged reference is not written again. */
  private readonly known = new Map<
    string,
    { fingerprint: string; at: number; conversation: StoredConversation; seenAt: number }
  >();
  /**
   * Writes in flight per conversation. Two at once of different references may land in either order, so neither
   * is remembered; two of the same reference (one person pressing two cards at once) leave it stored either way.
   */
  private readonly writing = new Map<string, { count: number; fingerprint: string; contested: boolean }>();
  /** Writes started in this process, so a read that overlapped one is not remembered. */
  private writesStarted = 0;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.conversations);
  }

  /**
   * Stores the reference an activity came with, unless this process knows the stored one to be the same (and
   * wrote or read it within `refreshEveryMs`). Every activity calls this, so an unchanged reference costs no
   * storage request; a changed one (Teams moved the conversation to a new `serviceUrl`) is always written.
   */
  async refresh(conversation: StoredConversation): Promise<'written' | 'unchanged'> {
    const key = memoryKey(conversation.kind, conversation.id);
    const fingerprint = fingerprintOf(conversation);
    const at = Date.parse(conversation.updatedAt);
    const known = this.known.get(key);
    if (known?.fingerprint === fingerprint && at - known.at < refreshEveryMs && at >= known.at) {
      return 'unchanged';
    }
    await this.save(conversation);
    return 'written';
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
    const key = memoryKey(conversation.kind, conversation.id);
    const fingerprint = fingerprintOf(conversation);
    const writing = this.writing.get(key) ?? { count: 0, fingerprint, contested: false };
    writing.count++;
    this.writesStarted++;
    if (writing.fingerprint !== fingerprint) writing.contested = true;
    this.writing.set(key, writing);
    this.known.delete(key);
    let stored = false;
    try {
      // Last writer wins on purpose: the newest reference is the right one.
      await this.table.upsertEntity(row, 'Replace');
      stored = true;
    } finally {
      writing.count--;
      if (writing.count === 0) this.writing.delete(key);
      if (stored && !writing.contested) this.remember(key, conversation);
    }
  }

  async get(kind: ConversationKind, id: string): Promise<StoredConversation | undefined> {
    const key = memoryKey(kind, id);
    const known = this.known.get(key);
    if (known && !this.writing.has(key)) {
      const age = Date.now() - known.seenAt;
      if (age >= 0 && age < readReusedMs) return known.conversation;
    }
    try {
      const writesBefore = this.writesStarted;
      const row = await this.table.getEntity<ConversationRow>(kind, keyOf(id));
      const conversation: StoredConversation = {
        kind,
        id: row.id,
        reference: JSON.parse(row.reference) as Record<string, unknown>,
        updatedAt: row.updatedAt,
        ...(row.tenantId ? { tenantId: row.tenantId } : {}),
      };
      // A read overlapping a write of this process may have seen either; remember only an undisturbed read.
      if (writesBefore === this.writesStarted && !this.writing.has(key)) this.remember(key, conversation);
      return conversation;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Counted from when the stored reference was written, so a read one is refreshed on the same schedule. */
  private remember(key: string, conversation: StoredConversation) {
    const at = Date.parse(conversation.updatedAt);
    if (!Number.isFinite(at)) return;
    if (this.known.size >= rememberedMax) this.known.clear();
    this.known.set(key, { fingerprint: fingerprintOf(conversation), at, conversation, seenAt: Date.now() });
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

  /** Every stored reference, of every kind: what a person's data request searches. */
  async all(): Promise<StoredConversation[]> {
    const conversations: StoredConversation[] = [];
    for (const kind of conversationKinds) {
      const filter = odata`PartitionKey eq ${kind}`;
      for await (const row of this.table.listEntities<ConversationRow>({ queryOptions: { filter } })) {
        conversations.push(conversationOf(kind, row));
      }
    }
    return conversations;
  }

  /**
   * Rewrites channel and group chat references (the person who wrote last, when their identity is erased):
   * `rewrite` gives the new reference, or undefined to leave it. Each row is replaced only as it was read (ETag),
   * so a reference a new message refreshed meanwhile is judged again. Returns how many were rewritten.
   */
  async rewriteShared(rewrite: (conversation: StoredConversation) => StoredConversation | undefined) {
    // What an erasure rewrites must not be handed out from memory afterwards.
    this.known.clear();
    let rewritten = 0;
    for (const kind of ['channel', 'groupChat'] as const) {
      const rows: Array<ReadRow<ConversationRow>> = [];
      const filter = odata`PartitionKey eq ${kind}`;
      for await (const row of this.table.listEntities<ConversationRow>({ queryOptions: { filter } })) {
        rows.push(row);
      }
      for (const row of rows) {
        const replaced = await replaceAsRead<ConversationRow>(this.table, row, (stored) => {
          const next = rewrite(conversationOf(kind, stored));
          return (
            next && {
              partitionKey: stored.partitionKey,
              rowKey: stored.rowKey,
              id: stored.id,
              reference: JSON.stringify(next.reference),
              updatedAt: stored.updatedAt,
              ...(stored.tenantId ? { tenantId: stored.tenantId } : {}),
            }
          );
        });
        if (replaced) rewritten++;
      }
    }
    this.known.clear();
    return rewritten;
  }

  /**
   * Deletes a person's personal chat reference, and with it the marker that the chat got its welcome (keyed by
   * the chat's id), each only as it was read (ETag). Returns 1 if the reference was deleted, 0 if none was left.
   */
  async forgetPersonal(aadObjectId: string): Promise<number> {
    this.known.delete(memoryKey('personal', aadObjectId));
    let row: ReadRow<ConversationRow>;
    try {
      row = await this.table.getEntity<ConversationRow>('personal', keyOf(aadObjectId));
    } catch (err) {
      if (isStatus(err, 404)) return 0;
      throw err;
    }
    const chatId = (JSON.parse(row.reference) as { conversation?: { id?: unknown } }).conversation?.id;
    if (typeof chatId === 'string') {
      try {
        await deleteAsRead(this.table, await this.table.getEntity<WelcomeRow>('welcome', keyOf(chatId)));
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    }
    // The reference last: while it is there, a repeated erasure still finds the chat and its welcome marker.
    const deleted = await deleteAsRead(this.table, row);
    this.known.delete(memoryKey('personal', aadObjectId));
    return deleted ? 1 : 0;
  }
}

interface WelcomeRow {
  partitionKey: string;
  rowKey: string;
  at: string;
}

const conversationKinds: readonly ConversationKind[] = ['personal', 'channel', 'groupChat'];

function conversationOf(kind: ConversationKind, row: ConversationRow): StoredConversation {
  return {
    kind,
    id: row.id,
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    updatedAt: row.updatedAt,
    ...(row.tenantId ? { tenantId: row.tenantId } : {}),
  };
}

const memoryKey = (kind: ConversationKind, id: string) => `${kind}|${id}`;

/**
 * What makes two references the same for sending: everything but the id of the activity it was taken from,
 * which differs on every activity and which proactive sends do not use.
 */
function fingerprintOf(conversation: StoredConversation): string {
  const { activityId: _activityId, ...reference } = conversation.reference;
  return JSON.stringify([conversation.tenantId ?? '', reference]);
}
