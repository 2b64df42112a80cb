import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { DateTime } from 'luxon';
import type { Measure, TeamsUser } from '../../domain/agreement.js';
import { effectiveValidTo } from '../../domain/roundSchedule.js';
import {
  draftOf,
  measureFrom,
  mergeDrafts,
  nextMeasureId,
  ownerIds,
  parseMeasureSubmission,
  type MeasureDraft,
  type MeasureField,
  type MeasureProblem,
} from '../../domain/measureEdit.js';
import type { Locale } from '../../domain/locale.js';
import { findMeasure } from '../../domain/measureSearch.js';
import type { Plan } from '../../domain/plan.js';
import { log } from '../../platform/log.js';
import { PlanConflictError } from '../../storage/planRepository.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import type { Notice } from '../checkIns/checkInViews.js';
import { messagesFor } from '../shared/messages.js';
import type { Turn } from '../turn.js';
import { noticeView } from '../shared/views.js';

export type PlanManagementDependencies = Pick<AgreementContext, 'now'> &
  Pick<Repositories, 'plans' | 'audit'>;

export interface Coordinator {
  aadObjectId: string;
  name: string;
}

const noticeColors = { good: 'Good', attention: 'Attention', warning: 'Warning' } as const;

/** Coordinators manage the action plan from Teams: add, edit and retire measures, plan steering meetings. */
export class PlanManagement {
  constructor(private readonly deps: PlanManagementDependencies) {}

  addForm(plan: Plan, locale: Locale): AdaptiveCardJson {
    return this.form(plan, locale, { mode: 'add', draft: draftOf(undefined) });
  }

  async editForm(plan: Plan, query: string, locale: Locale): Promise<AdaptiveCardJson> {
    const measure = this.find(plan, query);
    if (!measure) return this.notice(locale, messagesFor(locale).status.unknownMeasure(query), 'attention');
    const stored = await this.deps.plans.measureWithVersion(plan.agreement.id, measure.id);
    if (!stored) return this.notice(locale, messagesFor(locale).status.unknownMeasure(query), 'attention');
    const draft = draftOf(stored.measure);
    return this.form(plan, locale, {
      mode: 'edit',
      measureId: measure.id,
      version: stored.version,
      base: draft,
      draft,
    });
  }

  async retire(plan: Plan, query: string, by: Coordinator, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const measure = this.find(plan, query);
    const stored = measure && (await this.deps.plans.measureWithVersion(plan.agreement.id, measure.id));
    if (!stored) return this.notice(locale, m.status.unknownMeasure(query), 'attention');
    if (stored.measure.retired)
      return this.notice(locale, m.manage.alreadyRetired(stored.measure.id), 'attention');
    try {
      await this.deps.plans.saveMeasure(
        plan.agreement.id,
        { ...stored.measure, retired: true },
        stored.version,
        this.deps.now(),
      );
    } catch (err) {
      if (err instanceof PlanConflictError) return this.retire(plan, stored.measure.id, by, locale);
      throw err;
    }
    await this.record(plan, by, 'retireMeasure', { measureId: stored.measure.id });
    return this.notice(locale, m.manage.retired(stored.measure.id, stored.measure.title), 'good');
  }

