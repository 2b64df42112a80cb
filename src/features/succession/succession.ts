import { DateTime } from 'luxon';
import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { hasStarted } from '../../domain/agreementPeriod.js';
import { bindingsToTakeOver } from '../../domain/succession.js';
import { log } from '../../platform/log.js';

export interface SuccessionDependencies
  extends Pick<AgreementContext, 'agreementId' | 'timeZone' | 'now'>, Pick<Repositories, 'plans' | 'audit'> {
  /**
   * The agreement this one follows (`follows`), when the deployment has it loaded too. Undefined otherwise: a
   * deployment may serve the new agreement alone, and then there is nothing to take over.
   */
  predecessorId: string | undefined;
}

/** Who the audit log names for what the bot does by itself. */
const botActor = { aadObjectId: 'samverkansbot', name: 'Samverkansbot' };

/**
 * Succession (the next period's agreement after the old one): on its first day the new agreement takes over the old
 * one's channels, so that its rounds and notices go where the groups already work. The old agreement is read, never
 * written; it stays readable and has ended (no more rounds, see `lastDay`).
 *
 * Checked before every scheduler tick until done: the takeover and its record are one transaction on the new
 * agreement's plan, so it happens once across instances and restarts, and a failed attempt is simply tried again.
 */
export class Succession {
  /** Seen recorded in storage: nothing more to do in this process. */
  private done = false;

  constructor(private readonly deps: SuccessionDependencies) {}

  async planDue(now: Date): Promise<void> {
    const { predecessorId, agreementId, plans } = this.deps;
    if (this.done || predecessorId === undefined) return;
    const successor = await plans.load(agreementId);
    if (!successor) return;
    const today = DateTime.fromJSDate(now).setZone(this.deps.timeZone).toISODate() ?? '';
    if (!hasStarted(successor.agreement, today)) return;
    if (await plans.succession(agreementId, predecessorId)) {
      this.done = true;
      return;
    }
    const predecessor = await plans.load(predecessorId);
    if (!predecessor) return;

    const takeOvers = bindingsToTakeOver(predecessor, successor);
    const record = await plans.takeOverBindings(agreementId, predecessorId, takeOvers, now);
    // Another instance took over first, or a group was bound meanwhile: the next tick reads both plans again.
    if (!record) return;
    this.done = true;
    for (const { binding, fromGroupId } of takeOvers) {
      await this.deps.audit.record({
        agreementId,
        actor: botActor,
        action: 'takeOverChannel',
        details: {
          groupId: binding.groupId,
          channelId: binding.channelId,
          teamId: binding.teamId,
          predecessorId,
          fromGroupId,
        },
        at: record.at,
      });
    }
    log.info('agreement.succeeded', { agreementId, predecessorId, bindingsTakenOver: takeOvers.length });
  }
}
