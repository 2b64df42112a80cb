import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * The agreement (samverkansöverenskommelse) as written in an agreement file.
 * This schema is the input boundary for agreement files; the types below are derived from it.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s).isValid, 'not a valid calendar date');

const text = (max: number) => z.string().trim().min(1).max(max);

/** A person in Teams, identified by the Entra ID (AAD) object id that Teams sends as `from.aadObjectId`. */
export const teamsUserSchema = z.strictObject({
  aadObjectId: text(100),
  name: text(200),
});
export type TeamsUser = z.infer<typeof teamsUserSchema>;

export const organisationKinds = ['kommun', 'polis'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** Who is responsible for a measure: one of the parties, or both together (gemensam). */
export const ownerOrganisations = ['kommun', 'polis', 'gemensam'] as const;
export type OwnerOrganisation = (typeof ownerOrganisations)[number];

export const partySchema = z.strictObject({
  kind: z.enum(organisationKinds),
  organisation: text(200),
  signatory: z.strictObject({ name: text(200), title: text(200) }),
});
export type Party = z.infer<typeof partySchema>;

/** Målområde. */
export const goalAreaSchema = z.strictObject({
  number: z.int().min(1).max(99),
  title: text(300),
});
export type GoalArea = z.infer<typeof goalAreaSchema>;

export const cadences = ['monthly', 'quarterly', 'beforeSteeringMeeting'] as const;
export type Cadence = (typeof cadences)[number];

export const indicatorSchema = z.strictObject({
  name: text(200),
  unit: text(50),
  baseline: z.number().optional(),
  target: z.number().optional(),
});
export type Indicator = z.infer<typeof indicatorSchema>;

/**
 * A measure's number, also what people type: "1.2" is the second measure of goal area 1. Up to 99 goal areas
 * and 999 measures in one, so that adding measures in Teams never runs out of numbers.
 */
export const measureIdPattern = /^\d{1,2}\.\d{1,3}$/;
export const measureIdSchema = z.string().regex(measureIdPattern, 'expected a measure number such as 1.2');

/** Insats in the action plan (åtgärdsplan). */
export const measureSchema = z.strictObject({
  id: measureIdSchema,
  goalArea: z.int().min(1).max(99),
  title: text(200),
  description: text(2000).optional(),
  ownerOrganisation: z.enum(ownerOrganisations),
  /** The working group (arbetsgrupp) whose channel gets this measure's check-ins; every bound one when absent. */
  workingGroup: z.string().max(40).optional(),
  owners: z.array(teamsUserSchema).min(1).max(60),
  communication: z.strictObject({ communicate: z.boolean(), note: text(1000).optional() }),
  followUp: z.strictObject({
    cadence: z.enum(cadences),
    indicator: indicatorSchema.optional(),
  }),
  /** Avslutad: kept with its reports, but no longer asked about in new rounds. */
  retired: z.boolean().optional(),
});
export type Measure = z.infer<typeof measureSchema>;

export const groupKinds = ['styrgrupp', 'beredningsgrupp', 'arbetsgrupp'] as const;
export type GroupKind = (typeof groupKinds)[number];

/** Styrgrupp, beredningsgrupp or an arbetsgrupp such as EST. Members of the beredningsgrupp are the coordinators. */
export const groupSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lower-case letters, digits and dashes'),
  kind: z.enum(groupKinds),
  name: text(200),
  members: z.array(teamsUserSchema.extend({ organisation: z.enum(organisationKinds) })).max(200),
});
export type Group = z.infer<typeof groupSchema>;

export const steeringMeetingSchema = z.strictObject({
  date: isoDate,
  /** Local Stockholm time, HH:mm. */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm')
    .optional(),
});
export type SteeringMeeting = z.infer<typeof steeringMeetingSchema>;

export const extensionSchema = z.strictObject({
  decidedOn: isoDate,
  validTo: isoDate,
});

/**
 * What kind of agreement: a samverkansöverenskommelse (usually several years, with an action plan), or a
 * medborgarlöfte (a citizen promise, usually for a year, with activities followed up the same way).
 */
export const agreementKinds = ['samverkansöverenskommelse', 'medborgarlöfte'] as const;
export type AgreementKind = (typeof agreementKinds)[number];

