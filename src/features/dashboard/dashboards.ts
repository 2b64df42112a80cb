import { DateTime } from 'luxon';
import { may, type Action } from '../../domain/access.js';
import type { Agreement, Measure } from '../../domain/agreement.js';
import { takesPart } from '../../domain/conversationAgreement.js';
import { dashboard, type Dashboard } from '../../domain/dashboard.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import type { Report } from '../../domain/report.js';
import type { Repositories } from '../../storage/repositories.js';
import type { AgreementContext } from '../agreementContext.js';
import type { FileSource } from '../fileOffer.js';

/** One agreement as the dashboard reads it: its context and the files it lets coordinators download. */
export interface DashboardAgreement {
  context: Pick<AgreementContext, 'agreementId' | 'timeZone' | 'now'>;
  files: Record<DashboardFile, FileSource>;
}

/** The files the dashboard offers: the reports as CSV and the written follow-up report up to today. */
export const dashboardFiles = ['export', 'followUp'] as const;
export type DashboardFile = (typeof dashboardFiles)[number];

/** Who is signed in to the tab, as their verified token (or the development sign-in) says. */
export interface Reader {
  aadObjectId: string;
  name: string;
}

export type DashboardDependencies = Pick<
  Repositories,
  'plans' | 'reports' | 'rounds' | 'decisions' | 'reviews' | 'audit'
>;

/** What the reader asked for, or why they get nothing: the agreement is not served here, or not theirs to read. */
export type Refusal = { kind: 'notFound' } | { kind: 'notAllowed' };

/**
 * The dashboard tab's reading of the agreements, under the bot's rules (`access`): people in an agreement's
 * groups and its measures' owners read it; names of those who have not reported and the downloads are for the
 * coordinators. The tab knows the person, not the channel it is shown in, so a channel's binding gives no access
 * here: Teams does not prove which channel a tab is in.
 */
export class Dashboards {
  private readonly agreements: Map<string, DashboardAgreement>;

  constructor(
    private readonly deps: DashboardDependencies,
    agreements: readonly DashboardAgreement[],
  ) {
    this.agreements = new Map(agreements.map((a) => [a.context.agreementId, a]));
  }

  /** The agreements the reader takes part in, in the order the deployment serves them. */
  async plansOf(reader: Reader): Promise<Plan[]> {
    const plans = await Promise.all([...this.agreements.keys()].map((id) => this.deps.plans.load(id)));
    return plans.filter((p): p is Plan => !!p && takesPart(p.agreement, reader.aadObjectId));
  }

  async view(
    agreementId: string,
    reader: Reader,
  ): Promise<
    | {
        kind: 'dashboard';
        agreement: Agreement;
        dashboard: Dashboard;
        mayDownload: boolean;
        timeZone: string;
      }
    | Refusal
  > {
    const found = await this.allowed(agreementId, reader);
    if ('kind' in found) return found;
    const { plan, served } = found;
    const [history, rounds, decisions, reviewAnswers] = await Promise.all([
      this.deps.reports.allHistory(agreementId),
      this.deps.rounds.list(agreementId),
      this.deps.decisions.list(agreementId),
      this.deps.reviews.list(agreementId),
    ]);
    const who = { aadObjectId: reader.aadObjectId };
    return {
      kind: 'dashboard',
      agreement: plan.agreement,
      dashboard: dashboard({
        plan,
        history,
        rounds,
        decisions,
        reviewAnswers,
        now: served.context.now(),
        timeZone: served.context.timeZone,
        mayReadNames: may(plan, who, 'readNames'),
      }),
      mayDownload: may(plan, who, 'exportReports'),
      timeZone: served.context.timeZone,
    };
  }

  /** A measure's every report, newest first. */
  async measureHistory(
    agreementId: string,
    measureId: string,
    reader: Reader,
  ): Promise<{ kind: 'history'; measure: Measure; reports: Report[]; timeZone: string } | Refusal> {
    const found = await this.allowed(agreementId, reader);
    if ('kind' in found) return found;
    const measure = found.plan.agreement.measures.find((m) => m.id === measureId);
    if (!measure) return { kind: 'notFound' };
    const reports = await this.deps.reports.history(agreementId, measureId);
    return {
      kind: 'history',
      measure,
      reports: [...reports].sort((a, b) => b.revision - a.revision),
      timeZone: found.served.context.timeZone,
    };
  }

  /**
   * A file for a coordinator, built as the bot builds it for the file consent card, and audited as it leaves:
   * what left, for whom and when stays in the agreement's audit log.
   */
  async download(
    agreementId: string,
    file: DashboardFile,
    reader: Reader,
    locale: Locale,
  ): Promise<
    { kind: 'file'; name: string; bytes: Uint8Array } | Refusal | { kind: 'unavailable'; text: string }
  > {
    const source = this.agreements.get(agreementId)?.files[file];
    const found = source && (await this.allowed(agreementId, reader, source.action));
    if (!found) return { kind: 'notFound' };
    if ('kind' in found) return found;
    const { plan, served } = found;
    const today =
      DateTime.fromJSDate(served.context.now()).setZone(served.context.timeZone).toISODate() ?? '';
    const args = file === 'followUp' ? { scope: 'until', date: today } : {};
    const built = await source.build(plan, args, locale, reader);
    if ('unavailable' in built) return { kind: 'unavailable', text: built.unavailable };
    await this.deps.audit.record({
      agreementId,
      actor: { aadObjectId: reader.aadObjectId, name: reader.name },
      action: 'downloadFromTab',
      details: { file: built.name, bytes: built.bytes.byteLength },
      at: served.context.now().toISOString(),
    });
    return { kind: 'file', name: built.name, bytes: built.bytes };
  }

  /** The agreement's plan, when it is served here and the reader may do `action` in it. */
  private async allowed(
    agreementId: string,
    reader: Reader,
    action: Action = 'readStatus',
  ): Promise<{ plan: Plan; served: DashboardAgreement } | Refusal> {
    const served = this.agreements.get(agreementId);
    const plan = served && (await this.deps.plans.load(agreementId));
    if (!served || !plan) return { kind: 'notFound' };
    if (!may(plan, { aadObjectId: reader.aadObjectId }, action)) return { kind: 'notAllowed' };
    return { plan, served };
  }
}
