import { DateTime } from 'luxon';
import { z } from 'zod';

/** An instant with its offset, as Teams gives it ("2021-11-25T12:02:17.4388966Z"), made a UTC ISO string. */
const utcInstant = z.iso
  .datetime({ offset: true })
  .transform((at) => DateTime.fromISO(at, { setZone: true }).toUTC().toISO() ?? at);

/**
 * The start or end of a Teams meeting, as the Teams edge hands it over: which meeting, where its thread is and
 * which channel (or chat) it belongs to, and when. Read with this schema at the edge; nothing else is trusted.
 */
export const meetingEventSchema = z.object({
  kind: z.enum(['start', 'end']),
  /** Teams' meeting id, from `channelData.meeting.id` (Microsoft: not the conversation id, not `value.Id`). */
  meetingId: z.string().min(1).max(1000),
  title: z.string().max(1000),
  /** When it started (`StartTime`) or ended (`EndTime`), UTC ISO. */
  at: utcInstant,
  /** The meeting's own thread: a channel's `19:…@thread.tacv2;messageid=…`, or a chat's id. */
  conversationId: z.string().min(1).max(1000),
  /** The channel the thread is in (the conversation id without `;messageid=…`), or the chat itself. */
  channelId: z.string().min(1).max(1000),
  tenantId: z.string().max(100).optional(),
  /** The conversation reference of the thread, for posting there later; no person in it. */
  reference: z.record(z.string(), z.unknown()),
});
export type MeetingEvent = z.infer<typeof meetingEventSchema>;
