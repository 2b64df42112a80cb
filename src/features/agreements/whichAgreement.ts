import { DateTime } from 'luxon';
import { agreementNamedIn, plansOfChannel, plansOfPerson } from '../../domain/conversationAgreement.js';
import type { Plan } from '../../domain/plan.js';
import { describeError, log } from '../../platform/log.js';
import type { AgreementChoices } from '../../storage/agreementChoices.js';
import type { PlanRepository } from '../../storage/planRepository.js';
import type { AgreementContext } from '../agreementContext.js';
import type { Turn } from '../turn.js';

/** What a turn is about: one agreement (with its plan as stored now), or a choice to ask for. */
export type Picked<R> =
  | { kind: 'one'; served: R; plan: Plan; text: string }
  | { kind: 'ask'; plans: Plan[]; text: string }
  | { kind: 'none'; text: string };

export interface WhichAgreementDependencies<R> {
  served: readonly R[];
  contextOf(served: R): AgreementContext;
  /** The agreement the deployment served alone: cards sent before cards named their agreement are its. */
  legacyAgreementId: string;
  plans: PlanRepository;
  choices: AgreementChoices;
  timeZone: string;
  now: () => Date;
}

/** How long the plans read for choosing stay good enough: a binding made on another instance is seen this late. */
const knownForMs = 30_000;

/**
 * Finds the agreement a message or a press is about (docs/agreements.md): a press by the agreement its card
 * names; a message in a channel by the agreement bound to it; a message elsewhere by the agreements the person
 * takes part in, the one they named after the command, or the one they chose last; otherwise it asks.
 *
 * With one agreement nothing changes: its plan is read as before, one version read. With several, the plans of
 * all are kept for choosing and read again in the background when older than 30 seconds, so that a turn reads
 * only the plan it is about, as with one.
 */
export class WhichAgreement<R> {
  private readonly byId: Map<string, R>;
  private known: { at: number; plans: Promise<Plan[]> } | undefined;

  constructor(private readonly deps: WhichAgreementDependencies<R>) {
    this.byId = new Map(deps.served.map((s) => [deps.contextOf(s).agreementId, s]));
  }

  get several(): boolean {
    return this.deps.served.length > 1;
  }

  /** The agreement a pressed card was sent for; a card from before cards named theirs is the legacy one's. */
  forCard(agreementId: string | undefined): R | undefined {
    return this.byId.get(agreementId ?? this.deps.legacyAgreementId);
  }

  /** An agreement by id, for a choice made on a card. */
  byAgreementId(agreementId: string): R | undefined {
    return this.byId.get(agreementId);
  }

  /**
   * The agreement a message is about. `fits` narrows the candidates for a command that says more (`koppla` with a
   * group only some agreements have); when it leaves none, every candidate stays, so the command's own answer
   * says what is wrong.
   */
  async forMessage(turn: Turn, text: string, fits?: (plan: Plan) => boolean): Promise<Picked<R>> {
    if (!this.several) {
      const [only] = this.deps.served;
      const plan = only && (await this.deps.plans.load(this.deps.contextOf(only).agreementId));
      if (!only || !plan) return { kind: 'none', text };
      // Naming the only agreement is allowed too: the same words work whatever a deployment serves.
      return { kind: 'one', served: only, plan, text: agreementNamedIn(text, [plan])?.rest ?? text };
    }
    let plans = await this.knownPlans();
    const named = agreementNamedIn(text, plans);
    if (named) {
      await this.remember(turn, named.plan.agreement.id);
      return this.one(named.plan.agreement.id, named.rest);
    }
    const today = this.today();
    const channelId = turn.place.channelId;
    if (channelId) {
      let bound = plansOfChannel(plans, channelId, today);
      if (bound.length === 0) {
        // Maybe bound a moment ago on another instance: read again before treating the channel as unbound.
        plans = await this.knownPlans({ fresh: true });
        bound = plansOfChannel(plans, channelId, today);
      }
      const [first, ...more] = bound;
      if (first && more.length === 0) return this.one(first.agreement.id, text);
      if (first) return { kind: 'ask', plans: bound, text };
    }
    const theirs = plansOfPerson(plans, turn.person.aadObjectId, today);
    const fitting = fits ? theirs.filter(fits) : theirs;
    const candidates = fitting.length > 0 ? fitting : theirs;
    const [first, ...more] = candidates;
    if (!first) {
      // Someone in none of them: the legacy agreement answers, with its own rules (most say "members only").
      return this.one(this.deps.legacyAgreementId, text);
    }
    if (more.length === 0) return this.one(first.agreement.id, text);
    const chosen = await this.chosen(turn);
    if (chosen && candidates.some((p) => p.agreement.id === chosen)) return this.one(chosen, text);
    return { kind: 'ask', plans: candidates, text };
  }

