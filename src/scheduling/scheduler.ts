import { describeError as errorFields, log, withLogContext } from '../platform/log.js';
import { inSpan, noteOutcome, recordJobLateness } from '../platform/telemetry.js';
import { LeaseLostError, type ClaimedJob, type JobStore } from '../storage/jobStore.js';

/** What a handler reports back about one run of a job. */
export type JobOutcome =
  | { kind: 'done'; outcome?: string }
  | { kind: 'retry'; at: Date; error: string }
  | { kind: 'failed'; error: string };

export type JobHandler = (job: ClaimedJob) => Promise<JobOutcome>;

export interface SchedulerOptions {
  jobs: JobStore;
  /** One handler per job kind; a job of a kind without a handler is failed. */
  handlers: Record<string, JobHandler>;
  /** This instance's id, recorded as the lease owner. */
  owner: string;
  intervalMs: number;
  leaseMs: number;
  batchSize: number;
  now: () => Date;
  /** Runs a job may get in total; after the last failed one it is given up on. */
  maxAttempts: number;
  onError?: (err: unknown) => void;
  /**
   * Jobs run at once (default 1: one after the other). Sends to Teams are paced by the SendPacer whatever this
   * is, so more only lets a job that waits (out a Retry-After, on a slow answer or on storage) not hold up the
   * others. A tick keeps claiming batches as they run out until nothing due is left or stop() is called.
   */
  concurrency?: number;
  /** Runs at the start of each tick before claiming, e.g. to enqueue jobs that became due by the calendar. */
  beforeTick?: (now: Date) => Promise<void>;
  /** The agreement a job belongs to, put on each line its run logs. */
  agreementOf?: (job: ClaimedJob) => string | undefined;
}

export interface TickResult {
  /** Handlers called. */
  ran: number;
  done: number;
  retried: number;
  failed: number;
}

const firstRetryMs = 30_000;
const longestRetryMs = 60 * 60_000;
/** Error notes are stored and shown to coordinators; the first line says what went wrong. */
const maxErrorNoteLength = 200;

/** How long to wait before retrying a job that threw, after `attempts` earlier failed runs. */
export function retryDelayMs(attempts: number): number {
  return Math.min(firstRetryMs * 2 ** attempts, longestRetryMs);
}

/**
 * Runs due jobs from the JobStore every `intervalMs`. Any number of instances may run a Scheduler over the
 * same storage: the leases decide who runs what. A job runs again only if its holder stopped (or stalled for
 * longer than the lease) before recording the outcome, so handlers should tolerate a rare second run.
 */
