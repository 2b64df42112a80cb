import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { z } from 'zod';
import type { CheckInRound } from '../../domain/checkInRound.js';
import { normalizeForMatching } from '../../domain/wordMatching.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import {
  byteOrderMark,
  decisionCsv,
  exportFileName,
  reportCsv,
  reportsInScope,
  type ExportScope,
} from '../../domain/reportCsv.js';
import { describeError, log } from '../../platform/log.js';
import { buildFollowUpReport, FollowUpReportError } from './followUpReportFile.js';
import { renderCard } from '../shared/cards.js';
import type { FileSource, OfferedFile } from '../fileOffer.js';
import { messagesFor, type Messages } from '../shared/messages.js';
import type { Turn } from '../turn.js';
import { noticeView } from '../shared/views.js';

export type ReportExportDependencies = Pick<AgreementContext, 'agreementId' | 'timeZone' | 'now'> &
  Pick<Repositories, 'plans' | 'reports' | 'rounds' | 'reviews' | 'decisions'>;

/**
 * Teams refuses a message over about 28 KB (the whole activity as JSON); the CSV as text gets 20 KB of it, counted
 * as JSON (every line break and quote escaped), so the rest of the activity fits.
 */
const textLimitBytes = 20 * 1024;
/** An unknown round's answer lists the newest rounds, not every round since the agreement began. */
const roundsListed = 20;

/** What the consent card for the reports carries back: the round, the decisions, or nothing for every report. */
const exportArgsSchema = z.strictObject({
  roundId: z.string().min(1).max(200).optional(),
  what: z.literal('decisions').optional(),
});

/** `exportera beslut` / `export decisions`: the steering group's decisions instead of the reports. */
const decisionsWords = new Set(['beslut', 'decisions']);

