import { indicatorSeries } from './indicatorSeries.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  organisationKinds,
  type AgreementKind,
  type Measure,
  type OrganisationKind,
  type SteeringMeeting,
} from './agreement.js';
import type { CheckInRound } from './checkInRound.js';
import { isOverdue, sortDecisions, type Decision } from './decision.js';
import { compileReview, type ReviewAnswer as ReviewSubmission } from './midTermReview.js';
import type { Plan } from './plan.js';
import type { MeasureStatus, Report } from './report.js';
import type { ReportCsvLabels } from './reportCsv.js';
import { statusOverview, trafficLight, type MeasureOverview, type TrafficLight } from './statusOverview.js';

/**
 * Skriftlig uppföljning: the written follow-up report the steering group (styrgruppen) sends to both
 * organisations, for one steering meeting or for the whole agreement up to a date. The agreement's parties are
 * Swedish authorities, so the report is in Swedish whatever language people use the bot in; this file builds
 * its content, `src/features/reports/` lays it out as Word and Markdown.
 */

/** For a planned steering meeting, or for everything up to and including a date. Dates are YYYY-MM-DD. */
export type ReportScope = { kind: 'meeting'; date: string } | { kind: 'until'; date: string };

/**
 * One answer to one question of the mid-term review (halvtidsuppföljning), as the report shows it. The review's
 * own submits (`ReviewAnswer` in midTermReview.ts: every question at once) are turned into these.
 */
export const reportReviewAnswerSchema = z.strictObject({
  question: z.string().trim().min(1).max(500),
  organisation: z.enum(organisationKinds),
  answer: z.string().trim().min(1).max(5000),
  answeredBy: z.string().trim().min(1).max(200),
});
export type ReportReviewAnswer = z.infer<typeof reportReviewAnswerSchema>;

/** The words for statuses and organisations; the Swedish message catalog is their one source. */
export type FollowUpReportLabels = ReportCsvLabels;

export interface FollowUpReportInput {
  plan: Plan;
  /** Every revision of every measure's report; what was reported after the report's moment is left out. */
  history: readonly Report[];
  rounds: readonly CheckInRound[];
  scope: ReportScope;
  now: Date;
  /** Every time in the report is written in this zone (Europe/Stockholm); meeting times are read in it. */
  timeZone: string;
  labels: FollowUpReportLabels;
  /** The review's answers to show; when absent, they are compiled from `reviewSubmissions`. */
  reviewAnswers?: readonly ReportReviewAnswer[];
  /**
   * The review's submits as stored. Those given before the report's moment count, the newest of each person, so
   * a report made again later says what was answered by then.
   */
  reviewSubmissions?: readonly ReviewSubmission[];
  /**
   * The steering group's decisions (beslut), every revision or only the current ones: each decision is shown as
   * its newest revision made before the report's moment, so a report made again later says what stood then.
   */
  decisions?: readonly Decision[];
}

export type FollowUpReportResult =
  | { kind: 'report'; report: FollowUpReport }
  /** No steering meeting is planned that day; `planned` are the days that are, in order. */
  | { kind: 'unknownMeeting'; date: string; planned: string[] }
  /** The date is before the agreement starts, so there is nothing to report on. */
  | { kind: 'beforeAgreement'; date: string; validFrom: string };