  /** `möte`: the answer also says which meetings are now planned from today (`meetingsText`). */
  async planMeeting(
    plan: Plan,
    date: string,
    time: string | undefined,
    by: Coordinator,
    locale: Locale,
    meetingsText: (plan: Plan) => string,
  ) {
    const m = messagesFor(locale);
    const day = DateTime.fromISO(date);
    const validTo = effectiveValidTo(plan.agreement);
    if (!day.isValid || (time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time))) {
      return this.notice(locale, m.manage.meetingFormat, 'attention');
    }
    if (date < plan.agreement.validFrom || date > validTo) {
      return this.notice(locale, m.manage.meetingOutside(plan.agreement.validFrom, validTo), 'attention');
    }
    const label = time ? `${date} ${time}` : date;
    const added = await this.deps.plans.addMeeting(
      plan.agreement.id,
      { date, ...(time ? { time } : {}) },
      this.deps.now(),
    );
    if (!added) return this.notice(locale, m.manage.meetingExists(label), 'attention');
    await this.record(plan, by, 'planMeeting', { date, time });
    const meetings = [...plan.agreement.steeringMeetings, { date, ...(time ? { time } : {}) }];
    const planned = { ...plan, agreement: { ...plan.agreement, steeringMeetings: meetings } };
    return this.notice(locale, `${m.manage.meetingPlanned(label)} ${meetingsText(planned)}`, 'good');
  }

  /** `measure.save` from the form. */
  async save(
    turn: Turn,
    plan: Plan,
    data: unknown,
    by: Coordinator,
    locale: Locale,
  ): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const submission = parseMeasureSubmission(data, plan.agreement);
    if (submission.kind === 'malformed') return this.notice(locale, m.unknownAction, 'attention');
    const { mode, draft } = submission;
    if (submission.kind === 'invalid') {
      return this.form(plan, locale, {
        ...submission,
        notice: { text: m.manage.invalid, tone: 'attention' },
      });
    }
    const people = await this.people(turn, plan, ownerIds(draft.owners));

    if (mode === 'add') {
      const id = nextMeasureId(plan.agreement.measures, Number(draft.goalArea));
      try {
        await this.deps.plans.saveMeasure(
          plan.agreement.id,
          measureFrom(id, draft, people),
          undefined,
          this.deps.now(),
        );
      } catch (err) {
        // Another coordinator added a measure in the same goal area a moment ago: take the next number.
        if (!(err instanceof PlanConflictError)) throw err;
        const fresh = await this.deps.plans.load(plan.agreement.id);
        return fresh
          ? this.save(turn, fresh, data, by, locale)
          : this.notice(locale, m.noAgreement, 'attention');
      }
      await this.record(plan, by, 'addMeasure', { measureId: id });
      return this.notice(locale, m.manage.added(id, draft.title), 'good');
    }

    const measureId = submission.measureId ?? '';
    const stored = await this.deps.plans.measureWithVersion(plan.agreement.id, measureId);
    if (!stored) return this.notice(locale, m.status.unknownMeasure(measureId), 'attention');
    let toSave = draft;
    let merged = false;
    if (stored.version !== submission.version) {
      // Someone saved this measure after the form was opened: keep both people's changes where they differ.
      const theirs = draftOf(stored.measure);
      const result = mergeDrafts(submission.base ?? theirs, draft, theirs);
      if (result.clashes.length > 0) {
        const fields = [...new Set(result.clashes.map((f) => m.manage.fieldNames[f]))].join(', ');
        return this.form(plan, locale, {
          mode,
          measureId,
          version: stored.version,
          base: theirs,
          draft: result.merged,
          notice: { text: m.manage.clash(fields), tone: 'warning' },
        });
      }
      toSave = result.merged;
      merged = true;
    }
    const measure = measureFrom(measureId, toSave, people, stored.measure.retired);
    try {
      await this.deps.plans.saveMeasure(plan.agreement.id, measure, stored.version, this.deps.now());
    } catch (err) {
      if (!(err instanceof PlanConflictError)) throw err;
      // Changed again between reading and writing: go round once more with the newest version.
      return this.save(turn, plan, data, by, locale);
    }
    const changed = (Object.keys(toSave) as MeasureField[]).filter(
      (f) => toSave[f] !== draftOf(stored.measure)[f],
    );
    await this.record(plan, by, 'editMeasure', { measureId, changed, merged });
    const text = `${m.manage.edited(measureId)}${merged ? ` ${m.manage.mergedWithOther}` : ''}`;
    return this.notice(locale, text, 'good');
  }

  private find(plan: Plan, query: string): Measure | undefined {
    const match = findMeasure(plan.agreement.measures, query);
    return match.kind === 'found' ? match.measure : undefined;
  }

  /** Names for the people picked: from the agreement when known, otherwise from Teams. */
  private async people(turn: Turn, plan: Plan, ids: string[]): Promise<Map<string, TeamsUser>> {
    const known = new Map<string, TeamsUser>();
    for (const person of [
      ...plan.agreement.groups.flatMap((g) => g.members),
      ...plan.agreement.measures.flatMap((x) => x.owners),
    ]) {
      known.set(person.aadObjectId, { aadObjectId: person.aadObjectId, name: person.name });
    }
    for (const id of ids.filter((i) => !known.has(i))) {
      const member = await turn.member(id);
      if (member) known.set(id, { aadObjectId: id, name: member.name ?? id });
      // Not in this conversation's roster; the id stands in for the name until the person is seen.
      else log.warn('manage.ownerNameUnknown', { aadObjectId: id });
    }
    return known;
  }

  private form(
    plan: Plan,
    locale: Locale,
    state: {
      mode: 'add' | 'edit';
      measureId?: string;
      version?: string;
      base?: MeasureDraft;
      draft: MeasureDraft;
      problems?: Partial<Record<MeasureField, MeasureProblem>>;
      notice?: Notice;
    },
  ): AdaptiveCardJson {
    const m = messagesFor(locale);
    const problems = state.problems ?? {};
    const problem = (field: MeasureField) => (problems[field] ? m.manage.problems[problems[field]] : '');
    const people = new Map<string, string>();
    for (const person of [
      ...plan.agreement.groups.flatMap((g) => g.members),
      ...plan.agreement.measures.flatMap((x) => x.owners),
    ]) {
      people.set(person.aadObjectId, person.name);
    }
    return renderCard('measureForm', {
      heading: state.mode === 'add' ? m.manage.addHeading : m.manage.editHeading(state.measureId ?? ''),
      notice: state.notice?.text ?? '',
      noticeColor: noticeColors[state.notice?.tone ?? 'good'],
      labels: m.manage.labels,
      draft: { ...state.draft, communicate: state.draft.communicate ? 'true' : 'false' },
      problems: {
        title: problem('title'),
        goalArea: problem('goalArea'),
        owners: problem('owners'),
        indicatorName: problem('indicatorName'),
        indicator: problem('indicatorUnit') || problem('indicatorBaseline') || problem('indicatorTarget'),
      },
      goalAreas: plan.agreement.goalAreas.map((g) => ({
        value: String(g.number),
        title: m.goalArea(g.number, g.title),
      })),
      organisations: (['kommun', 'polis', 'gemensam'] as const).map((value) => ({
        value,
        title: m.ownerOrganisation[value],
      })),
      people: [...people].map(([value, title]) => ({ value, title })),
      workingGroups: plan.agreement.groups
        .filter((g) => g.kind === 'arbetsgrupp')
        .map((g) => ({ value: g.id, title: g.name })),
      cadences: (['monthly', 'quarterly', 'beforeSteeringMeeting'] as const).map((value) => ({
        value,
        title: m.cadence[value],
      })),
      mode: state.mode,
      measureId: state.measureId ?? '',
      version: state.version ?? '',
      base: state.base ? JSON.stringify(state.base) : '',
    });
  }

  private notice(locale: Locale, text: string, tone: Notice['tone']): AdaptiveCardJson {
    const m = messagesFor(locale);
    return renderCard('notice', noticeView(tone === 'good' ? m.manage.doneTitle : m.problemTitle, text));
  }

  private async record(plan: Plan, by: Coordinator, action: string, details: Record<string, unknown>) {
    await this.deps.audit.record({
      agreementId: plan.agreement.id,
      actor: by,
      action,
      details,
      at: this.deps.now().toISOString(),
    });
  }
}
