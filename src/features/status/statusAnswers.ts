import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { measureIdSchema, type Measure } from '../../domain/agreement.js';
import { may } from '../../domain/access.js';
import { missingMeasures, type CheckInRound } from '../../domain/checkInRound.js';
import type { StatusScope } from '../../domain/command.js';
import type { Locale } from '../../domain/locale.js';
import { findMeasure } from '../../domain/measureSearch.js';
import type { Plan } from '../../domain/plan.js';
import type { Report } from '../../domain/report.js';
import {
  measureStatus,
  myMeasures,
  statusOverview,
  trafficLight,
  type GoalAreaStatus,
  type ReportPoint,
  type StatusOverview,
} from '../../domain/statusOverview.js';
import { decisionsConcerning, isOverdue, type Decision } from '../../domain/decision.js';
import { decisionDetails } from '../decisions/decisionCards.js';
import { decisionTextsFor } from '../decisions/decisionTexts.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { messagesFor, type Messages } from '../shared/messages.js';

export type StatusDependencies = Pick<AgreementContext, 'agreementId' | 'timeZone' | 'now'> &
  Pick<Repositories, 'plans' | 'reports' | 'rounds' | 'decisions'>;

/** Who asks, and where: what they may see depends on both. */
export interface Asker {
  aadObjectId?: string;
  /** The team channel the question was asked in, if any. */
  channelId?: string;
}

interface Section {
  heading: string;
  counts: string;
  lines: string[];
}

interface Button {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/**
 * Teams refuses a message over about 28 KB, so long answers come in pages. Goal areas and measures per page are
 * chosen so that a page stays far below that with long titles (tested with 60 measures and 24 rounds).
 */
const goalAreasPerPage = 3;
const measuresPerPage = 15;
const historyShown = 10;
const narrativeShown = 300;

const pageData = z.object({
  page: z.coerce.number().int().min(1).max(1000),
  goalArea: z.coerce.number().int().min(1).max(99).optional(),
});
const measureData = z.object({ measureId: measureIdSchema });

/** The answers to `status`, `saknas`, `mina` and `historik`, and to the buttons on those cards. */
export class StatusAnswers {
  constructor(private readonly deps: StatusDependencies) {}

  async status(
    plan: Plan,
    scope: StatusScope,
    asker: Asker,
    locale: Locale,
    page = 1,
  ): Promise<AdaptiveCardJson> {
    switch (scope.kind) {
      case 'all':
        return this.overview(plan, asker, locale, undefined, page);
      case 'goalArea':
        return this.overview(plan, asker, locale, scope.number, page);
      case 'measure':
        return this.measure(plan, scope.query, locale, 5);
    }
  }

  async history(plan: Plan, query: string, locale: Locale): Promise<AdaptiveCardJson> {
    return this.measure(plan, query, locale, historyShown);
  }

  async missing(plan: Plan, asker: Asker, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const [history, rounds] = await this.load(plan);
    const open = rounds.filter((r) => r.status === 'open').at(-1);
    if (!open)
      return this.card({ title: m.status.title[plan.agreement.kind], lines: [m.status.noOpenRound] }, locale);
    const latest = latestByMeasure(history);
    const missing = missingMeasures(open, plan, [...latest.values()]);
    const names = may(plan, asker, 'readNames');
    const lines =
      missing.length === 0
        ? [m.status.missingNone(open.label)]
        : missing.map((x) =>
            names
              ? `**${x.id}** ${x.title} – ${x.owners.map((o) => o.name).join(', ')}`
              : `**${x.id}** ${x.title}`,
          );
    return this.card(
      {
        title: m.status.missingTitle(open.label),
        lines,
        footer: names || missing.length === 0 ? '' : m.status.namesForCoordinators,
      },
      locale,
    );
  }

  async mine(plan: Plan, asker: Asker, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const { sections, buttons } = await this.mineIn(plan, asker, m);
    if (sections.length === 0)
      return this.card({ title: m.status.mineTitle, lines: [m.status.mineNone] }, locale);
    return this.render({ title: m.status.mineTitle, sections, buttons }, locale);
  }

