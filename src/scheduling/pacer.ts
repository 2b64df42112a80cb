/**
 * Pacing of the bot's own sends so that proactive messages (check-in prompts, reminders) stay inside Teams' bot
 * rate limits instead of running into HTTP 429.
 *
 * Source: Microsoft Learn, "Rate limiting for bots" (now titled "Rate limiting for agents"),
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit
 * (Markdown source: MicrosoftDocs/msteams-docs, msteams-platform/bots/how-to/rate-limit.md):
 * - "Per bot per thread limit", scenario "Send to conversation" (the same numbers apply to "Create
 *   conversation"): 7 operations per 1 s, 8 per 2 s, 60 per 30 s and 1800 per 3600 s. A thread is a 1:1 chat,
 *   a group chat or a channel in a team.
 * - "The global limit per app per tenant is 50 Requests Per Second (RPS)." Older revisions of the page said 30.
 *   "All requests are subject to the same rate limiting policy, including sending messages, channel
 *   enumerations, and roster fetches", so the pacer keeps a margin for the requests it does not pace.
 * - "Per thread limit for all bots" (14 per 1 s, 16 per 2 s) counts every bot in the thread together. Our bot
 *   alone cannot use more than 7 per second of it, so it adds nothing to pace against.
 * The page says the values "are for estimation only" and may change, so 429 answers are still handled by
 * `retryPolicy.ts`.
 */

/** At most `limit` sends in any `windowMs` long stretch of time. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Per bot per thread, "Send to conversation". */
export const teamsPerThreadLimits: readonly RateWindow[] = Object.freeze([
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
]);

/** Teams' global limit per app per tenant, in requests per second: every request counts, not only sends. */
export const teamsPerAppRequestsPerSecond = 50;

/**
 * All threads together, against Teams' global limit per app per tenant, less a margin of 5 a second for the
 * requests the pacer does not see: answers to what people write and click, card updates, roster reads. A round's
 * fan-out then never takes the whole allowance from people using the bot at the same time. Counting every
 * tenant's threads against it is exact for one tenant and merely cautious if the app is ever installed in several.
 */
export const teamsPerBotLimits: readonly RateWindow[] = Object.freeze([
  { limit: teamsPerAppRequestsPerSecond - 5, windowMs: 1_000 },
]);

/** Send times (ascending) and holds of one thread, or of the bot as a whole. */
interface Track {
  sent: number[];
  holdUntil: number;
}

interface Waiter {
  seq: number;
  grant: (sentAt: number) => void;
}

/**
 * Given for each granted send: call it once the send has its answer (or has failed). The send then counts from
 * that moment instead of from its grant, since it reached Teams somewhere in between: with answers slower for
 * some sends than for others (a new connection, a busy event loop), counting from the grant alone would let
 * more than `limit` of them arrive within one window.
 */
export type SendDone = () => void;

interface ThreadState extends Track {
  key: string;
  waiters: Waiter[];
}

/** How often, at most, the whole map is walked to drop threads that have been idle longer than every window. */
const sweepIntervalMs = 1_000;

/**
 * Sliding-window pacer: `acquire(threadKey)` resolves when one more send to that thread (and to the bot overall)
 * stays within every window, and reserves the slot; the SendDone it resolves with moves the send to the time of
 * its answer. Sends to one thread are served in the order they asked; between threads, the one that has waited
 * longest gets a freed bot-wide slot first.
 *
 * Timing uses global `setTimeout` and the injected clock, so sinon fake timers drive it.
 */
export class SendPacer {
  private readonly perThread: readonly RateWindow[];
  private readonly perBot: readonly RateWindow[];
  private readonly now: () => number;
  private readonly threadMemoryMs: number;
  private readonly botMemoryMs: number;
  private readonly threads = new Map<string, ThreadState>();
  private readonly waiting = new Set<ThreadState>();
  private readonly bot: Track = { sent: [], holdUntil: -Infinity };
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDueAt = Infinity;
  private lastSweepAt = -Infinity;

  constructor(
    options: { perThread?: readonly RateWindow[]; perBot?: readonly RateWindow[]; now?: () => number } = {},
  ) {
    this.perThread = validWindows(options.perThread ?? teamsPerThreadLimits, 'perThread');
    this.perBot = validWindows(options.perBot ?? teamsPerBotLimits, 'perBot');
    // Monotonic by default: a wall-clock step backwards must not stall sends, nor a step forwards burst them.
    this.now = options.now ?? (() => performance.now());
    this.threadMemoryMs = largestWindowMs(this.perThread);
    this.botMemoryMs = largestWindowMs(this.perBot);
  }

  acquire(threadKey: string): Promise<SendDone> {
    return new Promise<SendDone>((resolve) => {
      const thread = this.thread(threadKey);
      const grant = (sentAt: number) => {
        let done = false;
        resolve(() => {
          if (done) return;
          done = true;
          this.answered(threadKey, sentAt);
        });
      };
      thread.waiters.push({ seq: this.seq++, grant });
      this.waiting.add(thread);
      this.pump();
    });
  }

  /** After a 429: nothing more is sent to this thread until `retryAfterMs` from now (and, if `botWide`, to any thread). */
  holdOff(threadKey: string, retryAfterMs: number, botWide = false): void {
    const until = this.now() + (Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0);
    const thread = this.thread(threadKey);
    thread.holdUntil = Math.max(thread.holdUntil, until);
    if (botWide) this.bot.holdUntil = Math.max(this.bot.holdUntil, until);
    this.pump();
  }

