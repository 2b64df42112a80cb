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

/** Agreements planned at once: enough that a slow one does not hold up the rest, few enough to spare storage. */
export const planningConcurrency = 4;
/**
 * How long a tick waits for the agreements' planning before it runs the jobs that are due. An agreement still
 * planning then goes on by itself; the jobs it enqueues run in a later tick, and it is not planned again until
 * it has finished.
 */
export const planningWaitMs = 30_000;

/**
 * Plans what is due for every agreement, `concurrency` at a time, and resolves when all have finished or after
 * `waitMs`, whichever is first. One agreement whose planning fails is logged and skipped; one whose planning hangs
 * (storage answering slowly for its partitions, say) takes one of the lanes and is left running after `waitMs`, so
 * that neither keeps the other agreements' rounds and notices from being planned, nor the scheduler from sending
 * what is due.
 */
export function planDueForAll(
  runtimes: readonly AgreementRuntime[],
  options: { concurrency?: number; waitMs?: number } = {},
): (at: Date) => Promise<void> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? planningConcurrency));
  const waitMs = options.waitMs ?? planningWaitMs;
  /** Agreements whose planning of an earlier tick has not finished yet. */
  const planning = new Set<string>();

  const planOne = async (runtime: AgreementRuntime, at: Date) => {
    try {
      await runtime.planDue(at);
    } catch (err) {
      log.error('agreement.planDueFailed', {
        agreementId: runtime.context.agreementId,
        ...describeError(err),
      });
    } finally {
      planning.delete(runtime.context.agreementId);
    }
  };

  return async (at) => {
    // Counted as planning from now on, the queued ones too: a tick that stops waiting leaves its lanes to go on
    // through the queue, and the next tick must not start the same agreements beside them.
    const queue = runtimes.filter((r) => !planning.has(r.context.agreementId));
    for (const runtime of queue) planning.add(runtime.context.agreementId);
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await planOne(next, at);
    };
    const everyone = Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), waitMs);
    });
    const outcome = await Promise.race([everyone.then(() => 'done' as const), waited]);
    clearTimeout(timer);
    if (outcome === 'waited') {
      const still = [...planning].sort();
      log.warn('agreement.planDueSlow', {
        waitedMs: waitMs,
        stillPlanning: still.length,
        agreementIds: still.slice(0, 20),
      });
    }
  };
}
