import {
  SendPacer,
  teamsPerBotLimits,
  teamsPerThreadLimits,
  type RateWindow,
} from '../../src/scheduling/pacer.js';
import type { SentActivity } from '../harness/connector.js';
import { cpuTimeMs } from './benchProcess.js';
import type { BenchWorld } from './world.js';

/**
 * Stage 3: a coordinator opens a round whose prompts are 1,000 cards, and the loopback connector answers every
 * tenth prompt request (retries included, as `failEvery(10)` would) with 429 and `Retry-After: 1`. Every card
 * must arrive exactly once, and the time from the first prompt request to the last card must stay within 1.2×
 * the least the pacing windows allow.
 *
 * How the cards spread over threads: 250 measures × (their working group's channel + the personal chats of
 * their 3 owners) = 1,000 cards; 20 channels get 12–13 cards each and 100 personal chats 7–8 each, 120 threads.
 * Each channel card starts a new conversation, but the bot paces its posts to a channel under the channel's id,
 * so the channel is the thread that counts. The least time is the larger of what the per-bot window (45 per
 * second, the bot's pace under Teams' 50) allows for every request and what the per-thread windows (7/1 s,
 * 8/2 s, 60/30 s, 1,800/h) allow for the busiest thread, both from `SendPacer.minimumDurationMs` with the limits
 * the bot paces to: here the per-bot window decides (1,111 requests → 24.0 s; 13 posts to one channel → 2.0 s).
 * Throttled requests count, as Teams counts them and they are sent again; the minimum for the 1,000 cards alone
 * is reported beside it.
 */
export interface FanOutResult {
  prompts: number;
  /** Prompt requests the connector received: the accepted ones and those answered with 429. */
  requests: number;
  throttled: number;
  retryAfterSeconds: number;
  threads: number;
  /** Cards that arrived more than once, and cards that never arrived. */
  duplicates: number;
  missing: number;
  /** Deliveries the bot recorded as failed. */
  failedDeliveries: number;
  /** How long the `ny runda` request took (planning the round's jobs), ms. */
  openRoundMs: number;
  /** From the first prompt request to the last card accepted, ms. */
  wallMs: number;
  /**
   * The least the pacing windows allow for `requests` sends spread over these threads, ms: every request counts,
   * the throttled ones too, as Teams counts them and the bot has to send them again.
   */
  minimumMs: number;
  /** The same for the cards alone, as if nothing had been throttled. */
  cardsMinimumMs: number;
  minimumBasis: string;
  ratioToMinimum: number;
  /**
   * The most prompt requests that arrived in any one second, overall and in one thread (the bot paces to 45 per
   * app, under Teams' 50, and 7 per thread). Arrival times jitter by a millisecond or two around the pacer's
   * grants.
   */
  busiestSecond: number;
  busiestThreadSecond: number;
  /** Peak resident memory of the bot process during the stage, bytes. */
  peakRssBytes: number;
  /** CPU time per card of the bot and of Azurite, from `ny runda` to the last card, ms. */
  cpuMsPerCard: { bot: number; azurite: number };
  /** The posted cards, for the card-submit stage. */
  sent: SentActivity[];
}

interface Arrival {
  at: number;
  thread: string;
  throttled: boolean;
}

export const retryAfterSeconds = 1;
const throttleEvery = 10;

