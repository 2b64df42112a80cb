import assert from 'node:assert/strict';
import {
  describeError,
  log,
  restifyLogger,
  setLogLevel,
  withLogContext,
  type LogLevel,
} from '../src/platform/log.js';

interface Written {
  stdout: string[];
  stderr: string[];
}

/** What `run` writes to stdout and to stderr, line by line, at `level`; nothing of it reaches the terminal. */
async function written(run: () => void | Promise<void>, level: LogLevel = 'debug'): Promise<Written> {
  const out: Written = { stdout: [], stderr: [] };
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const name of ['stdout', 'stderr'] as const) {
    streams[name].write = ((chunk: string | Uint8Array) => {
      out[name].push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof process.stdout.write;
  }
  setLogLevel(level);
  try {
    await run();
  } finally {
    setLogLevel((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'silent');
    streams.stdout.write = writes.stdout;
    streams.stderr.write = writes.stderr;
  }
  return out;
}

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

/** An error thrown a few calls deep in code of ours, as the stack an operator would need shows it. */
function failingDeepInside(): never {
  throw new TypeError('Cannot read properties of undefined (reading "owners")');
}

describe('the log', () => {
  it('writes one JSON line per event: debug and info on stdout, warnings and errors on stderr', async () => {
    const { stdout, stderr } = await written(() => {
      log.debug('a.debug', { n: 1 });
      log.info('an.info', { agreementId: 'agr' });
      log.warn('a.warning');
      log.error('an.error');
    });
    assert.deepEqual(
      parsed(stdout).map(({ level, event }) => [level, event]),
      [
        ['debug', 'a.debug'],
        ['info', 'an.info'],
      ],
    );
    assert.deepEqual(
      parsed(stderr).map(({ level, event }) => [level, event]),
      [
        ['warn', 'a.warning'],
        ['error', 'an.error'],
      ],
    );
    const [info] = parsed(stdout.slice(1));
    assert.equal(info?.agreementId, 'agr');
    assert.ok(!Number.isNaN(Date.parse(String(info?.time))), 'an ISO time');
    assert.deepEqual(
      Object.keys(info ?? {}),
      ['level', 'time', 'event', 'agreementId'],
      'no pid, no hostname',
    );
  });

  it('writes nothing below LOG_LEVEL, and nothing at all when silent', async () => {
    const atWarn = await written(() => {
      log.info('not.shown');
      log.warn('shown');
    }, 'warn');
    assert.deepEqual(
      parsed([...atWarn.stdout, ...atWarn.stderr]).map((l) => l.event),
      ['shown'],
    );
    const silent = await written(() => log.error('not.shown.either'), 'silent');
    assert.deepEqual(silent, { stdout: [], stderr: [] });
  });

  it('gives an error line the stack trace of the error, and a warning the error without it', async () => {
    let err: unknown;
    try {
      failingDeepInside();
    } catch (thrown) {
      err = thrown;
    }
    const { stderr } = await written(() => {
      log.error('turn.failed', { activityType: 'message', ...describeError(err) });
      log.warn('conversation.refreshFailed', describeError(err));
    });
    const [error, warning] = parsed(stderr);
    assert.equal(stderr.length, 2, 'one line each, the stack inside the line');
    assert.equal(error?.error, 'TypeError');
    assert.equal(error?.message, 'Cannot read properties of undefined (reading "owners")');
    const stack = String(error?.stack);
    assert.match(stack, /^TypeError: Cannot read properties of undefined/);
    assert.match(stack, /\n {4}at failingDeepInside \(.*test[\\/]log\.test\.ts:\d+:\d+\)/);
    assert.deepEqual(
      [warning?.error, warning?.message, warning?.stack],
      ['TypeError', error?.message, undefined],
    );
  });

  it('keeps the HTTP status of a failed call, never its request or response', () => {
    const failure = Object.assign(new Error('Conflict'), {
      name: 'RestError',
      statusCode: 409,
      request: { body: '{"narrative":"Kalle Anka"}' },
      response: { bodyAsText: 'Kalle Anka' },
    });
    const described = describeError(failure);
    assert.deepEqual(Object.keys(described), ['error', 'message', 'statusCode', 'stack']);
    assert.ok(!JSON.stringify(described).includes('Kalle Anka'));
    assert.deepEqual(describeError('a thrown string'), { error: 'a thrown string' });
  });

  it('replaces report text, names and credentials should a field of that name be logged', async () => {
    const { stdout } = await written(() =>
      log.info('careless', {
        measureId: '1.3',
        narrative: 'Ordningsvakterna såg Kalle Anka vid stationen.',
        text: 'status och lite hemlig text',
        reportedBy: { name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' },
        from: { name: 'Alex Wilber', displayName: 'Alex Wilber' },
        headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
        token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
        connectionString: 'AccountKey=c2VjcmV0',
      }),
    );
    const [line] = parsed(stdout);
    for (const secret of ['Kalle Anka', 'hemlig', 'Megan Bowen', 'Alex Wilber', 'eyJhbGci', 'AccountKey']) {
      assert.ok(!stdout.join('\n').includes(secret), `${secret} in ${stdout.join('\n')}`);
    }
    assert.equal(line?.measureId, '1.3', 'ids stay');
    assert.deepEqual(line?.reportedBy, {
      name: '[redacted]',
      aadObjectId: '00000000-0000-0000-0000-0000000000021',
    });
    assert.equal(line?.narrative, '[redacted]');
  });

  it("puts a turn's or a job's ids on every line written inside it, also after awaits, and only there", async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const turn = async (activityId: string, conversationId: string) =>
      withLogContext({ activityId, conversationId }, async () => {
        log.info('command', { kind: 'status' });
        await pause();
        log.warn('card.updateFailed');
        // A job run from the turn (its tick) is the job's, not the turn's.
        await withLogContext({ jobId: 'prompt|r1|1.1|channel:19:c', jobKind: 'prompt' }, async () => {
          await pause();
          log.error('prompt.failed', { measureId: '1.1' });
        });
        log.info('turn.done');
      });
    const { stdout, stderr } = await written(async () => {
      log.info('before');
      await Promise.all([turn('act-1', 'conv-1'), turn('act-2', 'conv-2')]);
      log.info('after');
    });
    const lines = parsed([...stdout, ...stderr]);
    const ids = (event: string) =>
      lines
        .filter((l) => l.event === event)
        .map(({ activityId, conversationId, jobId, jobKind }) => ({
          activityId,
          conversationId,
          jobId,
          jobKind,
        }))
        .sort((a, b) => String(a.activityId).localeCompare(String(b.activityId)));
    const outside = {
      activityId: undefined,
      conversationId: undefined,
      jobId: undefined,
      jobKind: undefined,
    };
    assert.deepEqual(ids('before'), [outside]);
    assert.deepEqual(ids('after'), [outside]);
    for (const event of ['command', 'card.updateFailed', 'turn.done']) {
      assert.deepEqual(
        ids(event),
        ['1', '2'].map((n) => ({ ...outside, activityId: `act-${n}`, conversationId: `conv-${n}` })),
        event,
      );
    }
    assert.deepEqual(
      ids('prompt.failed').map((l) => [l.activityId, l.jobId, l.jobKind]),
      [
        [undefined, 'prompt|r1|1.1|channel:19:c', 'prompt'],
        [undefined, 'prompt|r1|1.1|channel:19:c', 'prompt'],
      ],
    );
  });

  it("writes restify's own lines as ours, a request as its method and path, never its headers", async () => {
    // What restify writes when it cannot format a response (lib/response.js), with the request it was given.
    const request = {
      method: 'POST',
      url: '/api/messages?token=abc',
      headers: { authorization: 'Bearer eyJhbGciOi.secret' },
      body: { text: 'Lägesrapport: lokalen klar' },
    };
    const { stderr } = await written(() => {
      restifyLogger().warn({ req: request, err: new Error('No formatter') }, 'error retrieving formatter');
    }, 'info');
    assert.equal(stderr.length, 1);
    const [line] = parsed(stderr);
    assert.deepEqual(line?.req, { method: 'POST', path: '/api/messages' });
    assert.equal(line?.component, 'restify');
    assert.equal(line?.level, 'warn');
    assert.doesNotMatch(stderr.join('\n'), /Bearer|secret|token=|lokalen/);
  });
});