  /** The agreement whose group is bound to a channel (its successor once started); the legacy one otherwise. */
  async forChannel(channelId: string): Promise<R | undefined> {
    if (!this.several) return this.deps.served[0];
    const [bound] = plansOfChannel(await this.knownPlans(), channelId, this.today());
    return this.byId.get(bound?.agreement.id ?? this.deps.legacyAgreementId);
  }

  /** Every agreement the person takes part in (the current ones), for what lists across agreements. */
  async plansOf(turn: Turn): Promise<Plan[]> {
    const plans = await this.knownPlans();
    const ids = new Set(
      plansOfPerson(plans, turn.person.aadObjectId, this.today()).map((p) => p.agreement.id),
    );
    // Read as stored now, as any answer is.
    const fresh = await Promise.all(
      plans.filter((p) => ids.has(p.agreement.id)).map((p) => this.deps.plans.load(p.agreement.id)),
    );
    return fresh.filter((p): p is Plan => p !== undefined);
  }

  /** Remembers a person's choice, where nothing else tells (their chat, not a bound channel). */
  async remember(turn: Turn, agreementId: string): Promise<void> {
    const aadObjectId = turn.person.aadObjectId;
    if (!aadObjectId || !this.several) return;
    try {
      await this.deps.choices.choose({ aadObjectId, agreementId, chosenAt: this.deps.now().toISOString() });
    } catch (err) {
      // The answer still comes; the person is asked again next time.
      log.warn('agreementChoice.writeFailed', describeError(err));
    }
  }

  /** The plan of the agreement chosen, read as stored now. */
  private async one(agreementId: string, text: string): Promise<Picked<R>> {
    const served = this.byId.get(agreementId);
    const plan = served && (await this.deps.plans.load(agreementId));
    return served && plan ? { kind: 'one', served, plan, text } : { kind: 'none', text };
  }

  private async chosen(turn: Turn): Promise<string | undefined> {
    const aadObjectId = turn.person.aadObjectId;
    if (!aadObjectId) return undefined;
    try {
      return await this.deps.choices.get(aadObjectId);
    } catch (err) {
      log.warn('agreementChoice.readFailed', describeError(err));
      return undefined;
    }
  }

  /**
   * Every agreement's plan as read at most 30 seconds ago; an older list is answered at once and read again in
   * the background, so that no turn waits for the plans of the agreements it is not about.
   */
  private async knownPlans(options: { fresh?: boolean } = {}): Promise<Plan[]> {
    const at = Date.now();
    const known = this.known;
    if (known && !options.fresh) {
      if (at - known.at > knownForMs) this.readAll(at).catch(() => undefined);
      return known.plans;
    }
    return this.readAll(at);
  }

  private readAll(at: number): Promise<Plan[]> {
    const plans = this.loadAll();
    const entry = { at, plans };
    this.known = entry;
    // A failed read is not kept: the next turn reads again.
    plans.catch(() => {
      if (this.known === entry) this.known = undefined;
    });
    return plans;
  }

  private async loadAll(): Promise<Plan[]> {
    const loaded: Plan[] = [];
    const ids = [...this.byId.keys()];
    // A few at a time: 300 agreements must not open 300 requests at once.
    for (let i = 0; i < ids.length; i += 8) {
      const batch = await Promise.all(ids.slice(i, i + 8).map((id) => this.deps.plans.load(id)));
      for (const plan of batch) if (plan) loaded.push(plan);
    }
    return loaded;
  }

  private today(): string {
    return DateTime.fromJSDate(this.deps.now()).setZone(this.deps.timeZone).toISODate() ?? '';
  }
}
