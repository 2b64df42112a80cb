import type { AgreementContext } from '../features/agreementContext.js';
import type { Repositories } from '../storage/repositories.js';
import {
  CardFactory,
  MessageFactory,
  type Activity,
  type Attachment,
  type ConversationReference,
  type FileConsentCardResponse,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import { may } from '../domain/access.js';
import type { Locale } from '../domain/locale.js';
import { describeError, log } from '../platform/log.js';
import { renderCard } from '../features/shared/cards.js';
import type { ConsentDelivery, FileOffer, FileSource } from '../features/fileOffer.js';
import { messagesFor } from '../features/shared/messages.js';
import { noticeView } from '../features/shared/views.js';

export interface FileConsentDependencies
  extends Pick<AgreementContext, 'agreementId'>, Pick<Repositories, 'plans' | 'conversations'> {
  /** The bot's Microsoft app id ('' without authentication): writing in a personal chat from a channel's turn. */
  appId: string;
  /** Every feature's files by the name their consent cards carry. */
  sources: Readonly<Record<string, FileSource>>;
}

const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';
const fileInfoType = 'application/vnd.microsoft.teams.card.file.info';

/** Teams waits about 15 seconds for the answer to the accept; a stalled upload must not hold it much longer. */
const uploadTimeoutMs = 30_000;

/** What a consent card carries back: the file's source and what it needs to build the file again. */
const offeredSchema = z.strictObject({
  kind: z.literal('offered'),
  source: z.string().min(1).max(40),
  args: z.record(z.string().max(40), z.unknown()),
});

/**
 * Consent cards sent before every file had a source still carry their scope; a person may accept one days later.
 * Each is read as the offer it was.
 */
const earlierScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }).transform(() => ({ source: 'export', args: {} })),
  z
    .strictObject({ kind: z.literal('round'), roundId: z.string().min(1).max(200) })
    .transform(({ roundId }) => ({ source: 'export', args: { roundId } })),
  z
    .strictObject({
      kind: z.literal('followUp'),
      scope: z.enum(['meeting', 'until']),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    })
    .transform(({ scope, date }) => ({ source: 'followUp', args: { scope, date } })),
]);

const scopeSchema = z.union([
  offeredSchema.transform(({ source, args }) => ({ source, args })),
  earlierScopeSchema,
]);

/** The accept invoke (`fileConsent/invoke`): where Teams lets the bot upload the file. */
const acceptanceSchema = z.object({
  context: scopeSchema,
  uploadInfo: z.object({
    name: z.string().min(1).max(255),
    uploadUrl: z.url({ protocol: /^https?$/ }),
    contentUrl: z.string().max(4000).optional(),
    uniqueId: z.string().max(200).optional(),
    fileType: z.string().max(50).optional(),
  }),
});

/**
 * Teams' file consent flow, for every file the bot offers: the consent card (in the personal chat, the only place
 * Teams lets a bot send files), the accept (the file built again by its source, checked again, uploaded to the
 * person's OneDrive, shown as a file card) and the decline.
 */
export class FileConsent {
  constructor(private readonly deps: FileConsentDependencies) {}

  /**
   * Sends the consent card where the person asked if that is their personal chat, otherwise into that chat; Teams
   * lets bots send files nowhere else.
   */
  async offer(context: TurnContext, { source, args, file }: FileOffer): Promise<ConsentDelivery> {
    const scope = { kind: 'offered', source, args };
    const consent = MessageFactory.attachment(
      {
        contentType: fileConsentType,
        name: file.name,
        content: {
          description: file.description,
          // What the file holds now; it is built again on accept, so it may grow a little meanwhile.
          sizeInBytes: file.bytes.length,
          acceptContext: scope,
          declineContext: scope,
        },
      },
      file.text,
    );
    if (context.activity.conversation.conversationType === 'personal') {
      await context.sendActivity(consent);
      return 'here';
    }
    const personId = context.activity.from.aadObjectId;
    const chat = personId ? await this.deps.conversations.get('personal', personId) : undefined;
    if (chat && (await this.sendInPersonalChat(context, chat.reference, consent))) return 'personalChat';
    return 'noPersonalChat';
  }