/** Section headings and fixed phrases of the report, shared by the Word and the Markdown layout. */
export const reportText = {
  author: 'Samverkansbot',
  agreementHeading: 'Överenskommelsen',
  /** The agreement as the title of an "until" report names it, by its kind. */
  theAgreement: {
    samverkansöverenskommelse: 'samverkansöverenskommelsen',
    medborgarlöfte: 'medborgarlöftet',
  } satisfies Record<AgreementKind, string>,
  parties: 'Parter',
  signed: 'Undertecknad',
  period: 'Giltighetstid',
  extensions: 'Förlängningar',
  noExtensions: 'Inga',
  renewal: 'Villkor för förlängning',
  cooperationArea: 'Samverkansområde',
  longTermGoal: 'Långsiktigt mål',
  goalAreasHeading: 'Målområden',
  measuresHeading: 'Insatser per målområde',
  goalArea: (n: number, title: string) => `Målområde ${n}: ${title}`,
  measureColumns: [
    'Insats',
    'Trafikljus',
    'Läge',
    'Ansvarig organisation',
    'Ansvariga',
    'Senast rapporterad',
  ],
  noMeasures: 'Inga insatser i målområdet.',
  previously: (status: string) => `Tidigare: ${status}`,
  firstReport: 'Ny sedan föregående omgång',
  retired: '(avslutad)',
  indicatorsHeading: 'Indikatorer',
  indicatorsIntro:
    'Indikatorernas värden per uppföljningsomgång, som de rapporterats av insatsernas ansvariga. Ett streck betyder att inget värde rapporterades i omgången.',
  indicatorsChartNote: 'Word-versionen av rapporten visar dessutom värdena som diagram.',
  indicatorColumns: ['Omgång', 'Datum', 'Värde'],
  indicatorTitle: (id: string, name: string, unit: string) => `${id} ${name} (${unit})`,
  noIndicators: 'Ingen insats har någon indikator.',
  noIndicatorValues: 'Inga värden rapporterade ännu.',
  latestValue: (value: string, round: string, date: string) => `Senaste värde ${value} (${round}, ${date})`,
  outsideRound: 'Utanför omgång',
  valueSeries: 'Värde',
  baselineSeries: 'Utgångsvärde',
  targetSeries: 'Målvärde',
  risksHeading: 'Risker och hinder',
  noRisks: 'Inga insatser rapporterar risk för försening, försening eller hinder.',
  decisionsHeading: 'Önskemål om beslut i styrgruppen',
  noDecisions: 'Ingen insats ber om beslut i styrgruppen.',
  steeringDecisionsHeading: 'Beslut',
  steeringDecisionsIntro:
    'Styrgruppens beslut som de skrivits in av samordnarna, de öppna först, och vad insatsernas ansvariga senast svarat om dem.',
  noSteeringDecisions: 'Inga beslut från styrgruppen är inskrivna.',
  steeringDecisionColumns: ['Beslut', 'Gäller', 'Ansvarig', 'Klart senast', 'Beslutat', 'Läge'],
  decisionStatus: { open: 'Öppet', overdue: 'Försenat', done: (date: string) => `Klart ${date}` },
  wholeAgreement: 'Hela överenskommelsen',
  decisionConcerns: (goalAreas: readonly number[], measures: readonly string[]) =>
    [...goalAreas.map((n) => `målområde ${n}`), ...measures.map((id) => `insats ${id}`)].join(', '),
  decisionFollowUp: (measureId: string, date: string, name: string, answer: string) =>
    `${measureId}, ${date}, ${name}: ${answer}`,
  obstacles: 'Hinder',
  nextStep: 'Nästa steg',
  narrative: 'Läget',
  missingHeading: (round: string) => `Rapporter som saknas i omgången ${round}`,
  reviewHeading: (month: string) => `Halvtidsuppföljning (${month})`,
  reviewUpcoming: (month: string) =>
    `Halvtidsuppföljningen görs i ${month}. Beredningsgruppen och arbetsgrupperna besvarar då frågorna nedan.`,
  reviewNoAnswers: 'Inga svar har lämnats ännu.',
  reviewNoAnswer: 'Inget svar ännu.',
  reviewOtherQuestions: 'Svar på andra frågor',
  historyHeading: 'Bilaga: Rapporthistorik',
  historyIntro: (zone: string) =>
    `Varje version av varje rapport fram till rapportens tidpunkt, äldst först. Tiderna är ${
      zone === 'Europe/Stockholm' ? 'svensk tid' : `i tidszonen ${zone}`
    }.`,
  historyColumns: ['Datum', 'Insats', 'Version', 'Läge', 'Rapporterad av', 'Beskrivning'],
  noHistory: 'Inga rapporter ännu.',
  noReport: 'Ingen rapport',
  lights: { green: 'Grön', yellow: 'Gul', red: 'Röd', grey: 'Grå' } satisfies Record<TrafficLight, string>,
} as const;

