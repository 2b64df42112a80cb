import { DateTime } from 'luxon';
import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  type FileConsentCardResponse,
  type InvokeResponse,
} from 'botbuilder';
import {
  cardActions,
  runCardAction,
  type CardActionAnswer,
  type CardActionHandler,
} from '../features/cardActions.js';
import { commandHandlers, runCommand, type CommandHandlers } from '../features/commandHandlers.js';
import type { FileConsent } from './fileConsent.js';
import type { Features } from '../features/features.js';
import { WhichAgreement } from '../features/agreements/whichAgreement.js';
import {
  agreementChoiceCard,
  chooseAgreementVerb,
  choiceData,
} from '../features/agreements/agreementChoiceCard.js';
import { agreementName } from '../features/agreements/agreementName.js';
import { agreementTextsFor } from '../features/agreements/agreementTexts.js';
import type { Plan } from '../domain/plan.js';
import { findGroup } from '../domain/plan.js';
import { isCoordinator } from '../domain/agreement.js';
import type { Command } from '../domain/command.js';
import type { Repositories } from '../storage/repositories.js';
import type { MeetingEvent } from '../features/meetings/meetingEvent.js';
import { meetingEventOf } from './meetingActivity.js';
import type { Turn } from '../features/turn.js';
import { channelIdOf } from '../domain/channelBinding.js';
import { parseCommand } from '../domain/command.js';
import { localeFrom, type Locale } from '../domain/locale.js';
import { agreementOfCard, localeOfCard, withStamp, withoutStamp, type CardStamp } from './cardStamp.js';
import { describeError, log, noteTurnAgreement } from '../platform/log.js';
import { inSpan, noteOutcome, noteSpan } from '../platform/telemetry.js';
import type { ConversationKind } from '../domain/conversation.js';
import { renderCard, type AdaptiveCardJson } from '../features/shared/cards.js';
import { messagesFor } from '../features/shared/messages.js';
import { noticeView, welcomeView } from '../features/shared/views.js';

/** One agreement the bot serves: its features, and Teams' file consent flow for the files they offer. */
export interface ServedAgreement {
  features: Features;
  files: FileConsent;
}

/** The agreements served, and what only the Teams side needs: the tenants it answers, languages, the clock. */
export interface BotDependencies extends Pick<
  Repositories,
  'plans' | 'conversations' | 'languages' | 'agreementChoices'
> {
  agreements: readonly ServedAgreement[];
  /** The agreement the deployment served alone: cards sent before cards named their agreement are its. */
  legacyAgreementId: string;
  /** Empty means every tenant (allowed only outside production). */
  allowedTenantIds: readonly string[];
  /** The deployment's language: answers where nothing else tells. */
  locale: Locale;
  timeZone: string;
  now: () => Date;
}

/** An agreement with its command handlers and card actions, built once at start. */
interface Desk extends ServedAgreement {
  commands: CommandHandlers;
  cardActions: Record<string, CardActionHandler>;
}

/** Commands answered without asking which agreement: they say little or nothing about one. */
const withoutChoosing: ReadonlySet<Command['kind']> = new Set(['help', 'language', 'unknown', 'invalid']);

/** Teams' side of the bot: tenants, installs, languages, and each message or card press as a Turn for the features. */
export class SamverkansBot extends TeamsActivityHandler {
  private readonly which: WhichAgreement<Desk>;

  constructor(private readonly deps: BotDependencies) {
    super();
    const desks = deps.agreements.map((served) => ({
      ...served,
      commands: commandHandlers({
        ...served.features,
        chosenLanguage: (turn) => this.chosenLanguage(turn.person.aadObjectId),
      }),
      cardActions: cardActions(served.features),
    }));
    this.which = new WhichAgreement<Desk>({
      served: desks,
      contextOf: (desk) => desk.features,
      legacyAgreementId: deps.legacyAgreementId,
      plans: deps.plans,
      choices: deps.agreementChoices,
      timeZone: deps.timeZone,
      now: deps.now,
    });
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    // Teams sends these only with the resource-specific permissions in the manifest (docs/steering.md).
    this.onTeamsMeetingStartEvent(async (_meeting, context, next) => {
      await this.meetingEvent(context, 'start');
      await next();
    });
    this.onTeamsMeetingEndEvent(async (_meeting, context, next) => {
      await this.meetingEvent(context, 'end');
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botWasAdded = (context.activity.membersAdded ?? []).some(
        (m) => m.id === context.activity.recipient.id,
      );
      if (botWasAdded) await this.welcome(context);
      await next();
    });
  }

