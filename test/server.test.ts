import assert from 'node:assert/strict';
import sinon from 'sinon';
import { healthCacheMs, startServer, type HttpServer } from '../src/server.js';

/** The HTTP surface as App Service's and a load balancer's probes see it. */
describe('the health check', () => {
  let server: HttpServer;
  let reachable = true;
  let asked = 0;
  let clock: sinon.SinonFakeTimers;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-03T08:00:00Z'), toFake: ['Date'] });
    asked = 0;
    server = await startServer({
      port: 0,
      bot: { process: () => Promise.resolve() },
      storageReachable: () => {
        asked++;
        return Promise.resolve(reachable);
      },
      runDueJobs: () => Promise.resolve({}),
    });
  });
  afterEach(async () => {
    await server.close();
    clock.restore();
  });

  it('answers GET and HEAD, asking storage at most once every few seconds', async () => {
    reachable = true;
    const get = await fetch(`${server.url}/healthz`);
    assert.equal(get.status, 200);
    assert.deepEqual(await get.json(), { status: 'ok', storage: 'ok' });
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal(asked, 1, 'one storage request for both probes');

    reachable = false;
    clock.tick(healthCacheMs - 1);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the answer of a moment ago');
    clock.tick(1);
    const degraded = await fetch(`${server.url}/healthz`);
    assert.equal(degraded.status, 503);
    assert.deepEqual(await degraded.json(), { status: 'degraded', storage: 'unreachable' });
    assert.equal((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status, 503);
    assert.equal(asked, 2);
  });
});
