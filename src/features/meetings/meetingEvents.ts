import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import type { MeetingPost } from '../../storage/meetingRepository.js';
import { steeringMeetingAt, type HeldMeeting } from '../../domain/heldMeeting.js';
import { groupsBoundTo, type Plan } from '../../domain/plan.js';
import { describeError, log } from '../../platform/log.js';
import type { Messenger, OutgoingMessage } from '../../scheduling/messenger.js';
import { decisionFormCard } from '../decisions/decisionCards.js';
import type { Steering } from '../steering/steering.js';
import type { MeetingEvent } from './meetingEvent.js';
import { meetingTextsFor } from './meetingTexts.js';

/** What became of an event, for the log and the tests. */
export type MeetingOutcome =
  | 'posted'
  /** Teams sent the event again, or another instance got it too: the card is there already. */
  | 'alreadyPosted'
  /** Not a steering meeting: its channel is not the steering group's. */
  | 'notSteering'
  | 'noAgreement';

export interface MeetingEventsDependencies
  extends
    Pick<AgreementContext, 'agreementId' | 'calendar' | 'locale' | 'now'>,
    Pick<Repositories, 'plans' | 'meetings'> {
  steering: Pick<Steering, 'summaryCard'>;
  messenger: Pick<Messenger, 'postToChannel' | 'replyInThread'>;
}

/**
 * The steering group's meetings in Teams. Teams says when someone starts or ends a meeting (not when it is
 * planned): a meeting in the steering group's channel is matched to the planned steering meeting of that day, or
 * recorded as held that day. At the start the summary goes into the meeting's thread, so the group has it on
 * screen; at the end the coordinators get the card to record the decisions, in the thread and in the preparation
 * group's channel. Each card once per meeting, however often Teams sends the event.
 */
export class MeetingEvents {
  constructor(private readonly deps: MeetingEventsDependencies) {}

  async started(event: MeetingEvent): Promise<MeetingOutcome> {
    const plan = await this.steeringPlan(event);
    if (typeof plan === 'string') return plan;
    const { meeting, planned } = steeringMeetingAt(plan.agreement, event.at, this.deps.calendar.timeZone);
    await this.deps.meetings.record(this.heldMeeting(event, meeting.date, planned));
    return this.postOnce(event, 'summary', async () => {
      const locale = this.deps.locale;
      const note = planned ? undefined : meetingTextsFor(locale).unplanned(meeting.date);
      const card = await this.deps.steering.summaryCard(plan, meeting, locale, note);
      await this.inThread(event, { card });
    });
  }

  async ended(event: MeetingEvent): Promise<MeetingOutcome> {
    const plan = await this.steeringPlan(event);
    if (typeof plan === 'string') return plan;
    // The day it started, when Teams told; a meeting past midnight is still that day's.
    const known = await this.deps.meetings.get(plan.agreement.id, event.meetingId);
    const at = known?.startedAt ?? event.at;
    const { meeting, planned } = steeringMeetingAt(plan.agreement, at, this.deps.calendar.timeZone);
    const held = await this.deps.meetings.record(this.heldMeeting(event, meeting.date, planned));
    return this.postOnce(event, 'decisionCard', async () => {
      const locale = this.deps.locale;
      const message: OutgoingMessage = {
        text: meetingTextsFor(locale).ended(held.title, held.date),
        card: decisionFormCard(plan, held.date, locale),
      };
      await this.inThread(event, message);
      for (const channelId of preparationChannels(plan)) {
        if (channelId === event.channelId) continue;
        try {
          await this.deps.messenger.postToChannel(channelId, message);
        } catch (err) {
          // The card is in the meeting's thread; the coordinators can record the decisions there.
          log.warn('meeting.decisionCardNotPosted', { channelId, ...describeError(err) });
        }
      }
    });
  }

  /**
   * Posts in the meeting's own thread, so the group has it on screen. Through the messenger, paced and retried
   * like every proactive send: Teams does not send a meeting event again when the bot's answer to it failed.
   */
  private async inThread(event: MeetingEvent, message: OutgoingMessage): Promise<void> {
    await this.deps.messenger.replyInThread(event.channelId, event.conversationId, message);
  }

  /** The plan, if the event is from a channel the steering group is bound to; otherwise why it is ignored. */
  private async steeringPlan(event: MeetingEvent): Promise<Plan | 'notSteering' | 'noAgreement'> {
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return 'noAgreement';
    const steering = groupsBoundTo(plan, event.channelId).some((g) => g.kind === 'styrgrupp');
    if (steering) return plan;
    // Any other meeting in a team or chat the bot is in: not the bot's business, and nothing of it is stored.
    log.info('meeting.ignored', { kind: event.kind, reason: 'notSteeringChannel' });
    return 'notSteering';
  }

  private heldMeeting(event: MeetingEvent, date: string, planned: boolean): HeldMeeting {
    return {
      agreementId: this.deps.agreementId,
      meetingId: event.meetingId,
      title: event.title,
      date,
      planned,
      ...(event.kind === 'start' ? { startedAt: event.at } : { endedAt: event.at }),
      conversationId: event.conversationId,
      channelId: event.channelId,
      reference: event.reference,
    };
  }

  /** Posts once per meeting: the first to claim it posts; a failed post gives the claim back for a resent event. */
  private async postOnce(
    event: MeetingEvent,
    what: MeetingPost,
    post: () => Promise<void>,
  ): Promise<MeetingOutcome> {
    const { agreementId } = this.deps;
    const claimed = await this.deps.meetings.claim(
      agreementId,
      event.meetingId,
      what,
      this.deps.now().toISOString(),
    );
    if (!claimed) {
      log.info('meeting.alreadyPosted', { kind: event.kind, what });
      return 'alreadyPosted';
    }
    try {
      await post();
    } catch (err) {
      await this.deps.meetings.release(agreementId, event.meetingId, what);
      throw err;
    }
    log.info('meeting.posted', { kind: event.kind, what });
    return 'posted';
  }
}

/** The channels the preparation group (the coordinators) is bound to. */
function preparationChannels(plan: Plan): string[] {
  const groups = new Set(plan.agreement.groups.filter((g) => g.kind === 'beredningsgrupp').map((g) => g.id));
  return [...new Set(plan.bindings.filter((b) => groups.has(b.groupId)).map((b) => b.channelId))];
}