  /** Every turn in a span: its activity type, command kind or card verb, agreement and outcome, never text. */
  override async run(context: TurnContext): Promise<void> {
    const attributes = { 'activity.type': context.activity.type.slice(0, 40) };
    await inSpan('turn', attributes, () => this.runTurn(context));
  }

  private async runTurn(context: TurnContext): Promise<void> {
    const tenantId = tenantOf(context.activity);
    const allowed = this.deps.allowedTenantIds;
    if (allowed.length > 0 && !allowed.includes(tenantId?.toLowerCase() ?? '')) {
      // Silence towards the sender: an unknown tenant learns nothing about the bot, not even which invokes it
      // handles (an unanswered invoke would be a 501).
      log.warn('activity.tenantRefused', { tenantId, type: context.activity.type });
      noteOutcome('refused');
      if (context.activity.type === 'invoke') {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
      }
      return;
    }
    try {
      await this.refreshConversation(context.activity, tenantId);
    } catch (err) {
      // A stale reference is better than no answer: storage may be down for a moment.
      log.warn('conversation.refreshFailed', describeError(err));
    }
    await super.run(context);
  }

  /** The person accepted the export file in their personal chat: Teams gives a place to upload it to. */
  protected override async handleTeamsFileConsentAccept(
    context: TurnContext,
    response: FileConsentCardResponse,
  ): Promise<void> {
    const locale = localeOfCard(response.context) ?? (await this.personsLanguage(context.activity));
    const desk = this.deskOfCard(response.context);
    if (!desk) return this.unknownAction(context, locale);
    await desk.files.accepted(context, { ...response, context: withoutStamp(response.context) }, locale);
  }

  protected override async handleTeamsFileConsentDecline(
    context: TurnContext,
    response: FileConsentCardResponse,
  ): Promise<void> {
    const locale = localeOfCard(response.context) ?? (await this.personsLanguage(context.activity));
    const desk = this.deskOfCard(response.context);
    if (!desk) return this.unknownAction(context, locale);
    await desk.files.declined(context, { ...response, context: withoutStamp(response.context) }, locale);
  }

  /**
   * The SDK reads a card action's `value.action.type` before `onAdaptiveCardInvoke`, and a file consent's
   * `value.action` before its handlers: without them the turn fails, which the adapter answers 501.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const value: unknown = context.activity.value;
    const action = isObject(value) ? value.action : undefined;
    if (context.activity.name === 'adaptiveCard/action' && !isObject(action)) {
      const m = messagesFor(await this.personsLanguage(context.activity));
      return { status: 200, body: messageResponse(m.unknownAction) };
    }
    if (context.activity.name === 'fileConsent/invoke' && !isObject(value)) return { status: 400 };
    return super.onInvokeActivity(context);
  }

  /** Action.Execute from a card: the refreshed card goes back to the person who pressed the button. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = invokeValue.action.data;
    // Never throws: a choice that cannot be read gives the agreement's language.
    const locale = localeOfCard(data) ?? (await this.personsLanguage(context.activity));
    const stamp = this.answerIn(context, locale);
    let result: CardActionAnswer;
    try {
      result = await this.cardAction(context, invokeValue.action.verb, data, stamp);
    } catch (err) {
      // Storage unreachable or another fault. A report is saved by two writes, its revision row and then the
      // measure's current row; a save fails only when the revision row was not written (once it is, a failed
      // current-row write is logged and caught up later, see ReportRepository.add), so "not saved" is true of the
      // report. A message response leaves the card as it is, with what the person typed.
      log.error('cardAction.failed', describeError(err));
      noteOutcome('failed', true);
      result = { message: messagesFor(locale).notSaved };
    }
    if ('message' in result) return messageResponse(result.message);
    if (result.messageCard) await this.updateCardMessage(context, result.messageCard);
    const card = withStamp(result.card, stamp);
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
  }

  /**
   * A press, run by the agreement its card was sent for; the choice card's press runs the command it asked
   * about in the agreement chosen.
   */
  private async cardAction(
    context: TurnContext,
    verb: unknown,
    data: unknown,
    stamp: CardStamp,
  ): Promise<CardActionAnswer> {
    log.info('cardAction', { verb: typeof verb === 'string' ? verb.slice(0, 40) : typeof verb });
    const { locale } = stamp;
    if (verb === chooseAgreementVerb) return this.agreementChosen(context, data, stamp);
    const desk = this.deskOfCard(data);
    if (!desk) return { message: messagesFor(locale).unknownAction };
    stamp.agreementId = desk.features.agreementId;
    noteAgreement(desk.features.agreementId);
    const turn = this.turnOf(context, desk);
    return runCardAction(desk.cardActions, desk.features, verb, { turn, data: withoutStamp(data), locale });
  }

