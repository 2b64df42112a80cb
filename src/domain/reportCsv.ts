import { DateTime } from 'luxon';
import type { Agreement, OwnerOrganisation } from './agreement.js';
import type { CheckInRound } from './checkInRound.js';
import { sortDecisions, type Decision } from './decision.js';
import { normalizeForMatching } from './wordMatching.js';
import type { MeasureStatus, Report } from './report.js';

/**
 * The reports as a CSV file for Excel in Swedish: UTF-8 with a byte order mark (without it Excel reads the file
 * as Windows-1252 and å, ä, ö break), `;` between fields (Swedish Excel uses `,` as decimal separator), CRLF
 * line ends, and quotes per RFC 4180. The file is in Swedish whatever language the person uses the bot in.
 */

/** Excel reads a file as UTF-8 only when it starts with this. */
export const byteOrderMark = '\uFEFF';

/** How the statuses and organisations are written; the Swedish message catalog is their one source. */
export interface ReportCsvLabels {
  statuses: Record<MeasureStatus, string>;
  organisations: Record<OwnerOrganisation, string>;
}

export interface ReportCsvInput {
  agreement: Pick<Agreement, 'measures' | 'goalAreas'>;
  /** The reports to write, every revision; see `reportsInScope`. */
  reports: readonly Report[];
  /** To name each report's round. */
  rounds: readonly CheckInRound[];
  /** Reporting times are written in this zone (Europe/Stockholm). */
  timeZone: string;
  labels: ReportCsvLabels;
}

/** What to export: every report of the agreement, the reports given in one round, or the decisions. */
export type ExportScope = { kind: 'all' } | { kind: 'round'; roundId: string } | { kind: 'decisions' };

const columns = [
  'Omgång',
  'Insats',
  'Insatsens namn',
  'Målområde',
  'Ansvarig organisation',
  'Läge',
  'Beskrivning',
  'Hinder',
  'Nästa steg',
  'Indikatorvärde',
  'Behöver beslut i styrgruppen',
  'Rapporterad av',
  'Rapporterad',
  'Version',
] as const;

const decisionColumns = [
  'Beslut',
  'Gäller',
  'Ansvarig',
  'Klart senast',
  'Beslutat vid mötet',
  'Läge',
  'Klart',
  'Inskrivet av',
  'Inskrivet',
  'Version',
  'Svar från insatsernas ansvariga',
] as const;

/** A cell is text (quoted and guarded against formulas as needed) or a number (written with a decimal comma). */
type Cell = string | number | undefined;

export function reportsInScope(reports: readonly Report[], scope: ExportScope): Report[] {
  if (scope.kind === 'round') return reports.filter((r) => r.roundId === scope.roundId);
  return [...reports];
}

/** The CSV text, starting with the byte order mark; one row per revision, by measure and then revision. */
export function reportCsv(input: ReportCsvInput): string {
  const { agreement, labels } = input;
  const measures = new Map(agreement.measures.map((m) => [m.id, m]));
  const goalAreas = new Map(agreement.goalAreas.map((g) => [g.number, g]));
  const rounds = new Map(input.rounds.map((r) => [r.id, r]));
  const sorted = [...input.reports].sort(
    (a, b) => compareMeasureIds(a.measureId, b.measureId) || a.revision - b.revision,
  );
  const rows: Cell[][] = sorted.map((report) => {
    const measure = measures.get(report.measureId);
    const goal = measure ? goalAreas.get(measure.goalArea) : undefined;
    return [
      report.roundId ? (rounds.get(report.roundId)?.label ?? report.roundId) : undefined,
      report.measureId,
      measure?.title,
      goal ? `${goal.number}. ${goal.title}` : undefined,
      measure ? labels.organisations[measure.ownerOrganisation] : undefined,
      labels.statuses[report.status],
      report.narrative,
      report.obstacles,
      report.nextStep,
      report.indicatorValue,
      report.needsSteeringDecision ? 'Ja' : 'Nej',
      report.reportedBy.name,
      DateTime.fromISO(report.reportedAt, { zone: 'utc' })
        .setZone(input.timeZone)
        .toFormat('yyyy-MM-dd HH:mm'),
      report.revision,
    ];
  });
  return csvText([[...columns], ...rows]);
}

