import { z } from 'zod';
import {
  cadences,
  measureSchema,
  measureIdSchema,
  ownerOrganisations,
  type Agreement,
  type Measure,
  type TeamsUser,
} from './agreement.js';

/**
 * A coordinator's add or edit of a measure from the measure card. Inputs arrive as text (a people picker gives
 * comma-separated Entra object ids); the card's hidden data says which measure and which stored version the
 * form started from.
 */
const text = (max: number) =>
  z
    .string()
    .max(max * 2)
    .optional();

const submitSchema = z.object({
  mode: z.enum(['add', 'edit']),
  measureId: measureIdSchema.optional(),
  /** The stored version the form was opened on (an ETag); absent when adding. */
  version: z.string().max(200).optional(),
  /** The values the form was opened with, to tell what this person changed from what someone else did. */
  base: z.string().max(20_000).optional(),
  title: text(200),
  description: text(2000),
  goalArea: text(2),
  ownerOrganisation: text(20),
  workingGroup: text(40),
  owners: text(5000),
  cadence: text(40),
  indicatorName: text(200),
  indicatorUnit: text(50),
  indicatorBaseline: text(30),
  indicatorTarget: text(30),
  communicate: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  communicationNote: text(1000),
});

/** The form's fields as a person edits them; what an invalid form is given back with. */
export interface MeasureDraft {
  title: string;
  description: string;
  goalArea: string;
  ownerOrganisation: string;
  workingGroup: string;
  /** Comma-separated Entra object ids, as the people picker gives them. */
  owners: string;
  cadence: string;
  indicatorName: string;
  indicatorUnit: string;
  indicatorBaseline: string;
  indicatorTarget: string;
  communicate: boolean;
  communicationNote: string;
}
export type MeasureField = keyof MeasureDraft;
export type MeasureProblem = 'required' | 'tooLong' | 'notANumber' | 'unknownChoice' | 'tooManyOwners';

export type MeasureSubmission =
  | { kind: 'malformed' }
  | {
      kind: 'invalid' | 'valid';
      mode: 'add' | 'edit';
      measureId?: string;
      version?: string;
      base?: MeasureDraft;
      draft: MeasureDraft;
      problems: Partial<Record<MeasureField, MeasureProblem>>;
    };

const limits: Partial<Record<MeasureField, number>> = {
  title: 200,
  description: 2000,
  indicatorName: 200,
  indicatorUnit: 50,
  communicationNote: 1000,
};

export function parseMeasureSubmission(data: unknown, agreement: Agreement): MeasureSubmission {
  // Cards fill absent hidden values with empty text.
  const cleaned =
    typeof data === 'object' && data !== null
      ? Object.fromEntries(Object.entries(data).filter(([, value]) => value !== ''))
      : data;
  const parsed = submitSchema.safeParse(cleaned);
  if (!parsed.success) return { kind: 'malformed' };
  const raw = parsed.data;
  if (raw.mode === 'edit' && !raw.measureId) return { kind: 'malformed' };
  const draft: MeasureDraft = {
    title: (raw.title ?? '').trim(),
    description: (raw.description ?? '').trim(),
    goalArea: (raw.goalArea ?? '').trim(),
    ownerOrganisation: (raw.ownerOrganisation ?? '').trim(),
    workingGroup: (raw.workingGroup ?? '').trim(),
    owners: ownerIds(raw.owners ?? '').join(','),
    cadence: (raw.cadence ?? '').trim(),
    indicatorName: (raw.indicatorName ?? '').trim(),
    indicatorUnit: (raw.indicatorUnit ?? '').trim(),
    indicatorBaseline: (raw.indicatorBaseline ?? '').trim(),
    indicatorTarget: (raw.indicatorTarget ?? '').trim(),
    communicate: raw.communicate === true || raw.communicate === 'true',
    communicationNote: (raw.communicationNote ?? '').trim(),
  };
  const base = raw.base ? parseBase(raw.base) : undefined;

  const problems: Partial<Record<MeasureField, MeasureProblem>> = {};
  for (const field of ['title', 'goalArea', 'ownerOrganisation', 'owners', 'cadence'] as const) {
    if (draft[field] === '') problems[field] = 'required';
  }
  for (const [field, max] of Object.entries(limits) as Array<[MeasureField, number]>) {
    if (String(draft[field]).length > max) problems[field] = 'tooLong';
  }
  if (draft.goalArea && !agreement.goalAreas.some((g) => String(g.number) === draft.goalArea)) {
    problems.goalArea = 'unknownChoice';
  }
  if (
    draft.ownerOrganisation &&
    !(ownerOrganisations as readonly string[]).includes(draft.ownerOrganisation)
  ) {
    problems.ownerOrganisation = 'unknownChoice';
  }
  if (draft.cadence && !(cadences as readonly string[]).includes(draft.cadence))
    problems.cadence = 'unknownChoice';
  const workingGroups = agreement.groups.filter((g) => g.kind === 'arbetsgrupp').map((g) => g.id);
  if (draft.workingGroup && !workingGroups.includes(draft.workingGroup))
    problems.workingGroup = 'unknownChoice';
  if (ownerIds(draft.owners).some((id) => !isPersonId(id, agreement))) problems.owners = 'unknownChoice';
  if (ownerIds(draft.owners).length > 60) problems.owners = 'tooManyOwners';
  for (const field of ['indicatorBaseline', 'indicatorTarget'] as const) {
    if (draft[field] !== '' && !Number.isFinite(Number(draft[field].replace(',', '.'))))
      problems[field] = 'notANumber';
  }
  if (draft.indicatorName !== '' && draft.indicatorUnit === '') problems.indicatorUnit = 'required';
  if (draft.indicatorUnit !== '' && draft.indicatorName === '') problems.indicatorName = 'required';

  return {
    kind: Object.keys(problems).length > 0 ? 'invalid' : 'valid',
    mode: raw.mode,
    ...(raw.measureId ? { measureId: raw.measureId } : {}),
    ...(raw.version ? { version: raw.version } : {}),
    ...(base ? { base } : {}),
    draft,
    problems,
  };
}