  /** The agreement chosen on the choice card: remembered, and the command it asked about run there. */
  private async agreementChosen(
    context: TurnContext,
    data: unknown,
    stamp: CardStamp,
  ): Promise<CardActionAnswer> {
    const texts = agreementTextsFor(stamp.locale);
    const choice = choiceData.safeParse(data);
    const desk = choice.success ? this.which.byAgreementId(choice.data.chosenAgreement) : undefined;
    const plan = desk && (await this.deps.plans.load(desk.features.agreementId));
    if (!choice.success || !desk || !plan) return { message: texts.unknownChoice };
    const turn = this.turnOf(context, desk);
    await this.which.remember(turn, plan.agreement.id);
    stamp.agreementId = plan.agreement.id;
    await this.runIn(desk, turn, parseCommand(choice.data.command), plan, stamp.locale);
    const name = agreementName(plan.agreement, stamp.locale, this.today());
    return { card: renderCard('notice', noticeView(texts.chosenTitle, texts.chosen(name))) };
  }

  /** A card from an agreement this deployment no longer serves: the person is told, nothing else happens. */
  private async unknownAction(context: TurnContext, locale: Locale): Promise<void> {
    const m = messagesFor(locale);
    await sendCard(context, renderCard('notice', noticeView(m.problemTitle, m.unknownAction)));
  }

  /** The served agreement a card names (stamped when it was sent), or the legacy one for older cards. */
  private deskOfCard(data: unknown): Desk | undefined {
    return this.which.forCard(agreementOfCard(data));
  }

