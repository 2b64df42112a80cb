import { withStamp, type CardStamp } from './cardStamp.js';
import {
  CardFactory,
  MessageFactory,
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import {
  DeliveryError,
  type BeforeSending,
  type Messenger,
  type OutgoingMessage,
  type SentMessage,
} from '../scheduling/messenger.js';
import type { SendPacer } from '../scheduling/pacer.js';
import { SendFailedError, sendFailureOf, sendWithRetry } from '../scheduling/retryPolicy.js';
import { log } from '../platform/log.js';
import { countCardSent, countThrottledSend } from '../platform/telemetry.js';
import type { ConversationRepository } from '../storage/conversationRepository.js';

/**
 * Proactive messages through the Bot Framework: stored conversation references, `continueConversationAsync`,
 * pacing within Teams' rate limits, and retries on 429 (after Retry-After) and 5xx. Every attempt, retries
 * included, goes through `sendWithRetry` and so takes a slot from the SendPacer: the connector client's own
 * retries are switched off for these turns (`withoutPipelineRetries`).
 */
export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationRepository,
    private readonly pacer: SendPacer,
    /**
     * The agreement's language, which every card the bot posts on its own is written in, and the agreement it
     * posts for (one messenger per agreement, sharing the pacer).
     */
    private readonly stamp: CardStamp,
  ) {}

  async postToChannel(
    channelId: string,
    message: OutgoingMessage,
    beforeSending?: BeforeSending,
  ): Promise<SentMessage> {
    const reference = await this.reference('channel', channelId);
    return this.inConversation(reference, async (context) => {
      // A new conversation in a channel is a new thread; TeamsInfo.sendMessageToTeamsChannel does the same, but
      // only for bots with an app id.
      const client = context.turnState.get<ConnectorClientLike>(context.adapter.ConnectorClientKey);
      const created = await sendWithRetry(
        channelId,
        countingThrottles(() =>
          client.conversations.createConversation({
            isGroup: true,
            bot: context.activity.recipient,
            channelData: { channel: { id: channelId } },
            activity: toActivity(message, this.stamp) as Activity,
          }),
        ),
        this.pacer,
        beforeSending ? { beforeFirstAttempt: beforeSending } : {},
      );
      if (message.card) countCardSent('channel');
      return { conversationId: created.id ?? channelId, activityId: created.activityId ?? '' };
    });
  }

  async replyInThread(channelId: string, threadId: string, message: OutgoingMessage): Promise<SentMessage> {
    const reference = await this.reference('channel', channelId);
    const thread = {
      ...reference,
      conversation: { ...reference.conversation, id: threadId },
    } as Partial<ConversationReference>;
    return this.send(threadId, thread, message, 'thread');
  }

  async sendToPerson(
    aadObjectId: string,
    message: OutgoingMessage,
    beforeSending?: BeforeSending,
  ): Promise<SentMessage> {
    const reference = await this.reference('personal', aadObjectId);
    return this.send(reference.conversation?.id ?? aadObjectId, reference, message, 'person', beforeSending);
  }

  async withPersonalChat(aadObjectIds: readonly string[]): Promise<Set<string>> {
    const found = await Promise.all(
      [...new Set(aadObjectIds)].map(async (id) =>
        (await this.conversations.get('personal', id)) ? id : undefined,
      ),
    );
    return new Set(found.filter((id): id is string => id !== undefined));
  }

  private async send(
    threadKey: string,
    reference: Partial<ConversationReference>,
    message: OutgoingMessage,
    to: 'thread' | 'person',
    beforeSending?: BeforeSending,
  ): Promise<SentMessage> {
    return this.inConversation(reference, async (context) => {
      const response = await sendWithRetry(
        threadKey,
        countingThrottles(() => context.sendActivity(toActivity(message, this.stamp))),
        this.pacer,
        beforeSending ? { beforeFirstAttempt: beforeSending } : {},
      );
      if (message.card) countCardSent(to);
      return { conversationId: context.activity.conversation.id, activityId: response?.id ?? '' };
    });
  }

  private async reference(kind: 'channel' | 'personal', id: string): Promise<Partial<ConversationReference>> {
    const stored = await this.conversations.get(kind, id);
    if (!stored) throw new DeliveryError(`no ${kind} conversation with the bot`);
    return stored.reference as Partial<ConversationReference>;
  }

  /**
   * Runs `work` in a proactive turn. The adapter hands errors thrown inside a turn to onTurnError instead of
   * to its caller, so the outcome is carried out of the turn by hand.
   */
  private async inConversation<T>(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        withoutPipelineRetries(context);
        outcome = { ok: true, value: await work(context) };
      } catch (error) {
        outcome = { ok: false, error };
      }
    });
    if (!outcome) throw new DeliveryError('the conversation could not be continued');
    if (outcome.ok) return outcome.value;
    const { error } = outcome;
    if (error instanceof SendFailedError) throw new DeliveryError(error.message, error.statusCode);
    throw error;
  }
}

