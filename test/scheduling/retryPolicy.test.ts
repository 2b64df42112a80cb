import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SendPacer } from '../../src/scheduling/pacer.js';
import {
  decideRetry,
  SendFailedError,
  sendFailureOf,
  sendWithRetry,
  type RetryDecision,
  type SendFailure,
} from '../../src/scheduling/retryPolicy.js';

/** Shaped like the RestError @azure/core-rest-pipeline throws for an HTTP error answer from the connector. */
function restError(statusCode: number, headers: Record<string, string> = {}, code?: string): Error {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(new Error(`HTTP ${statusCode}`), {
    name: 'RestError',
    statusCode,
    ...(code ? { code } : {}),
    response: { status: statusCode, headers: { get: (name: string) => lower.get(name.toLowerCase()) } },
  });
}

/** What a request that got no answer throws: a RestError with Node's code and no status. */
function networkError(code: string): Error {
  return Object.assign(new Error('request failed'), { name: 'RestError', code });
}

describe('reading a failed send', () => {
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);

  it('reads the status and a Retry-After in seconds from a RestError', () => {
    assert.deepEqual(sendFailureOf(restError(429, { 'Retry-After': '2' }, 'TooManyRequests'), now), {
      statusCode: 429,
      retryAfterMs: 2_000,
      code: 'TooManyRequests',
    });
  });

  it('reads a Retry-After given as an HTTP date', () => {
    const at = new Date(now + 5_000).toUTCString();
    assert.deepEqual(sendFailureOf(restError(429, { 'retry-after': at }), now), {
      statusCode: 429,
      retryAfterMs: 5_000,
    });
    const past = new Date(now - 5_000).toUTCString();
    assert.equal(sendFailureOf(restError(503, { 'retry-after': past }), now).retryAfterMs, 0);
  });

  it('reads headers given as a plain object, and the status from the response', () => {
    const err = { response: { status: 429, headers: { 'Retry-After': '3' } } };
    assert.deepEqual(sendFailureOf(err, now), { statusCode: 429, retryAfterMs: 3_000 });
    const nodeStyle = { statusCode: 503, response: { headers: { 'retry-after': ['1'] } } };
    assert.deepEqual(sendFailureOf(nodeStyle, now), { statusCode: 503, retryAfterMs: 1_000 });
  });

  it('ignores a Retry-After it cannot read', () => {
    assert.deepEqual(sendFailureOf(restError(429, { 'Retry-After': 'soon' }), now), { statusCode: 429 });
    assert.deepEqual(sendFailureOf(restError(500), now), { statusCode: 500 });
  });

  it('keeps the code of a request that got no answer', () => {
    assert.deepEqual(sendFailureOf(networkError('ECONNRESET'), now), { code: 'ECONNRESET' });
  });

  it('finds nothing in what is not an error object', () => {
    assert.deepEqual(sendFailureOf('boom', now), {});
    assert.deepEqual(sendFailureOf(undefined, now), {});
    assert.deepEqual(sendFailureOf(new TypeError('x is undefined'), now), {});
  });
});

