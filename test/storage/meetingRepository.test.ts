import assert from 'node:assert/strict';
import type { HeldMeeting } from '../../src/domain/heldMeeting.js';
import { MeetingRepository } from '../../src/storage/meetingRepository.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** Teams' meeting ids are base64 and may hold '/' and '+', which a table key may not. */
const meetingId = 'MCMxOTpt/ZWV0+aW5n==';

const meeting = (times: Pick<HeldMeeting, 'startedAt' | 'endedAt'>): HeldMeeting => ({
  agreementId: 'example',
  meetingId,
  title: 'Styrgruppsmöte',
  date: '2021-11-25',
  planned: true,
  conversationId: '19:c@thread.tacv2;messageid=1637840400000',
  channelId: '19:c@thread.tacv2',
  reference: { conversation: { id: '19:c@thread.tacv2;messageid=1637840400000' } },
  ...times,
});

describe('steering meetings held in Teams, in storage (Azurite)', () => {
  let storage: TestStore;

  beforeEach(async () => {
    storage = await startTestStore();
  });
  afterEach(async () => {
    await storage.close();
  });

  it('keeps both times when the start and the end arrive at once, at two instances', async () => {
    const [one, two] = [new MeetingRepository(storage.store), new MeetingRepository(storage.connect())];
    await Promise.all([
      one.record(meeting({ startedAt: '2021-11-25T12:02:17.438Z' })),
      two.record(meeting({ endedAt: '2021-11-25T13:31:05.610Z' })),
      one.record(meeting({ startedAt: '2021-11-25T12:02:17.438Z' })),
    ]);
    const stored = await one.list('example');
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.startedAt, '2021-11-25T12:02:17.438Z');
    assert.equal(stored[0].endedAt, '2021-11-25T13:31:05.610Z');
  });

  it('lets one caller claim each card of a meeting, and have it back when the post failed', async () => {
    const [one, two] = [new MeetingRepository(storage.store), new MeetingRepository(storage.connect())];
    const at = '2021-11-25T12:02:20.000Z';
    const claims = await Promise.all([
      one.claim('example', meetingId, 'summary', at),
      two.claim('example', meetingId, 'summary', at),
    ]);
    assert.deepEqual(claims.sort(), [false, true]);
    assert.equal(await one.claim('example', meetingId, 'decisionCard', at), true, 'each card its own claim');
    await one.release('example', meetingId, 'summary');
    assert.equal(await two.claim('example', meetingId, 'summary', at), true);
    assert.deepEqual(await one.list('example'), [], 'claims are no meetings');
  });
});
