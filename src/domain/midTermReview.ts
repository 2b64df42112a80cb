import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Agreement, OrganisationKind } from './agreement.js';
import { organisationKinds } from './agreement.js';

/**
 * Halvtidsuppföljning: at half of the agreement's period the preparation group and the working groups answer the
 * agreement's three questions, per organisation, and the answers are compiled for the steering group.
 */

/** The month half-way through the original period; December 2021 for 2021-01-01 … 2022-12-31. */
export function midTermMonth(agreement: Pick<Agreement, 'validFrom' | 'validTo'>): string {
  const from = DateTime.fromISO(agreement.validFrom, { zone: 'utc' });
  const to = DateTime.fromISO(agreement.validTo, { zone: 'utc' }).endOf('day');
  const middle = from.plus({ milliseconds: to.diff(from).toMillis() / 2 });
  return middle.toFormat('yyyy-LL');
}

export interface ReviewAnswer {
  agreementId: string;
  organisation: OrganisationKind;
  /** One answer per question of `agreement.midTermReview.questions`, in order. */
  answers: string[];
  answeredBy: { aadObjectId: string; name: string };
  /** UTC ISO. */
  answeredAt: string;
}

/** A review card's submit: the organisation and one text per question, as Teams sends them. */
export function parseReviewSubmission(data: unknown, questions: number) {
  const shape = z.object({
    organisation: z.enum(organisationKinds),
    ...Object.fromEntries(
      Array.from({ length: questions }, (_, i) => [`answer${i + 1}`, z.string().trim().max(4000)]),
    ),
  });
  const parsed = shape.safeParse(data);
  if (!parsed.success) return undefined;
  const values = parsed.data as Record<string, string> & { organisation: OrganisationKind };
  const answers = Array.from({ length: questions }, (_, i) => values[`answer${i + 1}`] ?? '');
  if (answers.every((a) => a === '')) return undefined;
  return { organisation: values.organisation, answers };
}

/** The newest answer of each person, grouped per question and organisation. */
export function compileReview(
  questions: readonly string[],
  answers: readonly ReviewAnswer[],
): Array<{
  question: string;
  byOrganisation: Record<OrganisationKind, Array<{ name: string; answer: string }>>;
}> {
  const newest = new Map<string, ReviewAnswer>();
  for (const answer of answers) {
    const known = newest.get(answer.answeredBy.aadObjectId);
    if (!known || answer.answeredAt > known.answeredAt) newest.set(answer.answeredBy.aadObjectId, answer);
  }
  return questions.map((question, i) => {
    const byOrganisation: Record<OrganisationKind, Array<{ name: string; answer: string }>> = {
      kommun: [],
      polis: [],
    };
    for (const answer of newest.values()) {
      const text = answer.answers[i] ?? '';
      if (text) byOrganisation[answer.organisation].push({ name: answer.answeredBy.name, answer: text });
    }
    return { question, byOrganisation };
  });
}
