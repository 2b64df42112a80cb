import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { createHash, randomUUID } from 'node:crypto';
// The module object, not named imports: the tests inject disk faults into it.
import fs from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { jobAgreementId, type Planned } from '../jobAgreement.js';
import type { Agreement } from '../../domain/agreement.js';
import type { CheckInRound } from '../../domain/checkInRound.js';
import type { Decision } from '../../domain/decision.js';
import type { HeldMeeting } from '../../domain/heldMeeting.js';
import { followUpReport } from '../../domain/followUpReport.js';
import type { ReviewAnswer } from '../../domain/midTermReview.js';
import type { Plan } from '../../domain/plan.js';
import type { Report } from '../../domain/report.js';
import { reportCsv } from '../../domain/reportCsv.js';
import { retentionState } from '../../domain/retention.js';
import { nextAllowedMoment } from '../../domain/workingCalendar.js';
import { messagesFor } from '../shared/messages.js';
import { describeError, log } from '../../platform/log.js';
import { markdownReport } from '../reports/markdownReport.js';
import type { ClaimedJob } from '../../storage/jobStore.js';
import {
  RetentionRecordConflictError,
  type ArchivedFile,
  type RetentionRecord,
} from '../../storage/retentionRecords.js';
import { parseJobPayload } from '../checkIns/checkIns.js';
import type { Messenger } from '../../scheduling/messenger.js';
import type { JobHandler, JobOutcome } from '../../scheduling/scheduler.js';

export interface RetentionSettings {
  /** Months after the agreement's end; undefined keeps reports for good. */
  months?: number;
  /** Where archive exports are written. */
  archiveDir: string;
}

export interface RetentionDependencies
  extends
    Pick<AgreementContext, 'agreementId' | 'calendar' | 'locale' | 'now'>,
    Pick<
      Repositories,
      | 'plans'
      | 'reports'
      | 'reviews'
      | 'rounds'
      | 'decisions'
      | 'meetings'
      | 'retentionRecords'
      | 'jobs'
      | 'audit'
    > {
  messenger: Messenger;
  settings: RetentionSettings;
}

export const retentionJobKind = 'removeReports';
/** The retention job's payload, as enqueued and as read when it runs. */
const retentionPayload = z.object({
  agreementId: jobAgreementId,
  validTo: z.string(),
  generation: z.number().int(),
});
type RetentionPayload = z.infer<typeof retentionPayload>;

/** The archive could not be written or read back as written; nothing was removed. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * The JSON archive: everything the removal takes away, with the agreement it belongs to. `format` names the
 * layout for whoever opens the file years from now.
 */
export interface ArchiveDocument {
  format: 'samverkansbot-archive/1';
  agreementId: string;
  title: string;
  validFrom: string;
  /** The last valid day, after extensions. */
  validTo: string;
  retentionMonths: number;
  removalDueOn: string;
  /** UTC ISO. */
  archivedAt: string;
  /** The zone the CSV and Markdown files write times in; the JSON keeps UTC. */
  timeZone: string;
  agreement: Agreement;
  rounds: CheckInRound[];
  /** Every revision of every report, by measure and revision. */
  reports: Report[];
  reviewAnswers: ReviewAnswer[];
  /** The steering group's decisions, every revision. Missing in archives written before decisions existed. */
  decisions?: Decision[];
  /** The steering meetings held in Teams. Missing in archives written before meetings were recorded. */
  meetings?: HeldMeeting[];
}

/** Planning is a few reads; once every few minutes per instance is plenty. */
const planEveryMs = 10 * 60_000;
/** Who the audit log names for what the bot does by itself. */
const botActor = { aadObjectId: 'samverkansbot', name: 'Samverkansbot' };

/**
 * Gallring: once the configured number of months has passed after the agreement's end, its reports, review
 * answers, the steering group's decisions and the meetings held are written to an archive export, the export is
 * recorded, and then they are removed from storage.
 *
 * The work is one stored job (its id names the agreement, the end date and the run), so a single instance does it.
 * Every step is recorded before the next begins and a re-run picks up where the last one stopped: the archive is
 * written once and never replaced, and only revisions the archive holds are removed. If the archive cannot be
 * written nothing is removed; the job is retried, and when it gives up the next planning starts a new run.
 */
export class Retention {
  private plannedAt = 0;

  constructor(private readonly deps: RetentionDependencies) {}