/** The draft a form starts from. */
export function draftOf(measure: Measure | undefined): MeasureDraft {
  const indicator = measure?.followUp.indicator;
  return {
    title: measure?.title ?? '',
    description: measure?.description ?? '',
    goalArea: measure ? String(measure.goalArea) : '',
    ownerOrganisation: measure?.ownerOrganisation ?? '',
    workingGroup: measure?.workingGroup ?? '',
    owners: measure?.owners.map((o) => o.aadObjectId).join(',') ?? '',
    cadence: measure?.followUp.cadence ?? '',
    indicatorName: indicator?.name ?? '',
    indicatorUnit: indicator?.unit ?? '',
    indicatorBaseline: indicator?.baseline === undefined ? '' : String(indicator.baseline),
    indicatorTarget: indicator?.target === undefined ? '' : String(indicator.target),
    communicate: measure?.communication.communicate ?? false,
    communicationNote: measure?.communication.note ?? '',
  };
}

/**
 * Someone else saved the measure since this person opened it. Each field keeps what this person changed, and
 * otherwise what the other saved; fields both changed differently are clashes for the person to decide.
 */
export function mergeDrafts(
  base: MeasureDraft,
  mine: MeasureDraft,
  theirs: MeasureDraft,
): { merged: MeasureDraft; clashes: MeasureField[] } {
  const merged = { ...theirs };
  const clashes: MeasureField[] = [];
  for (const field of Object.keys(base) as MeasureField[]) {
    const iChanged = mine[field] !== base[field];
    if (!iChanged) continue;
    const theyChanged = theirs[field] !== base[field];
    if (theyChanged && theirs[field] !== mine[field]) clashes.push(field);
    (merged as Record<MeasureField, unknown>)[field] = mine[field];
  }
  return { merged, clashes };
}

/** The measure a valid draft describes; `people` gives names to the owners' ids. */
export function measureFrom(
  id: string,
  draft: MeasureDraft,
  people: ReadonlyMap<string, TeamsUser>,
  retired?: boolean,
): Measure {
  const number = (value: string) => (value === '' ? undefined : Number(value.replace(',', '.')));
  const baseline = number(draft.indicatorBaseline);
  const target = number(draft.indicatorTarget);
  return measureSchema.parse({
    id,
    goalArea: Number(draft.goalArea),
    title: draft.title,
    ...(draft.description ? { description: draft.description } : {}),
    ownerOrganisation: draft.ownerOrganisation,
    ...(draft.workingGroup ? { workingGroup: draft.workingGroup } : {}),
    owners: ownerIds(draft.owners).map(
      (aadObjectId) => people.get(aadObjectId) ?? { aadObjectId, name: aadObjectId },
    ),
    communication: {
      communicate: draft.communicate,
      ...(draft.communicationNote ? { note: draft.communicationNote } : {}),
    },
    followUp: {
      cadence: draft.cadence,
      ...(draft.indicatorName
        ? {
            indicator: {
              name: draft.indicatorName,
              unit: draft.indicatorUnit,
              ...(baseline !== undefined ? { baseline } : {}),
              ...(target !== undefined ? { target } : {}),
            },
          }
        : {}),
    },
    ...(retired ? { retired } : {}),
  });
}

/** The next free number in a goal area: after 2.3 comes 2.4. */
export function nextMeasureId(measures: readonly Measure[], goalArea: number): string {
  const used = measures.filter((m) => m.goalArea === goalArea).map((m) => Number(m.id.split('.')[1]));
  return `${goalArea}.${Math.max(0, ...used) + 1}`;
}

/** What Teams' people picker gives: an Entra object id. */
const entraObjectId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An owner is someone the picker can give, or someone the agreement already names (its file may use other ids, as
 * the example's Playground users do). Anything else comes from a tampered card, and could not even be stored.
 */
function isPersonId(id: string, agreement: Agreement): boolean {
  if (entraObjectId.test(id)) return true;
  return (
    agreement.measures.some((m) => m.owners.some((o) => o.aadObjectId === id)) ||
    agreement.groups.some((g) => g.members.some((p) => p.aadObjectId === id))
  );
}

export function ownerIds(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

function parseBase(json: string): MeasureDraft | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    const shape = z.object({
      title: z.string(),
      description: z.string(),
      goalArea: z.string(),
      ownerOrganisation: z.string(),
      workingGroup: z.string(),
      owners: z.string(),
      cadence: z.string(),
      indicatorName: z.string(),
      indicatorUnit: z.string(),
      indicatorBaseline: z.string(),
      indicatorTarget: z.string(),
      communicate: z.boolean(),
      communicationNote: z.string(),
    });
    const parsed = shape.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