/**
 * Name of @azure/core-rest-pipeline's retry policy (`defaultRetryPolicyName`, not exported from the package's
 * index), which `createPipelineFromOptions` puts in every ConnectorClient's pipeline: up to 3 retries of 429 and
 * 503 after their Retry-After, of 408 and 5xx with exponential backoff, and of connection errors.
 */
const pipelineRetryPolicyName = 'defaultRetryPolicy';
let pipelineRetryWarned = false;

/**
 * Takes the retry policy out of this turn's connector client, so that a 429 or 5xx reaches `sendWithRetry`,
 * which holds the thread for the Retry-After and paces every attempt. Retried inside the pipeline, they would
 * be neither paced nor counted (more than Teams' 50 requests a second were seen), and the thread not held.
 *
 * Safe for other turns: CloudAdapterBase.processProactive asks the ConnectorFactory for a new ConnectorClient for
 * each proactive turn (botbuilder-core 4.23, `connectorFactory.create`) and keeps it in the turn state under
 * ConnectorClientKey. Its `client` (private in the typings) is @azure/core-client's ServiceClient.
 */
function withoutPipelineRetries(context: TurnContext): void {
  const connector = context.turnState.get<unknown>(context.adapter.ConnectorClientKey) as
    { client?: { pipeline?: { removePolicy(options: { name: string }): unknown[] } } } | undefined;
  const removed = connector?.client?.pipeline?.removePolicy({ name: pipelineRetryPolicyName }) ?? [];
  if (removed.length === 0 && !pipelineRetryWarned) {
    // Sends still work, but retried twice over and partly unpaced: botbuilder's insides have changed.
    pipelineRetryWarned = true;
    log.warn('send.pipelineRetriesNotRemoved', { policy: pipelineRetryPolicyName });
  }
}

/**
 * One attempt, each 429 it gets counted in telemetry (sends.throttled), retried or not. `beforeSending` is not
 * part of it: it runs once, before the first attempt only (a retry after a 429 or a 500 is the same send), and
 * whatever it throws stops the send instead of being retried as a failed one (see sendWithRetry).
 */
function countingThrottles<T>(send: () => Promise<T>): () => Promise<T> {
  return async () => {
    try {
      return await send();
    } catch (err) {
      if (sendFailureOf(err).statusCode === 429) countThrottledSend();
      throw err;
    }
  };
}

/** The part of botframework-connector's ConnectorClient that a CloudAdapter turn carries in its turn state. */
interface ConnectorClientLike {
  conversations: {
    createConversation(parameters: ConversationParameters): Promise<{ id?: string; activityId?: string }>;
  };
}

function toActivity(message: OutgoingMessage, stamp: CardStamp) {
  const activity = message.card
    ? MessageFactory.attachment(CardFactory.adaptiveCard(withStamp(message.card, stamp)), message.text)
    : MessageFactory.text(message.text ?? '');
  if (message.mentions && message.mentions.length > 0) {
    activity.entities = message.mentions.map((person) => ({
      type: 'mention',
      text: `<at>${person.name}</at>`,
      mentioned: { id: person.aadObjectId, name: person.name },
    }));
  }
  return activity;
}