  /** Plans the removal when it is due and not yet done; called before every scheduler tick. */
  async planDue(now: Date): Promise<void> {
    const { months } = this.deps.settings;
    if (months === undefined) return;
    if (now.getTime() - this.plannedAt < planEveryMs && this.plannedAt <= now.getTime()) return;
    this.plannedAt = now.getTime();
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return;
    const { timeZone } = this.deps.calendar;
    const state = retentionState(plan.agreement, months, now, timeZone);
    if (state.kind !== 'due') return;
    const agreementId = plan.agreement.id;
    const record = await this.deps.retentionRecords.get(agreementId, state.validTo);
    if (record?.state === 'done') return;
    let generation = record?.generation ?? 0;
    if (await this.deps.jobs.completion(jobId(agreementId, state.validTo, generation))) {
      // That run ended without finishing (it gave up after its retries): start the next one.
      const next = await this.nextGeneration(agreementId, state.validTo, record, generation);
      if (next === undefined) return;
      generation = next;
    }
    const soon = nextAllowedMoment(DateTime.fromJSDate(now).setZone(timeZone), this.deps.calendar);
    await this.deps.jobs.enqueue({
      id: jobId(agreementId, state.validTo, generation),
      kind: retentionJobKind,
      dueAt: soon.toUTC().toISO() ?? now.toISOString(),
      payload: { agreementId, validTo: state.validTo, generation } satisfies Planned<RetentionPayload>,
    });
  }

  handlers(): Record<string, JobHandler> {
    return { [retentionJobKind]: (job) => this.run(job) };
  }

  private async run(job: ClaimedJob): Promise<JobOutcome> {
    const read = parseJobPayload(retentionPayload, job);
    if (!read.ok) return read.outcome;
    const { validTo, generation } = read.payload;
    const { months } = this.deps.settings;
    if (months === undefined) return { kind: 'done', outcome: 'retention off' };
    const plan = await this.deps.plans.load(this.deps.agreementId);
    if (!plan) return { kind: 'done', outcome: 'noAgreement' };
    const state = retentionState(plan.agreement, months, this.deps.now(), this.deps.calendar.timeZone);
    // An extension recorded since the job was planned moves the end; a longer period moves the day.
    if (state.kind !== 'due' || state.validTo !== validTo) return { kind: 'done', outcome: 'not due' };

    let record = await this.deps.retentionRecords.get(plan.agreement.id, validTo);
    if (record?.state === 'done') return { kind: 'done', outcome: 'already removed' };
    if (!record?.archive) {
      record = await this.archive(plan, state.validTo, state.dueOn, months, record, generation);
    }
    if (record.state === 'archived') record = await this.remove(record);
    await this.announce(plan, record);
    const done = await this.deps.retentionRecords.save({ ...record, state: 'done' }, record.etag);
    return { kind: 'done', outcome: `removed; archive ${done.archive?.files[0]?.name ?? ''}` };
  }

  /** The run of `generation` gave up: plan the next, once across instances. Undefined if none is needed. */
  private async nextGeneration(
    agreementId: string,
    validTo: string,
    record: RetentionRecord | undefined,
    generation: number,
  ): Promise<number | undefined> {
    try {
      const saved = await this.deps.retentionRecords.save(
        record
          ? { ...record, generation: generation + 1 }
          : { agreementId, validTo, state: 'planned', generation: generation + 1 },
        record?.etag,
      );
      log.warn('retention.retrying', { agreementId, validTo, generation: saved.generation });
      return saved.generation;
    } catch (err) {
      if (!(err instanceof RetentionRecordConflictError)) throw err;
      // Another instance planned the next run, or the removal finished meanwhile.
      const current = await this.deps.retentionRecords.get(agreementId, validTo);
      return current && current.state !== 'done' && current.generation > generation
        ? current.generation
        : undefined;
    }
  }

