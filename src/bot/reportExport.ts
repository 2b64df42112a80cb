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
import { may, type Action } from '../domain/access.js';
import type { CheckInRound } from '../domain/checkInRound.js';
import { normalizeForMatching } from '../domain/command.js';
import type { Locale } from '../domain/locale.js';
import type { Plan } from '../domain/plan.js';
import {
  byteOrderMark,
  exportFileName,
  reportCsv,
  reportsInScope,
  type ExportScope,
} from '../domain/reportCsv.js';
import { describeError, log } from '../log.js';
import type { ConversationRepository } from '../storage/conversationRepository.js';
import type { PlanRepository } from '../storage/planRepository.js';
import type { ReportRepository } from '../storage/reportRepository.js';
import type { RoundRepository } from '../storage/roundRepository.js';
import type { ReviewRepository } from '../storage/reviewRepository.js';
import { buildFollowUpReport, FollowUpReportError } from '../reports/followUpReportFile.js';
import { renderCard } from './cards.js';
import { messagesFor, type Messages } from './messages.js';
import { noticeView } from './views.js';

export interface ReportExportDependencies {
  agreementId: string;
  plans: PlanRepository;
  reports: ReportRepository;
  rounds: RoundRepository;
  conversations: ConversationRepository;
  reviews: ReviewRepository;
  /** The bot's Microsoft app id ('' without authentication): writing in a personal chat from a channel's turn. */
  appId: string;
  timeZone: string;
  now: () => Date;
}

const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';
const fileInfoType = 'application/vnd.microsoft.teams.card.file.info';

/**
 * Teams refuses a message over about 28 KB (the whole activity as JSON); the CSV as text gets 20 KB of it, counted
 * as JSON (every line break and quote escaped), so the rest of the activity fits.
 */
const textLimitBytes = 20 * 1024;
/** Teams waits about 15 seconds for the answer to the accept; a stalled upload must not hold it much longer. */
const uploadTimeoutMs = 30_000;
/** An unknown round's answer lists the newest rounds, not every round since the agreement began. */
const roundsListed = 20;

/**
 * What the file consent card carries back to the bot: only the scope, never the reports. The file is built again
 * when the person accepts, so it has what is stored at that moment.
 */
const scopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('round'), roundId: z.string().min(1).max(200) }),
  /** The written follow-up report (skriftlig uppföljning) for a meeting, or up to a date. */
  z.strictObject({
    kind: z.literal('followUp'),
    scope: z.enum(['meeting', 'until']),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  /** A file another feature offers (see `FileSource`): its name and what it needs to build the file again. */
  z.strictObject({
    kind: z.literal('offered'),
    source: z.string().min(1).max(40),
    args: z.record(z.string().max(40), z.unknown()),
  }),
]);
type FileScope = z.infer<typeof scopeSchema>;

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

type UploadInfo = z.infer<typeof acceptanceSchema>['uploadInfo'];

interface ExportFile {
  name: string;
  /** The CSV text, byte order mark first. */
  text: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Rows below the header: one per report revision. */
  reports: number;
}

/** A file another feature offers through the same consent card and upload (a person's data, say). */
export interface OfferedFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** For Teams' file card: `json`, `csv`, … */
  fileType: string;
  /** What the consent card says the file is. */
  description: string;
  /** The message that carries the consent card. */
  text: string;
  /** Runs just before the file leaves for the person's OneDrive (to audit it, say); if it throws, nothing is sent. */
  beforeUpload?: (by: { aadObjectId: string; name: string }) => Promise<void>;
}

/**
 * What builds an offered file again when the person accepts it, from what is stored then: the consent card only
 * carries `args` (an id), never the content.
 */
export interface FileSource {
  /** Who may have the file; checked again on accept, since anyone can send an invoke. */
  action: Action;
  build(
    plan: Plan,
    args: Record<string, unknown>,
    locale: Locale,
  ): Promise<OfferedFile | { unavailable: string }>;
  texts(locale: Locale): { notAllowed: string; declined: string; uploadFailed: string };
}

/** Where a consent card went: where the person asked, their personal chat, or nowhere (they have none). */
export type ConsentDelivery = 'here' | 'personalChat' | 'noPersonalChat';

/** `export`: the reports as a CSV file, delivered through Teams' file consent card. */
export class ReportExport {
  private readonly sources = new Map<string, FileSource>();

  constructor(private readonly deps: ReportExportDependencies) {}

  /** Lets another feature offer files through `offer`; `name` travels on its consent cards. */
  addSource(name: string, source: FileSource): void {
    this.sources.set(name, source);
  }

