import { z } from 'zod';

/**
 * The envelope of an activity as Teams posts it to /api/messages: what the bot and the Bot Framework SDK rely on
 * to know who wrote, where, in which organisation, and where the answer goes. Fields Teams adds (timestamps,
 * `textFormat`, `localTimezone`, new ones one day) pass through untouched.
 *
 * Two kinds of field:
 * - Addresses (the service, channel, sender, recipient, conversation, and Teams' channelData with its tenant,
 *   team and channel ids) are strict: without them no answer can be addressed, and a guessed tenant or channel
 *   would decide who may do what. An envelope with one missing or of the wrong type is refused whole.
 * - What the bot can do without (the language, the text, the activity's own id, the card message it answers,
 *   the invoke's name, mentions, members added or removed) is read as absent when it has the wrong type, so the
 *   person still gets an answer.
 *
 * Teams never sends an envelope this refuses: the shapes a real client posts are in test/fixtures/teams-activities.
 */

/** A field the bot can do without: a value of the wrong type reads as absent. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

/**
 * Teams' ids (`19:…@thread.tacv2`, `29:…`, `a:…`, GUIDs, message ids) are printable ASCII. Conversation and
 * message ids go into the Bot Connector's URLs and headers: a control or non-Latin character fails the request
 * in Node, and `.` or `..` as a path segment would send it to another address.
 */
const teamsId = z
  .string()
  .regex(/^[\x21-\x7e]+$/)
  .refine((id) => id !== '.' && id !== '..');

const account = z.looseObject({
  id: teamsId,
  name: lenient(z.string()),
  aadObjectId: lenient(teamsId),
});

/** An @mention: the SDK cuts `text` out of the message when `mentioned` is the bot. */
const mentionEntity = z.looseObject({
  type: z.string(),
  mentioned: z.looseObject({ id: z.string() }),
  text: z.string(),
});
const isMention = (entity: { type: string }) => entity.type.toLowerCase() === 'mention';
const entity = z
  .looseObject({ type: z.string() })
  .refine((e) => !isMention(e) || mentionEntity.safeParse(e).success);

/**
 * Teams' own part, on every activity: its ids say which organisation, team and channel an activity comes from,
 * and the SDK reads its `eventType` unchecked.
 */
const channelData = z.looseObject({
  tenant: z.looseObject({ id: teamsId.optional() }).optional(),
  team: z.looseObject({ id: teamsId.optional() }).optional(),
  channel: z.looseObject({ id: teamsId.optional() }).optional(),
});

export const teamsEnvelope = z
  .looseObject({
    type: z.string().min(1),
    id: lenient(teamsId),
    /** Where answers go: only the web's own schemes, never a file or another protocol. */
    serviceUrl: z.url({ protocol: /^https?$/ }),
    channelId: teamsId,
    from: account,
    recipient: account,
    conversation: z.looseObject({
      id: teamsId,
      conversationType: z.string().optional(),
      tenantId: teamsId.optional(),
    }),
    channelData,
    locale: lenient(z.string()),
    text: lenient(z.string()),
    /** The card message an Action.Execute or Action.Submit came from, updated with the answer. */
    replyToId: lenient(teamsId),
    /** An invoke's kind (`adaptiveCard/action`, `fileConsent/invoke`, …). */
    name: lenient(z.string()),
    entities: lenient(z.array(entity)),
    membersAdded: lenient(z.array(z.looseObject({ id: z.string() }))),
    membersRemoved: lenient(z.array(z.looseObject({ id: z.string() }))),
  })
  // A mention points into the text; without text there is nothing to cut it out of.
  .transform((activity) =>
    activity.text === undefined && activity.entities
      ? { ...activity, entities: activity.entities.filter((e) => !isMention(e)) }
      : activity,
  );

export type TeamsEnvelope = z.infer<typeof teamsEnvelope>;

export type EnvelopeResult = { ok: true; envelope: TeamsEnvelope } | { ok: false; problems: string[] };

/**
 * Reads a request body as a Teams activity. A refusal names the paths and kinds of its problems, never the
 * values found there, which may hold what a person wrote.
 */
export function parseEnvelope(body: unknown): EnvelopeResult {
  const result = teamsEnvelope.safeParse(body);
  if (result.success) return { ok: true, envelope: result.data };
  return {
    ok: false,
    problems: result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.code}`,
    ),
  };
}
