import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Teams-shaped activities, built from what Microsoft's Agents Playground really posted (test/fixtures), with
 * only what a test needs changed.
 */
export type FixtureName =
  | 'channel-message-with-mention'
  | 'channel-installationUpdate-add'
  | 'channel-conversationUpdate-membersAdded'
  | 'channel-invoke-adaptiveCard-action'
  | 'personal-message'
  | 'personal-installationUpdate-add'
  | 'personal-conversationUpdate-membersAdded'
  | 'personal-invoke-adaptiveCard-action'
  | 'channel-event-meetingStart'
  | 'channel-event-meetingEnd';

export type Activity = Record<string, unknown> & {
  from: { id: string; name?: string; aadObjectId?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelData?: Record<string, unknown>;
};

const fixturesDir = fileURLToPath(new URL('../fixtures/teams-activities/', import.meta.url));

export function fixture(name: FixtureName): Activity {
  return JSON.parse(readFileSync(`${fixturesDir}${name}.json`, 'utf8')) as Activity;
}

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

/** The Playground's users; the example agreement makes Alex a coordinator and Patti a measure owner. */
export const users = {
  alex: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
  megan: { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' },
  patti: { id: 'user-id-4', name: 'Patti Fernandez', aadObjectId: '00000000-0000-0000-0000-0000000000024' },
} satisfies Record<string, TeamsUser>;

export interface ChannelPlace {
  teamId: string;
  channelId: string;
  tenantId: string;
}

export function newChannel(tenantId = '00000000-0000-0000-0000-0000000000001'): ChannelPlace {
  const suffix = randomUUID().replace(/-/g, '');
  return { teamId: `19:team${suffix}@thread.tacv2`, channelId: `19:${suffix}@thread.tacv2`, tenantId };
}

interface Common {
  serviceUrl: string;
  from?: TeamsUser;
  locale?: string;
}

/** A message that @mentions the bot in a channel thread, as Teams sends it. */
export function channelMessage(text: string, where: ChannelPlace, options: Common): Activity {
  const activity = fixture('channel-message-with-mention');
  const mention = '<at>Test Bot</at>';
  return {
    ...activity,
    id: randomUUID(),
    text: `${mention} ${text}`,
    serviceUrl: options.serviceUrl,
    locale: options.locale ?? activity.locale,
    from: options.from ?? users.alex,
    conversation: {
      ...activity.conversation,
      tenantId: where.tenantId,
      id: `${where.channelId};messageid=${Date.now()}`,
    },
    channelData: {
      teamsChannelId: where.channelId,
      teamsTeamId: where.teamId,
      tenant: { id: where.tenantId },
      team: { id: where.teamId },
      channel: { id: where.channelId },
    },
  };
}

/** A message in the person's personal chat with the bot. */
export function personalMessage(text: string, options: Common & { conversationId?: string }): Activity {
  const activity = fixture('personal-message');
  const from = options.from ?? users.alex;
  return {
    ...activity,
    id: randomUUID(),
    text,
    serviceUrl: options.serviceUrl,
    locale: options.locale ?? activity.locale,
    from,
    conversation: { ...activity.conversation, id: options.conversationId ?? `a:${from.aadObjectId}` },
  };
}

/**
 * Teams' invoke when a person presses Allow or Decline on a file consent card in their personal chat; on Allow
 * it carries where OneDrive lets the bot upload the file.
 */
export function fileConsentAnswer(
  action: 'accept' | 'decline',
  context: unknown,
  file: { name: string; uploadUrl: string; uniqueId: string; fileType: string },
  options: Common,
): Activity {
  const activity = fixture('personal-invoke-adaptiveCard-action');
  const from = options.from ?? users.alex;
  const { name, uploadUrl, uniqueId, fileType } = file;
  return {
    ...activity,
    id: randomUUID(),
    serviceUrl: options.serviceUrl,
    locale: options.locale ?? 'sv-SE',
    from,
    replyToId: 'consent-card',
    conversation: { ...activity.conversation, id: `a:${from.aadObjectId}` },
    name: 'fileConsent/invoke',
    value: {
      type: 'fileUpload',
      action,
      context,
      ...(action === 'accept'
        ? {
            uploadInfo: {
              name,
              uploadUrl,
              contentUrl: `https://contoso-my.sharepoint.com/personal/files/${uniqueId}.${fileType}`,
              uniqueId,
              fileType,
            },
          }
        : {}),
    },
  };
}

/** The bot being installed in a person's personal scope, as installationUpdate or conversationUpdate. */
export function personalInstall(
  kind: 'installationUpdate' | 'conversationUpdate',
  options: Common & { conversationId: string },
): Activity {
  const activity = fixture(
    kind === 'installationUpdate'
      ? 'personal-installationUpdate-add'
      : 'personal-conversationUpdate-membersAdded',
  );
  const from = options.from ?? users.alex;
  const membersAdded = kind === 'conversationUpdate' ? { membersAdded: [from, activity.recipient] } : {};
  return {
    ...activity,
    ...membersAdded,
    id: randomUUID(),
    serviceUrl: options.serviceUrl,
    ...(options.locale ? { locale: options.locale } : {}),
    from,
    conversation: { ...activity.conversation, id: options.conversationId },
  };
}

/** The bot being added to a team (it lands in the team's General channel). */
export function channelInstall(where: ChannelPlace, options: Common): Activity {
  const activity = fixture('channel-installationUpdate-add');
  return {
    ...activity,
    id: randomUUID(),
    serviceUrl: options.serviceUrl,
    from: options.from ?? users.alex,
    ...(options.locale ? { locale: options.locale } : {}),
    conversation: { ...activity.conversation, tenantId: where.tenantId, id: where.channelId },
    channelData: {
      ...activity.channelData,
      tenant: { id: where.tenantId },
      team: { id: where.teamId, name: 'Trygghet Väsby' },
      channel: { id: where.channelId },
    },
  };
}

/** An Action.Execute press on a card, as Teams sends it (`invoke` named `adaptiveCard/action`). */
export function cardAction(
  verb: string,
  data: Record<string, unknown>,
  where: { conversationId: string; replyToId: string; channel?: ChannelPlace },
  options: Common,
): Activity {
  const activity = fixture(
    where.channel ? 'channel-invoke-adaptiveCard-action' : 'personal-invoke-adaptiveCard-action',
  );
  return {
    ...activity,
    id: randomUUID(),
    serviceUrl: options.serviceUrl,
    locale: options.locale ?? 'sv-SE',
    from: options.from ?? users.alex,
    replyToId: where.replyToId,
    conversation: { ...activity.conversation, id: where.conversationId },
    ...(where.channel
      ? {
          channelData: {
            ...activity.channelData,
            tenant: { id: where.channel.tenantId },
            team: { id: where.channel.teamId },
            channel: { id: where.channel.channelId },
          },
        }
      : {}),
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/**
 * A Teams meeting in a channel starting or ending, as Microsoft documents the events (test/fixtures): the thread is
 * `conversation.id`, the meeting id is `channelData.meeting.id`, `value` has the title and the time in UTC.
 */
export function meetingEvent(
  kind: 'start' | 'end',
  where: ChannelPlace,
  options: { serviceUrl: string; meetingId: string; thread: string; at: string; title?: string },
): Activity {
  const activity = fixture(kind === 'start' ? 'channel-event-meetingStart' : 'channel-event-meetingEnd');
  const value = activity.value as Record<string, unknown>;
  const time = kind === 'start' ? { StartTime: options.at } : { EndTime: options.at };
  return {
    ...activity,
    id: `f:${randomUUID()}`,
    serviceUrl: options.serviceUrl,
    conversation: { ...activity.conversation, tenantId: where.tenantId, id: options.thread },
    channelData: {
      ...activity.channelData,
      tenant: { id: where.tenantId },
      meeting: { id: options.meetingId },
    },
    value: { ...value, Id: options.meetingId, Title: options.title ?? value.Title, ...time },
  };
}