  /**
   * Writes the archive export from what storage holds now, reads it back, and records it. Throws ArchiveError
   * (nothing recorded, nothing removed) if the files cannot be written or do not read back as written.
   */
  private async archive(
    plan: Plan,
    validTo: string,
    dueOn: string,
    months: number,
    record: RetentionRecord | undefined,
    generation: number,
  ): Promise<RetentionRecord> {
    const agreement = plan.agreement;
    const [history, reviewAnswers, rounds, decisions, meetings] = await Promise.all([
      this.deps.reports.allHistory(agreement.id),
      this.deps.reviews.list(agreement.id),
      this.deps.rounds.list(agreement.id),
      this.deps.decisions.allRevisions(agreement.id),
      this.deps.meetings.list(agreement.id),
    ]);
    const now = this.deps.now();
    const { timeZone } = this.deps.calendar;
    const reports = [...history].sort(
      (a, b) => a.measureId.localeCompare(b.measureId, 'sv', { numeric: true }) || a.revision - b.revision,
    );
    const document: ArchiveDocument = {
      format: 'samverkansbot-archive/1',
      agreementId: agreement.id,
      title: agreement.title,
      validFrom: agreement.validFrom,
      validTo,
      retentionMonths: months,
      removalDueOn: dueOn,
      archivedAt: now.toISOString(),
      timeZone,
      agreement,
      rounds,
      reports,
      reviewAnswers,
      decisions,
      meetings,
    };
    const sv = messagesFor('sv');
    const labels = { statuses: sv.statuses, organisations: sv.ownerOrganisation };
    const base = `${agreement.id}-archive-${dueOn}`;
    const files = [
      { name: `${base}.json`, text: `${JSON.stringify(document, null, 2)}\n` },
      { name: `${base}.csv`, text: reportCsv({ agreement, reports, rounds, timeZone, labels }) },
    ];
    const written = followUpReport({
      plan,
      history: reports,
      rounds,
      scope: { kind: 'until', date: DateTime.fromJSDate(now).setZone(timeZone).toISODate() ?? dueOn },
      now,
      timeZone,
      labels,
      reviewSubmissions: reviewAnswers,
      decisions,
    });
    if (written.kind === 'report') files.push({ name: `${base}.md`, text: markdownReport(written.report) });

    const { archiveDir } = this.deps.settings;
    let archived: ArchivedFile[];
    try {
      archived = await writeArchive(archiveDir, files);
      const back = await readArchive(archiveDir, archived);
      if (
        back.reports.length !== reports.length ||
        back.reviewAnswers.length !== reviewAnswers.length ||
        (back.decisions ?? []).length !== decisions.length
      )
        throw new ArchiveError(`${archived[0]?.name ?? base} does not hold every revision`);
    } catch (err) {
      log.error('retention.archiveFailed', { agreementId: agreement.id, archiveDir, ...describeError(err) });
      throw err instanceof ArchiveError
        ? err
        : new ArchiveError(`Could not write the archive to ${archiveDir}`);
    }
    // Recorded before anything is removed: from here on the archive is the one kept, and never written again.
    const saved = await this.deps.retentionRecords.save(
      {
        agreementId: agreement.id,
        validTo,
        state: 'archived',
        generation: record?.generation ?? generation,
        archive: {
          files: archived,
          revisions: reports.length,
          reviewAnswers: reviewAnswers.length,
          decisions: decisions.length,
          months,
          dueOn,
          at: now.toISOString(),
        },
      },
      record?.etag,
    );
    log.info('retention.archived', {
      agreementId: agreement.id,
      revisions: reports.length,
      reviewAnswers: reviewAnswers.length,
      decisionRevisions: decisions.length,
      files: archived.map((f) => f.name),
    });
    return saved;
  }

  /**
   * Removes what the recorded archive holds. The archive is read back first: if it is gone or changed, nothing is
   * removed, as the reports still in storage would then be kept nowhere else.
   */
  private async remove(record: RetentionRecord): Promise<RetentionRecord> {
    const { agreementId, archive } = record;
    if (!archive) throw new Error('A removal needs a recorded archive');
    let document: ArchiveDocument;
    try {
      document = await readArchive(this.deps.settings.archiveDir, archive.files);
      if (document.reports.length !== archive.revisions)
        throw new ArchiveError(`${archive.files[0]?.name ?? 'The archive'} does not hold every revision`);
    } catch (err) {
      log.error('retention.archiveUnreadable', {
        agreementId,
        archiveDir: this.deps.settings.archiveDir,
        ...describeError(err),
      });
      throw err instanceof ArchiveError ? err : new ArchiveError('Could not read the archive back');
    }
    const revisions = new Set(document.reports.map((r) => `${r.measureId}|${r.revision}`));
    const answers = new Set(document.reviewAnswers.map((a) => `${a.answeredBy.aadObjectId}|${a.answeredAt}`));
    const reports = await this.deps.reports.deleteAll(agreementId, (measureId, revision) =>
      revisions.has(`${measureId}|${revision}`),
    );
    const reviews = await this.deps.reviews.deleteAll(agreementId, (a) =>
      answers.has(`${a.answeredBy.aadObjectId}|${a.answeredAt}`),
    );
    const archivedDecisions = new Set((document.decisions ?? []).map((d) => `${d.id}|${d.revision}`));
    const decisions = await this.deps.decisions.deleteArchived(agreementId, (id, revision) =>
      archivedDecisions.has(`${id}|${revision}`),
    );
    const meetings = await this.deps.meetings.deleteArchived(
      agreementId,
      new Set((document.meetings ?? []).map((m) => m.meetingId)),
    );
    const kept = reports.kept + reviews.kept + decisions.kept;
    // Saved after the archive was written (an old card used after the agreement ended): not in the archive, so kept.
    if (kept > 0) log.warn('retention.newerKept', { agreementId, kept });
    const saved = await this.deps.retentionRecords.save(
      {
        ...record,
        state: 'removed',
        removed: {
          rows: reports.deleted,
          reviewAnswers: reviews.deleted,
          decisionRows: decisions.deleted,
          meetingRows: meetings,
          kept,
          at: this.deps.now().toISOString(),
        },
      },
      record.etag,
    );
    log.info('retention.removed', {
      agreementId,
      rows: reports.deleted,
      reviewAnswers: reviews.deleted,
      decisionRows: decisions.deleted,
      meetingRows: meetings,
    });
    return saved;
  }