describe('deciding whether to retry a send', () => {
  // random 0.5: the delay is three quarters of the step (base, 2×base, 4×base, … up to cap).
  const options = { random: () => 0.5 };
  const cases: Array<[string, SendFailure, number, RetryDecision]> = [
    ['429 with Retry-After', { statusCode: 429, retryAfterMs: 2_000 }, 1, retryIn(2_000, true)],
    ['429 with Retry-After 0', { statusCode: 429, retryAfterMs: 0 }, 1, retryIn(0, true)],
    ['429 without Retry-After', { statusCode: 429 }, 1, retryIn(750, true)],
    ['429 without Retry-After, third time', { statusCode: 429 }, 3, retryIn(3_000, true)],
    ['500', { statusCode: 500 }, 1, retryIn(750, false)],
    ['503 second time', { statusCode: 503 }, 2, retryIn(1_500, false)],
    ['503 with Retry-After', { statusCode: 503, retryAfterMs: 9_000 }, 2, retryIn(9_000, false)],
    ['502 fifth time', { statusCode: 502 }, 5, retryIn(12_000, false)],
    ['504', { statusCode: 504 }, 1, retryIn(750, false)],
    ['412, which Teams says to retry', { statusCode: 412 }, 1, retryIn(750, false)],
    ['408', { statusCode: 408 }, 1, retryIn(750, false)],
    ['ECONNRESET', { code: 'ECONNRESET' }, 1, retryIn(750, false)],
    ['ECONNREFUSED second time', { code: 'ECONNREFUSED' }, 2, retryIn(1_500, false)],
  ];
  for (const [name, failure, attempt, expected] of cases) {
    it(`retries ${name}`, () => {
      assert.deepEqual(decideRetry(failure, attempt, options), expected);
    });
  }

  const refusals: Array<[string, SendFailure, RegExp]> = [
    ['403 (bot removed from the team)', { statusCode: 403 }, /403/],
    ['404 (conversation gone)', { statusCode: 404 }, /404/],
    ['401', { statusCode: 401 }, /401/],
    ['400', { statusCode: 400 }, /400/],
    ['an error that is no request failure', {}, /not an HTTP or network failure/],
    ['an aborted request', { code: 'ABORT_ERR' }, /ABORT_ERR/],
  ];
  for (const [name, failure, reason] of refusals) {
    it(`does not retry ${name}`, () => {
      const decision = decideRetry(failure, 1, options);
      assert.equal(decision.retry, false);
      assert.match(decision.retry ? '' : decision.reason, reason);
    });
  }

  it('gives up after maxAttempts in all', () => {
    assert.equal(decideRetry({ statusCode: 500 }, 5, options).retry, true);
    const decision = decideRetry({ statusCode: 500 }, 6, options);
    assert.deepEqual(decision, { retry: false, reason: 'gave up after 6 attempts (last: HTTP 500)' });
    assert.equal(decideRetry({ statusCode: 429, retryAfterMs: 1 }, 2, { maxAttempts: 2 }).retry, false);
    assert.equal(decideRetry({ code: 'ECONNRESET' }, 3, { maxAttempts: 3 }).retry, false);
  });

  it('caps the backoff and spreads it over the upper half of the step', () => {
    const at = (attempt: number, random: number) =>
      decideRetry({ statusCode: 500 }, attempt, { maxAttempts: 20, random: () => random });
    assert.deepEqual(at(10, 0.5), retryIn(45_000, false));
    assert.deepEqual(at(1, 0), retryIn(500, false));
    assert.deepEqual(at(1, 0.999), retryIn(1_000, false));
    assert.deepEqual(
      decideRetry({ statusCode: 500 }, 3, { baseMs: 100, capMs: 300, random: () => 0 }),
      retryIn(150, false),
    );
  });

  function retryIn(delayMs: number, holdThread: boolean): RetryDecision {
    return { retry: true, delayMs, holdThread };
  }
});

