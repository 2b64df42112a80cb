import { describeError, log } from '../platform/log.js';

/**
 * Writes that may reach storage a moment after their caller has gone on, a batch at a time: `batch` of them
 * together, or whatever is queued a second (`delayMs`) after the first, or when someone calls `settle`. For what a
 * round's cards write once each is sent (some 45 a second): a request each cost the bot and the table service more
 * than the card itself. A process that stops in between loses what was queued, so only what the bot can do
 * without (or find out again) goes through here.
 */
export class WriteBehind<Item> {
  private queued: Item[] = [];
  private readonly writing = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Writes one batch; may throw (logged as `failedEvent`). */
    private readonly write: (items: Item[]) => Promise<void>,
    private readonly failedEvent: string,
    private readonly batch = 25,
    private readonly delayMs = 1_000,
  ) {}

  add(item: Item): void {
    this.queued.push(item);
    if (this.queued.length >= this.batch) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.settle(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Writes what is queued and waits for every write under way. Never throws: a failure is logged. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all(this.writing);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const items = this.queued;
    this.queued = [];
    const written = this.write(items).catch((err: unknown) => log.warn(this.failedEvent, describeError(err)));
    this.writing.add(written);
    void written.finally(() => this.writing.delete(written));
  }
}