  /**
   * A person's measures in every agreement they take part in, on one card: each agreement's under its name
   * (`headingOf`), its buttons naming it so that a press finds it. `none` when they own no measure in any.
   */
  async mineAcross(
    plans: readonly Plan[],
    asker: Asker,
    locale: Locale,
    texts: { headingOf: (plan: Plan) => string; none: string },
  ): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const parts = await Promise.all(plans.map((plan) => this.mineIn(plan, asker, m)));
    const sections: Section[] = [];
    const buttons: Button[] = [];
    parts.forEach((part, i) => {
      const plan = plans[i];
      if (!plan || part.sections.length === 0) return;
      const agreementId = plan.agreement.id;
      sections.push({ heading: texts.headingOf(plan), counts: '', lines: [] });
      sections.push(...part.sections);
      buttons.push(...part.buttons.map((b) => ({ ...b, data: { ...b.data, agreementId } })));
    });
    if (sections.length === 0) return this.card({ title: m.status.mineTitle, lines: [texts.none] }, locale);
    return this.render({ title: m.status.mineTitle, sections, buttons: buttons.slice(0, 5) }, locale);
  }

  /** One agreement's part of "mine": the measures due in its open round first, then the others. */
  private async mineIn(
    plan: Plan,
    asker: Asker,
    m: Messages,
  ): Promise<{ sections: Section[]; buttons: Button[] }> {
    const [history, rounds] = await this.load(plan);
    const mine = asker.aadObjectId ? myMeasures(plan, asker.aadObjectId, history, rounds) : [];
    if (mine.length === 0) return { sections: [], buttons: [] };
    const open = rounds.filter((r) => r.status === 'open').at(-1);
    const due = mine.filter((x) => x.dueInOpenRound);
    const line = (x: (typeof mine)[number]) =>
      m.status.measureLine(
        this.light(x.latest, m),
        x.measure.id,
        x.measure.title,
        this.describe(x.latest, m),
      );
    const sections: Section[] = [
      ...(open && due.length > 0
        ? [{ heading: m.status.due(open.label), counts: '', lines: due.map(line) }]
        : []),
      {
        // The card's title already says "Mina insatser"; below the due ones, the rest are the others.
        heading: due.length > 0 && open ? m.status.mineOthers : '',
        counts: '',
        lines: mine.filter((x) => !x.dueInOpenRound).map(line),
      },
    ].filter((section) => section.lines.length > 0);
    // A button per measure due opens the check-in form right here.
    const buttons: Button[] = open
      ? due.slice(0, 5).map((x) => ({
          title: m.status.report(x.measure.id),
          verb: 'checkIn.refresh',
          data: { verb: 'checkIn.refresh', roundId: open.id, measureId: x.measure.id },
        }))
      : [];
    return { sections, buttons };
  }

  /** The buttons on status cards: another page, or one measure chosen from a list. */
  async action(
    plan: Plan,
    verb: string,
    data: unknown,
    asker: Asker,
    locale: Locale,
  ): Promise<AdaptiveCardJson> {
    if (verb === 'status.page') {
      const parsed = pageData.safeParse(data);
      if (parsed.success) {
        const { page, goalArea } = parsed.data;
        const scope: StatusScope = goalArea ? { kind: 'goalArea', number: goalArea } : { kind: 'all' };
        return this.status(plan, scope, asker, locale, page);
      }
    }
    if (verb === 'status.measure') {
      const parsed = measureData.safeParse(data);
      if (parsed.success) return this.measure(plan, parsed.data.measureId, locale, historyShown);
    }
    return this.status(plan, { kind: 'all' }, asker, locale);
  }