/** What the consent card for the written follow-up report carries back: a meeting's date, or up to a date. */
const followUpArgsSchema = z.strictObject({
  scope: z.enum(['meeting', 'until']),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
type FollowUpArgs = z.infer<typeof followUpArgsSchema>;

interface ExportFile {
  name: string;
  /** The CSV text, byte order mark first. */
  text: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Rows below the header: one per report revision, or one per decision. */
  reports: number;
  decisions: boolean;
}

/** `export` and `rapport`: the reports as a CSV file and the written follow-up report, offered as files. */
export class ReportExport {
  constructor(private readonly deps: ReportExportDependencies) {}

  /** The files this feature offers, by the names their consent cards carry; built again on accept. */
  fileSources(): { export: FileSource; followUp: FileSource } {
    return {
      export: {
        action: 'exportReports',
        texts: (locale) => {
          const m = messagesFor(locale);
          return {
            title: m.export.title,
            notAllowed: m.exportOnlyCoordinators,
            declined: m.export.declined,
            uploadFailed: m.export.uploadFailed,
          };
        },
        build: async (plan, args, locale) => {
          const m = messagesFor(locale);
          const parsed = exportArgsSchema.safeParse(args);
          if (!parsed.success) return { unavailable: m.unknownAction };
          const rounds = await this.deps.rounds.list(plan.agreement.id);
          const { roundId, what } = parsed.data;
          if (roundId !== undefined && !rounds.some((r) => r.id === roundId))
            return { unavailable: m.unknownAction };
          const scope: ExportScope =
            what === 'decisions'
              ? { kind: 'decisions' }
              : roundId !== undefined
                ? { kind: 'round', roundId }
                : { kind: 'all' };
          return this.offeredExport(await this.build(plan, scope, rounds), '', m);
        },
      },
      followUp: {
        action: 'exportReports',
        texts: (locale) => {
          const m = messagesFor(locale);
          return {
            title: m.export.followUpTitle,
            notAllowed: m.exportOnlyCoordinators,
            declined: m.export.followUpDeclined,
            uploadFailed: m.export.followUpUploadFailed,
          };
        },
        build: async (plan, args, locale) => {
          const m = messagesFor(locale);
          const parsed = followUpArgsSchema.safeParse(args);
          if (!parsed.success) return { unavailable: m.unknownAction };
          try {
            return this.offeredFollowUp(await this.followUpFile(plan, parsed.data), m);
          } catch (err) {
            log.warn('followUp.buildFailed', describeError(err));
            return { unavailable: m.export.followUpUploadFailed };
          }
        },
      },
    };
  }

  /**
   * A coordinator asked for the reports (the bot checked the role). The file goes to their personal chat with
   * the bot, as Teams lets bots send files only there; without one, the reports come as text where they asked.
   */
  async request(turn: Turn, plan: Plan, roundName: string | undefined, locale: Locale): Promise<void> {
    const m = messagesFor(locale);
    const rounds = await this.deps.rounds.list(plan.agreement.id);
    if (roundName !== undefined && decisionsWords.has(normalizeForMatching(roundName))) {
      await this.requestDecisions(turn, plan, rounds, m);
      return;
    }
    let round: CheckInRound | undefined;
    if (roundName !== undefined) {
      round = findRound(rounds, roundName);
      if (!round) {
        await turn.reply(notice(m.problemTitle, unknownRoundText(m, roundName, rounds)));
        return;
      }
    }
    const scope: ExportScope = round ? { kind: 'round', roundId: round.id } : { kind: 'all' };
    const file = await this.build(plan, scope, rounds);
    if (file.reports === 0) {
      await turn.reply(
        notice(m.export.title, round ? m.export.noReportsInRound(round.label) : m.export.noReports),
      );
      return;
    }
    const description = round
      ? m.export.roundDescription(round.label, file.reports)
      : m.export.allDescription(file.reports);
    const delivery = await turn.offerFile({
      source: 'export',
      args: round ? { roundId: round.id } : {},
      file: this.offeredExport(file, description, m),
    });
    if (delivery === 'here') return;
    if (delivery === 'personalChat') {
      await turn.reply(notice(m.export.title, m.export.sentToPersonalChat));
      return;
    }
    if (!isCoordinatorsChannel(plan, turn.place.channelId)) {
      // Reports carry what police and municipal staff wrote; as text they go only where the coordinators are.
      await turn.reply(notice(m.export.title, m.export.onlyInCoordinatorsChannel(file.reports)));
      return;
    }
    await this.sendAsText(turn, file, m);
  }

  /** The decisions as a CSV file: only as a file in the personal chat, as they name people and tasks. */
  private async requestDecisions(
    turn: Turn,
    plan: Plan,
    rounds: readonly CheckInRound[],
    m: Messages,
  ): Promise<void> {
    const file = await this.build(plan, { kind: 'decisions' }, rounds);
    if (file.reports === 0) {
      await turn.reply(notice(m.export.decisionsTitle, m.export.noDecisions));
      return;
    }
    const delivery = await turn.offerFile({
      source: 'export',
      args: { what: 'decisions' },
      file: this.offeredExport(file, m.export.decisionsDescription(file.reports), m),
    });
    if (delivery === 'here') return;
    await turn.reply(
      notice(
        m.export.decisionsTitle,
        delivery === 'personalChat' ? m.export.sentToPersonalChat : m.export.decisionsNeedPersonalChat,
      ),
    );
  }

  /**
   * A coordinator asked for the written follow-up report of a meeting (or of everything up to today): a Word
   * file through the file consent card in their personal chat. Teams lets bots send files only there. Returns
   * what to tell the person where they asked, or nothing when the card itself arrived there.
   */
  async requestFollowUp(
    turn: Turn,
    plan: Plan,
    meeting: string | undefined,
    locale: Locale,
  ): Promise<string | undefined> {
    const m = messagesFor(locale);
    const args: FollowUpArgs = meeting
      ? { scope: 'meeting', date: meeting }
      : { scope: 'until', date: this.deps.now().toISOString().slice(0, 10) };
    let file: { name: string; bytes: Uint8Array };
    try {
      file = await this.followUpFile(plan, args);
    } catch (err) {
      if (!(err instanceof FollowUpReportError)) throw err;
      return m.export.followUpUnavailable;
    }
    const delivery = await turn.offerFile({ source: 'followUp', args, file: this.offeredFollowUp(file, m) });
    if (delivery === 'here') return undefined;
    if (delivery === 'personalChat') return m.export.sentToPersonalChat;
    return m.export.followUpNeedsPersonalChat;
  }

  private offeredExport(file: ExportFile, description: string, m: Messages): OfferedFile {
    const text = file.decisions ? m.export.decisionsFileText : m.export.fileText;
    return { name: file.name, bytes: file.bytes, fileType: 'csv', description, text };
  }

  private offeredFollowUp(file: { name: string; bytes: Uint8Array }, m: Messages): OfferedFile {
    return {
      name: file.name,
      bytes: new Uint8Array(file.bytes),
      fileType: 'docx',
      description: m.export.followUpDescription,
      text: m.export.followUpFileText(file.name),
    };
  }

  private async followUpFile(plan: Plan, args: FollowUpArgs) {
    return buildFollowUpReport(
      {
        plans: this.deps.plans,
        reports: this.deps.reports,
        rounds: this.deps.rounds,
        reviews: this.deps.reviews,
        decisions: this.deps.decisions,
      },
      {
        agreementId: plan.agreement.id,
        scope: { kind: args.scope, date: args.date },
        format: 'docx',
        now: this.deps.now(),
        timeZone: this.deps.timeZone,
      },
    );
  }

  private async build(plan: Plan, scope: ExportScope, rounds: readonly CheckInRound[]): Promise<ExportFile> {
    const now = this.deps.now();
    const history = await this.deps.reports.allHistory(plan.agreement.id);
    if (scope.kind === 'decisions') {
      const decisions = await this.deps.decisions.list(plan.agreement.id);
      const text = decisionCsv({ decisions, reports: history, timeZone: this.deps.timeZone });
      return {
        name: exportFileName(undefined, now, this.deps.timeZone, 'beslut'),
        text,
        bytes: new TextEncoder().encode(text),
        reports: decisions.length,
        decisions: true,
      };
    }
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
      name: exportFileName(label, now, this.deps.timeZone),
      text,
      bytes: new TextEncoder().encode(text),
      reports: reports.length,
      decisions: false,
    };
  }

  /** Without a personal chat: the CSV in a code block if it fits in a message, otherwise how to get the file. */
  private async sendAsText(turn: Turn, file: ExportFile, m: Messages): Promise<void> {
    const csv = file.text.slice(byteOrderMark.length);
    const text = `${m.export.asText(file.reports)}\n\n\`\`\`\n${csv}\`\`\``;
    // A narrative with ``` would end the code block early, so such an export is never sent as text.
    const fits = !csv.includes('```') && Buffer.byteLength(JSON.stringify(text), 'utf8') <= textLimitBytes;
    if (fits) {
      await turn.replyText(text);
      return;
    }
    await turn.reply(notice(m.export.title, m.export.tooLongForMessage(file.reports)));
  }
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

function notice(title: string, text: string) {
  return renderCard('notice', noticeView(title, text));
}

function isCoordinatorsChannel(plan: Plan, channelId: string | undefined): boolean {
  const coordinators = plan.agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.id;
  return !!channelId && plan.bindings.some((b) => b.channelId === channelId && b.groupId === coordinators);
}