  /**
   * Offers a source's file through the consent card in the person's personal chat, the only place Teams lets a
   * bot send files. The file is built again from `args` when the person accepts.
   */
  async offer(
    context: TurnContext,
    source: string,
    args: Record<string, unknown>,
    file: OfferedFile,
  ): Promise<ConsentDelivery> {
    const scope: FileScope = { kind: 'offered', source, args };
    const consent = MessageFactory.attachment(
      {
        contentType: fileConsentType,
        name: file.name,
        content: {
          description: file.description,
          sizeInBytes: file.bytes.length,
          acceptContext: scope,
          declineContext: scope,
        },
      },
      file.text,
    );
    return this.sendConsent(context, consent);
  }

  /**
   * A coordinator asked for the reports (the bot checked the role). The file goes to their personal chat with
   * the bot, as Teams lets bots send files only there; without one, the reports come as text where they asked.
   */
  async request(
    context: TurnContext,
    plan: Plan,
    roundName: string | undefined,
    locale: Locale,
  ): Promise<void> {
    const m = messagesFor(locale);
    const rounds = await this.deps.rounds.list(plan.agreement.id);
    let round: CheckInRound | undefined;
    if (roundName !== undefined) {
      round = findRound(rounds, roundName);
      if (!round) {
        await sendNotice(context, m.problemTitle, unknownRoundText(m, roundName, rounds));
        return;
      }
    }
    const scope: ExportScope = round ? { kind: 'round', roundId: round.id } : { kind: 'all' };
    const file = await this.build(plan, scope, rounds);
    if (file.reports === 0) {
      await sendNotice(
        context,
        m.export.title,
        round ? m.export.noReportsInRound(round.label) : m.export.noReports,
      );
      return;
    }
    const description = round
      ? m.export.roundDescription(round.label, file.reports)
      : m.export.allDescription(file.reports);
    const consent = MessageFactory.attachment(consentCard(file, description, scope), m.export.fileText);

    const delivery = await this.sendConsent(context, consent);
    if (delivery === 'here') return;
    if (delivery === 'personalChat') {
      await sendNotice(context, m.export.title, m.export.sentToPersonalChat);
      return;
    }
    if (!isCoordinatorsChannel(plan, context.activity)) {
      // Reports carry what police and municipal staff wrote; as text they go only where the coordinators are.
      await sendNotice(context, m.export.title, m.export.onlyInCoordinatorsChannel(file.reports));
      return;
    }
    await this.sendAsText(context, file, m);
  }

  /** The person accepted the file: build it again from storage, upload it to their OneDrive and show it. */
  async accepted(context: TurnContext, response: FileConsentCardResponse, locale: Locale): Promise<void> {
    const m = messagesFor(locale);
    const parsed = acceptanceSchema.safeParse(response);
    if (!parsed.success) {
      await sendNotice(context, m.problemTitle, m.unknownAction);
      return;
    }
    const { context: scope, uploadInfo } = parsed.data;
    const source = scope.kind === 'offered' ? this.sources.get(scope.source) : undefined;
    if (scope.kind === 'offered' && !source) {
      await sendNotice(context, m.problemTitle, m.unknownAction);
      return;
    }
    // Checked again: anyone can send an invoke, and a coordinator may have left the preparation group since.
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (
      !plan ||
      !may(plan, { aadObjectId: context.activity.from.aadObjectId }, source?.action ?? 'exportReports')
    ) {
      await sendNotice(
        context,
        m.notAllowedTitle,
        source?.texts(locale).notAllowed ?? m.exportOnlyCoordinators,
      );
      return;
    }
    if (scope.kind === 'offered') {
      if (source) await this.uploadOffered(context, plan, source, scope.args, uploadInfo, locale);
      return;
    }
    if (scope.kind === 'followUp') {
      await this.uploadFollowUp(context, plan, scope, uploadInfo, m);
      return;
    }
    const rounds = await this.deps.rounds.list(plan.agreement.id);
    if (scope.kind === 'round' && !rounds.some((r) => r.id === scope.roundId)) {
      await sendNotice(context, m.problemTitle, m.unknownAction);
      return;
    }
    const file = await this.build(plan, scope, rounds);
    try {
      await upload(uploadInfo.uploadUrl, file.bytes);
    } catch (err) {
      log.warn('export.uploadFailed', describeError(err));
      await sendNotice(context, m.problemTitle, m.export.uploadFailed);
      return;
    }
    log.info('export.uploaded', { scope: scope.kind, reports: file.reports, bytes: file.bytes.length });
    const info: Attachment = {
      contentType: fileInfoType,
      name: uploadInfo.name,
      ...(uploadInfo.contentUrl ? { contentUrl: uploadInfo.contentUrl } : {}),
      content: { uniqueId: uploadInfo.uniqueId, fileType: uploadInfo.fileType ?? 'csv' },
    };
    await context.sendActivity(MessageFactory.attachment(info, m.export.uploaded(uploadInfo.name)));
  }