export interface FollowUpReport {
  /** `skriftlig-uppfoljning-styrgruppen-2021-06-10`, without an extension. */
  fileBaseName: string;
  title: string;
  /** The agreement's title. */
  subtitle: string;
  /** "Läget enligt rapporter lämnade före 10 juni 2021 kl. 13:00." */
  asOfText: string;
  /** "Upprättad 20 maj 2021 kl. 10:30 av Samverkansbot." */
  generatedText: string;
  /** UTC ISO: reports given before this moment are in the report. */
  asOf: string;
  /** The example note of the action plan, when it is one. */
  exampleNote?: string;
  header: ReportHeader;
  goalAreas: GoalAreaSection[];
  indicators: IndicatorSection[];
  risks: RiskItem[];
  decisions: DecisionItem[];
  /** Beslut: the steering group's decisions as they stood at the report's moment, open ones first. */
  steeringDecisions: SteeringDecisionItem[];
  missing?: { roundLabel: string; measures: Array<{ id: string; title: string; owners: string }> };
  review: ReviewSection;
  history: HistoryRow[];
  /** The zone the history's times are in. */
  timeZone: string;
}

export interface ReportHeader {
  parties: Array<{ kind: OrganisationKind; organisation: string; signatory: string }>;
  /** "2020-12-14 i Upplands Väsby". */
  signed: string;
  /** From the start to the end date as extended, "2021-01-01 – 2022-12-31". */
  period: string;
  /** "Förlängd 2022-05-20 till 2024-12-31", oldest first. */
  extensions: string[];
  renewal: string;
  cooperationArea: string;
  longTermGoal: string;
}

export interface GoalAreaSection {
  number: number;
  title: string;
  light: TrafficLight;
  lightText: string;
  /** "Pågår enligt plan: 2 · Ingen rapport: 1", statuses with no measure left out. */
  countsText: string;
  measures: MeasureRow[];
}

export interface MeasureRow {
  id: string;
  title: string;
  retired: boolean;
  light: TrafficLight;
  lightText: string;
  status?: MeasureStatus;
  statusText: string;
  /** How the status moved since the previous round, when it did. */
  changeText?: string;
  ownerOrganisation: string;
  owners: string;
  /** "2021-05-04 09:15, Alex Wilber", or empty. */
  lastReported: string;
}

export interface IndicatorSection {
  measureId: string;
  title: string;
  unit: string;
  baseline?: number;
  target?: number;
  /** "Utgångsvärde 140 · Målvärde 110 · Senaste värde 125 (2021 kvartal 2)". */
  summary: string;
  points: IndicatorPoint[];
}

export interface IndicatorPoint {
  label: string;
  /** YYYY-MM-DD, local. */
  date: string;
  value?: number;
  valueText: string;
}

export interface RiskItem {
  measureId: string;
  title: string;
  statusText: string;
  narrative: string;
  obstacles?: string;
  nextStep?: string;
  reported: string;
}

export type DecisionItem = RiskItem;

/** A decision of the steering group (beslut) as the report shows it. */
export interface SteeringDecisionItem {
  text: string;
  /** "målområde 1, insats 1.2", or "Hela överenskommelsen". */
  concerns: string;
  responsible: string;
  dueDate: string;
  meetingDate: string;
  /** "Öppet", "Försenat" or "Klart 2021-12-01". */
  statusText: string;
  overdue: boolean;
  /** The owners' latest answer per measure on how the decision is going: "1.2, 2021-12-10 09:15, Patti: …". */
  followUps: string[];
}

export interface ReviewSection {
  heading: string;
  /** Set when there is nothing to show yet: the review is still to come, or no one has answered. */
  note?: string;
  questions: Array<{ question: string; answers: ReviewAnswerView[] }>;
  /** Answers to questions that are not the agreement's, kept so that nothing given is lost. */
  otherQuestions: Array<{ question: string; answers: ReviewAnswerView[] }>;
}

export interface ReviewAnswerView {
  organisation: string;
  answeredBy: string;
  answer: string;
}

export interface HistoryRow {
  /** UTC ISO. */
  reportedAt: string;
  /** YYYY-MM-DD HH:mm in the report's zone. */
  date: string;
  measureId: string;
  measureTitle: string;
  revision: number;
  roundLabel?: string;
  statusText: string;
  reportedBy: string;
  narrative: string;
}

/**
 * The written report as of its moment: for a meeting, the meeting's start (its day's start when it has no time);
 * for a date, the end of that day; and never later than `now`. Reports given later and rounds opened later are
 * left out, and a round closed later counts as still open, so a report made again afterwards says what was
 * known at the meeting.
 */
