/**
 * Reads handed out again for a while, per key: the cards of a round read the same rows within seconds of each
 * other. Only for showing, never for deciding a write. A read that failed, or that overlapped a change this process
 * made (`forget`, `clear`), is not handed out again; another instance's change is seen at most `maxAgeMs` late.
 */
export class RecentReads<Value> {
  private readonly reads = new Map<string, { value: Promise<Value>; at: number }>();
  private changes = 0;

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  /** What `read` gave for `key` within `maxAgeMs` (or is giving now), else a new read. */
  get(key: string, read: () => Promise<Value>): Promise<Value> {
    const recent = this.reads.get(key);
    const age = recent ? Date.now() - recent.at : Infinity;
    if (recent && age >= 0 && age < this.maxAgeMs) return recent.value;
    const changesBefore = this.changes;
    const entry = { value: read(), at: Date.now() };
    if (this.reads.size >= this.maxEntries) this.reads.clear();
    this.reads.set(key, entry);
    const drop = () => {
      if (this.reads.get(key) === entry) this.reads.delete(key);
    };
    entry.value.then(() => {
      if (changesBefore !== this.changes) drop();
    }, drop);
    // Nothing hands it out once it is this old, so it need not be held until the key is read again.
    setTimeout(drop, this.maxAgeMs).unref();
    return entry.value;
  }

  /** This process changes what `key` reads. */
  forget(key: string): void {
    this.changes++;
    this.reads.delete(key);
  }

  /** This process changes what any key may read (an erasure, a removal). */
  clear(): void {
    this.changes++;
    this.reads.clear();
  }
}
