import { odata, type TableClient } from '@azure/data-tables';
import type { Report } from '../domain/report.js';
import type { ReportPoint } from '../domain/statusOverview.js';
import { describeError, log } from '../platform/log.js';
import { RecentReads } from './recentReads.js';
import {
  deleteRows,
  isStatus,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from './tableStore.js';

/** Someone else saved a report on the same measure first; nothing of either person's was overwritten. */
export class ReportConflictError extends Error {
  override name = 'ReportConflictError';
  constructor(
    readonly measureId: string,
    readonly latestRevision: number,
  ) {
    super(`Report on measure ${measureId} is already at revision ${latestRevision}`);
  }
}

interface ReportRow {
  partitionKey: string;
  rowKey: string;
  revision: number;
  data: string;
  /**
   * Current rows: what the status screens need of every revision 1…`revision` (JSON TrailPoint[], oldest
   * first), so that they read one row per measure instead of every revision. `untracked` when not known in
   * full (longer than `trailMaxLength`, a history with gaps); missing on rows from before trails. Either
   * way the screens read the history instead.
   */
  trail?: string;
}

const untracked = '-';

/** A current row as read, with the version (ETag) a conditional write of it must match. */
type CurrentRow = { row: ReportRow; etag: string };

/** How long `latestRecent` shows an agreement's latest reports again without reading them. */
const latestReusedMs = 10_000;
/** Current rows remembered (see `ReportRepository.known`); beyond this the memory starts over. */
const knownMax = 1_000;

/** A revision as the status screens see it: no texts, so a trail stays small. */
type TrailPoint = Omit<ReportPoint, 'agreementId' | 'measureId'>;
/**
 * A string property holds at most 64 KiB of UTF-16, i.e. 32,768 characters. A point takes about 250, so a
 * trail holds some 120 revisions of a measure; a measure reported on more often than that is read from its
 * history.
 */
const trailMaxLength = 30_000;

/**
 * Reports with every revision. `current|agreement` holds the latest report per measure (the status screen is
 * one partition read); `history|agreement|measure` holds every revision, oldest first.
 */
export class ReportRepository {
  private readonly table: TableClient;
  /**
   * Each measure's current row as this process last wrote or read it, with its ETag, or null when it read that
   * there is none, so that a save right after a card was opened (or saved) need not read it again, and `latest`
   * needs one query instead of two reads. Only a hint: a save uses it only when it is at the revision the person
   * saw, the revision row's insert still fails if that revision is taken, and the current row's write still must
   * match the ETag; `latest` trusts only the history it reads. When storage has moved on, the row is read afresh
   * before anything is decided: the hint is never a reason to tell a person "conflict" or "saved".
   */
  private readonly known = new Map<string, CurrentRow | null>();
  /** `latest` reads under way per measure. */
  private readonly latestReads = new Map<string, Promise<Report | undefined>>();
  /** Each agreement's current rows as read lately, per measure (see `latestRecent`). */
  private readonly recentCurrent = new RecentReads<ReadonlyMap<string, Report>>(latestReusedMs);

  constructor(store: TableStore) {
    this.table = store.table(tableNames.reports);
  }

  /**
   * Stores a new revision. `report.revision` must be one more than the revision the person saw; if another
   * save got there first, a ReportConflictError is thrown and nothing is written. Once the revision row is
   * written the report is stored: a failure to bring the current row up to it is logged, not thrown, and the
   * next `latest` or save of the measure catches the current row up from the history.
   */
  async add(report: Report): Promise<void> {
    this.recentCurrent.forget(report.agreementId);
    const historyKey = historyPartition(report.agreementId, report.measureId);
    const revisionKey = revisionKeyOf(report.revision);
    const data = JSON.stringify(report);
    const remembered = this.known.get(knownKey(report.agreementId, report.measureId));
    const fromMemory = remembered !== undefined && (remembered?.row.revision ?? 0) === report.revision - 1;
    let current = fromMemory
      ? (remembered ?? undefined)
      : await this.currentRow(report.agreementId, report.measureId);
    if ((current?.row.revision ?? 0) < report.revision - 1) {
      // Behind the revision the person saw: a save that stopped between its two writes. Caught up now, the save
      // goes ahead on it (or conflicts as usual if the person's revision is not there either).
      await this.catchUpCurrent(report.agreementId, report.measureId, current);
      current = await this.currentRow(report.agreementId, report.measureId);
    }
    const seen = current?.row.revision ?? 0;
    if (seen !== report.revision - 1) throw new ReportConflictError(report.measureId, seen);
    // A submit id is used once per measure: the latest revision's id again, at the next revision, is a form sent
    // twice (or a crafted one), never a second report.
    if (report.submitId && current && submitIdOf(current.row.data) === report.submitId) {
      throw new ReportConflictError(report.measureId, seen);
    }
    try {
      // The revision row is the record; inserting it claims the revision number.
      await this.table.createEntity({
        partitionKey: historyKey,
        rowKey: revisionKey,
        revision: report.revision,
        data,
      });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      // Either another save took this revision a moment ago, or a save stopped between its two writes; in the
      // second case the current row is behind its history, so bring it up to date before reporting the conflict.
      // A remembered row is no longer what is stored (the revision after it is taken), so it is read afresh.
      if (fromMemory) current = await this.currentRow(report.agreementId, report.measureId);
      await this.catchUpCurrent(report.agreementId, report.measureId, current);
      throw new ReportConflictError(report.measureId, report.revision);
    }
    try {
      // The trail so far plus this revision; a row from before trails gets one built from the history, once.
      const trail =
        current && current.row.trail === undefined
          ? trailOf(await this.history(report.agreementId, report.measureId), report.revision)
          : extendTrail(current?.row.trail, seen, report);
      if (await this.writeCurrent(report, trail, current)) return;
      // A concurrent save wrote the current row meanwhile; fine as long as it reached this revision.
      const now = await this.currentRow(report.agreementId, report.measureId);
      if ((now?.row.revision ?? 0) < report.revision)
        await this.catchUpCurrent(report.agreementId, report.measureId, now);
    } catch (err) {
      // The revision row is the record and it is stored, so the save stands (the person is told it is saved).
      // Until the next `latest` or save of this measure catches the current row up, the screens that read the
      // current rows show the revision before.
      this.forget(report.agreementId, report.measureId);
      log.warn('report.currentRowBehind', {
        agreementId: report.agreementId,
        measureId: report.measureId,
        revision: report.revision,
        ...describeError(err),
      });
    }
  }

  /**
   * Saves a report given through a card. A repeat of the same submit (a double click, or Teams retrying the
   * request) finds its own revision already stored and returns it instead of failing or saving twice.
   */
  async save(report: Report): Promise<{ kind: 'saved' | 'repeated'; report: Report }> {
    try {
      await this.add(report);
      return { kind: 'saved', report };
    } catch (err) {
      if (!(err instanceof ReportConflictError) || !report.submitId) throw err;
      const earlier = await this.revision(report.agreementId, report.measureId, report.revision);
      // The same submit with the same content is a double click or a retried request; with other content it is
      // an edit made on a form already sent, which must not be dropped as "already saved".
      if (earlier?.submitId === report.submitId && sameContent(earlier, report)) {
        return { kind: 'repeated', report: earlier };
      }
      throw err;
    }
  }

  async revision(agreementId: string, measureId: string, revision: number): Promise<Report | undefined> {
    try {
      const row = await this.table.getEntity<ReportRow>(
        historyPartition(agreementId, measureId),
        revisionKeyOf(revision),
      );
      return JSON.parse(row.data) as Report;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * The latest report on one measure: the newest revision in its history. A current row behind it (a save that
   * stopped between its two writes) is caught up on the way.
   */
  async latest(agreementId: string, measureId: string): Promise<Report | undefined> {
    const key = knownKey(agreementId, measureId);
    // The cards of one measure go out at nearly the same time: a read that finds another under way for the
    // measure, with nothing remembered yet, lets it finish first, and then needs one query instead of two reads.
    const earlier = this.known.has(key) ? undefined : this.latestReads.get(key);
    if (earlier) await earlier.catch(() => undefined);
    const read = this.readLatest(agreementId, measureId);
    this.latestReads.set(key, read);
    const done = () => {
      if (this.latestReads.get(key) === read) this.latestReads.delete(key);
    };
    read.then(done, done);
    return read;
  }

  /**
   * A measure's latest report for a card being posted, from its agreement's current rows as read within
   * `latestReusedMs`: a round's cards go out within seconds of each other, so one query serves them all. Only for
   * showing: a report saved on such a card still needs the revision it saw, so a revision another instance stored
   * meanwhile is a conflict the person is shown, never an overwrite. A save in this process is seen at once. A
   * current row behind its history (a save that stopped between its two writes) shows the revision before; the
   * owner's client refreshes the card when it is opened (`latest`), which catches the row up.
   */
  async latestRecent(agreementId: string, measureId: string): Promise<Report | undefined> {
    const latest = await this.recentCurrent.get(agreementId, () => this.currentByMeasure(agreementId));
    return latest.get(measureId);
  }

  private forgetAll(): void {
    this.known.clear();
    this.recentCurrent.clear();
  }

  /** The latest report on every measure that has one, by measure; the rows are remembered for a save after. */
  private async currentByMeasure(agreementId: string): Promise<ReadonlyMap<string, Report>> {
    const latest = new Map<string, Report>();
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey eq ${currentPartition(agreementId)}` },
    });
    for await (const read of rows) {
      const report = JSON.parse(read.data) as Report;
      const row = reportRowOf(read);
      if (read.trail !== undefined) row.trail = read.trail;
      this.remember(agreementId, report.measureId, row, read.etag);
      latest.set(report.measureId, report);
    }
    return latest;
  }

  private async readLatest(agreementId: string, measureId: string): Promise<Report | undefined> {
    const remembered = this.known.get(knownKey(agreementId, measureId));
    if (remembered !== undefined) {
      // The history from the revision this process last saw on: when that is still the newest, it is the latest,
      // and one query has said so. Anything else (a newer revision, none) is looked at as below.
      const revision = remembered?.row.revision ?? 0;
      const since = await this.revisionsAfter(agreementId, measureId, Math.max(0, revision - 1));
      const newest = since.at(-1);
      if (since.length === (revision === 0 ? 0 : 1) && (newest?.revision ?? 0) === revision) return newest;
    }
    const current = await this.currentRow(agreementId, measureId);
    const newer = await this.revisionsAfter(agreementId, measureId, current?.row.revision ?? 0);
    const newest = newer.at(-1);
    if (!newest) return current ? (JSON.parse(current.row.data) as Report) : undefined;
    try {
      await this.catchUpCurrent(agreementId, measureId, current);
    } catch (err) {
      // The answer stands; the next read or save tries again.
      log.warn('report.currentRowBehind', {
        agreementId,
        measureId,
        revision: newest.revision,
        ...describeError(err),
      });
    }
    return newest;
  }

  /** The revisions of a measure after `revision`, oldest first: none, unless the current row is behind. */
  private async revisionsAfter(agreementId: string, measureId: string, revision: number): Promise<Report[]> {
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${historyPartition(agreementId, measureId)} and RowKey gt ${revisionKeyOf(revision)}`,
      },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  /**
   * Brings in reports kept elsewhere (an earlier system, a restore, test and benchmark data) in one transaction
   * per measure and hundred revisions, with the current row set to the newest. Existing revisions conflict.
   */
  async importHistory(reports: readonly Report[]): Promise<void> {
    this.forgetAll();
    for (const revisions of byMeasure(reports)) await this.importMeasure(revisions, 'replace');
  }

  /**
   * Like importHistory, but only for measures of which nothing is stored yet: a measure with a report (a current
   * row or any revision, whoever wrote it) is left exactly as it is, and nothing is ever replaced. Safe on
   * several instances at once. Returns how many measures, revisions and rows (revisions plus current rows) were
   * written.
   */
  async importNewHistory(
    reports: readonly Report[],
  ): Promise<{ measures: number; revisions: number; rows: number }> {
    this.forgetAll();
    const written = { measures: 0, revisions: 0, rows: 0 };
    const stored = new Map<string, Set<string>>();
    for (const revisions of byMeasure(reports)) {
      const { agreementId, measureId } = revisions[0] as Report;
      let current = stored.get(agreementId);
      if (!current) {
        current = await this.measuresWithReports(agreementId);
        stored.set(agreementId, current);
      }
      if (current.has(measureId)) continue;
      const rows = await this.importMeasure(revisions, 'onlyNew');
      if (rows === 0) continue;
      written.measures += 1;
      written.revisions += revisions.length;
      written.rows += rows;
    }
    return written;
  }

  /**
   * Writes one measure's revisions (oldest first) and its current row; returns the rows written. `onlyNew` writes
   * nothing if any of the revisions exists and leaves a current row someone else wrote meanwhile.
   */
  private async importMeasure(sorted: readonly Report[], mode: 'replace' | 'onlyNew'): Promise<number> {
    const newest = sorted.at(-1);
    if (!newest) return 0;
    // Known in full only when the import starts at the first revision.
    const trail = trailOf(sorted, newest.revision);
    for (let i = 0; i < sorted.length; i += 100) {
      try {
        await this.table.submitTransaction(
          sorted.slice(i, i + 100).map((r) => [
            'create',
            {
              partitionKey: historyPartition(r.agreementId, r.measureId),
              rowKey: revisionKeyOf(r.revision),
              revision: r.revision,
              data: JSON.stringify(r),
            },
          ]),
        );
      } catch (err) {
        // The first batch claims the measure; a revision already there means someone else got there first.
        if (mode === 'onlyNew' && i === 0 && isStatus(err, 409)) return 0;
        throw err;
      }
    }
    if (mode === 'replace') {
      await this.table.upsertEntity<ReportRow>(currentRowOf(newest, trail), 'Replace');
      return sorted.length + 1;
    }
    // False when a save in between caught the current row up from these revisions (see `add`); it stays.
    return (await this.writeCurrent(newest, trail, undefined)) ? sorted.length + 1 : sorted.length;
  }

  /** The measures that have a current row. */
  private async measuresWithReports(agreementId: string): Promise<Set<string>> {
    const measures = new Set<string>();
    const rows = this.table.listEntities<Pick<ReportRow, 'rowKey'>>({
      queryOptions: { filter: odata`PartitionKey eq ${currentPartition(agreementId)}`, select: ['RowKey'] },
    });
    for await (const row of rows) measures.add(Buffer.from(row.rowKey, 'base64url').toString('utf8'));
    return measures;
  }

  /** The latest report on every measure that has one. */
  async current(agreementId: string): Promise<Report[]> {
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey eq ${currentPartition(agreementId)}` },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  /**
   * Every revision of every measure's report, oldest first per measure: one range query over the history
   * partitions, however many measures there are.
   */
  async allHistory(agreementId: string): Promise<Report[]> {
    const from = `history|${agreementId}|`;
    // '}' sorts right after '|', so the range holds exactly this agreement's history partitions.
    const to = `history|${agreementId}}`;
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey ge ${from} and PartitionKey lt ${to}` },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  /**
   * What the status screens need of every revision of every measure's report, from the current rows alone:
   * one query of one row per measure, however long the history. Undefined when a row's trail is not known in
   * full (see `ReportRow.trail`); `allHistory` then gives the same answer.
   */
  async statusPoints(agreementId: string): Promise<ReportPoint[] | undefined> {
    const points: ReportPoint[] = [];
    const rows = this.table.listEntities<Pick<ReportRow, 'revision' | 'trail'>>({
      queryOptions: {
        filter: odata`PartitionKey eq ${currentPartition(agreementId)}`,
        select: ['RowKey', 'revision', 'trail'],
      },
    });
    for await (const row of rows) {
      const trail = completeTrail(row.trail, row.revision);
      if (!trail) return undefined;
      const measureId = Buffer.from(row.rowKey ?? '', 'base64url').toString('utf8');
      for (const point of trail) points.push({ ...point, agreementId, measureId });
    }
    return points;
  }

  /** Every revision of a measure's report, oldest first. */
  async history(agreementId: string, measureId: string): Promise<Report[]> {
    const reports: Report[] = [];
    const rows = this.table.listEntities<ReportRow>({
      queryOptions: { filter: odata`PartitionKey eq ${historyPartition(agreementId, measureId)}` },
    });
    for await (const row of rows) reports.push(JSON.parse(row.data) as Report);
    return reports;
  }

  /** Brings a measure's current row (as read: `current`) up to the newest revision in its history. */
  private async catchUpCurrent(
    agreementId: string,
    measureId: string,
    current: CurrentRow | undefined,
  ): Promise<void> {
    const history = await this.history(agreementId, measureId);
    const newest = history.at(-1);
    if (!newest || newest.revision <= (current?.row.revision ?? 0)) return;
    // False: someone else caught it up first.
    await this.writeCurrent(newest, trailOf(history, newest.revision), current);
  }

  /**
   * Sets a measure's current row to `report`: replaces the version read (`current`), or creates the row when
   * there was none. False, and nothing written, when another write got there first (409, 412).
   */
  private async writeCurrent(
    report: Report,
    trail: string,
    current: CurrentRow | undefined,
  ): Promise<boolean> {
    const row = currentRowOf(report, trail);
    try {
      const written = current
        ? await this.table.updateEntity(row, 'Replace', { etag: current.etag })
        : await this.table.createEntity(row);
      this.remember(report.agreementId, report.measureId, row, written.etag);
      this.recentCurrent.forget(report.agreementId);
      return true;
    } catch (err) {
      this.forget(report.agreementId, report.measureId);
      if (isStatus(err, 409) || isStatus(err, 412)) return false;
      throw err;
    }
  }

  private async currentRow(agreementId: string, measureId: string): Promise<CurrentRow | undefined> {
    try {
      const read = await this.table.getEntity<ReportRow>(currentPartition(agreementId), keyOf(measureId));
      const row = reportRowOf(read);
      if (read.trail !== undefined) row.trail = read.trail;
      this.remember(agreementId, measureId, row, read.etag);
      return { row, etag: read.etag };
    } catch (err) {
      if (!isStatus(err, 404)) {
        this.forget(agreementId, measureId);
        throw err;
      }
      this.remember(agreementId, measureId, null, undefined);
      return undefined;
    }
  }

  /** `row` null: there is no current row. */
  private remember(
    agreementId: string,
    measureId: string,
    row: ReportRow | null,
    etag: string | undefined,
  ): void {
    if (row && !etag) return this.forget(agreementId, measureId);
    if (this.known.size >= knownMax) this.known.clear();
    this.known.set(knownKey(agreementId, measureId), row && etag ? { row, etag } : null);
  }

  private forget(agreementId: string, measureId: string): void {
    this.known.delete(knownKey(agreementId, measureId));
  }

  /**
   * Removes an agreement's reports (gallring, after an archive export): every revision and the latest per
   * measure, in transactions of at most 100 rows of one partition. Only revisions for which `archived` answers
   * true go, so a report saved after the archive was written is kept. Safe to run again after it stopped midway;
   * returns the rows removed by this run and the rows kept.
   */
  async deleteAll(
    agreementId: string,
    archived: (measureId: string, revision: number) => boolean = () => true,
  ): Promise<{ deleted: number; kept: number }> {
    this.forgetAll();
    type KeyRow = { partitionKey: string; rowKey: string; revision: number };
    const select = ['PartitionKey', 'RowKey', 'revision'];
    const doomed = new Map<string, string[]>();
    let kept = 0;
    const consider = (row: KeyRow, measureId: string) => {
      if (!archived(measureId, row.revision)) {
        kept += 1;
        return;
      }
      const keys = doomed.get(row.partitionKey);
      if (keys) keys.push(row.rowKey);
      else doomed.set(row.partitionKey, [row.rowKey]);
    };
    const historyPrefix = `history|${agreementId}|`;
    // History first: while the removal is under way, the status screen still shows each measure's latest report.
    for await (const row of this.table.listEntities<KeyRow>({
      queryOptions: {
        filter: odata`PartitionKey ge ${historyPrefix} and PartitionKey lt ${`history|${agreementId}}`}`,
        select,
      },
    })) {
      consider(row, row.partitionKey.slice(historyPrefix.length));
    }
    for await (const row of this.table.listEntities<KeyRow>({
      queryOptions: { filter: odata`PartitionKey eq ${currentPartition(agreementId)}`, select },
    })) {
      consider(row, Buffer.from(row.rowKey, 'base64url').toString('utf8'));
    }
    let deleted = 0;
    for (const [partitionKey, rowKeys] of doomed)
      deleted += await deleteRows(this.table, partitionKey, rowKeys);
    this.forgetAll();
    return { deleted, kept };
  }

  /**
   * Rewrites stored revisions in place, every history row and the current rows, for the erasure of a person's
   * identity: `rewrite` gives the new report, or undefined to leave one as it is. The revision number and the
   * text stay. Each row is replaced only as it was read (ETag); one changed meanwhile (a new revision reached the
   * current row) is judged again as it is now. Returns how many revisions were rewritten (the current rows are
   * copies of revisions and not counted); a second run finds none.
   */
  async rewriteRevisions(
    agreementId: string,
    rewrite: (report: Report) => Report | undefined,
  ): Promise<number> {
    const from = `history|${agreementId}|`;
    const to = `history|${agreementId}}`;
    const filters = [
      { filter: odata`PartitionKey ge ${from} and PartitionKey lt ${to}`, counted: true },
      { filter: odata`PartitionKey eq ${currentPartition(agreementId)}`, counted: false },
    ];
    this.forgetAll();
    let rewritten = 0;
    /** Measures with a rewritten revision: their current row's status trail names the person too. */
    const touched = new Set<string>();
    for (const { filter, counted } of filters) {
      const rows: Array<ReadRow<ReportRow>> = [];
      for await (const row of this.table.listEntities<ReportRow>({ queryOptions: { filter } }))
        rows.push(row);
      for (const row of rows) {
        const measureId = counted
          ? row.partitionKey.slice(from.length)
          : Buffer.from(row.rowKey, 'base64url').toString('utf8');
        const replaced = await replaceAsRead<ReportRow>(this.table, row, (stored) => {
          const next = rewrite(JSON.parse(stored.data) as Report);
          // reportRowOf leaves the trail out; the next save builds it again from the rewritten history.
          if (next) return { ...reportRowOf(stored), data: JSON.stringify(next) };
          return !counted && stored.trail !== undefined && touched.has(measureId)
            ? reportRowOf(stored)
            : undefined;
        });
        if (replaced && counted) {
          rewritten++;
          touched.add(measureId);
        }
      }
    }
    this.forgetAll();
    return rewritten;
  }
}

/** A measure's current row holding `report`. */
function currentRowOf(report: Report, trail: string): ReportRow {
  return {
    partitionKey: currentPartition(report.agreementId),
    rowKey: keyOf(report.measureId),
    revision: report.revision,
    data: JSON.stringify(report),
    trail,
  };
}

/** The row's own properties, without what the SDK adds when reading (etag, timestamp). */
function reportRowOf(row: ReportRow): ReportRow {
  return { partitionKey: row.partitionKey, rowKey: row.rowKey, revision: row.revision, data: row.data };
}

function pointOf(report: Report): TrailPoint {
  return {
    revision: report.revision,
    status: report.status,
    needsSteeringDecision: report.needsSteeringDecision,
    reportedBy: { aadObjectId: report.reportedBy.aadObjectId, name: report.reportedBy.name },
    reportedAt: report.reportedAt,
    ...(report.roundId ? { roundId: report.roundId } : {}),
  };
}

/** The trail of a row at `revision`, if it holds every revision from the first up to that one. */
function completeTrail(trail: string | undefined, revision: number): TrailPoint[] | undefined {
  if (revision === 0) return [];
  if (trail === undefined || trail === untracked) return undefined;
  const points = JSON.parse(trail) as TrailPoint[];
  return points.length === revision && points.every((p, i) => p.revision === i + 1) ? points : undefined;
}

/** A current row's trail with `report` added to it; `untracked` once it was not complete. */
function extendTrail(trail: string | undefined, revision: number, report: Report): string {
  const points = completeTrail(trail, revision);
  return points ? bounded(JSON.stringify([...points, pointOf(report)])) : untracked;
}

/** The trail of revisions 1…`revision` from a history, oldest first; `untracked` if any is missing. */
function trailOf(history: readonly Report[], revision: number): string {
  const trail = JSON.stringify(history.filter((r) => r.revision <= revision).map(pointOf));
  return completeTrail(trail, revision) ? bounded(trail) : untracked;
}

function bounded(trail: string): string {
  return trail.length > trailMaxLength ? untracked : trail;
}

/** Reports grouped per agreement and measure, oldest revision first. */
function byMeasure(reports: readonly Report[]): Report[][] {
  const groups = new Map<string, Report[]>();
  for (const report of reports) {
    const key = `${report.agreementId}|${report.measureId}`;
    groups.set(key, [...(groups.get(key) ?? []), report]);
  }
  return [...groups.values()].map((revisions) => [...revisions].sort((a, b) => a.revision - b.revision));
}

const currentPartition = (agreementId: string) => `current|${agreementId}`;
const knownKey = (agreementId: string, measureId: string) => `${agreementId}|${measureId}`;
const historyPartition = (agreementId: string, measureId: string) => `history|${agreementId}|${measureId}`;
/** A revision's row key in its history partition: zero-padded, so the rows sort oldest first. */
const revisionKeyOf = (revision: number) => String(revision).padStart(6, '0');

function submitIdOf(data: string): string | undefined {
  const parsed = JSON.parse(data) as { submitId?: unknown };
  return typeof parsed.submitId === 'string' ? parsed.submitId : undefined;
}

/** What a person wrote in a report: the fields of the form, nothing about when or by whom. */
function sameContent(a: Report, b: Report): boolean {
  const fields = (r: Report) =>
    JSON.stringify([
      r.status,
      r.narrative,
      r.obstacles ?? '',
      r.nextStep ?? '',
      r.indicatorValue ?? null,
      r.needsSteeringDecision,
      r.roundId ?? '',
    ]);
  return fields(a) === fields(b);
}