  /** Everyone sees the latest report on the message itself, not only the person who saved it. */
  private async updateCardMessage(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    const messageId = context.activity.replyToId;
    if (!messageId) return;
    try {
      const update = MessageFactory.attachment(CardFactory.adaptiveCard(card));
      update.id = messageId;
      await context.updateActivity(update);
    } catch (err) {
      // The report is saved; the message shows it at its next refresh.
      log.warn('card.updateFailed', describeError(err));
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const value = context.activity.value as { verb?: unknown } | undefined;
    if (!context.activity.text && value && typeof value === 'object') {
      // Action.Submit, the fallback of clients without Universal Actions: same handling, answered in the chat.
      const locale = localeOfCard(value) ?? (await this.personsLanguage(context.activity));
      const stamp = this.answerIn(context, locale);
      const result = await this.cardAction(context, value.verb, value, stamp);
      if ('message' in result) await context.sendActivity(MessageFactory.text(result.message));
      else if (result.messageCard) await this.updateCardMessage(context, result.card);
      else await sendCard(context, result.card);
      return;
    }
    const text = messageText(context.activity);
    const asked = parseCommand(text);
    noteSpan({ command: asked.kind });
    const chosen = await this.chosenLanguage(context.activity.from?.aadObjectId);
    // The language rule (docs/commands.md, "Languages"): a choice made with `språk` wins; then the command word's
    // language; words the same in both languages and sentences the bot does not know get the agreement's.
    const locale =
      asked.kind === 'language'
        ? (asked.choice ?? chosen ?? asked.locale)
        : (chosen ?? (asked.kind === 'unknown' ? undefined : asked.locale) ?? this.deps.locale);
    const stamp = this.answerIn(context, locale);
    log.info('command', {
      kind: asked.kind,
      conversationType: context.activity.conversation.conversationType,
    });
    const place = this.turnOf(context);
    if (asked.kind === 'mine' && this.which.several) return this.mineAcross(place, locale);
    const picked = await this.which.forMessage(place, text, fitsCommand(asked, place.person.aadObjectId));
    if (picked.kind === 'none') {
      const m = messagesFor(locale);
      await sendCard(context, renderCard('notice', noticeView(m.problemTitle, m.noAgreement)));
      return;
    }
    if (picked.kind === 'ask' && !withoutChoosing.has(asked.kind)) {
      await sendCard(context, agreementChoiceCard(picked.plans, text, locale, this.today()));
      return;
    }
    const plan = picked.kind === 'one' ? picked.plan : picked.plans[0];
    const desk = plan && this.which.byAgreementId(plan.agreement.id);
    if (!plan || !desk) return;
    stamp.agreementId = plan.agreement.id;
    await this.runIn(desk, this.turnOf(context, desk), parseCommand(picked.text), plan, locale);
  }

  /** A command in one agreement, its log lines and span naming it. */
  private async runIn(desk: Desk, turn: Turn, command: Command, plan: Plan, locale: Locale): Promise<void> {
    noteAgreement(plan.agreement.id);
    await runCommand(desk.commands, turn, command, plan, locale);
  }

  /** `mina` with several agreements: the person's measures in each of theirs, on one card. */
  private async mineAcross(turn: Turn, locale: Locale): Promise<void> {
    const plans = await this.which.plansOf(turn);
    const [first] = this.deps.agreements;
    if (!first) return;
    const texts = agreementTextsFor(locale);
    const today = this.today();
    const card = await first.features.status.mineAcross(
      plans,
      { aadObjectId: turn.person.aadObjectId },
      locale,
      {
        headingOf: (plan) => agreementName(plan.agreement, locale, today),
        none: texts.mineNone,
      },
    );
    await turn.reply(card);
  }

  /** A meeting started or ended: the features decide whether it is the steering group's and what to post. */
  private async meetingEvent(context: TurnContext, kind: MeetingEvent['kind']): Promise<void> {
    const event = meetingEventOf(context.activity, kind);
    if (!event) {
      log.warn('meeting.unreadable', { kind });
      noteOutcome('unreadable');
      return;
    }
    const desk = await this.which.forChannel(event.channelId);
    if (!desk) return;
    noteAgreement(desk.features.agreementId);
    const meetings = desk.features.meetingEvents;
    const outcome = kind === 'start' ? await meetings.started(event) : await meetings.ended(event);
    noteOutcome(outcome);
  }

  private async welcome(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const conversationId = channelIdOf(activity.conversation.id);
    if (!(await this.deps.conversations.claimWelcome(conversationId, this.deps.now().toISOString()))) return;
    const inChannel = activity.conversation.conversationType !== 'personal';
    // The agreement this place is about when that is clear without asking; otherwise the card names none.
    const picked = await this.which.forMessage(this.turnOf(context), '');
    const plan = picked.kind === 'one' ? picked.plan : undefined;
    // A channel or group chat is shared: it gets the agreement's language. A person gets theirs, or their Teams'.
    const locale = inChannel
      ? this.deps.locale
      : ((await this.chosenLanguage(activity.from?.aadObjectId)) ??
        localeFrom(activity.locale, this.deps.locale));
    const stamp = { locale, ...(plan ? { agreementId: plan.agreement.id } : {}) };
    const card = withStamp(
      renderCard(
        'welcome',
        welcomeView(
          locale,
          plan && {
            name: agreementName(plan.agreement, locale, this.today()),
            area: plan.agreement.cooperationArea,
          },
          inChannel,
        ),
      ),
      stamp,
    );
    await sendCard(context, card);
  }

  /**
   * Keeps the newest reference to every conversation; Teams may change `serviceUrl` at any time. Written only
   * when it differs from what this process last stored or read (or that is getting old), not on every activity.
   */
  private async refreshConversation(activity: Activity, tenantId: string | undefined): Promise<void> {
    const where = conversationKey(activity);
    if (!where) return;
    const reference = TurnContext.getConversationReference(activity) as Partial<ConversationReference>;
    if (where.kind === 'channel' && reference.conversation) {
      // Proactive posts to a channel start a new thread, so keep the channel itself, not this thread.
      reference.conversation = { ...reference.conversation, id: where.id };
    }
    await this.deps.conversations.refresh({
      kind: where.kind,
      id: where.id,
      reference: reference as Record<string, unknown>,
      updatedAt: this.deps.now().toISOString(),
      ...(tenantId ? { tenantId } : {}),
    });
  }

  /** The turn as the features see it, without botbuilder. */
  private turnOf(context: TurnContext, desk?: ServedAgreement): Turn {
    const activity = context.activity;
    const kind = activity.conversation?.conversationType;
    const channelData = activity.channelData as TeamsChannelData | undefined;
    const channelId = channelOf(activity);
    const teamId = channelData?.team?.id;
    const tenantId = tenantOf(activity);
    return {
      person: {
        id: activity.from.id,
        name: activity.from.name ?? '',
        ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
      },
      place: {
        kind: kind === 'personal' || kind === 'groupChat' || kind === 'channel' ? kind : 'other',
        ...(channelId ? { channelId } : {}),
        ...(teamId ? { teamId } : {}),
        ...(tenantId ? { tenantId } : {}),
      },
      reply: (card) => sendCard(context, card),
      replyText: async (text) => {
        await context.sendActivity(MessageFactory.text(text));
      },
      offerFile: async (offer) => {
        // Only a turn about one agreement offers files: its consent flow knows the agreement's files.
        if (!desk) throw new Error('A file was offered in a turn about no agreement');
        return desk.files.offer(context, offer);
      },
      member: async (idOrEmail) => {
        try {
          const member = await TeamsInfo.getMember(context, idOrEmail);
          return {
            id: member.id,
            ...(member.aadObjectId ? { aadObjectId: member.aadObjectId } : {}),
            ...(member.name ? { name: member.name } : {}),
          };
        } catch (err) {
          // Not a member here. Only the status: the error's message may carry the e-mail address asked for.
          const statusCode = (err as { statusCode?: unknown }).statusCode;
          log.info('teams.memberUnknown', typeof statusCode === 'number' ? { statusCode } : {});
          return undefined;
        }
      },
    };
  }

  /** The language the person chose with `språk`, if any. */
  private async chosenLanguage(aadObjectId: string | undefined): Promise<Locale | undefined> {
    if (!aadObjectId) return undefined;
    try {
      return await this.deps.languages.get(aadObjectId);
    } catch (err) {
      // Storage may be down for a moment: the answer comes in the agreement's language instead.
      log.warn('language.readFailed', describeError(err));
      return undefined;
    }
  }

  /** The person's language where no command word or card tells: their choice, or the agreement's. */
  private async personsLanguage(activity: Activity): Promise<Locale> {
    return (await this.chosenLanguage(activity.from?.aadObjectId)) ?? this.deps.locale;
  }

  /**
   * Every card this turn sends or updates carries the turn's language, and the agreement it is about once that
   * is known (set on the stamp returned), into its buttons.
   */
  private answerIn(context: TurnContext, locale: Locale): CardStamp {
    const stamp: CardStamp = { locale };
    context.onSendActivities(async (_context, activities, next) => {
      for (const activity of activities) {
        if (activity.attachments) activity.attachments = withStamp(activity.attachments, stamp);
      }
      return next();
    });
    context.onUpdateActivity(async (_context, activity, next) => {
      if (activity.attachments) activity.attachments = withStamp(activity.attachments, stamp);
      return next();
    });
    return stamp;
  }

  private today(): string {
    return DateTime.fromJSDate(this.deps.now()).setZone(this.deps.timeZone).toISODate() ?? '';
  }
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string };
  channel?: { id?: string };
}