export function followUpReport(input: FollowUpReportInput): FollowUpReportResult {
  const { plan, scope, timeZone, labels } = input;
  const agreement = plan.agreement;
  const moment = momentOf(input);
  if (moment.kind !== 'ok') return moment;
  const asOf = DateTime.min(moment.cutoff, DateTime.fromJSDate(input.now).setZone(timeZone));
  const asOfMs = asOf.toMillis();

  const history = input.history.filter(
    (r) => r.agreementId === agreement.id && Date.parse(r.reportedAt) < asOfMs,
  );
  const rounds = input.rounds
    .filter((r) => r.agreementId === agreement.id && Date.parse(r.openedAt) < asOfMs)
    .map((r) => asOpenAt(r, asOfMs));
  const overview = statusOverview(plan, history, rounds, asOf.toJSDate());
  const measures = new Map(agreement.measures.map((m) => [m.id, m]));
  const position = new Map(agreement.measures.map((m, i) => [m.id, i]));
  const roundLabels = new Map(input.rounds.map((r) => [r.id, r.label]));
  const stamp = (r: Report) => `${shortDateTime(r.reportedAt, timeZone)}, ${r.reportedBy.name}`;
  const allMeasures = overview.goalAreas.flatMap((g) => g.measures);

  const report: FollowUpReport = {
    fileBaseName:
      scope.kind === 'meeting'
        ? `skriftlig-uppfoljning-styrgruppen-${scope.date}`
        : `skriftlig-uppfoljning-till-och-med-${scope.date}`,
    title:
      scope.kind === 'meeting'
        ? `Skriftlig uppföljning inför styrgruppens möte ${meetingText(moment.meeting, timeZone)}`
        : `Skriftlig uppföljning av ${reportText.theAgreement[agreement.kind]} till och med ${longDate(scope.date, timeZone)}`,
    subtitle: agreement.title,
    asOfText:
      scope.kind === 'until' && asOf.equals(moment.cutoff)
        ? `Läget enligt rapporter lämnade till och med ${longDate(scope.date, timeZone)}.`
        : `Läget enligt rapporter lämnade före ${longDateTime(asOf)}.`,
    generatedText: `Upprättad ${longDateTime(DateTime.fromJSDate(input.now).setZone(timeZone))} av ${reportText.author}.`,
    asOf: asOf.toUTC().toISO() ?? input.now.toISOString(),
    ...(agreement.actionPlanNote ? { exampleNote: agreement.actionPlanNote } : {}),
    header: headerOf(plan),
    goalAreas: overview.goalAreas.map((g) => ({
      number: g.goalArea.number,
      title: g.goalArea.title,
      light: g.light,
      lightText: reportText.lights[g.light],
      countsText: countsText(g.counts, labels),
      measures: g.measures.map((m) => measureRow(m, labels, stamp)),
    })),
    indicators: agreement.measures.flatMap((m) => indicatorOf(m, history, rounds, timeZone)),
    risks: allMeasures
      .filter(({ latest }) => latest && (isRisk(latest.status) || latest.obstacles))
      .map((m) => itemOf(m, labels, stamp)),
    decisions: allMeasures.filter((m) => m.needsDecision).map((m) => itemOf(m, labels, stamp)),
    steeringDecisions: steeringDecisionsOf(input.decisions ?? [], history, asOf, timeZone),
    ...(overview.openRound && overview.missing.length > 0
      ? {
          missing: {
            roundLabel: overview.openRound.label,
            measures: overview.missing.map((m) => ({ id: m.id, title: m.title, owners: ownerNames(m) })),
          },
        }
      : {}),
    review: reviewOf(input, asOf, input.reviewAnswers ?? answersFrom(input, asOfMs)),
    history: [...history]
      .sort(
        (a, b) =>
          Date.parse(a.reportedAt) - Date.parse(b.reportedAt) ||
          (position.get(a.measureId) ?? Infinity) - (position.get(b.measureId) ?? Infinity) ||
          a.revision - b.revision,
      )
      .map((r) => ({
        reportedAt: r.reportedAt,
        date: shortDateTime(r.reportedAt, timeZone),
        measureId: r.measureId,
        measureTitle: measures.get(r.measureId)?.title ?? '',
        revision: r.revision,
        ...(r.roundId ? { roundLabel: roundLabels.get(r.roundId) ?? r.roundId } : {}),
        statusText: labels.statuses[r.status],
        reportedBy: r.reportedBy.name,
        narrative: r.narrative,
      })),
    timeZone,
  };
  return { kind: 'report', report };
}

