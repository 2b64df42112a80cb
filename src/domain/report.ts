import { z } from 'zod';

/** How a measure stands in a period; the six statuses the coordinators follow up on. */
export const measureStatuses = ['notStarted', 'onTrack', 'atRisk', 'delayed', 'done', 'cancelled'] as const;
export type MeasureStatus = (typeof measureStatuses)[number];

/**
 * What a measure owner reports (rapport). Text limits keep every entity far inside Azure Tables' 64 KiB per
 * property and 1 MiB per entity.
 */
export const reportInputSchema = z.strictObject({
  status: z.enum(measureStatuses),
  narrative: z.string().trim().min(1).max(2000),
  obstacles: z.string().trim().max(2000).optional(),
  nextStep: z.string().trim().max(1000).optional(),
  indicatorValue: z.number().finite().optional(),
  needsSteeringDecision: z.boolean().default(false),
});
export type ReportInput = z.infer<typeof reportInputSchema>;

/** An owner's answer on a check-in card to how a steering group decision concerning the measure is going. */
export interface DecisionFollowUp {
  decisionId: string;
  /** The decision's text when it was asked about, so the history reads the same if the decision changes later. */
  decision: string;
  answer: string;
}

export interface Report extends ReportInput {
  /** Answers about the open decisions concerning the measure (beslut), when the card asked about any. */
  decisionFollowUps?: DecisionFollowUp[];
  agreementId: string;
  measureId: string;
  /** The check-in round the report answers, if it was given in one. */
  roundId?: string;
  /** The id of the card submit that produced it: a double click or a retried request carries the same id. */
  submitId?: string;
  /** 1 for the first report on a measure; every later edit adds one. */
  revision: number;
  reportedBy: { aadObjectId: string; name: string };
  /** UTC ISO time. */
  reportedAt: string;
}
