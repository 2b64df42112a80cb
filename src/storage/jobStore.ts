import { odata, type TableClient } from '@azure/data-tables';
import type { JobRecord } from '../domain/personalData.js';
import {
  byPartition,
  deleteAsRead,
  deleteRows,
  isStatus,
  keyOf,
  tableNames,
  transactionMax,
  type ReadRow,
  type TableStore,
  upsertAll,
} from './tableStore.js';
import { WriteBehind } from './writeBehind.js';

/** A piece of work to do at a time, e.g. posting the check-in prompt for one measure in one channel. */
export interface JobSpec {
  /** Deterministic, so that enqueueing the same work twice is harmless, e.g. `prompt|2021-q2|1.1|channel:…`. */
  id: string;
  kind: string;
  /** UTC ISO time. */
  dueAt: string;
  payload: Record<string, unknown>;
}

/** A job waiting to run, as the coordinators' overview shows it. */
export interface PendingJob extends JobSpec {
  /** Failed attempts so far. */
  attempts: number;
  lastError?: string;
}

/** A job this instance holds the lease on; pass it back unchanged (its ETag is the proof of the lease). */
export interface ClaimedJob extends JobSpec {
  attempts: number;
  etag: string;
  /** The partition the job waits in (see pendingPartitionOf), as it was read. */
  partitionKey: string;
  leaseOwner: string;
  leaseUntil: string;
}

export interface JobCompletion {
  at: string;
  outcome?: string;
}

/** Another instance took the job over after this instance's lease ran out; nothing was written. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly jobId: string) {
    super(`The lease on job ${jobId} was lost to another instance`);
  }
}

type PendingRow = {
  partitionKey: string;
  rowKey: string;
  jobId: string;
  kind: string;
  dueAt: string;
  /** JSON of JobSpec.payload. */
  payload: string;
  attempts: number;
  /** Empty when nobody holds the job; an empty string sorts before every time, so it reads as expired. */
  leaseOwner: string;
  leaseUntil: string;
  lastError: string;
  /**
   * Set by `enqueueNew`: the id was never used, so no completion marker can be older than the row, and while
   * nobody has held the job (no lease owner, no attempt) nobody can have completed it either. A claim of such a
   * row skips looking for the marker. Missing on rows `enqueue` adds: it may re-add a job that completed a moment
   * before, which the claim then finds.
   */
  newId?: boolean;
};

type DoneRow = {
  partitionKey: string;
  rowKey: string;
  jobId: string;
  kind: string;
  at: string;
  attempts: number;
  outcome?: string;
};

const pendingPartition = 'pending';
/** Every pending partition sorts from `pending` up to here: `pending` itself and `pending|<agreementId>`. */
const pendingPartitionsEnd = 'pending}';
const donePartition = 'done';
/** Table Storage's scalability target for one partition: enqueueNew writes no faster. */
const partitionEntitiesPerSecond = 2_000;
/**
 * How long the due jobs one claim listed are handed out by the claims after it before storage is asked again.
 * A round's thousand prompts are claimed 25 at a time: listing every due job for every batch would read the whole
 * backlog forty times over.
 */
const listingReusedMs = 10_000;
/** Table Storage allows 32K characters in a string property; an error note needs far less. */
const maxErrorLength = 500;

/**
 * Durable scheduled jobs. A pending job is a row in its agreement's partition (`pending|<agreementId>`, or
 * `pending`: see pendingPartitionOf), so that agreements opening their rounds at the same moment write to as many
 * partitions, each within Table Storage's 2,000 entities a second; the due query reads the range of pending
 * partitions. Every completed or failed job leaves a marker in one more partition, which is what makes enqueueing
 * idempotent.
 *
 * Claiming is an ETag-conditional update of the lease, so of two instances that see the same due job only
 * one gets it; a job whose holder died is claimed again once the lease has run out. Lease times are compared
 * with the instances' own clocks, so they must agree to well within the lease length.
 */