export class Scheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<TickResult> | undefined;
  private next: Promise<TickResult> | undefined;
  private started = false;
  /** Set by stop(): the tick in progress runs the jobs it has claimed but claims no more. */
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {}

  /** Ticks soon, then every `intervalMs` after the previous tick has finished. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /**
   * Stops ticking; resolves once a tick in progress (and one already asked for) has finished the jobs it has
   * claimed. They are leased to this instance, so leaving them would hold them up for the rest of the lease.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      while (this.running) await (this.next ?? this.running);
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Runs the jobs due now, once. Called while a tick is in progress, it runs one more tick right after that
   * one (callers meanwhile share it): the tick in progress may have claimed before the caller enqueued.
   */
  tick(): Promise<TickResult> {
    if (!this.running) {
      this.running = this.runDue()
        .catch((err: unknown) => {
          // runDue reports what fails inside it; this is the last line, so the timer always goes on.
          this.report(err);
          return { ran: 0, done: 0, retried: 0, failed: 0 };
        })
        .finally(() => {
          this.running = undefined;
        });
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.tick();
    });
    return this.next;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().then(() => {
        // A stop() and start() during the tick may already have scheduled the next one.
        if (this.started && this.timer === undefined) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
  }

  private async runDue(): Promise<TickResult> {
    const { beforeTick } = this.options;
    const result: TickResult = { ran: 0, done: 0, retried: 0, failed: 0 };
    if (beforeTick) {
      try {
        await beforeTick(this.options.now());
      } catch (err) {
        // Jobs enqueued earlier are still due; a failing calendar must not hold them up.
        this.report(err);
      }
    }
    await this.runClaimed(result);
    // Finished jobs are recorded a transaction at a time; a tick leaves none unrecorded.
    await this.options.jobs.recordFinished();
    return result;
  }

  /**
   * `concurrency` workers share a queue of claimed jobs. The next batch is claimed before the queue runs dry,
   * so workers seldom wait for storage; a job that waits (say, out a 429's Retry-After) holds up only its own
   * worker. Each job is run by one worker, and every claimed job is run even after stop().
   */
  private async runClaimed(result: TickResult): Promise<void> {
    const { jobs, owner, leaseMs, batchSize } = this.options;
    const concurrency = Math.max(1, Math.floor(this.options.concurrency ?? 1));
    const queue: ClaimedJob[] = [];
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    const claimMore = (): Promise<void> =>
      // The clock is read for each batch: a lease must run from when it is taken, however long the tick is.
      (claiming ??= jobs
        .claimDue(this.options.now(), owner, leaseMs, batchSize)
        .then(
          (claimed) => {
            if (claimed.length < batchSize) exhausted = true;
            queue.push(...claimed);
          },
          (err: unknown) => {
            this.report(err);
            exhausted = true;
          },
        )
        .finally(() => {
          claiming = undefined;
        }));
    const worker = async () => {
      for (;;) {
        if (!exhausted && !this.stopping && queue.length <= concurrency) void claimMore();
        const job = queue.shift();
        if (job) {
          try {
            await this.runJob(job, result);
          } catch (err) {
            this.report(err);
          }
        } else if (claiming) {
          await claiming;
        } else {
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /**
   * Each job in a span of its own (not the turn's whose tick ran it): its kind and how its run ended. Its log
   * lines carry its id, kind and agreement, not the turn's ids.
   */
  private async runJob(claimed: ClaimedJob, result: TickResult): Promise<void> {
    const agreementId = this.options.agreementOf?.(claimed);
    const ids = { jobId: claimed.id, jobKind: claimed.kind, ...(agreementId ? { agreementId } : {}) };
    await withLogContext(ids, () =>
      inSpan(
        'job',
        { 'job.kind': claimed.kind },
        async () => {
          const outcome = await this.runClaimedJob(claimed, result);
          noteOutcome(outcome, outcome === 'retry' || outcome === 'failed');
        },
        { root: true, kind: 'consumer' },
      ),
    );
  }

  private async runClaimedJob(
    claimed: ClaimedJob,
    result: TickResult,
  ): Promise<'done' | 'retry' | 'failed' | 'leaseLost'> {
    const { jobs, handlers, leaseMs, maxAttempts } = this.options;
    let job = claimed;
    // Jobs late in a batch have waited for the ones before them; make sure the lease still has time left.
    if (Date.parse(job.leaseUntil) - this.options.now().getTime() < leaseMs / 2) {
      try {
        job = await jobs.renew(job, this.options.now(), leaseMs);
      } catch (err) {
        if (err instanceof LeaseLostError) return 'leaseLost';
        throw err;
      }
    }
    const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
    if (!handler) {
      await jobs.fail(job, this.options.now(), `No handler for job kind ${job.kind}`);
      result.failed += 1;
      return 'failed';
    }

    result.ran += 1;
    recordJobLateness(job.kind, this.options.now().getTime() - Date.parse(job.dueAt));
    const lease = this.keepLease(job);
    let outcome: JobOutcome;
    try {
      outcome = await handler(job);
    } catch (err) {
      // With its stack: the note stored on the job keeps only the first line.
      log.error('job.threw', { attempt: job.attempts + 1, ...errorFields(err) });
      const at = new Date(this.options.now().getTime() + retryDelayMs(job.attempts));
      outcome = { kind: 'retry', at, error: describeError(err) };
    }
    job = await lease.release();

    switch (outcome.kind) {
      case 'done':
        await jobs.complete(job, this.options.now(), outcome.outcome);
        result.done += 1;
        return 'done';
      case 'retry':
        if (job.attempts + 1 >= maxAttempts) {
          await jobs.fail(job, this.options.now(), outcome.error);
          result.failed += 1;
          return 'failed';
        }
        await jobs.retryAt(job, outcome.at, outcome.error);
        result.retried += 1;
        return 'retry';
      case 'failed':
        await jobs.fail(job, this.options.now(), outcome.error);
        result.failed += 1;
        return 'failed';
    }
  }

  /** Renews the lease every third of its length while a handler runs, so a slow send is not run twice. */
  private keepLease(job: ClaimedJob): { release(): Promise<ClaimedJob> } {
    const { jobs, leaseMs } = this.options;
    let current = job;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let renewing: Promise<void> | undefined;
    const renewLater = () => {
      timer = setTimeout(() => {
        renewing = jobs
          .renew(current, this.options.now(), leaseMs)
          .then(
            (renewed) => {
              current = renewed;
            },
            (err: unknown) => {
              this.report(err);
              // Another instance holds the job now; its outcome is recorded as well as we can afterwards.
              if (err instanceof LeaseLostError) active = false;
            },
          )
          .finally(() => {
            renewing = undefined;
            if (active) renewLater();
          });
      }, leaseMs / 3);
    };
    renewLater();
    return {
      release: async () => {
        active = false;
        clearTimeout(timer);
        await renewing;
        return current;
      },
    };
  }

  private report(err: unknown): void {
    try {
      this.options.onError?.(err);
    } catch {
      // A failing error reporter must not stop the scheduler.
    }
  }
}

/** A short note on what a handler threw: name, HTTP status and the first line of the message. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'A non-error value was thrown';
  const status = (err as { statusCode?: unknown }).statusCode;
  const firstLine = err.message.split('\n', 1)[0] ?? '';
  const note = `${err.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${firstLine}`;
  return note.length > maxErrorNoteLength ? `${note.slice(0, maxErrorNoteLength - 1)}…` : note;
}