/**
 * Each decision's newest revision made before `asOf`, open ones first (earliest date first), with the owners'
 * latest answer about it per measure from the reports before `asOf`.
 */
function steeringDecisionsOf(
  decisions: readonly Decision[],
  history: readonly Report[],
  asOf: DateTime,
  timeZone: string,
): SteeringDecisionItem[] {
  const asOfMs = asOf.toMillis();
  const today = asOf.setZone(timeZone).toISODate() ?? '';
  const newest = new Map<string, Decision>();
  for (const d of decisions) {
    if (Date.parse(d.changedAt ?? d.recordedAt) >= asOfMs) continue;
    const known = newest.get(d.id);
    if (!known || d.revision > known.revision) newest.set(d.id, d);
  }
  return sortDecisions([...newest.values()]).map((d) => {
    const overdue = isOverdue(d, today);
    const doneOn = d.doneAt
      ? (DateTime.fromISO(d.doneAt, { zone: 'utc' }).setZone(timeZone).toISODate() ?? '')
      : '';
    const latestAnswer = new Map<string, Report>();
    for (const r of history) {
      if (!r.decisionFollowUps?.some((f) => f.decisionId === d.id)) continue;
      const known = latestAnswer.get(r.measureId);
      if (!known || r.reportedAt > known.reportedAt) latestAnswer.set(r.measureId, r);
    }
    const followUps = [...latestAnswer.values()]
      .sort((a, b) => a.measureId.localeCompare(b.measureId, 'sv', { numeric: true }))
      .map((r) =>
        reportText.decisionFollowUp(
          r.measureId,
          shortDateTime(r.reportedAt, timeZone),
          r.reportedBy.name,
          r.decisionFollowUps?.find((f) => f.decisionId === d.id)?.answer ?? '',
        ),
      );
    const named = d.concerns.goalAreas.length + d.concerns.measures.length > 0;
    return {
      text: d.text,
      concerns: named
        ? reportText.decisionConcerns(d.concerns.goalAreas, d.concerns.measures)
        : reportText.wholeAgreement,
      responsible: d.responsible,
      dueDate: d.dueDate ?? '',
      meetingDate: d.meetingDate,
      statusText:
        d.status === 'done'
          ? reportText.decisionStatus.done(doneOn)
          : overdue
            ? reportText.decisionStatus.overdue
            : reportText.decisionStatus.open,
      overdue,
      followUps,
    };
  });
}

/** 3.5 → "3,5", the Swedish way; never an exponent. */
export function formatNumber(value: number): string {
  const plain = /e/i.test(String(value))
    ? value.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 17 })
    : String(value);
  return plain.replace('.', ',');
}

type Moment =
  | { kind: 'ok'; cutoff: DateTime; meeting?: SteeringMeeting }
  | Exclude<FollowUpReportResult, { kind: 'report' }>;

function momentOf(input: FollowUpReportInput): Moment {
  const { scope, timeZone } = input;
  const agreement = input.plan.agreement;
  if (scope.kind === 'until') {
    if (scope.date < agreement.validFrom) {
      return { kind: 'beforeAgreement', date: scope.date, validFrom: agreement.validFrom };
    }
    return { kind: 'ok', cutoff: DateTime.fromISO(scope.date, { zone: timeZone }).plus({ days: 1 }) };
  }
  const meeting = agreement.steeringMeetings.find((m) => m.date === scope.date);
  if (!meeting) {
    const planned = agreement.steeringMeetings.map((m) => m.date).sort();
    return { kind: 'unknownMeeting', date: scope.date, planned };
  }
  // Without a time, anything reported on the meeting day may have come after the meeting.
  const cutoff = DateTime.fromISO(meeting.time ? `${meeting.date}T${meeting.time}` : meeting.date, {
    zone: timeZone,
  });
  return { kind: 'ok', cutoff, meeting };
}

