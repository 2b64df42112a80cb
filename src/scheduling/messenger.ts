/**
 * How scheduled work reaches people in Teams. The Bot Framework implementation lives in `src/teams/`; scheduling
 * only sees this port.
 */
export interface OutgoingMessage {
  text?: string;
  /** An Adaptive Card (JSON). */
  card?: Record<string, unknown>;
  /** People @mentioned in `text` as `<at>Name</at>`. */
  mentions?: ReadonlyArray<{ aadObjectId: string; name: string }>;
}

export interface SentMessage {
  /** The conversation the message landed in: a new channel thread, or the personal chat. */
  conversationId: string;
  activityId: string;
}

/** A send that failed for good (after retries); `statusCode` when the service answered. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/**
 * Called once, right before the first attempt to send leaves for Teams (after any wait for a free slot). What it
 * throws stops the send: nothing leaves, and the caller gets the error as it was thrown.
 */
export type BeforeSending = () => Promise<void>;

export interface Messenger {
  /** Starts a new thread in a channel the bot was installed in. */
  postToChannel(
    channelId: string,
    message: OutgoingMessage,
    beforeSending?: BeforeSending,
  ): Promise<SentMessage>;
  /** Answers in a thread the bot started in a channel. */
  replyInThread(channelId: string, threadId: string, message: OutgoingMessage): Promise<SentMessage>;
  /** Writes in a person's personal chat with the bot. */
  sendToPerson(
    aadObjectId: string,
    message: OutgoingMessage,
    beforeSending?: BeforeSending,
  ): Promise<SentMessage>;
  /** The people among these who have a personal chat with the bot. */
  withPersonalChat(aadObjectIds: readonly string[]): Promise<Set<string>>;
}