  private async overview(
    plan: Plan,
    asker: Asker,
    locale: Locale,
    goalArea: number | undefined,
    page: number,
  ): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    if (goalArea !== undefined && !plan.agreement.goalAreas.some((g) => g.number === goalArea)) {
      const goals = plan.agreement.goalAreas.map((g) => g.number).join(', ');
      return this.card(
        { title: m.status.title[plan.agreement.kind], lines: [m.status.unknownGoal(goalArea, goals)] },
        locale,
      );
    }
    const [history, rounds] = await this.load(plan);
    const overview = statusOverview(plan, history, rounds, this.deps.now(), goalArea);
    const names = may(plan, asker, 'readNames');
    const round = this.roundLine(overview, m);
    const footer = overview.decisionsNeeded.length
      ? m.status.decisions(overview.decisionsNeeded.map((x) => `**${x.id}** ${x.title}`).join(', '))
      : '';

    if (goalArea === undefined) {
      const pages = Math.max(1, Math.ceil(overview.goalAreas.length / goalAreasPerPage));
      const current = Math.min(page, pages);
      const shown = overview.goalAreas.slice((current - 1) * goalAreasPerPage, current * goalAreasPerPage);
      return this.render(
        {
          title: m.status.title[plan.agreement.kind],
          computedAt: overview.computedAt,
          round,
          sections: shown.map((g) => this.goalSummary(g, m, names)),
          footer,
          ...this.paging(current, pages, undefined, m),
        },
        locale,
      );
    }