export class JobStore {
  private readonly table: TableClient;
  /** Due jobs the last listing found and no claim has taken yet, oldest first (see claimDue). */
  private listed: { at: number; rows: PendingCandidate[] } | undefined;
  /** Jobs finished here and not yet recorded (see finish). */
  private readonly finished = new WriteBehind<FinishedJob>(
    (jobs) => this.record(jobs),
    'jobs.recordFinishedFailed',
  );

  constructor(
    store: TableStore,
    private readonly options: {
      /** Stores what the jobs wrote behind them (a card's delivery), before they are recorded as finished. */
      beforeRecording?: () => Promise<void>;
    } = {},
  ) {
    this.table = store.table(tableNames.jobs);
  }

  /**
   * Adds a job unless one with this id is already pending or was completed; returns whether it was added.
   * A pending job with the same id is left as it is, even if its dueAt or payload differ.
   */
  async enqueue(spec: JobSpec): Promise<boolean> {
    if (await this.completion(spec.id)) return false;
    const row = pendingRowOf(spec);
    let etag: string | undefined;
    try {
      // The insert is the race: of two instances enqueueing the same id, exactly one succeeds.
      etag = (await this.table.createEntity(row)).etag;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
    // The job may have completed between the check above and the insert (its pending row was deleted just
    // before ours went in). Look again, so the caller is told the truth; claimDue would skip it either way.
    if (await this.completion(spec.id)) {
      await this.deleteQuietly(row.partitionKey, row.rowKey, etag ?? '*');
      return false;
    }
    return true;
  }

  /**
   * Adds the jobs of something just created, whose ids were never used (the jobs of a round this call opened), in
   * transactions of a hundred instead of three requests each: no completion marker can exist for them, so none is
   * looked for, neither here nor when they are first claimed (`PendingRow.newId`). A transaction holds the rows of
   * one partition only, so the jobs are split by partition first (a round's jobs all go to its agreement's), and
   * one partition gets at most 2,000 a second: a round of 1,500 jobs would otherwise go in in under half a second.
   * A transaction that meets a job already pending adds nothing; its jobs then go one by one through `enqueue`.
   */
  async enqueueNew(specs: readonly JobSpec[]): Promise<void> {
    const jobs = specs.map((spec) => ({ spec, row: { ...pendingRowOf(spec), newId: true } }));
    for (const ofPartition of byPartition(jobs, (job) => job.row.partitionKey)) {
      let nextAt = -Infinity;
      for (let i = 0; i < ofPartition.length; i += transactionMax) {
        const chunk = ofPartition.slice(i, i + transactionMax);
        const wait = nextAt - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        nextAt = performance.now() + (chunk.length * 1000) / partitionEntitiesPerSecond;
        try {
          await this.table.submitTransaction(chunk.map(({ row }) => ['create', row]));
        } catch (err) {
          if (!isStatus(err, 409)) throw err;
          for (const { spec } of chunk) await this.enqueue(spec);
        }
      }
    }
  }

  /**
   * Claims up to `limit` jobs that are due at `now` and not held by a live lease: the partitions' jobs in turn
   * (the first of each, then the second of each, …), each partition's oldest dueAt first, so that an agreement
   * with a thousand cards due does not hold up another's five. Jobs that another instance claims first are
   * skipped; a leftover row of a job that already completed is removed.
   *
   * The due jobs one listing finds are handed out by the claims after it for up to ten seconds (`listingReusedMs`)
   * while they last, instead of listing them all again for every batch. Each is claimed only as it was listed
   * (ETag), so one that another instance claimed, retried or finished meanwhile is skipped as before. A claim that
   * cannot fill `limit` from an earlier listing lists again, so fewer than `limit` still means that no more are
   * due; a job that became due after the listing waits at most those ten seconds.
   */
  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    if (limit <= 0) return [];
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const claimed: ClaimedJob[] = [];
    let listing = this.recentListing(now);
    for (;;) {
      const candidates = listing ?? (await this.listDue(now));
      while (claimed.length < limit && candidates.length > 0) {
        const batch = candidates.splice(0, limit - claimed.length);
        claimed.push(...(await this.claimAll(batch, owner, leaseUntil)));
      }
      if (claimed.length >= limit || !listing) return claimed;
      listing = undefined;
    }
  }