function tenantOf(activity: Activity): string | undefined {
  return (
    (activity.channelData as TeamsChannelData | undefined)?.tenant?.id ?? activity.conversation?.tenantId
  );
}

/** The channel a message was posted in, or undefined outside team channels. */
function channelOf(activity: Activity): string | undefined {
  if (activity.conversation?.conversationType !== 'channel') return undefined;
  return (
    (activity.channelData as TeamsChannelData | undefined)?.channel?.id ??
    channelIdOf(activity.conversation.id)
  );
}

function conversationKey(activity: Activity): { kind: ConversationKind; id: string } | undefined {
  const conversation = activity.conversation;
  if (!conversation?.id) return undefined;
  switch (conversation.conversationType) {
    case 'personal':
      return activity.from?.aadObjectId ? { kind: 'personal', id: activity.from.aadObjectId } : undefined;
    case 'channel': {
      const channelId = channelOf(activity);
      return channelId ? { kind: 'channel', id: channelId } : undefined;
    }
    case 'groupChat':
      return { kind: 'groupChat', id: conversation.id };
    default:
      return undefined;
  }
}

/** The message without the bot's @mention and Teams' HTML leftovers. */
function messageText(activity: Activity): string {
  const withoutMention = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return withoutMention
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .trim();
}

/** Teams shows a message response's value (a string) without changing the card; the SDK types it as an object. */
function messageResponse(text: string): AdaptiveCardInvokeResponse {
  const value = text as unknown as Record<string, unknown>;
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/**
 * What narrows the agreements a command may be about: `koppla <grupp>` is about those where the person is a
 * coordinator and the group exists.
 */
function fitsCommand(
  command: Command,
  aadObjectId: string | undefined,
): ((plan: Plan) => boolean) | undefined {
  if (command.kind !== 'bind') return undefined;
  return (plan) => isCoordinator(plan.agreement, aadObjectId) && findGroup(plan, command.group) !== undefined;
}

/** The agreement a turn is about, on its span and its log lines from here on. */
function noteAgreement(agreementId: string): void {
  noteSpan({ 'agreement.id': agreementId });
  noteTurnAgreement(agreementId);
}
