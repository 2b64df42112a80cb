import { z } from 'zod';
import { measureIdSchema } from './agreement.js';
import { measureStatuses, reportInputSchema, type DecisionFollowUp, type ReportInput } from './report.js';

/**
 * A check-in card's submit, as Teams sends it: the card's hidden data plus the form's inputs, all as strings
 * (Adaptive Card inputs arrive as text, toggles as "true"/"false", an empty number as "").
 */
const cardIdentity = z.object({
  roundId: z.string().min(1).max(100),
  measureId: measureIdSchema,
  baseRevision: z.coerce.number().int().min(0).max(1_000_000),
  submitId: z.string().min(8).max(100),
});
export type CheckInCardIdentity = z.infer<typeof cardIdentity>;

/** The fields of the form; errors are reported per field so the card can show them where they belong. */
export type FormField =
  'status' | 'narrative' | 'obstacles' | 'nextStep' | 'indicatorValue' | 'decisionAnswers';
export type FieldProblem = 'required' | 'tooLong' | 'notANumber' | 'unknownStatus';

/** What the person typed, kept as text so an invalid form comes back exactly as they left it. */
export interface CheckInDraft {
  status: string;
  narrative: string;
  obstacles: string;
  nextStep: string;
  indicatorValue: string;
  needsSteeringDecision: boolean;
  /**
   * What the owner wrote about each open steering group decision concerning the measure (beslut), by decision
   * id; the card asks only when there are such decisions.
   */
  decisionAnswers: Record<string, string>;
}

/** The id of a decision's answer field on the check-in card. */
export const decisionAnswerInput = (decisionId: string) => `decision_${decisionId}`;
const decisionAnswerKey = /^decision_([A-Za-z0-9-]{1,60})$/;
/** The card caps an answer at 1,000 characters; twice that is not from our card. */
const decisionAnswerMax = 1000;

export type CheckInSubmission =
  | { kind: 'valid'; card: CheckInCardIdentity; input: ReportInput; draft: CheckInDraft }
  | {
      kind: 'invalidForm';
      card: CheckInCardIdentity;
      problems: Partial<Record<FormField, FieldProblem>>;
      draft: CheckInDraft;
    }
  /** Not from one of our cards at all (tampered or malformed): nothing to show the person but a plain refusal. */
  | { kind: 'malformed' };

const limits: Record<'narrative' | 'obstacles' | 'nextStep', number> = {
  narrative: 2000,
  obstacles: 2000,
  nextStep: 1000,
};

/**
 * The raw inputs. Text far beyond what the card allows is not from our card (which caps its inputs), so it is
 * refused outright rather than shown back in a card Teams could not display.
 */
const submissionSchema = cardIdentity.extend({
  status: z.string().max(100).optional(),
  narrative: z
    .string()
    .max(2 * limits.narrative)
    .optional(),
  obstacles: z
    .string()
    .max(2 * limits.obstacles)
    .optional(),
  nextStep: z
    .string()
    .max(2 * limits.nextStep)
    .optional(),
  indicatorValue: z.union([z.string().max(100), z.number()]).optional(),
  needsSteeringDecision: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});

export function parseCheckInSubmission(data: unknown): CheckInSubmission {
  const parsed = submissionSchema.safeParse(data);
  if (!parsed.success) return { kind: 'malformed' };
  const decisionAnswers = decisionAnswersIn(data);
  if (!decisionAnswers) return { kind: 'malformed' };
  const { roundId, measureId, baseRevision, submitId, ...raw } = parsed.data;
  const card = { roundId, measureId, baseRevision, submitId };
  const draft: CheckInDraft = {
    status: (raw.status ?? '').trim(),
    narrative: raw.narrative ?? '',
    obstacles: raw.obstacles ?? '',
    nextStep: raw.nextStep ?? '',
    indicatorValue: String(raw.indicatorValue ?? '')
      .trim()
      .replace(',', '.'),
    needsSteeringDecision: raw.needsSteeringDecision === true || raw.needsSteeringDecision === 'true',
    decisionAnswers,
  };

  const problems: Partial<Record<FormField, FieldProblem>> = {};
  if (draft.status === '') problems.status = 'required';
  else if (!(measureStatuses as readonly string[]).includes(draft.status)) problems.status = 'unknownStatus';
  if (draft.narrative.trim() === '') problems.narrative = 'required';
  for (const field of ['narrative', 'obstacles', 'nextStep'] as const) {
    if (draft[field].trim().length > limits[field]) problems[field] = 'tooLong';
  }
  if (Object.values(decisionAnswers).some((answer) => answer.trim().length > decisionAnswerMax))
    problems.decisionAnswers = 'tooLong';
  // Swedish users write decimals with a comma.
  const indicator = draft.indicatorValue === '' ? undefined : Number(draft.indicatorValue.replace(',', '.'));
  if (indicator !== undefined && !Number.isFinite(indicator)) problems.indicatorValue = 'notANumber';
  if (Object.keys(problems).length > 0) return { kind: 'invalidForm', card, problems, draft };

  const input = reportInputSchema.parse({
    status: draft.status,
    narrative: draft.narrative,
    ...(draft.obstacles.trim() ? { obstacles: draft.obstacles } : {}),
    ...(draft.nextStep.trim() ? { nextStep: draft.nextStep } : {}),
    ...(indicator !== undefined ? { indicatorValue: indicator } : {}),
    needsSteeringDecision: draft.needsSteeringDecision,
  });
  return { kind: 'valid', card, input, draft };
}

/** The answers about decisions in a submit, by decision id; undefined when one is not text or far too long. */
function decisionAnswersIn(data: unknown): Record<string, string> | undefined {
  const answers: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return answers;
  for (const [key, value] of Object.entries(data)) {
    const id = decisionAnswerKey.exec(key)?.[1];
    if (!id) continue;
    if (typeof value !== 'string' || value.length > 2 * decisionAnswerMax) return undefined;
    answers[id] = value;
  }
  return answers;
}

/** The answers worth keeping with a report: the non-empty ones, each with the decision's text as asked. */
export function decisionFollowUpsOf(
  answers: Readonly<Record<string, string>>,
  asked: ReadonlyArray<{ id: string; text: string }>,
): DecisionFollowUp[] {
  return asked
    .map((d) => ({ decisionId: d.id, decision: d.text, answer: (answers[d.id] ?? '').trim() }))
    .filter((f) => f.answer !== '');
}

/** The draft a form starts from: the person's last report, or empty. */
export function draftFrom(
  report: (Partial<ReportInput> & { decisionFollowUps?: DecisionFollowUp[] }) | undefined,
): CheckInDraft {
  return {
    decisionAnswers: Object.fromEntries(
      (report?.decisionFollowUps ?? []).map((f) => [f.decisionId, f.answer]),
    ),
    status: report?.status ?? '',
    narrative: report?.narrative ?? '',
    obstacles: report?.obstacles ?? '',
    nextStep: report?.nextStep ?? '',
    indicatorValue: report?.indicatorValue === undefined ? '' : String(report.indicatorValue),
    needsSteeringDecision: report?.needsSteeringDecision ?? false,
  };
}