  /**
   * Leases listed jobs, each only as it was listed (ETag): those of one partition in one transaction, which either
   * takes every lease or none (the partitions' transactions at once); when one of them changed meanwhile (another
   * instance claimed it, say), that partition's one by one. Then drops those that completed; see claimDue.
   * Returns them in the order listed.
   */
  private async claimAll(
    rows: readonly PendingCandidate[],
    owner: string,
    leaseUntil: string,
  ): Promise<ClaimedJob[]> {
    const leasedByPartition = await Promise.all(
      byPartition(rows, (row) => row.partitionKey).map((ofPartition) =>
        this.leaseAll(ofPartition, owner, leaseUntil),
      ),
    );
    const etags = new Map(leasedByPartition.flat().map(({ row, etag }) => [row, etag]));
    const claimed: ClaimedJob[] = [];
    for (const row of rows) {
      const etag = etags.get(row);
      if (etag === undefined) continue;
      // Checked only once the lease is ours, so a holder that finished meanwhile cannot slip past: a job
      // that crashed between its completion marker and the removal of its row must never run again. A new job
      // nobody has held yet cannot have completed (see PendingRow.newId).
      const neverHeld = row.newId === true && row.leaseOwner === '' && row.attempts === 0;
      if (!neverHeld && (await this.completion(row.jobId))) {
        await this.deleteQuietly(row.partitionKey, row.rowKey, etag);
        continue;
      }
      claimed.push({
        ...toSpec(row),
        attempts: row.attempts,
        etag,
        partitionKey: row.partitionKey,
        leaseOwner: owner,
        leaseUntil,
      });
    }
    return claimed;
  }

  /** Leases listed jobs of one partition; those another instance changed meanwhile are left out. */
  private async leaseAll(
    rows: readonly PendingCandidate[],
    owner: string,
    leaseUntil: string,
  ): Promise<Array<{ row: PendingCandidate; etag: string }>> {
    try {
      const response = await this.table.submitTransaction(
        rows.map((row) => [
          'update',
          { partitionKey: row.partitionKey, rowKey: row.rowKey, leaseOwner: owner, leaseUntil },
          'Merge',
          { etag: row.etag },
        ]),
      );
      // The answers come in the order of the operations (Table Storage names no row in an update's answer).
      return rows.map((row, i) => {
        const etag = response.subResponses[i]?.etag;
        // Table Storage always answers with an ETag; without one the lease could not be proven later.
        if (!etag) throw new Error('Table Storage answered a lease without an ETag');
        return { row, etag };
      });
    } catch (err) {
      if (!isStatus(err, 412) && !isStatus(err, 404)) throw err;
    }
    const leased: Array<{ row: PendingCandidate; etag: string }> = [];
    for (const row of rows) {
      try {
        const etag = await this.merge(
          { partitionKey: row.partitionKey, rowKey: row.rowKey, leaseOwner: owner, leaseUntil },
          row.etag,
          row.jobId,
        );
        leased.push({ row, etag });
      } catch (single) {
        if (!(single instanceof LeaseLostError)) throw single;
      }
    }
    return leased;
  }

  /** What the last listing left unclaimed, if it is recent enough to hand out (see claimDue). */
  private recentListing(now: Date): PendingCandidate[] | undefined {
    const listed = this.listed;
    if (!listed || listed.rows.length === 0) return undefined;
    const age = now.getTime() - listed.at;
    return age >= 0 && age < listingReusedMs ? listed.rows : undefined;
  }

