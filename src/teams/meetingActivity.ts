import { TurnContext, type Activity } from 'botbuilder';
import { channelIdOf } from '../domain/channelBinding.js';
import { meetingEventSchema, type MeetingEvent } from '../features/meetings/meetingEvent.js';

interface MeetingChannelData {
  tenant?: { id?: unknown };
  channel?: { id?: unknown };
  meeting?: { id?: unknown };
}

/**
 * A meetingStart or meetingEnd event as the features take it, or undefined when it cannot be read. Microsoft's
 * documentation ("Get real-time Teams meeting events"): the meeting id is `channelData.meeting.id` (not the
 * conversation id, nor `value.Id`), `conversation.id` is the meeting's thread, `value` has `Title` and
 * `StartTime` or `EndTime` in UTC. A channel meeting's thread is the channel's id and `;messageid=…`.
 */
export function meetingEventOf(activity: Activity, kind: MeetingEvent['kind']): MeetingEvent | undefined {
  const channelData = (activity.channelData ?? {}) as MeetingChannelData;
  const value = (activity.value ?? {}) as Record<string, unknown>;
  const conversationId = activity.conversation?.id;
  const channelId =
    typeof channelData.channel?.id === 'string' ? channelData.channel.id : channelIdOf(conversationId ?? '');
  const tenantId = channelData.tenant?.id ?? activity.conversation?.tenantId;
  const reference: Partial<ReturnType<typeof TurnContext.getConversationReference>> =
    TurnContext.getConversationReference(activity);
  // Who started or ended the meeting is no business of the stored reference (personal data).
  delete reference.user;
  const parsed = meetingEventSchema.safeParse({
    kind,
    meetingId: channelData.meeting?.id,
    title: value.Title,
    at: kind === 'start' ? value.StartTime : value.EndTime,
    conversationId,
    channelId,
    ...(tenantId !== undefined ? { tenantId } : {}),
    reference,
  });
  return parsed.success ? parsed.data : undefined;
}
