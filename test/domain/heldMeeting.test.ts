import assert from 'node:assert/strict';
import { mergeHeldMeeting, steeringMeetingAt, type HeldMeeting } from '../../src/domain/heldMeeting.js';

const agreement = {
  steeringMeetings: [
    { date: '2021-11-25', time: '13:00' },
    { date: '2022-05-12', time: '09:00' },
  ],
};

describe('a meeting held in Teams and the planned steering meetings', () => {
  it('is the planned meeting of the same day in Stockholm, whenever it starts that day', () => {
    assert.deepEqual(steeringMeetingAt(agreement, '2021-11-25T12:02:17.438Z', 'Europe/Stockholm'), {
      meeting: { date: '2021-11-25', time: '13:00' },
      planned: true,
    });
    // 00:30 in Stockholm is already the meeting's day, though still the day before in UTC.
    assert.equal(steeringMeetingAt(agreement, '2022-05-11T22:30:00Z', 'Europe/Stockholm').planned, true);
  });

  it('is a meeting of its own, at the time it started, on a day nothing is planned', () => {
    assert.deepEqual(steeringMeetingAt(agreement, '2022-02-03T14:00:00Z', 'Europe/Stockholm'), {
      meeting: { date: '2022-02-03', time: '15:00' },
      planned: false,
    });
  });

  it('keeps what was recorded first, and fills in what a later event adds', () => {
    const base: HeldMeeting = {
      agreementId: 'a',
      meetingId: 'm',
      title: 'Styrgruppsmöte',
      date: '2021-11-25',
      planned: true,
      conversationId: '19:c@thread.tacv2;messageid=1',
      channelId: '19:c@thread.tacv2',
      reference: {},
    };
    const started = { ...base, startedAt: '2021-11-25T12:02:17.438Z' };
    const ended = { ...base, endedAt: '2021-11-25T13:31:05.610Z' };
    assert.deepEqual(mergeHeldMeeting(started, ended), { ...base, ...started, ...ended });
    assert.deepEqual(mergeHeldMeeting(started, { ...started, startedAt: '2021-11-25T12:30:00Z' }), started);
  });
});
