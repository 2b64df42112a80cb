import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Decision, DecisionChange } from '../../domain/decision.js';
import { parseDecisionSubmission } from '../../domain/decisionForm.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { isStatus } from '../../storage/tableStore.js';
import type { Repositories } from '../../storage/repositories.js';
import type { AgreementContext } from '../agreementContext.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { messagesFor } from '../shared/messages.js';
import { noticeView } from '../shared/views.js';
import { decisionFormCard, decisionListCard, type DecisionNotice } from './decisionCards.js';
import { decisionTextsFor } from './decisionTexts.js';

export type DecisionsDependencies = Pick<AgreementContext, 'timeZone' | 'now'> &
  Pick<Repositories, 'decisions' | 'audit'>;

/** The coordinator who records or changes a decision. */
export interface Coordinator {
  aadObjectId: string;
  name: string;
}

/** The data of the list card's buttons ("Mark done", "Change"): which decision, at the revision shown. */
const decisionPress = z.object({
  decisionId: z.string().regex(/^[A-Za-z0-9-]{1,60}$/),
  revision: z.coerce.number().int().min(1).max(1_000_000),
  step: z.literal('edit').optional(),
});

const formPress = z.object({ meetingDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
const pagePress = z.object({ page: z.coerce.number().int().min(1).max(1000) });

/**
 * The steering group's decisions (beslut): coordinators record them on the form after a meeting, list them with
 * `beslut`, mark them done or change them. Every write is audited with the agreement named; every revision is
 * kept, and a change based on an older revision than the stored one is refused, not written over it. Who may is
 * checked by the registry before any of these run (the `manageDecisions` rule).
 */
export class Decisions {
  constructor(private readonly deps: DecisionsDependencies) {}

  /** `beslut`: the list card. */
  async listCard(plan: Plan, locale: Locale, notice?: DecisionNotice, page = 1): Promise<AdaptiveCardJson> {
    const decisions = await this.deps.decisions.list(plan.agreement.id);
    return decisionListCard(plan, decisions, {
      today: this.today(),
      formMeetingDate: this.latestMeetingDate(plan),
      locale,
      timeZone: this.deps.timeZone,
      page,
      ...(notice ? { notice } : {}),
    });
  }

  /** `listDecisions`: another page of the list. */
  async listPage(plan: Plan, data: unknown, locale: Locale): Promise<AdaptiveCardJson> {
    const parsed = pagePress.safeParse(data);
    return this.listCard(plan, locale, undefined, parsed.success ? parsed.data.page : 1);
  }

  /** The form for the steering meeting on `meetingDate`, with the decisions already recorded from it. */
  async formCard(plan: Plan, meetingDate: string, locale: Locale, notice?: DecisionNotice) {
    const recorded = await this.recordedAt(plan, meetingDate);
    return decisionFormCard(plan, meetingDate, locale, { recorded, ...(notice ? { notice } : {}) });
  }

  /** `newDecision`: the list card's button, the form for the meeting the card named (the latest then). */
  async newForm(plan: Plan, data: unknown, locale: Locale): Promise<AdaptiveCardJson> {
    const parsed = formPress.safeParse(data);
    const meetingDate = parsed.success ? parsed.data.meetingDate : this.latestMeetingDate(plan);
    return this.formCard(plan, meetingDate, locale);
  }

  /** `recordDecision`: the form's submit. Valid → stored at revision 1, audited, and the form again for the next. */
  async record(plan: Plan, data: unknown, by: Coordinator, locale: Locale): Promise<AdaptiveCardJson> {
    const t = decisionTextsFor(locale);
    const submission = parseDecisionSubmission(data, plan.agreement);
    if (submission.kind === 'malformed' || submission.card.mode !== 'record')
      return this.problem(locale, t.badCard);
    const { meetingDate, submitId } = submission.card;
    if (submission.kind === 'invalid') {
      return decisionFormCard(plan, meetingDate, locale, {
        draft: submission.draft,
        problems: submission.problems,
        notice: { text: t.invalid, tone: 'attention' },
        submitId,
        recorded: await this.recordedAt(plan, meetingDate),
      });
    }
    const decision: Decision = {
      // The form's own id: a double click or a retried request finds the decision already there.
      id: submitId,
      agreementId: plan.agreement.id,
      ...submission.fields,
      status: 'open',
      meetingDate,
      recordedAt: this.deps.now().toISOString(),
      recordedBy: by,
      revision: 1,
    };
    try {
      await this.deps.decisions.record(decision);
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const stored = await this.deps.decisions.get(plan.agreement.id, submitId);
      if (stored && sameDecision(stored, decision))
        return this.formCard(plan, meetingDate, locale, { text: t.alreadyRecorded, tone: 'good' });
      // This form saved another decision before (an old copy of the card, sent again with other text): what
      // was typed now is kept on a new form, never dropped and never written over the one stored.
      return decisionFormCard(plan, meetingDate, locale, {
        draft: submission.draft,
        notice: { text: t.formAlreadyUsed(stored?.text ?? ''), tone: 'attention' },
        submitId: randomUUID(),
        recorded: await this.recordedAt(plan, meetingDate),
      });
    }
    await this.audit(plan, by, 'recordDecision', {
      decisionId: decision.id,
      meetingDate,
      concerns: decision.concerns,
      dueDate: decision.dueDate,
    });
    return this.formCard(plan, meetingDate, locale, { text: t.recorded(decision.text), tone: 'good' });
  }

  /**
   * `changeDecision`: from the list ("Change", `step: 'edit'`) the form filled in with the decision as it stands;
   * from the form its save, applied only to the revision the form was opened at.
   */
  async change(plan: Plan, data: unknown, by: Coordinator, locale: Locale): Promise<AdaptiveCardJson> {
    const t = decisionTextsFor(locale);
    const press = decisionPress.safeParse(data);
    if (press.success && press.data.step === 'edit') {
      const decision = await this.deps.decisions.get(plan.agreement.id, press.data.decisionId);
      if (!decision) return this.listCard(plan, locale, { text: t.missing, tone: 'attention' });
      return decisionFormCard(plan, decision.meetingDate, locale, { mode: 'change', decision });
    }
    const submission = parseDecisionSubmission(data, plan.agreement);
    if (submission.kind === 'malformed' || submission.card.mode !== 'change')
      return this.problem(locale, t.badCard);
    const { decisionId, revision } = submission.card;
    const stored = await this.deps.decisions.get(plan.agreement.id, decisionId);
    if (!stored) return this.listCard(plan, locale, { text: t.missing, tone: 'attention' });
    if (submission.kind === 'invalid') {
      return decisionFormCard(plan, stored.meetingDate, locale, {
        mode: 'change',
        decision: { ...stored, revision },
        draft: submission.draft,
        problems: submission.problems,
        notice: { text: t.invalid, tone: 'attention' },
      });
    }
    const { fields } = submission;
    const change: DecisionChange = {
      text: fields.text,
      concerns: fields.concerns,
      responsible: fields.responsible,
      dueDate: fields.dueDate ?? null,
      changedAt: this.deps.now().toISOString(),
      changedBy: by,
    };
    const result = await this.deps.decisions.update(plan.agreement.id, decisionId, change, revision);
    if (result.kind === 'missing') return this.listCard(plan, locale, { text: t.missing, tone: 'attention' });
    if (result.kind === 'stale') {
      // The person's text stays in the form, now based on the stored revision: saving again is a deliberate choice.
      const current = result.current;
      return decisionFormCard(plan, current.meetingDate, locale, {
        mode: 'change',
        decision: current,
        draft: submission.draft,
        notice: { text: this.staleText(current, locale), tone: 'warning' },
      });
    }
    await this.audit(plan, by, 'changeDecision', {
      decisionId,
      revision: result.decision.revision,
      changed: changedFields(stored, result.decision),
    });
    return this.listCard(plan, locale, { text: t.changed(result.decision.text), tone: 'good' });
  }

  /** `completeDecision`: marks the decision done, if it is still at the revision the list showed. */
  async complete(plan: Plan, data: unknown, by: Coordinator, locale: Locale): Promise<AdaptiveCardJson> {
    const t = decisionTextsFor(locale);
    const press = decisionPress.safeParse(data);
    if (!press.success) return this.problem(locale, t.badCard);
    const { decisionId, revision } = press.data;
    const stored = await this.deps.decisions.get(plan.agreement.id, decisionId);
    if (!stored) return this.listCard(plan, locale, { text: t.missing, tone: 'attention' });
    if (stored.status === 'done')
      return this.listCard(plan, locale, { text: t.alreadyDone(stored.text), tone: 'good' });
    const change: DecisionChange = {
      status: 'done',
      changedAt: this.deps.now().toISOString(),
      changedBy: by,
    };
    const result = await this.deps.decisions.update(plan.agreement.id, decisionId, change, revision);
    if (result.kind === 'missing') return this.listCard(plan, locale, { text: t.missing, tone: 'attention' });
    if (result.kind === 'stale')
      return this.listCard(plan, locale, { text: t.staleDone(result.current.text), tone: 'warning' });
    await this.audit(plan, by, 'completeDecision', { decisionId, revision: result.decision.revision });
    return this.listCard(plan, locale, { text: t.markedDone(result.decision.text), tone: 'good' });
  }

  /**
   * The steering meeting a decision recorded now most likely comes from: the latest planned on or before today,
   * otherwise today.
   */
  latestMeetingDate(plan: Plan): string {
    const today = this.today();
    const past = plan.agreement.steeringMeetings
      .map((m) => m.date)
      .filter((date) => date <= today)
      .sort();
    return past.at(-1) ?? today;
  }

  private async recordedAt(plan: Plan, meetingDate: string): Promise<Decision[]> {
    return (await this.deps.decisions.list(plan.agreement.id))
      .filter((d) => d.meetingDate === meetingDate)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  private staleText(current: Decision, locale: Locale): string {
    const who = current.changedBy ?? current.recordedBy;
    const at = current.changedAt ?? current.recordedAt;
    return decisionTextsFor(locale).stale(who.name, messagesFor(locale).dateTime(at, this.deps.timeZone));
  }

  private today(): string {
    return DateTime.fromJSDate(this.deps.now()).setZone(this.deps.timeZone).toISODate() ?? '';
  }

  private problem(locale: Locale, text: string): AdaptiveCardJson {
    return renderCard('notice', noticeView(messagesFor(locale).problemTitle, text));
  }

  private async audit(plan: Plan, by: Coordinator, action: string, details: Record<string, unknown>) {
    await this.deps.audit.record({
      agreementId: plan.agreement.id,
      actor: by,
      action,
      details,
      at: this.deps.now().toISOString(),
    });
  }
}

/** The names of the fields a change altered, for the audit log (never the texts themselves). */
function changedFields(before: Decision, after: Decision): string[] {
  const fields = ['text', 'concerns', 'responsible', 'dueDate', 'status'] as const;
  return fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/** The same decision as stored, by what the person typed: a form sent twice. */
function sameDecision(stored: Decision, sent: Decision): boolean {
  return changedFields(stored, sent).every((field) => field === 'status');
}