    const area = overview.goalAreas[0];
    if (!area) return this.card({ title: m.status.title[plan.agreement.kind], lines: [] }, locale);
    const pages = Math.max(1, Math.ceil(area.measures.length / measuresPerPage));
    const current = Math.min(page, pages);
    const shown = area.measures.slice((current - 1) * measuresPerPage, current * measuresPerPage);
    const summary = this.goalSummary(area, m, names);
    return this.render(
      {
        title: m.status.goalTitle(area.goalArea.number, area.goalArea.title),
        computedAt: overview.computedAt,
        round,
        sections: [
          { heading: summary.heading, counts: summary.counts, lines: [] },
          {
            heading: '',
            counts: '',
            lines: shown.map((x) =>
              m.status.measureLine(
                this.light(x.latest, m),
                x.measure.id,
                x.measure.title,
                this.describe(x.latest, m),
              ),
            ),
          },
        ],
        footer,
        ...this.paging(current, pages, area.goalArea.number, m),
      },
      locale,
    );
  }

  private goalSummary(area: GoalAreaStatus<ReportPoint>, m: Messages, names: boolean): Section {
    const { counts } = area;
    const countText = [
      ...(['onTrack', 'atRisk', 'delayed', 'done', 'notStarted', 'cancelled'] as const)
        .filter((s) => counts[s] > 0)
        .map((s) => m.status.count(m.statuses[s], counts[s])),
      ...(counts.noReport > 0 ? [m.status.count(m.status.noReport, counts.noReport)] : []),
    ].join(' · ');
    const changed = area.measures
      .filter((x) => x.changed && x.latest)
      .map((x) => {
        const from = x.previous ? m.statuses[x.previous.status] : m.status.noReport;
        return `**${x.measure.id}** (${from} → ${x.latest ? m.statuses[x.latest.status] : ''})`;
      });
    const missing = area.measures
      .filter((x) => x.missingInOpenRound)
      .map((x) =>
        names
          ? `**${x.measure.id}** (${x.measure.owners.map((o) => o.name).join(', ')})`
          : `**${x.measure.id}**`,
      );
    return {
      heading: `${m.status.lights[area.light]} ${m.goalArea(area.goalArea.number, area.goalArea.title)}`,
      counts: countText,
      lines: [
        ...(changed.length ? [m.status.changed(changed.join(', '))] : []),
        ...(missing.length ? [m.status.missing(missing.join(', '))] : []),
      ],
    };
  }

  private async measure(plan: Plan, query: string, locale: Locale, limit: number): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const match = findMeasure(plan.agreement.measures, query);
    if (match.kind === 'ambiguous') return this.choose(m.status.chooseTitle(query), match.candidates, locale);
    if (match.kind === 'unknown') {
      const lines = [
        m.status.unknownMeasure(query),
        ...(match.suggestions.length ? [m.status.suggestions] : []),
      ];
      return this.render(
        {
          title: m.status.title[plan.agreement.kind],
          sections: [{ heading: '', counts: '', lines }],
          buttons: match.suggestions.map((x) => this.measureButton(x)),
        },
        locale,
      );
    }
    // One measure's own history: the texts of its reports are shown, and no other measure's are read.
    const [history, decisions] = await Promise.all([
      this.deps.reports.history(plan.agreement.id, match.measure.id),
      this.deps.decisions.list(plan.agreement.id),
    ]);
    const { measure, latest, recent } = measureStatus(match.measure, history, limit);
    const decisionLines = this.decisionLines(decisionsConcerning(decisions, measure), locale);
    const goal = plan.agreement.goalAreas.find((g) => g.number === measure.goalArea);
    const facts = m.status.measureFacts(
      goal ? m.goalArea(goal.number, goal.title) : '',
      m.ownerOrganisation[measure.ownerOrganisation],
      measure.owners.map((o) => o.name).join(', '),
    );
    const latestLines = latest
      ? [
          `${this.light(latest, m)} **${m.statuses[latest.status]}** – ${m.status.by(latest.reportedBy.name, this.when(latest.reportedAt, m))}`,
          shorten(latest.narrative),
          ...(latest.obstacles ? [`${m.checkIn.facts.obstacles}: ${shorten(latest.obstacles)}`] : []),
          ...(latest.nextStep ? [`${m.checkIn.facts.nextStep}: ${shorten(latest.nextStep)}`] : []),
          ...(latest.needsSteeringDecision
            ? [`${m.checkIn.facts.decision}: ${m.checkIn.facts.decisionNeeded}`]
            : []),
          ...this.followUpLines(latest, locale),
        ]
      : [m.status.noReports];
    const earlier = recent
      .slice(1)
      .flatMap((r) => [
        m.status.historyLine(
          this.when(r.reportedAt, m),
          m.statuses[r.status],
          r.reportedBy.name,
          shorten(r.narrative, 150),
        ),
        ...this.followUpLines(r, locale),
      ]);
    return this.render(
      {
        title: m.status.measureTitle(measure.id, measure.title),
        computedAt: this.deps.now().toISOString(),
        sections: [
          { heading: '', counts: facts, lines: [] },
          { heading: m.status.latestHeading, counts: '', lines: latestLines },
          ...(decisionLines.length
            ? [{ heading: decisionTextsFor(locale).statusHeading, counts: '', lines: decisionLines }]
            : []),
          ...(earlier.length ? [{ heading: m.status.historyHeading, counts: '', lines: earlier }] : []),
        ],
      },
      locale,
    );
  }

  /** The steering group's decisions concerning a measure: open ones first, overdue ones marked. */
  private decisionLines(decisions: readonly Decision[], locale: Locale): string[] {
    const t = decisionTextsFor(locale);
    const today = DateTime.fromJSDate(this.deps.now()).setZone(this.deps.timeZone).toISODate() ?? '';
    return decisions.slice(0, historyShown).map((d) => {
      const state = isOverdue(d, today) ? t.statusOverdue : d.status === 'done' ? t.statusDone : t.statusOpen;
      const details = decisionDetails(d, locale, { timeZone: this.deps.timeZone });
      return `**${shorten(d.text, 200)}** (${state}) – ${details}`;
    });
  }

  /** What an owner answered on the check-in card about the decisions concerning the measure. */
  private followUpLines(report: Report | ReportPoint, locale: Locale): string[] {
    const t = decisionTextsFor(locale);
    const followUps = 'decisionFollowUps' in report ? (report.decisionFollowUps ?? []) : [];
    return followUps.map((f) => t.followUp(shorten(f.decision, 100), shorten(f.answer, 300)));
  }

  private choose(title: string, candidates: readonly Measure[], locale: Locale): AdaptiveCardJson {
    return this.render(
      {
        title,
        sections: [{ heading: '', counts: '', lines: candidates.map((x) => `**${x.id}** ${x.title}`) }],
        buttons: candidates.slice(0, 6).map((x) => this.measureButton(x)),
      },
      locale,
    );
  }

  private measureButton(measure: Measure): Button {
    return {
      title: `${measure.id} ${measure.title}`.slice(0, 60),
      verb: 'status.measure',
      data: { verb: 'status.measure', measureId: measure.id },
    };
  }

  private paging(page: number, pages: number, goalArea: number | undefined, m: Messages) {
    if (pages <= 1) return { pageInfo: '', buttons: [] as Button[] };
    const to = (target: number, title: string): Button => ({
      title,
      verb: 'status.page',
      data: { verb: 'status.page', page: target, ...(goalArea ? { goalArea } : {}) },
    });
    return {
      pageInfo: m.status.page(page, pages),
      buttons: [
        ...(page > 1 ? [to(page - 1, m.status.previous)] : []),
        ...(page < pages ? [to(page + 1, m.status.next)] : []),
      ],
    };
  }

  private roundLine(overview: StatusOverview<ReportPoint>, m: Messages): string {
    const open = overview.openRound;
    if (!open) return m.status.noOpenRound;
    return m.status.openRound(open.label, overview.answeredInOpenRound, open.measureIds.length);
  }

  private light(report: Pick<Report, 'status'> | undefined, m: Messages): string {
    return m.status.lights[trafficLight([report?.status])];
  }

  private describe(report: ReportPoint | undefined, m: Messages): string {
    if (!report) return m.status.noReport;
    return `${m.statuses[report.status]} (${m.status.by(report.reportedBy.name, this.when(report.reportedAt, m))})`;
  }

  private when(iso: string, m: Messages): string {
    return m.dateTime(iso, this.deps.timeZone);
  }

  /**
   * Everything a status answer needs, in a fixed number of queries whatever the size of the plan: what status
   * needs of every revision, kept on the one current row of each measure, and the rounds. Should a current row
   * not hold all of it (see ReportRepository.statusPoints), every revision is read instead.
   */
  private async load(plan: Plan): Promise<[readonly ReportPoint[], CheckInRound[]]> {
    const agreementId = plan.agreement.id;
    const [points, rounds] = await Promise.all([
      this.deps.reports.statusPoints(agreementId),
      this.deps.rounds.list(agreementId),
    ]);
    return [points ?? (await this.deps.reports.allHistory(agreementId)), rounds];
  }

  private card(
    content: { title: string; lines: string[]; footer?: string },
    locale: Locale,
  ): AdaptiveCardJson {
    return this.render(
      {
        title: content.title,
        sections: [{ heading: '', counts: '', lines: content.lines }],
        footer: content.footer ?? '',
      },
      locale,
    );
  }

  private render(
    content: {
      title: string;
      computedAt?: string;
      round?: string;
      sections: Section[];
      footer?: string;
      pageInfo?: string;
      buttons?: Button[];
    },
    locale: Locale,
  ): AdaptiveCardJson {
    const m = messagesFor(locale);
    return renderCard('status', {
      title: content.title,
      // Every answer says when it was computed, in Stockholm time.
      computed: m.status.computed(this.when(content.computedAt ?? this.deps.now().toISOString(), m)),
      round: content.round ?? '',
      sections: content.sections,
      footer: content.footer ?? '',
      pageInfo: content.pageInfo ?? '',
      buttons: content.buttons ?? [],
    });
  }
}

function latestByMeasure(history: readonly ReportPoint[]): Map<string, ReportPoint> {
  const latest = new Map<string, ReportPoint>();
  for (const report of history) {
    const known = latest.get(report.measureId);
    if (!known || report.revision > known.revision) latest.set(report.measureId, report);
  }
  return latest;
}

function shorten(text: string, max = narrativeShown): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