  /** The audit log entry and the coordinators' notice. A notice that cannot be sent is logged, not retried. */
  private async announce(plan: Plan, record: RetentionRecord): Promise<void> {
    const { archive, removed } = record;
    const json = archive?.files[0];
    const agreementId = plan.agreement.id;
    await this.deps.audit.record({
      agreementId,
      actor: botActor,
      action: 'removeReports',
      details: {
        validTo: record.validTo,
        retentionMonths: archive?.months,
        dueOn: archive?.dueOn,
        revisions: archive?.revisions,
        reviewAnswers: archive?.reviewAnswers,
        decisions: archive?.decisions,
        rowsRemoved: removed?.rows,
        decisionRowsRemoved: removed?.decisionRows,
        kept: removed?.kept,
        archive: archive?.files.map((f) => f.name),
        sha256: json?.sha256,
      },
      at: this.deps.now().toISOString(),
    });
    const coordinators = plan.agreement.groups.find((g) => g.kind === 'beredningsgrupp')?.id;
    const channels = [
      ...new Set(plan.bindings.filter((b) => b.groupId === coordinators).map((b) => b.channelId)),
    ];
    if (channels.length === 0) log.info('retention.noCoordinatorsChannel', { agreementId });
    const text = messagesFor(this.deps.locale).retention.removed(
      plan.agreement.title,
      record.validTo,
      archive?.months ?? 0,
      archive?.revisions ?? 0,
      json?.name ?? '',
    );
    for (const channel of channels) {
      try {
        await this.deps.messenger.postToChannel(channel, { text });
      } catch (err) {
        log.warn('retention.noticeFailed', { agreementId, ...describeError(err) });
      }
    }
  }
}

function jobId(agreementId: string, validTo: string, generation: number): string {
  return `retention|${agreementId}|${validTo}|${generation}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes each file under a temporary name, flushes it to disk and renames it into place, so a file under its
 * final name is always complete. Then flushes the directory, so the renames survive a power cut.
 */
async function writeArchive(
  dir: string,
  files: ReadonlyArray<{ name: string; text: string }>,
): Promise<ArchivedFile[]> {
  await fs.mkdir(dir, { recursive: true });
  const written: ArchivedFile[] = [];
  for (const file of files) {
    const bytes = new TextEncoder().encode(file.text);
    const temp = join(dir, `.${file.name}.${randomUUID()}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, join(dir, file.name));
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    written.push({ name: file.name, sha256: sha256(bytes), bytes: bytes.length });
  }
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems cannot flush a directory; the files themselves are flushed.
  }
  return written;
}

/** Reads the archive's files back; each must be byte for byte as recorded. Returns the JSON document. */
async function readArchive(dir: string, files: readonly ArchivedFile[]): Promise<ArchiveDocument> {
  let document: ArchiveDocument | undefined;
  for (const file of files) {
    const bytes = await fs.readFile(join(dir, file.name));
    if (bytes.length !== file.bytes || sha256(bytes) !== file.sha256)
      throw new ArchiveError(`${file.name} in the archive is not as it was written`);
    if (file.name.endsWith('.json')) document = JSON.parse(bytes.toString('utf8')) as ArchiveDocument;
  }
  if (!document || !Array.isArray(document.reports) || !Array.isArray(document.reviewAnswers))
    throw new ArchiveError('The archive has no JSON file with the reports');
  return document;
}