function csvText(rows: readonly Cell[][]): string {
  return byteOrderMark + rows.map((row) => `${row.map(field).join(';')}\r\n`).join('');
}

export interface DecisionCsvInput {
  /** The decisions as they stand. */
  decisions: readonly Decision[];
  /** The reports, every revision: what the owners answered about each decision on their check-in cards. */
  reports: readonly Report[];
  /** Times are written in this zone (Europe/Stockholm). */
  timeZone: string;
}

/**
 * The steering group's decisions (beslut) as a CSV file of their own, written like the reports' (`exportera
 * beslut`): one row per decision, open ones first, each with what the owners answered about it.
 */
export function decisionCsv(input: DecisionCsvInput): string {
  return csvText([[...decisionColumns], ...decisionRows(input, input.decisions)]);
}

/** One row per decision, open ones first, each with the owners' answers about it, oldest first. */
function decisionRows(input: DecisionCsvInput, decisions: readonly Decision[]): Cell[][] {
  const local = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(input.timeZone).toFormat('yyyy-MM-dd HH:mm');
  const answered = [...input.reports].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
  return sortDecisions(decisions).map((d) => {
    const named = [
      ...d.concerns.goalAreas.map((n) => `målområde ${n}`),
      ...d.concerns.measures.map((id) => `insats ${id}`),
    ];
    const answers = answered.flatMap((r) =>
      (r.decisionFollowUps ?? [])
        .filter((f) => f.decisionId === d.id)
        .map((f) => `${r.measureId}, ${local(r.reportedAt)}, ${r.reportedBy.name}: ${f.answer}`),
    );
    return [
      d.text,
      named.length > 0 ? named.join(', ') : 'hela överenskommelsen',
      d.responsible,
      d.dueDate,
      d.meetingDate,
      d.status === 'done' ? 'Klart' : 'Öppet',
      d.doneAt ? local(d.doneAt) : undefined,
      d.recordedBy.name,
      local(d.recordedAt),
      d.revision,
      answers.length > 0 ? answers.join('\n') : undefined,
    ];
  });
}

/**
 * `samverkan-rapporter-2021-05-20.csv`, `samverkan-rapporter-2021-kvartal-2-2021-05-20.csv` for a round, or
 * `samverkan-beslut-2021-05-20.csv` for the decisions.
 */
export function exportFileName(
  roundLabel: string | undefined,
  now: Date,
  timeZone: string,
  what: 'rapporter' | 'beslut' = 'rapporter',
): string {
  const date = DateTime.fromJSDate(now).setZone(timeZone).toFormat('yyyy-MM-dd');
  const slug = roundLabel
    ? normalizeForMatching(roundLabel)
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 40)
        .replace(/^-+|-+$/g, '')
    : '';
  return `samverkan-${what}-${slug ? `${slug}-` : ''}${date}.csv`;
}

function field(cell: Cell): string {
  if (cell === undefined) return '';
  if (typeof cell === 'number') return decimalComma(cell);
  return quoted(guarded(cell));
}

/**
 * Excel runs a cell that starts with = + - @ (or a tab or CR before one) as a formula, even from a CSV file;
 * a leading apostrophe makes it text. Numbers are written by `decimalComma`, so a negative value stays a number.
 */
function guarded(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with the separator, a quote or a line break is quoted, its quotes doubled. */
function quoted(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** 3.5 → "3,5": Swedish Excel reads a decimal point as text. Never an exponent, which Excel would not read. */
function decimalComma(value: number): string {
  const plain = /e/i.test(String(value))
    ? value.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 17 })
    : String(value);
  return plain.replace('.', ',');
}

/** "1.2" before "1.10": measure numbers compared part by part. */
function compareMeasureIds(a: string, b: string): number {
  const [aGoal = 0, aNumber = 0] = a.split('.').map(Number);
  const [bGoal = 0, bNumber = 0] = b.split('.').map(Number);
  return aGoal - bGoal || aNumber - bNumber || a.localeCompare(b);
}