/** A round closed after the report's moment was still open at it. */
function asOpenAt(round: CheckInRound, asOfMs: number): CheckInRound {
  if (round.status !== 'closed' || !round.closedAt || Date.parse(round.closedAt) < asOfMs) return round;
  const open: CheckInRound = { ...round, status: 'open' };
  delete open.closedAt;
  return open;
}

function headerOf(plan: Plan): ReportHeader {
  const a = plan.agreement;
  const extensions = [...a.extensions].sort((x, y) => x.decidedOn.localeCompare(y.decidedOn));
  // An extension may be recorded with or without moving validTo itself; the later date is the end either way.
  const validTo = [a.validTo, ...extensions.map((e) => e.validTo)].sort().at(-1) ?? a.validTo;
  const years = a.renewal.extensionYears;
  const months = a.renewal.consultationMonthsBeforeExpiry;
  return {
    parties: a.parties.map((p) => ({
      kind: p.kind,
      organisation: p.organisation,
      signatory: `${p.signatory.name}, ${p.signatory.title}`,
    })),
    signed: `${a.signedOn} i ${a.signedAt}`,
    period: `${a.validFrom} – ${validTo}`,
    extensions: extensions.map((e) => `Förlängd ${e.decidedOn} till ${e.validTo}`),
    renewal:
      `Kan förlängas med ${years} år i taget efter samråd` +
      (months > 0 ? `, senast ${months} månader före giltighetstidens utgång.` : '.'),
    cooperationArea: a.cooperationArea,
    longTermGoal: a.longTermGoal,
  };
}

function measureRow(
  m: MeasureOverview,
  labels: FollowUpReportLabels,
  stamp: (r: Report) => string,
): MeasureRow {
  const { measure, latest, previous } = m;
  const light = trafficLight([latest?.status]);
  let changeText: string | undefined;
  if (m.changed) {
    changeText = previous ? reportText.previously(labels.statuses[previous.status]) : reportText.firstReport;
  }
  return {
    id: measure.id,
    title: measure.title,
    retired: measure.retired === true,
    light,
    lightText: reportText.lights[light],
    ...(latest ? { status: latest.status } : {}),
    statusText: latest ? labels.statuses[latest.status] : reportText.noReport,
    ...(changeText ? { changeText } : {}),
    ownerOrganisation: labels.organisations[measure.ownerOrganisation],
    owners: ownerNames(measure),
    lastReported: latest ? stamp(latest) : '',
  };
}

function itemOf(m: MeasureOverview, labels: FollowUpReportLabels, stamp: (r: Report) => string): RiskItem {
  const { measure, latest } = m;
  return {
    measureId: measure.id,
    title: measure.title,
    statusText: latest ? labels.statuses[latest.status] : reportText.noReport,
    narrative: latest?.narrative ?? '',
    ...(latest?.obstacles ? { obstacles: latest.obstacles } : {}),
    ...(latest?.nextStep ? { nextStep: latest.nextStep } : {}),
    reported: latest ? stamp(latest) : '',
  };
}

function isRisk(status: MeasureStatus): boolean {
  return status === 'atRisk' || status === 'delayed';
}

function countsText(
  counts: Record<MeasureStatus | 'noReport', number>,
  labels: FollowUpReportLabels,
): string {
  const order: Array<MeasureStatus | 'noReport'> = [
    'notStarted',
    'onTrack',
    'atRisk',
    'delayed',
    'done',
    'cancelled',
    'noReport',
  ];
  return order
    .filter((s) => counts[s] > 0)
    .map((s) => `${s === 'noReport' ? reportText.noReport : labels.statuses[s]}: ${counts[s]}`)
    .join(' · ');
}

