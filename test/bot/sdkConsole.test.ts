import assert from 'node:assert/strict';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Request,
  type Response,
} from 'botbuilder';
import { quietSdkConsole } from '../../src/teams/sdkConsole.js';
import { outputDuring } from '../harness/logs.js';

/** What the Bot Framework SDK prints past the logger: stack traces and keys, not one JSON line per event. */
describe("the SDK's console output", () => {
  /** A turn the adapter itself fails (its logic throws and no onTurnError is set): it answers 500. */
  const failTurnInAdapter = async (): Promise<number> => {
    // Without an app id, as in local mode: the request is let in and the logic runs.
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    let status = 0;
    const res = {
      status: (code: number) => {
        status = code;
      },
      send: () => undefined,
      end: () => undefined,
      header: () => undefined,
    } as unknown as Response;
    const req = {
      method: 'POST',
      headers: {},
      body: {
        type: 'message',
        id: '1',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: '29:someone' },
        recipient: { id: '28:bot' },
        conversation: { id: 'a:1' },
        text: 'hej',
      },
    } as unknown as Request;
    await adapter.process(req, res, () => Promise.reject(new Error('a secret-looking failure')));
    return status;
  };

  it('is kept off stdout and stderr: a turn that fails in the adapter prints no stack trace', async () => {
    quietSdkConsole();
    let status = 0;
    const { lines, other } = await outputDuring(async () => {
      status = await failTurnInAdapter();
    }, 'info');
    assert.equal(status, 500, 'the adapter still answers');
    assert.equal(other, '', 'the SDK printed nothing');
    assert.deepEqual(lines, [], 'and nothing was logged at info');
  });

  it('goes through the logger at debug: one JSON line with the error it printed, without its stack', async () => {
    quietSdkConsole();
    const { lines, other } = await outputDuring(async () => {
      await failTurnInAdapter();
    }, 'debug');
    assert.equal(other, '');
    assert.deepEqual(
      lines.map(({ level, event, method, error, message, stack }) => ({
        level,
        event,
        method,
        error,
        message,
        stack,
      })),
      [
        {
          level: 'debug',
          event: 'sdk.console',
          method: 'error',
          error: 'Error',
          message: 'a secret-looking failure',
          stack: undefined,
        },
      ],
    );
  });

  it('leaves the console to everyone else', async () => {
    quietSdkConsole();
    const { other } = await outputDuring(() => {
      console.error('the bot itself may still print');
      return Promise.resolve();
    });
    assert.match(other, /the bot itself may still print/);
  });
});