export async function runFanOut(world: BenchWorld): Promise<FanOutResult> {
  const { connector, bot } = world;
  const expected = world.expectedPrompts();
  const arrivals: Arrival[] = [];
  let promptRequests = 0;
  let acceptedPrompts = 0;
  // Every prompt request passes here first (the rule sees each request the connector would accept); every
  // tenth is throttled, retries included, as failEvery(10) would, and the arrival times are kept. The others
  // are accepted, and counted here: going through everything sent (and its cards) on every poll would take this
  // process's CPU from the bot's and Azurite's, and delay the arrival times taken here.
  const lift = connector.failWhen(
    (request) => {
      if (!isPrompt(request)) return false;
      promptRequests++;
      const throttled = promptRequests % throttleEvery === 0;
      arrivals.push({ at: performance.now(), thread: request.conversationId, throttled });
      if (!throttled) acceptedPrompts++;
      return throttled;
    },
    { status: 429, retryAfterSeconds },
  );

  const opener = world.channels[0];
  if (!opener) throw new Error('The plan has no working-group channel');
  const memory = bot.sampleMemory();
  const cpuBefore = { bot: cpuTimeMs(bot.pid), azurite: cpuTimeMs(world.azuritePid) };
  const started = performance.now();
  const response = await world.say(`ny runda bench ${new Date().toISOString().slice(0, 19)}`, opener);
  const openRoundMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`ny runda answered ${response.status}: ${response.body}`);

  const progress = setInterval(() => {
    world.log(`fan-out: ${acceptedPrompts} of ${expected.size} cards, ${promptRequests} requests`);
  }, 5_000);
  try {
    await connector.waitFor(() => acceptedPrompts >= expected.size, 10 * 60_000);
  } finally {
    clearInterval(progress);
  }
  const lastAt = Math.max(...arrivals.filter((a) => !a.throttled).map((a) => a.at));
  const cpuMsPerCard = {
    bot: (cpuTimeMs(bot.pid) - cpuBefore.bot) / expected.size,
    azurite: (cpuTimeMs(world.azuritePid) - cpuBefore.azurite) / expected.size,
  };
  // Anything sent twice would come now.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const peakRssBytes = memory.stop();
  lift();

  const cards = connector.sent.filter(isPrompt);
  const seen = new Map<string, number>();
  for (const card of cards) {
    const key = promptKey(card);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = [...seen.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
  const missing = [...expected].filter((key) => !seen.has(key)).length;
  const unexpected = [...seen.keys()].filter((key) => !expected.has(key)).length;
  if (unexpected > 0) throw new Error(`${unexpected} cards went where no card was expected`);

  const perThread = new Map<string, number[]>();
  for (const a of arrivals) perThread.set(a.thread, [...(perThread.get(a.thread) ?? []), a.at]);
  const botMinimum = SendPacer.minimumDurationMs(arrivals.length, teamsPerBotLimits);
  const threadMinimum = Math.max(
    ...[...perThread.values()].map((times) =>
      SendPacer.minimumDurationMs(times.length, teamsPerThreadLimits),
    ),
  );
  const minimumMs = Math.max(botMinimum, threadMinimum);
  const cardsPerThread = new Map<string, number>();
  for (const card of cards)
    cardsPerThread.set(card.conversationId, (cardsPerThread.get(card.conversationId) ?? 0) + 1);
  const cardsMinimumMs = Math.max(
    SendPacer.minimumDurationMs(cards.length, teamsPerBotLimits),
    ...[...cardsPerThread.values()].map((n) => SendPacer.minimumDurationMs(n, teamsPerThreadLimits)),
  );
  const firstAt = Math.min(...arrivals.map((a) => a.at));
  const wallMs = lastAt - firstAt;
  const roundId = roundIdOf(cards[0]);

  return {
    prompts: cards.length,
    requests: arrivals.length,
    throttled: arrivals.filter((a) => a.throttled).length,
    retryAfterSeconds,
    threads: perThread.size,
    duplicates,
    missing,
    failedDeliveries: roundId ? await world.failedDeliveries(roundId) : -1,
    openRoundMs,
    wallMs,
    minimumMs,
    cardsMinimumMs,
    minimumBasis:
      botMinimum >= threadMinimum
        ? `${arrivals.length} requests at ${describe(teamsPerBotLimits)} per bot`
        : `${Math.max(...[...perThread.values()].map((t) => t.length))} requests in one thread at ${describe(teamsPerThreadLimits)}`,
    ratioToMinimum: wallMs / minimumMs,
    busiestSecond: busiest(arrivals.map((a) => a.at)),
    busiestThreadSecond: Math.max(...[...perThread.values()].map(busiest)),
    peakRssBytes,
    cpuMsPerCard,
    sent: cards,
  };
}

/**
 * A check-in card: a new thread in a channel, or a message in a personal chat. The SDK sends a proactive
 * message as a reply to the activity its conversation reference was taken from (the install), so a personal
 * prompt arrives as a `reply` or a `send`.
 */
export function isPrompt(request: SentActivity): boolean {
  if (request.kind === 'update' || request.kind === 'delete') return false;
  return measureIdOf(request) !== undefined;
}

export function promptKey(request: SentActivity): string {
  return `${request.kind === 'createConversation' ? 'channel' : 'personal'}|${request.conversationId}|${measureIdOf(request) ?? ''}`;
}

/** The measure a check-in card is about, from the data its refresh or save action carries. */
export function measureIdOf(request: SentActivity): string | undefined {
  return /"measureId":"(\d{1,2}\.\d{1,2})"/.exec(JSON.stringify(request.body.attachments ?? []))?.[1];
}

function roundIdOf(request: SentActivity | undefined): string | undefined {
  if (!request) return undefined;
  return /"roundId":"([^"]+)"/.exec(JSON.stringify(request.body.attachments ?? []))?.[1];
}

/** The most arrivals in any one-second stretch. */
function busiest(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function describe(windows: readonly RateWindow[]): string {
  return windows.map((w) => `${w.limit}/${w.windowMs / 1000}s`).join(', ');
}