/** A measure's indicator section: its series with Swedish labels, and a line summing it up. */
function indicatorOf(
  measure: Measure,
  history: readonly Report[],
  rounds: readonly CheckInRound[],
  timeZone: string,
): IndicatorSection[] {
  const indicator = measure.followUp.indicator;
  if (!indicator) return [];
  const points = indicatorSeries(measure, history, rounds, timeZone).map(({ roundLabel, date, value }) => ({
    label: roundLabel ?? reportText.outsideRound,
    date,
    ...(value !== undefined ? { value } : {}),
    valueText: value !== undefined ? formatNumber(value) : '–',
  }));

  const latest = [...points].reverse().find((p) => p.value !== undefined);
  const parts = [
    ...(indicator.baseline !== undefined
      ? [`${reportText.baselineSeries} ${formatNumber(indicator.baseline)}`]
      : []),
    ...(indicator.target !== undefined
      ? [`${reportText.targetSeries} ${formatNumber(indicator.target)}`]
      : []),
    latest
      ? reportText.latestValue(latest.valueText, latest.label, latest.date)
      : reportText.noIndicatorValues,
  ];
  return [
    {
      measureId: measure.id,
      title: reportText.indicatorTitle(measure.id, indicator.name, indicator.unit),
      unit: indicator.unit,
      ...(indicator.baseline !== undefined ? { baseline: indicator.baseline } : {}),
      ...(indicator.target !== undefined ? { target: indicator.target } : {}),
      summary: parts.join(' · '),
      points,
    },
  ];
}

/** One answer per question, organisation and person, from the stored submits given before `asOfMs`. */
function answersFrom(input: FollowUpReportInput, asOfMs: number): ReportReviewAnswer[] {
  const agreement = input.plan.agreement;
  const given = (input.reviewSubmissions ?? []).filter(
    (s) => s.agreementId === agreement.id && Date.parse(s.answeredAt) < asOfMs,
  );
  return compileReview(agreement.midTermReview.questions, given).flatMap(({ question, byOrganisation }) =>
    organisationKinds.flatMap((organisation) =>
      byOrganisation[organisation].map((a) => ({
        question,
        organisation,
        answer: a.answer,
        answeredBy: a.name,
      })),
    ),
  );
}

function reviewOf(
  input: FollowUpReportInput,
  asOf: DateTime,
  answers: readonly ReportReviewAnswer[],
): ReviewSection {
  const { midTermReview } = input.plan.agreement;
  const start = DateTime.fromISO(`${midTermReview.month}-01`, { zone: input.timeZone });
  const month = start.setLocale('sv').toFormat('LLLL yyyy');
  const organisations = input.labels.organisations;
  const view = (a: ReportReviewAnswer): ReviewAnswerView => ({
    organisation: organisations[a.organisation],
    answeredBy: a.answeredBy,
    answer: a.answer,
  });
  const byOrganisation = (list: readonly ReportReviewAnswer[]) =>
    [...list]
      .sort((a, b) => organisationKinds.indexOf(a.organisation) - organisationKinds.indexOf(b.organisation))
      .map(view);

  const asked = new Map(midTermReview.questions.map((q) => [sameQuestion(q), q]));
  const others = new Map<string, ReportReviewAnswer[]>();
  for (const a of answers) {
    const key = sameQuestion(a.question);
    if (asked.has(key)) continue;
    others.set(key, [...(others.get(key) ?? []), a]);
  }
  let note: string | undefined;
  if (answers.length === 0) {
    note = asOf < start ? reportText.reviewUpcoming(month) : reportText.reviewNoAnswers;
  }
  return {
    heading: reportText.reviewHeading(month),
    ...(note ? { note } : {}),
    questions: midTermReview.questions.map((question) => ({
      question,
      answers: byOrganisation(answers.filter((a) => sameQuestion(a.question) === sameQuestion(question))),
    })),
    otherQuestions: [...others.values()].map((list) => ({
      question: list[0]?.question ?? '',
      answers: byOrganisation(list),
    })),
  };
}

/** Questions are matched forgiving spacing and case: the agreement file folds long questions over lines. */
function sameQuestion(question: string): string {
  return question.trim().replace(/\s+/g, ' ').toLowerCase();
}

function ownerNames(measure: Measure): string {
  return measure.owners.map((o) => o.name).join(', ');
}

function meetingText(meeting: SteeringMeeting | undefined, timeZone: string): string {
  if (!meeting) return '';
  const day = longDate(meeting.date, timeZone);
  return meeting.time ? `${day} kl. ${meeting.time}` : day;
}

function longDate(date: string, timeZone: string): string {
  return DateTime.fromISO(date, { zone: timeZone }).setLocale('sv').toFormat('d MMMM yyyy');
}

function longDateTime(at: DateTime): string {
  return at.setLocale('sv').toFormat("d MMMM yyyy 'kl.' HH:mm");
}

function shortDateTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).toFormat('yyyy-MM-dd HH:mm');
}