/** An agreement's id: also its partitions in storage, so it never changes once used. */
export const agreementIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes');

export const agreementSchema = z
  .strictObject({
    id: agreementIdSchema,
    /** Files written before there were kinds are samverkansöverenskommelser. */
    kind: z.enum(agreementKinds).default('samverkansöverenskommelse'),
    /**
     * The agreement this one follows (the previous period's): it takes over its channel bindings when it starts.
     * Whether that agreement is loaded is checked across files, when a folder is loaded.
     */
    follows: agreementIdSchema.optional(),
    title: text(300),
    parties: z.array(partySchema).length(2),
    signedOn: isoDate,
    signedAt: text(100),
    validFrom: isoDate,
    validTo: isoDate,
    renewal: z.strictObject({
      extensionYears: z.int().min(1).max(10),
      consultationMonthsBeforeExpiry: z.int().min(0).max(24),
    }),
    extensions: z.array(extensionSchema).default([]),
    cooperationArea: text(300),
    longTermGoal: text(1000),
    midTermReview: z.strictObject({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
      questions: z.array(text(500)).min(1).max(10),
    }),
    goalAreas: z.array(goalAreaSchema).min(1).max(20),
    /** Set when the action plan is an example, not the parties' real appendix. */
    actionPlanNote: text(500).optional(),
    measures: z.array(measureSchema).max(500),
    groups: z.array(groupSchema).min(1).max(50),
    steeringMeetings: z.array(steeringMeetingSchema).max(100),
  })
  .superRefine((a, ctx) => {
    if (a.follows === a.id) {
      ctx.addIssue({ code: 'custom', path: ['follows'], message: 'an agreement cannot follow itself' });
    }
    if (a.validTo < a.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
    }
    const goalNumbers = new Set(a.goalAreas.map((g) => g.number));
    a.measures.forEach((m, i) => {
      if (!goalNumbers.has(m.goalArea)) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'goalArea'],
          message: `no goal area number ${m.goalArea}`,
        });
      }
      if (m.workingGroup && !a.groups.some((g) => g.id === m.workingGroup && g.kind === 'arbetsgrupp')) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'workingGroup'],
          message: `no arbetsgrupp with id ${m.workingGroup}`,
        });
      }
      if (!m.id.startsWith(`${m.goalArea}.`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'id'],
          message: `measure ${m.id} must be numbered within goal area ${m.goalArea}`,
        });
      }
    });
    reportDuplicates(
      ctx,
      a.measures.map((m) => m.id),
      'measures',
      'id',
    );
    reportDuplicates(
      ctx,
      a.goalAreas.map((g) => g.number),
      'goalAreas',
      'number',
    );
    reportDuplicates(
      ctx,
      a.groups.map((g) => g.id),
      'groups',
      'id',
    );
    if (new Set(a.parties.map((p) => p.kind)).size !== a.parties.length) {
      ctx.addIssue({ code: 'custom', path: ['parties'], message: 'needs one kommun and one polis party' });
    }
    if (coordinatorsOf(a).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: 'the beredningsgrupp needs at least one coordinator',
      });
    }
    for (const kind of ['styrgrupp', 'beredningsgrupp'] as const) {
      if (a.groups.filter((g) => g.kind === kind).length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups'],
          message: `needs exactly one group of kind ${kind}`,
        });
      }
    }
  });

function reportDuplicates(ctx: z.RefinementCtx, values: unknown[], list: string, field: string): void {
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (seen.has(v)) {
      ctx.addIssue({ code: 'custom', path: [list, i, field], message: `duplicate ${field} ${String(v)}` });
    }
    seen.add(v);
  });
}

export type Agreement = z.infer<typeof agreementSchema>;

/** The coordinators are the members of the preparation group (beredningsgruppen). */
export function coordinatorsOf(agreement: Pick<Agreement, 'groups'>): Group['members'] {
  return agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.members ?? [];
}

export function isCoordinator(agreement: Agreement, aadObjectId: string | undefined): boolean {
  if (!aadObjectId) return false;
  return coordinatorsOf(agreement).some((m) => m.aadObjectId === aadObjectId);
}
