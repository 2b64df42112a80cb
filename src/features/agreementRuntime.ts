import { describeError, log } from '../platform/log.js';
import type { JobHandler, JobOutcome } from '../scheduling/scheduler.js';
import type { ClaimedJob } from '../storage/jobStore.js';
import type { AgreementContext } from './agreementContext.js';
import { agreementOfJob } from './jobAgreement.js';

/**
 * One agreement's share of a deployment: its own context, the handlers of the jobs planned for it and
 * what it plans by the calendar. app.ts builds one per agreement; the scheduler and the Teams edge find the
 * runtime a job or a turn belongs to.
 */
export interface AgreementRuntime {
  context: AgreementContext;
  /** The agreement file it was read from. */
  file: string;
  /** One handler per job kind, for this agreement's jobs only. */
  handlers: Record<string, JobHandler>;
  /**
   * Does what has become due by the calendar: taking over the channels of the agreement this one follows, and
   * enqueueing automatic rounds, steering notices and retention.
   */
  planDue(at: Date): Promise<void>;
}

/**
 * The scheduler's handlers for the jobs of every agreement: a job runs with the handler of the agreement its
 * payload names. A job stored before jobs named their agreement belongs to `legacyAgreementId`, the agreement the
 * deployment served alone. A job for an agreement that is no longer loaded is failed with a note, not retried: it
 * stays visible in the job overview and its completion keeps it from being planned again.
 */
export function routeJobs(
  runtimes: readonly AgreementRuntime[],
  legacyAgreementId: string,
): Record<string, JobHandler> {
  const byId = new Map(runtimes.map((r) => [r.context.agreementId, r]));
  const kinds = new Set(runtimes.flatMap((r) => Object.keys(r.handlers)));
  const route =
    (kind: string): JobHandler =>
    (job: ClaimedJob): Promise<JobOutcome> => {
      const agreementId = agreementOfJob(job) ?? legacyAgreementId;
      const handler = byId.get(agreementId)?.handlers[kind];
      if (!handler) {
        log.warn('job.agreementUnknown', { jobId: job.id, kind, agreementId });
        return Promise.resolve({ kind: 'failed', error: `no agreement ${agreementId} is loaded` });
      }
      return handler(job);
    };
  return Object.fromEntries([...kinds].map((kind) => [kind, route(kind)]));
}

/**
 * Plans what is due for every agreement, one after the other. An agreement whose planning fails is logged and
 * skipped, so that it does not keep the others' rounds and notices from being planned.
 */
export function planDueForAll(runtimes: readonly AgreementRuntime[]): (at: Date) => Promise<void> {
  return async (at) => {
    for (const runtime of runtimes) {
      try {
        await runtime.planDue(at);
      } catch (err) {
        log.error('agreement.planDueFailed', {
          agreementId: runtime.context.agreementId,
          ...describeError(err),
        });
      }
    }
  };
}