  /** The person accepted: build the file again from storage, upload it to their OneDrive and show it. */
  async accepted(context: TurnContext, response: FileConsentCardResponse, locale: Locale): Promise<void> {
    const m = messagesFor(locale);
    const parsed = acceptanceSchema.safeParse(response);
    const source = parsed.success ? this.deps.sources[parsed.data.context.source] : undefined;
    if (!parsed.success || !source) {
      await sendNotice(context, m.problemTitle, m.unknownAction);
      return;
    }
    const { context: offered, uploadInfo } = parsed.data;
    const texts = source.texts(locale);
    // Checked again: anyone can send an invoke, and a coordinator may have left the preparation group since.
    const plan = await this.deps.plans.load(this.deps.agreementId);
    const from = context.activity.from;
    if (!plan || !may(plan, { aadObjectId: from.aadObjectId }, source.action)) {
      await sendNotice(context, m.notAllowedTitle, texts.notAllowed);
      return;
    }
    const by = { aadObjectId: from.aadObjectId ?? from.id, name: from.name ?? '' };
    const file = await source.build(plan, offered.args, locale, by);
    if ('unavailable' in file) {
      await sendNotice(context, m.problemTitle, file.unavailable);
      return;
    }
    await file.beforeUpload?.(by);
    try {
      await upload(uploadInfo.uploadUrl, file.bytes);
    } catch (err) {
      log.warn('file.uploadFailed', { source: offered.source, ...describeError(err) });
      await sendNotice(context, m.problemTitle, texts.uploadFailed);
      return;
    }
    log.info('file.uploaded', { source: offered.source, bytes: file.bytes.length });
    const info: Attachment = {
      contentType: fileInfoType,
      name: uploadInfo.name,
      ...(uploadInfo.contentUrl ? { contentUrl: uploadInfo.contentUrl } : {}),
      content: { uniqueId: uploadInfo.uniqueId, fileType: uploadInfo.fileType ?? file.fileType },
    };
    await context.sendActivity(MessageFactory.attachment(info, m.export.uploaded(uploadInfo.name)));
  }

  async declined(context: TurnContext, response: FileConsentCardResponse, locale: Locale): Promise<void> {
    const scope = scopeSchema.safeParse(response.context);
    const source = scope.success ? this.deps.sources[scope.data.source] : undefined;
    const texts = (source ?? this.deps.sources.export)?.texts(locale);
    const m = messagesFor(locale);
    await sendNotice(context, texts?.title ?? m.export.title, texts?.declined ?? m.export.declined);
  }

  /**
   * Sends in the person's personal chat from a turn in a channel. False when that failed (the person removed
   * the bot, say), so the caller can answer where the person asked instead.
   */
  private async sendInPersonalChat(
    context: TurnContext,
    reference: Record<string, unknown>,
    activity: Partial<Activity>,
  ): Promise<boolean> {
    let sent = false;
    try {
      await context.adapter.continueConversationAsync(
        this.deps.appId,
        reference as Partial<ConversationReference>,
        async (personal) => {
          // Caught here: the adapter would hand an error thrown in this turn to onTurnError, not to us.
          try {
            await personal.sendActivity(activity);
            sent = true;
          } catch (err) {
            log.warn('file.personalChatFailed', describeError(err));
          }
        },
      );
    } catch (err) {
      log.warn('file.personalChatFailed', describeError(err));
    }
    return sent;
  }
}

/**
 * Puts the file where Teams said (an upload session in the person's OneDrive): one PUT with the whole file, as
 * the upload session takes a byte range per request.
 */
async function upload(url: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: {
      'Content-Length': String(bytes.length),
      'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}`,
    },
    body: bytes,
    signal: AbortSignal.timeout(uploadTimeoutMs),
  });
  await response.body?.cancel();
  if (!response.ok) throw new UploadError(response.status);
}

class UploadError extends Error {
  override name = 'UploadError';
  constructor(readonly statusCode: number) {
    super(`The upload was answered with HTTP ${statusCode}`);
  }
}

async function sendNotice(context: TurnContext, title: string, text: string): Promise<void> {
  const card = renderCard('notice', noticeView(title, text));
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