  /**
   * A coordinator asked for the written follow-up report of a meeting (or of everything up to today): a Word
   * file through the file consent card in their personal chat. Teams lets bots send files only there. Returns
   * what to tell the person where they asked, or nothing when the card itself arrived there.
   */
  async requestFollowUp(
    context: TurnContext,
    plan: Plan,
    meeting: string | undefined,
    locale: Locale,
  ): Promise<string | undefined> {
    const m = messagesFor(locale);
    const scope: FileScope = meeting
      ? { kind: 'followUp', scope: 'meeting', date: meeting }
      : { kind: 'followUp', scope: 'until', date: this.deps.now().toISOString().slice(0, 10) };
    let file: { name: string; bytes: Uint8Array };
    try {
      file = await this.followUpFile(plan, scope);
    } catch (err) {
      if (!(err instanceof FollowUpReportError)) throw err;
      return m.export.followUpUnavailable;
    }
    const consent = MessageFactory.attachment(
      {
        contentType: fileConsentType,
        name: file.name,
        content: {
          description: m.export.followUpDescription,
          sizeInBytes: file.bytes.length,
          acceptContext: scope,
          declineContext: scope,
        },
      },
      m.export.followUpFileText(file.name),
    );
    const delivery = await this.sendConsent(context, consent);
    if (delivery === 'here') return undefined;
    if (delivery === 'personalChat') return m.export.sentToPersonalChat;
    return m.export.followUpNeedsPersonalChat;
  }

  private async followUpFile(plan: Plan, scope: Extract<FileScope, { kind: 'followUp' }>) {
    return buildFollowUpReport(
      {
        plans: this.deps.plans,
        reports: this.deps.reports,
        rounds: this.deps.rounds,
        reviews: this.deps.reviews,
      },
      {
        agreementId: plan.agreement.id,
        scope: { kind: scope.scope, date: scope.date },
        format: 'docx',
        now: this.deps.now(),
        timeZone: this.deps.timeZone,
      },
    );
  }

  private async uploadFollowUp(
    context: TurnContext,
    plan: Plan,
    scope: Extract<FileScope, { kind: 'followUp' }>,
    uploadInfo: UploadInfo,
    m: Messages,
  ): Promise<void> {
    try {
      const file = await this.followUpFile(plan, scope);
      await upload(uploadInfo.uploadUrl, new Uint8Array(file.bytes));
    } catch (err) {
      log.warn('followUp.uploadFailed', describeError(err));
      await sendNotice(context, m.problemTitle, m.export.followUpUploadFailed);
      return;
    }
    const info: Attachment = {
      contentType: fileInfoType,
      name: uploadInfo.name,
      ...(uploadInfo.contentUrl ? { contentUrl: uploadInfo.contentUrl } : {}),
      content: { uniqueId: uploadInfo.uniqueId, fileType: uploadInfo.fileType ?? 'docx' },
    };
    await context.sendActivity(MessageFactory.attachment(info, m.export.uploaded(uploadInfo.name)));
  }

  async declined(context: TurnContext, response: FileConsentCardResponse, locale: Locale): Promise<void> {
    const m = messagesFor(locale);
    const scope = scopeSchema.safeParse(response.context);
    const source =
      scope.success && scope.data.kind === 'offered' ? this.sources.get(scope.data.source) : undefined;
    if (scope.success && scope.data.kind === 'followUp') {
      await sendNotice(context, m.export.followUpTitle, m.export.followUpDeclined);
      return;
    }
    await sendNotice(context, m.export.title, source?.texts(locale).declined ?? m.export.declined);
  }

  /** An offered file accepted: built again by its source from what is stored now, then uploaded. */
  private async uploadOffered(
    context: TurnContext,
    plan: Plan,
    source: FileSource,
    args: Record<string, unknown>,
    uploadInfo: UploadInfo,
    locale: Locale,
  ): Promise<void> {
    const m = messagesFor(locale);
    const file = await source.build(plan, args, locale);
    if ('unavailable' in file) {
      await sendNotice(context, m.problemTitle, file.unavailable);
      return;
    }
    const from = context.activity.from;
    await file.beforeUpload?.({ aadObjectId: from.aadObjectId ?? from.id, name: from.name ?? '' });
    try {
      await upload(uploadInfo.uploadUrl, file.bytes);
    } catch (err) {
      log.warn('offeredFile.uploadFailed', describeError(err));
      await sendNotice(context, m.problemTitle, source.texts(locale).uploadFailed);
      return;
    }
    log.info('offeredFile.uploaded', { bytes: file.bytes.length });
    const info: Attachment = {
      contentType: fileInfoType,
      name: uploadInfo.name,
      ...(uploadInfo.contentUrl ? { contentUrl: uploadInfo.contentUrl } : {}),
      content: { uniqueId: uploadInfo.uniqueId, fileType: uploadInfo.fileType ?? file.fileType },
    };
    await context.sendActivity(MessageFactory.attachment(info, m.export.uploaded(uploadInfo.name)));
  }