  /** Threads the pacer still remembers: those with waiters, a hold, or a send inside the largest window. */
  size(): number {
    this.sweep(this.now(), true);
    return this.threads.size;
  }

  /**
   * The minimum wall time (ms) the windows allow for n sends to one thread starting from idle — used by
   * benchmarks: from the first send to the moment the n-th may start (0 for n <= 7 with Teams' limits).
   */
  static minimumDurationMs(n: number, windows: readonly RateWindow[]): number {
    const valid = validWindows(windows, 'windows');
    const sent: number[] = [];
    let last = 0;
    for (let i = 0; i < n; i++) {
      last = Math.max(last, readyAt(sent, valid));
      sent.push(last);
    }
    return last;
  }

  private thread(key: string): ThreadState {
    let thread = this.threads.get(key);
    if (!thread) {
      thread = { key, sent: [], holdUntil: -Infinity, waiters: [] };
      this.threads.set(key, thread);
    }
    return thread;
  }

  /** Grants every waiter that may go now, then sets one timer for the earliest moment another may. */
  private pump(): void {
    const now = this.now();
    forget(this.bot, now - this.botMemoryMs);
    for (;;) {
      if (this.botReadyAt() > now) break;
      const next = this.oldestReadyThread(now);
      if (!next) break;
      this.grant(next, now);
    }
    this.sweep(now, false);
    this.schedule(now);
  }

  private botReadyAt(): number {
    return Math.max(this.bot.holdUntil, readyAt(this.bot.sent, this.perBot));
  }

  private threadReadyAt(thread: ThreadState, now: number): number {
    forget(thread, now - this.threadMemoryMs);
    return Math.max(thread.holdUntil, readyAt(thread.sent, this.perThread));
  }

  private oldestReadyThread(now: number): ThreadState | undefined {
    let oldest: ThreadState | undefined;
    let oldestSeq = Infinity;
    for (const thread of this.waiting) {
      const head = thread.waiters[0];
      if (!head || head.seq >= oldestSeq) continue;
      if (this.threadReadyAt(thread, now) > now) continue;
      oldest = thread;
      oldestSeq = head.seq;
    }
    return oldest;
  }

  private grant(thread: ThreadState, now: number): void {
    const waiter = thread.waiters.shift();
    if (!waiter) return;
    if (thread.waiters.length === 0) this.waiting.delete(thread);
    thread.sent.push(now);
    this.bot.sent.push(now);
    waiter.grant(now);
  }

  /** Moves a send granted at `sentAt` to now, when its answer came (see SendDone). */
  private answered(threadKey: string, sentAt: number): void {
    const now = this.now();
    // Every time kept is a grant or an answer, all in the past, so the arrays stay sorted with `now` last. A
    // send older than a track's memory was forgotten there; counting it again from now errs on the safe side.
    for (const track of [this.thread(threadKey), this.bot]) {
      const at = track.sent.lastIndexOf(sentAt);
      if (at >= 0) track.sent.splice(at, 1);
      track.sent.push(now);
    }
    this.pump();
  }

  private schedule(now: number): void {
    let dueAt = Infinity;
    for (const thread of this.waiting) dueAt = Math.min(dueAt, this.threadReadyAt(thread, now));
    if (dueAt !== Infinity) dueAt = Math.max(dueAt, this.botReadyAt());
    if (dueAt === this.timerDueAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = dueAt;
    if (dueAt === Infinity) return;
    // Never early: a timer that fires before the window opens would only find nothing to grant.
    const delayMs = Math.max(1, Math.ceil(dueAt - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.pump();
    }, delayMs);
  }

  /** Drops threads nobody waits on whose holds are over and whose sends are all older than every window. */
  private sweep(now: number, force: boolean): void {
    if (!force && now - this.lastSweepAt < sweepIntervalMs) return;
    this.lastSweepAt = now;
    for (const [key, thread] of this.threads) {
      if (thread.waiters.length > 0 || thread.holdUntil > now) continue;
      forget(thread, now - this.threadMemoryMs);
      if (thread.sent.length === 0) this.threads.delete(key);
    }
  }
}

/**
 * The earliest time one more send keeps every window: for a window of `limit`, the `limit`-th latest send must
 * have left it. May be in the past (ready now), or -Infinity when nothing constrains.
 */
function readyAt(sent: readonly number[], windows: readonly RateWindow[]): number {
  let at = -Infinity;
  for (const { limit, windowMs } of windows) {
    const blocking = sent[sent.length - limit];
    if (blocking !== undefined) at = Math.max(at, blocking + windowMs);
  }
  return at;
}

/** Sends at or before `cutoff` can no longer block anything: they are out of even the largest window. */
function forget(track: Track, cutoff: number): void {
  let stale = 0;
  while (stale < track.sent.length && (track.sent[stale] ?? Infinity) <= cutoff) stale++;
  if (stale > 0) track.sent.splice(0, stale);
}

function largestWindowMs(windows: readonly RateWindow[]): number {
  return windows.reduce((largest, w) => Math.max(largest, w.windowMs), 0);
}

function validWindows(windows: readonly RateWindow[], name: string): readonly RateWindow[] {
  for (const { limit, windowMs } of windows) {
    if (!Number.isInteger(limit) || limit < 1 || !Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`${name}: a window needs a whole limit >= 1 and a positive windowMs`);
    }
  }
  return windows;
}