describe('sending with retries', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2025, 0, 15, 12, 0, 0) });
  });
  afterEach(() => {
    clock.restore();
  });

  function pacer(): SendPacer {
    return new SendPacer({ now: () => clock.now });
  }

  it('waits out two 429s with Retry-After 2 s and then succeeds', async () => {
    const send = sinon.stub<[], Promise<string>>();
    send.onCall(0).rejects(restError(429, { 'Retry-After': '2' }));
    send.onCall(1).rejects(restError(429, { 'Retry-After': '2' }));
    send.onCall(2).resolves('activity-id');
    const p = pacer();
    const holdOff = sinon.spy(p, 'holdOff');
    const onRetry = sinon.spy();
    const started = clock.now;

    const result = sendWithRetry('channel:1', send, p, { onRetry });
    await clock.runAllAsync();

    assert.equal(await result, 'activity-id');
    assert.equal(send.callCount, 3);
    assert.ok(clock.now - started >= 4_000, `waited ${clock.now - started} ms`);
    assert.deepEqual(holdOff.args, [
      ['channel:1', 2_000],
      ['channel:1', 2_000],
    ]);
    assert.deepEqual(onRetry.args, [
      [{ attempt: 1, delayMs: 2_000, statusCode: 429 }],
      [{ attempt: 2, delayMs: 2_000, statusCode: 429 }],
    ]);
  });

  it('keeps other sends to a throttled thread waiting too', async () => {
    const send = sinon.stub<[], Promise<string>>();
    send.onCall(0).rejects(restError(429, { 'Retry-After': '2' }));
    send.resolves('ok');
    const p = pacer();
    const started = clock.now;

    const first = sendWithRetry('channel:1', send, p);
    await clock.tickAsync(0);
    let otherAt: number | undefined;
    void p.acquire('channel:1').then(() => (otherAt = clock.now - started));
    await clock.runAllAsync();

    assert.equal(await first, 'ok');
    assert.equal(otherAt, 2_000);
  });

  it('tells the pacer when each attempt was answered, failed ones included', async () => {
    const send = sinon.stub<[], Promise<string>>();
    send.onCall(0).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      throw restError(503, { 'Retry-After': '0' });
    });
    send.onCall(1).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 'ok';
    });
    // One send a second: the next may go a second after the last answer, not a second after its grant.
    const p = new SendPacer({ perBot: [{ limit: 1, windowMs: 1_000 }], now: () => clock.now });
    const started = clock.now;
    const sent = sendWithRetry('channel:1', send, p);
    await clock.runAllAsync();
    assert.equal(await sent, 'ok');
    let nextAt: number | undefined;
    void p.acquire('channel:2').then(() => (nextAt = clock.now - started));
    await clock.runAllAsync();
    // Attempt 1 answered at 400 ms, attempt 2 granted at 1,400 and answered at 1,700: the next at 2,700.
    assert.equal(nextAt, 2_700);
  });

  it('runs beforeFirstAttempt once, and stops the send as it is when it throws, even with a status code', async () => {
    const send = sinon.stub<[], Promise<string>>();
    send.onCall(0).rejects(restError(503));
    send.onCall(1).resolves('ok');
    const before = sinon.stub<[], Promise<void>>().resolves();
    const sent = sendWithRetry('channel:1', send, pacer(), { beforeFirstAttempt: before, random: () => 0 });
    await clock.runAllAsync();
    assert.equal(await sent, 'ok');
    assert.equal(before.callCount, 1, 'a retry is the same send');

    // A storage failure before the card leaves (a RestError with a 503 of its own): never sent, never retried.
    const storageDown = restError(503);
    const never = sinon.stub<[], Promise<string>>().resolves('sent');
    const stopped = assert.rejects(
      sendWithRetry('channel:1', never, pacer(), { beforeFirstAttempt: () => Promise.reject(storageDown) }),
      (thrown: unknown) => thrown === storageDown,
    );
    await clock.runAllAsync();
    await stopped;
    assert.equal(never.callCount, 0);
  });

  it('does not retry a 403 and says why', async () => {
    const err = restError(403, {}, 'BotNotInConversationRoster');
    const send = sinon.stub<[], Promise<string>>().rejects(err);

    await assert.rejects(sendWithRetry('personal:x', send, pacer()), (thrown: unknown) => {
      assert.ok(thrown instanceof SendFailedError);
      assert.equal(thrown.name, 'SendFailedError');
      assert.equal(thrown.attempts, 1);
      assert.equal(thrown.statusCode, 403);
      assert.equal(thrown.cause, err);
      assert.match(thrown.message, /403/);
      return true;
    });
    assert.equal(send.callCount, 1);
  });

  it('gives up on a 500 that never goes away after maxAttempts', async () => {
    const send = sinon.stub<[], Promise<string>>().rejects(restError(500));
    const onRetry = sinon.spy();

    const outcome = assert.rejects(
      sendWithRetry('channel:1', send, pacer(), { onRetry }),
      (thrown: unknown) => {
        assert.ok(thrown instanceof SendFailedError);
        assert.equal(thrown.attempts, 6);
        assert.equal(thrown.statusCode, 500);
        return true;
      },
    );
    await clock.runAllAsync();
    await outcome;
    assert.equal(send.callCount, 6);
    assert.equal(onRetry.callCount, 5);
  });

  it('backs off after a connection reset without holding the thread', async () => {
    const send = sinon.stub<[], Promise<string>>();
    send.onCall(0).rejects(networkError('ECONNRESET'));
    send.onCall(1).resolves('ok');
    const p = pacer();
    const holdOff = sinon.spy(p, 'holdOff');
    const started = clock.now;

    const result = sendWithRetry('channel:1', send, p, { random: () => 0 });
    await clock.runAllAsync();

    assert.equal(await result, 'ok');
    assert.equal(clock.now - started, 500);
    assert.equal(holdOff.callCount, 0);
  });

  it('honours maxAttempts given by the caller', async () => {
    const send = sinon.stub<[], Promise<string>>().rejects(networkError('ECONNREFUSED'));
    const outcome = assert.rejects(sendWithRetry('channel:1', send, pacer(), { maxAttempts: 2 }), {
      name: 'SendFailedError',
      attempts: 2,
    });
    await clock.runAllAsync();
    await outcome;
    assert.equal(send.callCount, 2);
  });
});