  /**
   * Sends a consent card where the person asked if that is their personal chat, otherwise into that chat; Teams
   * lets bots send files nowhere else.
   */
  private async sendConsent(context: TurnContext, consent: Partial<Activity>): Promise<ConsentDelivery> {
    if (context.activity.conversation.conversationType === 'personal') {
      await context.sendActivity(consent);
      return 'here';
    }
    const personId = context.activity.from.aadObjectId;
    const chat = personId ? await this.deps.conversations.get('personal', personId) : undefined;
    if (chat && (await this.sendInPersonalChat(context, chat.reference, consent))) return 'personalChat';
    return 'noPersonalChat';
  }

  private async build(plan: Plan, scope: ExportScope, rounds: readonly CheckInRound[]): Promise<ExportFile> {
    const history = await this.deps.reports.allHistory(plan.agreement.id);
    const reports = reportsInScope(history, scope);
    // The file is in Swedish whatever language the person uses: its columns are.
    const sv = messagesFor('sv');
    const text = reportCsv({
      agreement: plan.agreement,
      reports,
      rounds,
      timeZone: this.deps.timeZone,
      labels: { statuses: sv.statuses, organisations: sv.ownerOrganisation },
    });
    const label = scope.kind === 'round' ? rounds.find((r) => r.id === scope.roundId)?.label : undefined;
    return {
      name: exportFileName(label, this.deps.now(), this.deps.timeZone),
      text,
      bytes: new TextEncoder().encode(text),
      reports: reports.length,
    };
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
            log.warn('export.personalChatFailed', describeError(err));
          }
        },
      );
    } catch (err) {
      log.warn('export.personalChatFailed', describeError(err));
    }
    return sent;
  }

  /** Without a personal chat: the CSV in a code block if it fits in a message, otherwise how to get the file. */
  private async sendAsText(context: TurnContext, file: ExportFile, m: Messages): Promise<void> {
    const csv = file.text.slice(byteOrderMark.length);
    const text = `${m.export.asText(file.reports)}\n\n\`\`\`\n${csv}\`\`\``;
    // A narrative with ``` would end the code block early, so such an export is never sent as text.
    const fits = !csv.includes('```') && Buffer.byteLength(JSON.stringify(text), 'utf8') <= textLimitBytes;
    if (fits) {
      await context.sendActivity(MessageFactory.text(text));
      return;
    }
    await sendNotice(context, m.export.title, m.export.tooLongForMessage(file.reports));
  }
}

function consentCard(file: ExportFile, description: string, scope: ExportScope): Attachment {
  return {
    contentType: fileConsentType,
    name: file.name,
    content: {
      description,
      // What the file holds now; it is built again on accept, so it may grow a little meanwhile.
      sizeInBytes: file.bytes.length,
      acceptContext: scope,
      declineContext: scope,
    },
  };
}

/**
 * The round a person named, by its label as shown on its cards (forgiving case and diacritics), or by its id. Two
 * rounds may share a label (a manual round named like an earlier one); the newest is meant.
 */
function findRound(rounds: readonly CheckInRound[], name: string): CheckInRound | undefined {
  const wanted = normalizeForMatching(name);
  return rounds.filter((r) => normalizeForMatching(r.label) === wanted || r.id === name).at(-1);
}

function unknownRoundText(m: Messages, asked: string, rounds: readonly CheckInRound[]): string {
  if (rounds.length === 0) return m.export.noRounds(asked);
  const labels = [...new Set(rounds.map((r) => r.label))];
  const shown = labels.slice(-roundsListed);
  return m.export.unknownRound(asked, `${shown.length < labels.length ? '…, ' : ''}${shown.join(', ')}`);
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

function isCoordinatorsChannel(plan: Plan, activity: TurnContext['activity']): boolean {
  const channelId = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  const coordinators = plan.agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.id;
  return !!channelId && plan.bindings.some((b) => b.channelId === channelId && b.groupId === coordinators);
}
