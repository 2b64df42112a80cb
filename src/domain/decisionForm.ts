import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Agreement } from './agreement.js';
import { decisionLimits, type Decision, type DecisionConcerns } from './decision.js';

/**
 * The decision form's submit (cards/decisionForm.json), as Teams sends it: the card's hidden data plus the inputs,
 * all as text. A multi-select ChoiceSet sends its values joined with commas; an empty Input.Date sends "".
 */

export type DecisionFormMode = 'record' | 'change';

const cardIdentity = z.object({
  mode: z.enum(['record', 'change']),
  meetingDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Made anew for every form shown: a double click or a retried request carries the same id (the decision's). */
  submitId: z.string().regex(/^[A-Za-z0-9-]{8,60}$/),
  decisionId: z
    .string()
    .regex(/^[A-Za-z0-9-]{0,60}$/)
    .default(''),
  /** The revision the person saw (change); 0 when recording. */
  revision: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type DecisionFormIdentity = z.infer<typeof cardIdentity>;

/** Text far beyond what the card allows is not from our card (which caps its inputs): refused outright. */
const submissionSchema = cardIdentity.extend({
  text: z
    .string()
    .max(2 * decisionLimits.text)
    .optional(),
  concerns: z.string().max(20_000).optional(),
  responsible: z
    .string()
    .max(2 * decisionLimits.responsible)
    .optional(),
  dueDate: z.string().max(100).optional(),
});

export type DecisionField = 'text' | 'concerns' | 'responsible' | 'dueDate';
export type DecisionProblem = 'required' | 'tooLong' | 'badDate' | 'unknownChoice';

/** What the person filled in, kept as text so that an invalid form comes back as they left it. */
export interface DecisionDraft {
  text: string;
  /** Choice values: `goal:1`, `measure:1.2`. */
  concerns: string[];
  responsible: string;
  dueDate: string;
}

export interface DecisionFields {
  text: string;
  concerns: DecisionConcerns;
  responsible: string;
  dueDate?: string;
}

export type DecisionSubmission =
  | { kind: 'valid'; card: DecisionFormIdentity; fields: DecisionFields; draft: DecisionDraft }
  | {
      kind: 'invalid';
      card: DecisionFormIdentity;
      problems: Partial<Record<DecisionField, DecisionProblem>>;
      draft: DecisionDraft;
    }
  | { kind: 'malformed' };

/** The choice value of a goal area or a measure, as the form lists them. */
export const concernValue = {
  goalArea: (number: number) => `goal:${number}`,
  measure: (id: string) => `measure:${id}`,
};

export function parseDecisionSubmission(
  data: unknown,
  agreement: Pick<Agreement, 'goalAreas' | 'measures'>,
): DecisionSubmission {
  const parsed = submissionSchema.safeParse(data);
  if (!parsed.success) return { kind: 'malformed' };
  const { mode, meetingDate, submitId, decisionId, revision, ...raw } = parsed.data;
  const card = { mode, meetingDate, submitId, decisionId, revision };
  if (!DateTime.fromISO(meetingDate).isValid) return { kind: 'malformed' };
  if (mode === 'change' && (decisionId === '' || revision < 1)) return { kind: 'malformed' };
  const draft: DecisionDraft = {
    text: raw.text ?? '',
    concerns: (raw.concerns ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== ''),
    responsible: raw.responsible ?? '',
    dueDate: (raw.dueDate ?? '').trim(),
  };

  const problems: Partial<Record<DecisionField, DecisionProblem>> = {};
  const text = draft.text.trim();
  const responsible = draft.responsible.trim();
  if (text === '') problems.text = 'required';
  else if (text.length > decisionLimits.text) problems.text = 'tooLong';
  if (responsible === '') problems.responsible = 'required';
  else if (responsible.length > decisionLimits.responsible) problems.responsible = 'tooLong';
  if (draft.dueDate !== '' && !isIsoDate(draft.dueDate)) problems.dueDate = 'badDate';
  const concerns = concernsOf(draft.concerns, agreement);
  if (!concerns) problems.concerns = 'unknownChoice';
  if (Object.keys(problems).length > 0 || !concerns) return { kind: 'invalid', card, problems, draft };

  const fields: DecisionFields = {
    text,
    concerns,
    responsible,
    ...(draft.dueDate !== '' ? { dueDate: draft.dueDate } : {}),
  };
  return { kind: 'valid', card, fields, draft };
}

/** The draft a change starts from: the decision as it stands; an empty form for a new one. */
export function decisionDraftOf(decision: Decision | undefined): DecisionDraft {
  return {
    text: decision?.text ?? '',
    concerns: decision
      ? [
          ...decision.concerns.goalAreas.map(concernValue.goalArea),
          ...decision.concerns.measures.map(concernValue.measure),
        ]
      : [],
    responsible: decision?.responsible ?? '',
    dueDate: decision?.dueDate ?? '',
  };
}

/** The choice values read back into goal areas and measures of the plan; undefined if any is not in it. */
function concernsOf(
  values: readonly string[],
  agreement: Pick<Agreement, 'goalAreas' | 'measures'>,
): DecisionConcerns | undefined {
  const goalAreas: number[] = [];
  const measures: string[] = [];
  for (const value of new Set(values)) {
    const goal = /^goal:(\d{1,2})$/.exec(value);
    const measure = /^measure:(\d{1,2}\.\d{1,3})$/.exec(value);
    if (goal && agreement.goalAreas.some((g) => g.number === Number(goal[1])))
      goalAreas.push(Number(goal[1]));
    else if (measure && agreement.measures.some((m) => m.id === measure[1])) measures.push(measure[1] ?? '');
    else return undefined;
  }
  return { goalAreas: goalAreas.sort((a, b) => a - b), measures };
}

function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text).isValid;
}
