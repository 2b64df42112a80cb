import assert from 'node:assert/strict';
import { CloudAdapter, type Request, type Response } from 'botbuilder';
import { quietSdkConsole } from '../../src/bot/sdkConsole.js';
import { outputDuring } from '../harness/logs.js';

/** What the Bot Framework SDK prints past the logger: stack traces and keys, not one JSON line per event. */
describe("the SDK's console output", () => {
  it('is kept off stdout and stderr: a turn that fails in the adapter prints no stack trace', async () => {
    quietSdkConsole();
    const adapter = new CloudAdapter();
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
    const { other } = await outputDuring(async () => {
      await adapter.process(req, res, () => Promise.reject(new Error('a secret-looking failure')));
    }, 'error');
    assert.equal(status, 500, 'the adapter still answers');
    assert.equal(other, '', 'the SDK printed nothing');
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
