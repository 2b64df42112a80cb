import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { FileProblemsError, formatPath } from './agreementFile.js';
import { measureIdSchema, type Agreement } from '../domain/agreement.js';
import type { CheckInRound } from '../domain/checkInRound.js';
import { measureStatuses, type Report } from '../domain/report.js';

/**
 * An example history (`<agreement>.history.yaml` beside an agreement file): rounds and reports given before the
 * bot was started, so that a newcomer's first status, summary and report show something. See agreements/README.md.
 */

/** A history file that cannot be read, is not YAML, does not match the schema or does not fit its agreement. */
export class ExampleHistoryFileError extends FileProblemsError {
  override readonly name = 'ExampleHistoryFileError';

  constructor(fileName: string, problems: readonly string[], options?: ErrorOptions) {
    super('Example history file', fileName, problems, options);
  }
}

const utcTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/,
    'expected a UTC time such as 2021-01-07T08:40:00Z',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a valid time');

const text = (max: number) => z.string().trim().min(1).max(max);

const historyReportSchema = z.strictObject({
  measureId: measureIdSchema,
  /** The name of one of the measure's owners in the agreement file. */
  reportedBy: text(200),
  reportedAt: utcTime,
  status: z.enum(measureStatuses),
  indicatorValue: z.number().finite().optional(),
  needsSteeringDecision: z.boolean().default(false),
  narrative: text(2000).startsWith('Exempel: ', 'must start with "Exempel: "'),
  obstacles: text(2000).optional(),
  nextStep: text(1000).optional(),
});

const historyRoundSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'expected lower-case letters, digits and dashes'),
  label: text(200).endsWith(' (exempel)', 'must end with " (exempel)"'),
  trigger: z.enum(['manual', 'monthly', 'quarterly', 'steeringMeeting']),
  measureIds: z.array(measureIdSchema).min(1).max(500),
  openedAt: utcTime,
  closedAt: utcTime,
  reports: z.array(historyReportSchema).max(500).default([]),
});

export const exampleHistoryFileSchema = z
  .strictObject({
    agreementId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes'),
    rounds: z.array(historyRoundSchema).max(200),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.rounds.forEach((round, i) => {
      if (ids.has(round.id))
        ctx.addIssue({ code: 'custom', path: ['rounds', i, 'id'], message: `${round.id} is used twice` });
      ids.add(round.id);
      if (Date.parse(round.closedAt) < Date.parse(round.openedAt))
        ctx.addIssue({
          code: 'custom',
          path: ['rounds', i, 'closedAt'],
          message: 'must not be before openedAt',
        });
      round.reports.forEach((report, j) => {
        const path = ['rounds', i, 'reports', j];
        if (!round.measureIds.includes(report.measureId))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'measureId'],
            message: `${report.measureId} is not one of the round's measureIds`,
          });
        if (Date.parse(report.reportedAt) < Date.parse(round.openedAt))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'reportedAt'],
            message: "must not be before the round's openedAt",
          });
      });
    });
  });
export type ExampleHistoryFile = z.infer<typeof exampleHistoryFileSchema>;

/** What the history file holds, as the bot stores it: closed rounds and reports numbered per measure. */
export interface ExampleHistory {
  fileName: string;
  agreementId: string;
  rounds: CheckInRound[];
  /** Oldest first per measure; revision 1, 2, 3 … in time order. */
  reports: Report[];
}

/** `agreements/example.yaml` → `agreements/example.history.yaml`. */
export function exampleHistoryFileFor(agreementFile: string): string {
  const extension = extname(agreementFile);
  return join(dirname(agreementFile), `${basename(agreementFile, extension)}.history.yaml`);
}

export type ExampleHistoryLookup =
  | { kind: 'none' }
  | { kind: 'otherAgreement'; fileName: string; agreementId: string }
  | { kind: 'found'; history: ExampleHistory };

