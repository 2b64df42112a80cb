import type { SendPacer } from './pacer.js';

/**
 * What to do when a send to Teams fails. Teams answers 429 when a rate limit is hit and asks for "exponential
 * backoff with random jitter", honouring Retry-After when given, and names 412, 502, 503 and 504 as worth
 * retrying too (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
 *
 * Mind the layer below: the Bot Framework connector client (botframework-connector on @azure/core-client) runs
 * every request through @azure/core-rest-pipeline's default retry policy, which retries up to 3 times by itself:
 * 429/503 that carry Retry-After (waiting as told), 408 and 5xx other than 501/505 (exponential, 0.5–4 s), and
 * ECONNRESET/ECONNREFUSED/ETIMEDOUT/ENOTFOUND, all without asking the pacer. `TeamsMessenger` takes that policy
 * out of its turns' clients, so every attempt of a proactive send is decided here and paced.
 */

/** A failed send, as far as retrying is concerned. */
export interface SendFailure {
  statusCode?: number;
  /** Parsed from a Retry-After header: delay-seconds or an HTTP date. */
  retryAfterMs?: number;
  /** The error's code, e.g. ECONNRESET when no answer came (for an HTTP answer, the body's error code). */
  code?: string;
}

/**
 * Reads statusCode and Retry-After from an error thrown by the Bot Framework connector client (a RestError from
 * @azure/core-rest-pipeline: `err.statusCode`, `err.response.headers.get('retry-after')`), also accepting headers
 * as a plain object. `now` (epoch ms) is only used to turn an HTTP-date Retry-After into a delay.
 */
export function sendFailureOf(err: unknown, now: number = Date.now()): SendFailure {
  if (typeof err !== 'object' || err === null) return {};
  const { statusCode, code, response } = err as { statusCode?: unknown; code?: unknown; response?: unknown };
  const failure: SendFailure = {};
  const status = typeof statusCode === 'number' ? statusCode : statusOf(response);
  if (status !== undefined) failure.statusCode = status;
  const retryAfter = retryAfterMs(headerOf(response, 'retry-after'), now);
  if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
  if (typeof code === 'string') failure.code = code;
  return failure;
}

export type RetryDecision =
  { retry: true; delayMs: number; holdThread: boolean } | { retry: false; reason: string };

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First backoff step. */
  baseMs?: number;
  /** Largest backoff step. */
  capMs?: number;
  /** In [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

const defaults = { maxAttempts: 6, baseMs: 1_000, capMs: 60_000 };

/**
 * Node and HTTP-client codes for a request that got no answer, so the send may safely be tried again. Aborts and
 * timeouts are not here: Teams may have posted the message already, and a retry would post it twice.
 */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR',
]);

type Kind = { kind: 'throttled' } | { kind: 'transient' } | { kind: 'permanent'; reason: string };

function classify(failure: SendFailure): Kind {
  const status = failure.statusCode;
  if (status === undefined) {
    if (failure.code !== undefined && transientNetworkCodes.has(failure.code)) return { kind: 'transient' };
    return { kind: 'permanent', reason: `not an HTTP or network failure (${failure.code ?? 'no code'})` };
  }
  if (status === 429) return { kind: 'throttled' };
  // 412 is a 4xx, but Teams lists it among the codes to retry.
  if (status >= 500 || status === 408 || status === 412) return { kind: 'transient' };
  if (status === 401) return { kind: 'permanent', reason: 'HTTP 401: the bot could not authenticate' };
  if (status === 403)
    return { kind: 'permanent', reason: 'HTTP 403: the bot is not allowed in this conversation' };
  if (status === 404) return { kind: 'permanent', reason: 'HTTP 404: the conversation is gone' };
  return { kind: 'permanent', reason: `HTTP ${status} is not worth retrying` };
}

/**
 * 429 → retry after Retry-After (or exponential backoff if absent), hold the thread; 5xx (and 408, 412) and
 * network errors without an answer (ECONNRESET, ECONNREFUSED, …) → exponential backoff with jitter, or the
 * Retry-After if the answer had one; other 4xx (403 bot removed, 404 conversation gone) → no retry. At most
 * `maxAttempts` in all.
 *
 * @param attempt the 1-based attempt that just failed
 */
