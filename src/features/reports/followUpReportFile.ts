import type { Agreement } from '../../domain/agreement.js';
import {
  followUpReport,
  type FollowUpReportLabels,
  type ReportReviewAnswer,
  type ReportScope,
} from '../../domain/followUpReport.js';
import { messagesFor } from '../shared/messages.js';
import type { DecisionRepository } from '../../storage/decisionRepository.js';
import type { PlanRepository } from '../../storage/planRepository.js';
import type { ReportRepository } from '../../storage/reportRepository.js';
import type { ReviewRepository } from '../../storage/reviewRepository.js';
import type { RoundRepository } from '../../storage/roundRepository.js';
import { markdownReport } from './markdownReport.js';

export const reportFormats = ['docx', 'md'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export interface FollowUpReportSources {
  plans: PlanRepository;
  reports: ReportRepository;
  rounds: RoundRepository;
  /** The mid-term review's answers; without it the report's review section shows the questions only. */
  reviews?: ReviewRepository;
  /** The steering group's decisions (beslut); without it the report's decisions section says there are none. */
  decisions?: DecisionRepository;
}

export interface FollowUpReportRequest {
  agreementId: string;
  scope: ReportScope;
  format: ReportFormat;
  now: Date;
  /** Europe/Stockholm: the zone every time in the report is written in. */
  timeZone: string;
  /** Answers to show instead of the stored ones (`sources.reviews`). */
  reviewAnswers?: readonly ReportReviewAnswer[];
  /**
   * Used when storage holds no plan for the agreement yet (the bot has never started against it), so a report
   * can still be made from the agreement file; it then has no reports.
   */
  fallbackAgreement?: Agreement;
}

/** Why no report could be made; `message` is one line for a person. */
export type FollowUpReportProblem =
  | { kind: 'unknownMeeting'; date: string; planned: string[] }
  | { kind: 'beforeAgreement'; date: string; validFrom: string }
  | { kind: 'noPlan'; agreementId: string };

export class FollowUpReportError extends Error {
  override name = 'FollowUpReportError';
  constructor(readonly problem: FollowUpReportProblem) {
    super(describeProblem(problem));
  }
}

/** The Swedish words for statuses and organisations, from the bot's Swedish catalog (their one source). */
export function swedishLabels(): FollowUpReportLabels {
  const sv = messagesFor('sv');
  return { statuses: sv.statuses, organisations: sv.ownerOrganisation };
}

/**
 * The written follow-up report as a file, read from storage as it is now: `.docx` for Word or `.md`. What the
 * command line writes to disk and what Teams offers through the file consent card.
 *
 * @throws FollowUpReportError when the meeting is not planned, the date is before the agreement, or there is no plan.
 */
export async function buildFollowUpReport(
  sources: FollowUpReportSources,
  request: FollowUpReportRequest,
): Promise<{ name: string; bytes: Uint8Array }> {
  const { agreementId } = request;
  const [stored, history, rounds, reviewSubmissions, decisions] = await Promise.all([
    sources.plans.load(agreementId),
    sources.reports.allHistory(agreementId),
    sources.rounds.list(agreementId),
    sources.reviews && !request.reviewAnswers ? sources.reviews.list(agreementId) : [],
    sources.decisions ? sources.decisions.allRevisions(agreementId) : [],
  ]);
  const plan =
    stored ??
    (request.fallbackAgreement ? { agreement: request.fallbackAgreement, bindings: [] } : undefined);
  if (!plan) throw new FollowUpReportError({ kind: 'noPlan', agreementId });

  const result = followUpReport({
    plan,
    history,
    rounds,
    scope: request.scope,
    now: request.now,
    timeZone: request.timeZone,
    labels: swedishLabels(),
    ...(request.reviewAnswers ? { reviewAnswers: request.reviewAnswers } : {}),
    reviewSubmissions,
    decisions,
  });
  if (result.kind !== 'report') throw new FollowUpReportError(result);
  const { report } = result;
  switch (request.format) {
    case 'docx': {
      // Loaded when first asked for: the docx library is large, and the bot seldom writes a report.
      const { docxReport } = await import('./docxReport.js');
      return { name: `${report.fileBaseName}.docx`, bytes: await docxReport(report) };
    }
    case 'md':
      return { name: `${report.fileBaseName}.md`, bytes: new TextEncoder().encode(markdownReport(report)) };
  }
}

function describeProblem(problem: FollowUpReportProblem): string {
  switch (problem.kind) {
    case 'unknownMeeting':
      return problem.planned.length > 0
        ? `No steering meeting is planned on ${problem.date}; the planned ones are ${problem.planned.join(', ')}.`
        : `No steering meeting is planned on ${problem.date}; none is planned at all.`;
    case 'beforeAgreement':
      return `${problem.date} is before the agreement starts (${problem.validFrom}).`;
    case 'noPlan':
      return `No agreement ${problem.agreementId} is stored.`;
  }
}