/**
 * The example history beside an agreement file: none when there is no such file, `otherAgreement` when it names
 * another agreement than the one loaded. Throws ExampleHistoryFileError when the file is broken or does not fit
 * the agreement (unknown measure, a reporter who is not an owner).
 */
export async function findExampleHistory(
  agreementFile: string,
  agreement: Agreement,
): Promise<ExampleHistoryLookup> {
  const fileName = exampleHistoryFileFor(agreementFile);
  let source: string;
  try {
    source = await readFile(fileName, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExampleHistoryFileError(fileName, [`cannot read the file: ${reason}`], { cause: error });
  }
  const file = parseExampleHistoryFile(source, fileName);
  if (file.agreementId !== agreement.id)
    return { kind: 'otherAgreement', fileName, agreementId: file.agreementId };
  return { kind: 'found', history: exampleHistoryOf(file, fileName, agreement) };
}

/** Parses and validates the text of a history file; `fileName` is only used in error messages. */
export function parseExampleHistoryFile(source: string, fileName: string): ExampleHistoryFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ExampleHistoryFileError(
      fileName,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return `line ${line}, column ${col}: ${e.message}`;
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExampleHistoryFileError(fileName, [reason], { cause: error });
  }
  const result = exampleHistoryFileSchema.safeParse(data);
  if (!result.success) {
    throw new ExampleHistoryFileError(
      fileName,
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * The rounds and reports of a history file for its agreement: every measure must be in the agreement and every
 * reporter one of the measure's owners (by name). Revisions are numbered per measure in time order.
 */
export function exampleHistoryOf(
  file: ExampleHistoryFile,
  fileName: string,
  agreement: Agreement,
): ExampleHistory {
  const measures = new Map(agreement.measures.map((m) => [m.id, m]));
  const problems: string[] = [];
  const rounds: CheckInRound[] = [];
  const unnumbered: Array<Omit<Report, 'revision'>> = [];
  file.rounds.forEach((round, i) => {
    round.measureIds.forEach((id, k) => {
      if (!measures.has(id))
        problems.push(`rounds[${i}].measureIds[${k}]: no measure ${id} in the agreement`);
    });
    rounds.push({
      id: round.id,
      agreementId: agreement.id,
      label: round.label,
      trigger: round.trigger,
      measureIds: round.measureIds,
      openedAt: utc(round.openedAt),
      status: 'closed',
      closedAt: utc(round.closedAt),
    });
    round.reports.forEach((report, j) => {
      const owner = measures.get(report.measureId)?.owners.find((o) => o.name === report.reportedBy);
      if (!owner) {
        if (measures.has(report.measureId))
          problems.push(
            `rounds[${i}].reports[${j}].reportedBy: ${report.reportedBy} is not an owner of ${report.measureId}`,
          );
        return;
      }
      const { reportedBy: _name, reportedAt, ...fields } = report;
      unnumbered.push({
        ...fields,
        agreementId: agreement.id,
        roundId: round.id,
        reportedBy: { aadObjectId: owner.aadObjectId, name: owner.name },
        reportedAt: utc(reportedAt),
      });
    });
  });
  if (problems.length > 0) throw new ExampleHistoryFileError(fileName, problems);

  // A stable sort keeps the file's order for reports given at the same moment.
  const sorted = [...unnumbered].sort(
    (a, b) => a.measureId.localeCompare(b.measureId) || a.reportedAt.localeCompare(b.reportedAt),
  );
  const revisions = new Map<string, number>();
  const reports = sorted.map((report): Report => {
    const revision = (revisions.get(report.measureId) ?? 0) + 1;
    revisions.set(report.measureId, revision);
    return { ...report, revision };
  });
  return { fileName, agreementId: agreement.id, rounds, reports };
}

/** Stored times look like the bot's own: `2021-01-07T08:40:00.000Z`. */
const utc = (time: string) => new Date(time).toISOString();