  /**
   * The due jobs not under a live lease, in the order claimDue hands them out (the partitions in turn, each
   * partition's oldest first); kept for the claims after this one.
   */
  private async listDue(now: Date): Promise<PendingCandidate[]> {
    const at = now.toISOString();
    const rows: PendingCandidate[] = [];
    for await (const row of this.table.listEntities<PendingRow>({
      queryOptions: {
        filter: odata`PartitionKey ge ${pendingPartition} and PartitionKey lt ${pendingPartitionsEnd} and dueAt le ${at} and leaseUntil le ${at}`,
      },
    }))
      rows.push(row);
    const inTurn = inTurns(
      byPartition(rows, (row) => row.partitionKey).map((ofPartition) =>
        ofPartition.sort((a, b) => compare(a.dueAt, b.dueAt) || compare(a.rowKey, b.rowKey)),
      ),
    );
    this.listed = { at: now.getTime(), rows: inTurn };
    return inTurn;
  }

  /** Extends the lease of a long-running job; throws LeaseLostError if another instance has taken it. */
  async renew(job: ClaimedJob, now: Date, leaseMs: number): Promise<ClaimedJob> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const etag = await this.merge(
      { partitionKey: job.partitionKey, rowKey: keyOf(job.id), leaseUntil },
      job.etag,
      job.id,
    );
    return { ...job, etag, leaseUntil };
  }

  /**
   * The job is done: its completion is recorded (with others, see finish), so it is never enqueued or run again,
   * and its pending row removed. If the lease was lost meanwhile, the new holder finds the marker and drops the job.
   */
  async complete(job: ClaimedJob, now: Date, outcome?: string): Promise<void> {
    this.finish(job, now, outcome);
  }

  /** Releases the job to run again at `at`, counting a failed attempt; throws LeaseLostError if lost. */
  async retryAt(job: ClaimedJob, at: Date, error: string): Promise<void> {
    await this.merge(
      {
        partitionKey: job.partitionKey,
        rowKey: keyOf(job.id),
        dueAt: at.toISOString(),
        attempts: job.attempts + 1,
        leaseOwner: '',
        leaseUntil: '',
        lastError: shorten(error),
      },
      job.etag,
      job.id,
    );
  }

  /** Gives up on the job: recorded as completed with outcome `failed: <error>`, never run again. */
  async fail(job: ClaimedJob, now: Date, error: string): Promise<void> {
    this.finish(job, now, `failed: ${shorten(error)}`);
  }

  /**
   * Jobs waiting to run, oldest dueAt first. Right after an instance crashed while completing a job, that job
   * may still be listed until the next claim removes it.
   */
  async pending(kind?: string): Promise<PendingJob[]> {
    await this.recordFinished();
    const filter =
      kind === undefined
        ? odata`PartitionKey ge ${pendingPartition} and PartitionKey lt ${pendingPartitionsEnd}`
        : odata`PartitionKey ge ${pendingPartition} and PartitionKey lt ${pendingPartitionsEnd} and kind eq ${kind}`;
    const jobs: PendingJob[] = [];
    for await (const row of this.table.listEntities<PendingRow>({ queryOptions: { filter } })) {
      jobs.push({
        ...toSpec(row),
        attempts: row.attempts,
        ...(row.lastError ? { lastError: row.lastError } : {}),
      });
    }
    return jobs.sort((a, b) => compare(a.dueAt, b.dueAt) || compare(a.id, b.id));
  }

  /** When a job was completed (or given up on), with its outcome; undefined if it never was. */
  async completion(id: string): Promise<JobCompletion | undefined> {
    await this.recordFinished();
    try {
      const row = await this.table.getEntity<DoneRow>(donePartition, keyOf(id));
      return { at: row.at, ...(row.outcome !== undefined ? { outcome: row.outcome } : {}) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Records a finished job with others (WriteBehind: 25 together, at the latest a second later, and whatever is
   * left when the scheduler's tick ends or this store is asked about jobs): the markers first, then the pending
   * rows go. Until then the row is under this instance's lease, so nobody claims it. A process that stops in
   * between leaves the job to run again once its lease has run out, as a process that stops before a job's outcome
   * is recorded always did (handlers tolerate a second run); a row whose marker was written is recognised and
   * removed by claimDue.
   */
  private finish(job: ClaimedJob, now: Date, outcome: string | undefined): void {
    this.finished.add({
      marker: {
        partitionKey: donePartition,
        rowKey: keyOf(job.id),
        jobId: job.id,
        kind: job.kind,
        at: now.toISOString(),
        attempts: job.attempts,
        ...(outcome !== undefined ? { outcome } : {}),
      },
      partitionKey: job.partitionKey,
    });
  }

  /**
   * Records every job finished here so far and waits for the records under way. Never throws: a job whose record
   * failed runs again once its lease has run out.
   */
  recordFinished(): Promise<void> {
    return this.finished.settle();
  }

  /**
   * The markers first, then the pending rows of the same jobs, without their ETags (Table Storage takes none in a
   * transaction): safe, since a row whose job has a marker is, in every version of it, that finished job's (enqueue
   * never adds a finished id again). A row gone already (another instance found the marker first) is skipped.
   */
  private async record(finished: readonly FinishedJob[]): Promise<void> {
    await this.options.beforeRecording?.();
    await upsertAll(
      this.table,
      finished.map((job) => job.marker),
    );
    for (const ofPartition of byPartition(finished, (job) => job.partitionKey)) {
      const partitionKey = ofPartition[0]?.partitionKey ?? '';
      await deleteRows(
        this.table,
        partitionKey,
        ofPartition.map((job) => job.marker.rowKey),
      );
    }
  }

  /** ETag-conditional merge into a pending row; returns the new ETag. */
  private async merge(
    fields: Partial<PendingRow> & { partitionKey: string; rowKey: string },
    etag: string,
    jobId: string,
  ): Promise<string> {
    try {
      const response = await this.table.updateEntity(fields, 'Merge', { etag });
      // Table Storage always answers with an ETag; without one the lease could not be proven later.
      if (!response.etag) throw new Error('Table Storage answered an update without an ETag');
      return response.etag;
    } catch (err) {
      // 412: someone else changed the row; 404: someone else completed it.
      if (isStatus(err, 412) || isStatus(err, 404)) throw new LeaseLostError(jobId);
      throw err;
    }
  }

  /** Removes a pending row if it is still the version we hold. */
  private async deleteQuietly(partitionKey: string, rowKey: string, etag: string): Promise<void> {
    try {
      await this.table.deleteEntity(partitionKey, rowKey, { etag });
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return;
      throw err;
    }
  }

  /**
   * Every pending job and every completion marker, for a person's data request: a prompt to a person's personal
   * chat names them in its id (`prompt|…|personal:<id>`) and payload.
   */
  async everyJob(): Promise<JobRecord[]> {
    await this.recordFinished();
    const jobs: JobRecord[] = [];
    for await (const row of this.table.listEntities<PendingRow>({
      queryOptions: {
        filter: odata`PartitionKey ge ${pendingPartition} and PartitionKey lt ${pendingPartitionsEnd}`,
      },
    })) {
      jobs.push({ ...toSpec(row), state: 'pending', at: row.dueAt });
    }
    for await (const row of this.table.listEntities<DoneRow>({
      queryOptions: { filter: odata`PartitionKey eq ${donePartition}` },
    })) {
      jobs.push({ id: row.jobId, kind: row.kind, state: 'done', at: row.at });
    }
    return jobs;
  }

  /**
   * Deletes the pending jobs and completion markers `matches` picks (sends to a person whose data is erased),
   * each only as it was read (ETag): a job claimed meanwhile is read again and still deleted. A prompt's jobs are
   * planned only when its round opens, so a deleted marker is never followed by the same job again.
   */
  async deleteJobs(matches: (job: Pick<JobSpec, 'id' | 'payload'>) => boolean): Promise<number> {
    await this.recordFinished();
    const rows: Array<ReadRow<PendingRow | DoneRow>> = [];
    for await (const row of this.table.listEntities<PendingRow>({
      queryOptions: {
        filter: odata`PartitionKey ge ${pendingPartition} and PartitionKey lt ${pendingPartitionsEnd}`,
      },
    })) {
      if (matches(toSpec(row))) rows.push(row);
    }
    for await (const row of this.table.listEntities<DoneRow>({
      queryOptions: { filter: odata`PartitionKey eq ${donePartition}` },
    })) {
      if (matches({ id: row.jobId, payload: {} })) rows.push(row);
    }
    let deleted = 0;
    for (const row of rows) if (await deleteAsRead(this.table, row)) deleted++;
    return deleted;
  }
}

/** A job finished here, waiting to be recorded: its marker, and the partition of its pending row. */
interface FinishedJob {
  marker: DoneRow;
  partitionKey: string;
}

/** A pending row as a listing read it, with the version a claim must match. */
type PendingCandidate = PendingRow & { etag: string };

/**
 * Where a pending job waits: the jobs of an agreement whose ids name it (`<agreementId>|…`, the id prefix every
 * agreement but the legacy one puts before its jobs' ids; see AgreementContext.jobIdPrefix) in that agreement's
 * partition, `pending|<agreementId>`; every other job in `pending`, where every job waited before there were
 * several agreements. So nothing stored moves: the legacy agreement's jobs keep their ids and their partition, and
 * a job's id always leads to the same partition, which keeps enqueueing the same id idempotent.
 */
export function pendingPartitionOf(job: Pick<JobSpec, 'id' | 'payload'>): string {
  const agreementId = job.payload.agreementId;
  if (typeof agreementId === 'string' && agreementId !== '' && job.id.startsWith(`${agreementId}|`))
    return `${pendingPartition}|${agreementId}`;
  return pendingPartition;
}

/** A job as it waits to run: nobody holds it, no attempt made. */
function pendingRowOf(spec: JobSpec): PendingRow {
  return {
    partitionKey: pendingPartitionOf(spec),
    rowKey: keyOf(spec.id),
    jobId: spec.id,
    kind: spec.kind,
    dueAt: normalise(spec.dueAt),
    payload: JSON.stringify(spec.payload),
    attempts: 0,
    leaseOwner: '',
    leaseUntil: '',
    lastError: '',
  };
}

function toSpec(row: PendingRow): JobSpec {
  return {
    id: row.jobId,
    kind: row.kind,
    dueAt: row.dueAt,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}

/** Due times are compared as strings in the query, which is only sound if all of them look alike. */
function normalise(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw new RangeError(`Not a time: ${iso}`);
  return time.toISOString();
}

function shorten(text: string): string {
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text;
}

/**
 * The first of every group, then the second of every group, and so on; the groups taken in the order of their
 * first items (oldest dueAt first), so the order of several groups reads like one group's.
 */
function inTurns(groups: readonly PendingCandidate[][]): PendingCandidate[] {
  const ordered = [...groups].sort(
    (a, b) =>
      compare(a[0]?.dueAt ?? '', b[0]?.dueAt ?? '') ||
      compare(a[0]?.partitionKey ?? '', b[0]?.partitionKey ?? ''),
  );
  const rows: PendingCandidate[] = [];
  const longest = Math.max(0, ...ordered.map((g) => g.length));
  for (let turn = 0; turn < longest; turn++) {
    for (const group of ordered) {
      const row = group[turn];
      if (row) rows.push(row);
    }
  }
  return rows;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
