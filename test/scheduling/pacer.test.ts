import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SendPacer, type RateWindow } from '../../src/scheduling/pacer.js';

/**
 * Teams' limits as Microsoft Learn documents them ("Rate limiting for bots",
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit): per bot per thread, "Send to
 * conversation", 7 per 1 s, 8 per 2 s, 60 per 30 s and 1800 per 3600 s; and "The global limit per app per tenant
 * is 50 Requests Per Second". Written out here, not read from the pacer, so that the tests of its defaults fail
 * if they drift from the documentation.
 */
const documentedPerThread: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];
const documentedPerApp: readonly RateWindow[] = [{ limit: 50, windowMs: 1_000 }];

/** Fails if any stretch of `windowMs` starting at a recorded send holds more than `limit` sends. */
function assertWithinWindows(times: readonly number[], windows: readonly RateWindow[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  for (const { limit, windowMs } of windows) {
    for (const start of sorted) {
      const inWindow = sorted.filter((t) => t >= start && t < start + windowMs).length;
      assert.ok(inWindow <= limit, `${inWindow} sends in the ${windowMs} ms from ${start}, limit ${limit}`);
    }
  }
}

describe('pacing of sends within Teams rate limits', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    clock.restore();
  });

  function pacer(options: { perThread?: readonly RateWindow[]; perBot?: readonly RateWindow[] } = {}) {
    return new SendPacer({ now: () => clock.now, ...options });
  }

  /** Starts the acquires and records, per thread, the fake time at which each one was granted. */
  function acquireAll(p: SendPacer, keys: readonly string[]): Map<string, number[]> {
    const granted = new Map<string, number[]>();
    for (const key of keys) {
      const times = granted.get(key) ?? [];
      granted.set(key, times);
      void p.acquire(key).then(() => times.push(clock.now));
    }
    return granted;
  }

  it('keeps every thread of a default pacer within the documented per thread limits, using the hour in full', async () => {
    const granted = acquireAll(pacer(), Array<string>(1_801).fill('thread'));
    await clock.runAllAsync();

    const times = granted.get('thread') ?? [];
    assert.equal(times.length, 1_801);
    assertWithinWindows(times, documentedPerThread);
    // 60 every 30 s: the 1800th send goes at 884 s; the 1801st waits for the first to be an hour old.
    assert.equal(times[1_799], 884_000);
    assert.equal(times[1_800], 3_600_000);
  });

  it('keeps all threads of a default pacer within the documented 50 a second per app, leaving 5 of them to requests it does not pace', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `thread-${i}`);
    const granted = acquireAll(pacer(), keys);
    await clock.runAllAsync();

    const times = [...granted.values()].flat();
    assert.equal(times.length, 200);
    assertWithinWindows(times, documentedPerApp);
    assertWithinWindows(times, [{ limit: 45, windowMs: 1_000 }]);
    // 45 a second, no fewer.
    assert.deepEqual(
      [0, 1_000, 2_000, 3_000, 4_000].map((second) => times.filter((t) => t === second).length),
      [45, 45, 45, 45, 20],
    );
  });

  it('knows the minimum time the windows allow', () => {
    const limits = documentedPerThread;
    assert.equal(SendPacer.minimumDurationMs(0, limits), 0);
    assert.equal(SendPacer.minimumDurationMs(7, limits), 0);
    assert.equal(SendPacer.minimumDurationMs(8, limits), 1_000);
    // Then 8 per 2 s: seven at once, one a second later.
    assert.equal(SendPacer.minimumDurationMs(9, limits), 2_000);
    assert.equal(SendPacer.minimumDurationMs(16, limits), 3_000);
    // The 61st send waits for the first to leave the 30 s window.
    assert.equal(SendPacer.minimumDurationMs(61, limits), 30_000);
    assert.equal(SendPacer.minimumDurationMs(5, [{ limit: 1, windowMs: 100 }]), 400);
  });

  it('sends 100 messages to one thread within every window, as fast as the windows allow', async () => {
    const granted = acquireAll(pacer(), Array<string>(100).fill('thread'));
    await clock.runAllAsync();

    const times = granted.get('thread') ?? [];
    assert.equal(times.length, 100);
    assertWithinWindows(times, [...documentedPerThread, ...documentedPerApp]);
    // 8 every 2 s up to the 60th send at 14 s; the 61st waits for the first to leave the 30 s window, and the
    // last 40 follow as the first 40 did.
    assert.equal(Math.max(...times), 39_000);
  });

  it('serves concurrent acquires for one thread in the order they were made', async () => {
    const p = pacer();
    const order: number[] = [];
    for (let i = 0; i < 30; i++) void p.acquire('thread').then(() => order.push(i));
    await clock.runAllAsync();
    assert.deepEqual(
      order,
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it('does not let one thread hold up another', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
    const granted = acquireAll(pacer(), keys);
    await clock.runAllAsync();

    for (const key of ['a', 'b']) {
      const times = granted.get(key) ?? [];
      assert.equal(times.length, 20);
      assertWithinWindows(times, documentedPerThread);
      // Each finishes as if it were alone: 8 every 2 s, the 17th to 20th send at 4 s.
      assert.equal(Math.max(...times), 4_000);
    }
  });

  it('shares the per-bot window between threads, oldest request first', async () => {
    const perBot = [{ limit: 10, windowMs: 1_000 }];
    const keys = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
    const granted = acquireAll(pacer({ perBot }), keys);
    await clock.tickAsync(0);

    const a = granted.get('a') ?? [];
    const b = granted.get('b') ?? [];
    assert.deepEqual([a.length, b.length], [5, 5]);

    await clock.runAllAsync();
    assert.deepEqual(a, [0, 0, 0, 0, 0, 1_000, 1_000]);
    assert.deepEqual(b, [0, 0, 0, 0, 0, 1_000, 1_000]);
    assertWithinWindows([...a, ...b], perBot);
  });

  it('counts a send from when its answer came, so that slow answers cannot crowd a window at the receiver', async () => {
    const p = pacer({ perBot: [{ limit: 2, windowMs: 1_000 }] });
    const [a, b] = await Promise.all([p.acquire('a'), p.acquire('b')]);
    let cAt: number | undefined;
    void p.acquire('c').then(() => (cAt = clock.now));
    // A's request reached Teams somewhere in its first 300 ms, B's in its first 500 ms.
    await clock.tickAsync(300);
    a();
    await clock.tickAsync(200);
    b();
    b();
    await clock.tickAsync(799);
    assert.equal(cAt, undefined, 'counted from the grants, C would have gone at 1,000 ms');
    await clock.tickAsync(1);
    // Both A and B may have arrived just before they were answered: C goes a full second after A's answer.
    assert.equal(cAt, 1_300);
  });

  it('holds a thread back for the Retry-After of a 429', async () => {
    const p = pacer();
    await p.acquire('a');
    p.holdOff('a', 2_000);

    let heldGranted = false;
    void p.acquire('a').then(() => (heldGranted = true));
    let otherGranted = false;
    void p.acquire('b').then(() => (otherGranted = true));

    await clock.tickAsync(1_999);
    assert.equal(heldGranted, false);
    assert.equal(otherGranted, true);
    await clock.tickAsync(1);
    assert.equal(heldGranted, true);
  });

  it('extends a hold for sends already waiting, and never shortens one', async () => {
    const p = pacer();
    const granted = acquireAll(p, ['a']);
    p.holdOff('a', 3_000);
    const held = acquireAll(p, ['a', 'a']);
    p.holdOff('a', 1_000);
    await clock.tickAsync(0);
    assert.deepEqual(granted.get('a'), [0]);

    await clock.runAllAsync();
    assert.deepEqual(held.get('a'), [3_000, 3_000]);
  });

  it('holds every thread when the bot as a whole is throttled', async () => {
    const p = pacer();
    p.holdOff('a', 3_000, true);
    const granted = acquireAll(p, ['a', 'b']);
    await clock.runAllAsync();
    assert.deepEqual(granted.get('a'), [3_000]);
    assert.deepEqual(granted.get('b'), [3_000]);
  });

  it('forgets threads once their sends are older than the largest window', async () => {
    const p = pacer();
    // Fewer than the bot may send in a second, so that all go at once.
    const keys = Array.from({ length: 40 }, (_, i) => `thread-${i}`);
    acquireAll(p, keys);
    p.holdOff('held', 10_000);
    await clock.tickAsync(0);
    assert.equal(p.size(), 41);

    // The 3600 s window must still count these sends.
    await clock.tickAsync(3_600_000 - 1);
    assert.equal(p.size(), 40);

    await clock.tickAsync(1);
    assert.equal(p.size(), 0);
  });

  it('remembers a thread with short windows only while it waits or its sends count', async () => {
    const p = pacer({ perThread: [{ limit: 1, windowMs: 1_000 }] });
    acquireAll(p, ['a', 'a', 'a']);
    await clock.tickAsync(1_000);
    assert.equal(p.size(), 1);
    await clock.runAllAsync();
    await clock.tickAsync(1_000);
    assert.equal(p.size(), 0);
  });

  it('runs on the fake clock by default', async () => {
    const granted = acquireAll(new SendPacer(), Array<string>(8).fill('thread'));
    await clock.tickAsync(999);
    assert.equal(granted.get('thread')?.length, 7);
    await clock.tickAsync(1);
    assert.equal(granted.get('thread')?.length, 8);
  });

  it('rejects windows that could never be met', () => {
    assert.throws(() => new SendPacer({ perThread: [{ limit: 0, windowMs: 1_000 }] }), RangeError);
    assert.throws(() => new SendPacer({ perBot: [{ limit: 1, windowMs: 0 }] }), RangeError);
    assert.throws(() => new SendPacer({ perThread: [{ limit: 1.5, windowMs: 1_000 }] }), RangeError);
  });
});