export function decideRetry(
  failure: SendFailure,
  attempt: number,
  options: RetryOptions = {},
): RetryDecision {
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
  const kind = classify(failure);
  if (kind.kind === 'permanent') return { retry: false, reason: kind.reason };
  if (attempt >= maxAttempts) {
    const last = failure.statusCode !== undefined ? `HTTP ${failure.statusCode}` : (failure.code ?? 'error');
    return { retry: false, reason: `gave up after ${attempt} attempts (last: ${last})` };
  }
  // A Retry-After (Teams sends it with 429; a 503 may carry one too) says when trying again is any use.
  const delayMs = failure.retryAfterMs ?? backoffMs(attempt, options);
  return { retry: true, delayMs, holdThread: kind.kind === 'throttled' };
}

/**
 * Exponential steps (base, 2×base, 4×base, … up to cap) with jitter over the upper half of the step, so that
 * sends that failed together do not all come back together, and no retry comes back sooner than half a step.
 */
function backoffMs(attempt: number, options: RetryOptions): number {
  const baseMs = options.baseMs ?? defaults.baseMs;
  const capMs = options.capMs ?? defaults.capMs;
  const random = options.random ?? Math.random;
  const stepMs = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(stepMs / 2 + (stepMs / 2) * random());
}

/** A send that will not be retried any more; `cause` is the last error. */
export class SendFailedError extends Error {
  override readonly name = 'SendFailedError';
  readonly attempts: number;
  readonly statusCode?: number;
  readonly reason: string;

  constructor(details: { attempts: number; statusCode?: number; reason: string; cause: unknown }) {
    super(`Send failed after ${details.attempts} attempt(s): ${details.reason}`, { cause: details.cause });
    this.attempts = details.attempts;
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    this.reason = details.reason;
  }
}

/**
 * Runs `send` with retries per `decideRetry`, each attempt taking a slot from the pacer first (and telling it
 * when the answer came), and waiting with global setTimeout (fake-timer friendly). On 429 the pacer holds the
 * whole thread, so other sends to it wait too. Returns the result, or throws SendFailedError with the attempts
 * made and the last status code.
 *
 * `beforeFirstAttempt` runs once, after the first slot is granted and right before the first attempt leaves: what
 * it throws stops the send as it is, never sent and never taken for a failed send (so never retried).
 *
 * Wrap the connector call itself (`context.sendActivity` inside `continueConversationAsync`'s callback), not
 * `continueConversationAsync`: the adapter hands errors thrown in the callback to `onTurnError` and resolves.
 */
export async function sendWithRetry<T>(
  threadKey: string,
  send: () => Promise<T>,
  pacer: SendPacer,
  options: RetryOptions & {
    onRetry?: (info: { attempt: number; delayMs: number; statusCode?: number }) => void;
    beforeFirstAttempt?: () => Promise<void>;
  } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const done = await pacer.acquire(threadKey);
    if (attempt === 1 && options.beforeFirstAttempt) {
      try {
        await options.beforeFirstAttempt();
      } catch (err) {
        done();
        throw err;
      }
    }
    try {
      const result = await send();
      done();
      return result;
    } catch (err) {
      const failure = sendFailureOf(err);
      const decision = decideRetry(failure, attempt, options);
      // The hold first: telling the pacer the answer came may let the next send to this thread go at once.
      if (decision.retry && decision.holdThread) pacer.holdOff(threadKey, decision.delayMs);
      done();
      if (!decision.retry) {
        throw new SendFailedError({
          attempts: attempt,
          statusCode: failure.statusCode,
          reason: decision.reason,
          cause: err,
        });
      }
      options.onRetry?.({ attempt, delayMs: decision.delayMs, statusCode: failure.statusCode });
      await sleep(decision.delayMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function statusOf(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const { status } = response as { status?: unknown };
  return typeof status === 'number' ? status : undefined;
}

/** A header from an HttpHeaders/Headers/Map (anything with get) or a plain object, by case-insensitive name. */
function headerOf(response: unknown, name: string): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const { headers } = response as { headers?: unknown };
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, name);
    return headerText(value);
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return headerText(value);
  }
  return undefined;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Retry-After is either delay-seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"). */
function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
