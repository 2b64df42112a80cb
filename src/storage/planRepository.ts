import { randomUUID } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Agreement, Measure, SteeringMeeting } from '../domain/agreement.js';
import type { ChannelBinding } from '../domain/channelBinding.js';
import type { Plan } from '../domain/plan.js';
import type { BindingTakeOver, SuccessionRecord } from '../domain/succession.js';
import { RecentReads } from './recentReads.js';
import { isStatus, replaceAsRead, tableNames, type ReadRow, type TableStore } from './tableStore.js';

/** Someone else changed the row since it was read; nothing was written. */
export class PlanConflictError extends Error {
  override name = 'PlanConflictError';
}

/**
 * The agreement and its action plan: one partition per agreement, so every screen that shows the plan is one
 * partition query. Rows: `agreement`, `goalArea|NN`, `measure|NN.NN`, `group|id`, `meeting|date`,
 * `binding|groupId`, and `succession|predecessorId` once the agreement has taken over the channels of the one it
 * follows. Every row holds its domain object as JSON in `data`.
 *
 * One more row, `!version`, changes with every write to the partition, in the same entity-group transaction as
 * the write. `load` reads only that row when the plan it read last is still current, so a card press costs one
 * point read instead of a partition query, and a plan changed by any instance is seen by the very next load on
 * every other instance. Loads at the same time share version reads (`FreshRead`), never one sent before they
 * were asked for, so under load a card press costs less than a read.
 */
type RowKind = 'agreement' | 'goalArea' | 'measure' | 'group' | 'meeting' | 'binding' | 'succession';

type PlanRow = {
  partitionKey: string;
  rowKey: string;
  kind: RowKind;
  /** Where the row stands in its list, so the plan reads in the order the agreement file gives. */
  position: number;
  data: string;
  /** `file` rows are synced from the agreement file; `teams` rows were changed in Teams and win over the file. */
  origin: 'file' | 'teams';
  updatedAt: string;
};

/** `!` sorts before every other row key, so a partition query reads the version before the rows it stands for. */
const versionRowKey = '!version';

/**
 * How long `loadRecent` trusts a version read: a round's cards go out within seconds of each other, and a card shows
 * the plan as it stood at most this long before (a change made in this process is seen at once).
 */
const versionReusedMs = 10_000;

/**
 * Facts about the deployment rather than one agreement, in a partition no agreement id can name (ids start with a
 * letter or digit).
 */
const deploymentPartition = '!deployment';
const legacyAgreementRow = 'legacyAgreement';
type DeploymentRow = { partitionKey: string; rowKey: string; agreementId: string; recordedAt: string };

type VersionRow = {
  partitionKey: string;
  rowKey: typeof versionRowKey;
  kind: 'version';
  /** New with every write; compared instead of the ETag, which Azurite derives from a millisecond clock. */
  stamp: string;
  updatedAt: string;
};

const pad = (n: number | string) => String(n).padStart(2, '0');
const successionRowKey = (predecessorId: string) => `succession|${predecessorId}`;

function bindingRow(agreementId: string, binding: ChannelBinding, updatedAt: string): PlanRow {
  return {
    partitionKey: agreementId,
    rowKey: `binding|${binding.groupId}`,
    kind: 'binding',
    position: 0,
    data: JSON.stringify(binding),
    origin: 'teams',
    updatedAt,
  };
}
const measureRowKey = (id: string) => `measure|${id.split('.').map(pad).join('.')}`;

export class PlanRepository {
  private readonly table: TableClient;
  /** The plan last read per agreement, with the version it was read at. Frozen: callers share it. */
  private readonly cache = new Map<string, { stamp: string; plan: Plan }>();
  /** A partition read in flight per agreement, shared by loads that find the same version. */
  private readonly reading = new Map<string, { stamp: string; plan: Promise<Plan | undefined> }>();
  /** The version row's reads per agreement, shared by the loads asking at the same time. */
  private readonly versionReads = new Map<string, FreshRead<string | undefined>>();
  /** The version reads `loadRecent` hands out again (see versionReusedMs). */
  private readonly recentVersions = new RecentReads<string | undefined>(versionReusedMs);

  constructor(store: TableStore) {
    this.table = store.table(tableNames.plan);
  }

  /**
   * Brings the stored plan in line with the agreement file. Idempotent: unchanged rows are not written, rows
   * changed in Teams are kept, and nothing is ever deleted (reports refer to measures by id).
   */
  async sync(agreement: Agreement, now: Date = new Date()): Promise<{ written: number }> {
    const partitionKey = agreement.id;
    const existing = new Map<string, PlanRow>();
    let versioned = false;
    for await (const row of this.queryPartition(partitionKey)) {
      if (isVersionRow(row)) versioned = true;
      else existing.set(row.rowKey, row);
    }

    const { goalAreas, measures, groups, steeringMeetings, ...header } = agreement;
    type Desired = [rowKey: string, kind: RowKind, position: number, data: unknown];
    const desired: Desired[] = [
      ['agreement', 'agreement', 0, header],
      ...goalAreas.map((g, i): Desired => [`goalArea|${pad(g.number)}`, 'goalArea', i, g]),
      ...measures.map((m, i): Desired => [measureRowKey(m.id), 'measure', i, m]),
      ...groups.map((g, i): Desired => [`group|${g.id}`, 'group', i, g]),
      ...steeringMeetings.map((m, i): Desired => [`meeting|${m.date}`, 'meeting', i, m]),
    ];

    const actions: TransactionAction[] = [];
    for (const [rowKey, kind, position, value] of desired) {
      const data = JSON.stringify(value);
      const current = existing.get(rowKey);
      if (current && (current.origin === 'teams' || (current.data === data && current.position === position)))
        continue;
      const row: PlanRow = {
        partitionKey,
        rowKey,
        kind,
        position,
        data,
        origin: 'file',
        updatedAt: now.toISOString(),
      };
      actions.push(['upsert', row, 'Replace']);
    }
    // A transaction holds at most 100 operations on one partition, the version row included.
    for (let i = 0; i < actions.length; i += 99) {
      await this.commit([...actions.slice(i, i + 99), this.bump(partitionKey, now)]);
    }
    // A plan stored before the version row existed gets one, so that loads can start using it.
    if (actions.length === 0 && !versioned) await this.commit([this.bump(partitionKey, now)]);
    return { written: actions.length };
  }

  /**
   * The plan as stored now. One point read of the version row when nothing changed since the last load in this
   * process; otherwise one partition query. The plan returned is frozen: it may be shared with other callers.
   */
  async load(agreementId: string): Promise<Plan | undefined> {
    return this.loadAt(agreementId, await this.versionOf(agreementId));
  }

  /**
   * `load` for showing, not deciding: the version read within the last ten seconds is used again, so a round's
   * thousand cards cost a few reads of the version row instead of one each. A change to the plan made in this
   * process is seen at once, one made on another instance at most ten seconds late.
   */
  async loadRecent(agreementId: string): Promise<Plan | undefined> {
    const stamp = await this.recentVersions.get(agreementId, () => this.versionOf(agreementId));
    return this.loadAt(agreementId, stamp);
  }

  private async loadAt(agreementId: string, stamp: string | undefined): Promise<Plan | undefined> {
    if (stamp !== undefined) {
      const cached = this.cache.get(agreementId);
      if (cached?.stamp === stamp) return cached.plan;
      // A read that started after this version was written returns it or something newer.
      const inFlight = this.reading.get(agreementId);
      if (inFlight?.stamp === stamp) return inFlight.plan;
    }
    const plan = this.read(agreementId);
    if (stamp !== undefined) {
      const entry = { stamp, plan };
      this.reading.set(agreementId, entry);
      void plan
        .finally(() => {
          if (this.reading.get(agreementId) === entry) this.reading.delete(agreementId);
        })
        .catch(() => undefined);
    }
    return plan;
  }

  /** One partition query; remembers the plan under the version row read first in the same query. */
  private async read(agreementId: string): Promise<Plan | undefined> {
    let header: Omit<Agreement, 'goalAreas' | 'measures' | 'groups' | 'steeringMeetings'> | undefined;
    const agreement: Pick<Agreement, 'goalAreas' | 'measures' | 'groups' | 'steeringMeetings'> = {
      goalAreas: [],
      measures: [],
      groups: [],
      steeringMeetings: [],
    };
    const bindings: ChannelBinding[] = [];
    const rows: PlanRow[] = [];
    let stamp: string | undefined;
    for await (const row of this.queryPartition(agreementId)) {
      if (isVersionRow(row)) stamp = row.stamp;
      else rows.push(row);
    }
    rows.sort((a, b) => a.position - b.position);
    for (const row of rows) {
      const value: unknown = JSON.parse(row.data);
      switch (row.kind) {
        case 'agreement':
          header = withKind(value as Partial<Pick<Agreement, 'kind'>> & NonNullable<typeof header>);
          break;
        case 'goalArea':
          agreement.goalAreas.push(value as Agreement['goalAreas'][number]);
          break;
        case 'measure':
          agreement.measures.push(value as Agreement['measures'][number]);
          break;
        case 'group':
          agreement.groups.push(value as Agreement['groups'][number]);
          break;
        case 'meeting':
          agreement.steeringMeetings.push(value as Agreement['steeringMeetings'][number]);
          break;
        case 'binding':
          bindings.push(value as ChannelBinding);
          break;
        case 'succession':
          // A record of what was taken over, not part of the plan; read with `succession`.
          break;
      }
    }
    if (!header) return undefined;
    const plan = deepFreeze({ agreement: { ...header, ...agreement }, bindings });
    // The version row sorts first, so every row after it is at least as new: if the partition changed during
    // the query, the next load finds a newer version and reads again.
    if (stamp !== undefined) {
      const known = this.cache.get(agreementId);
      if (!known || known.stamp !== stamp) this.cache.set(agreementId, { stamp, plan });
    }
    return plan;
  }

  private versionOf(agreementId: string): Promise<string | undefined> {
    let reads = this.versionReads.get(agreementId);
    if (!reads) {
      reads = new FreshRead(() => this.readVersion(agreementId));
      this.versionReads.set(agreementId, reads);
    }
    return reads.read();
  }

  private async readVersion(agreementId: string): Promise<string | undefined> {
    try {
      return (await this.table.getEntity<VersionRow>(agreementId, versionRowKey)).stamp;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Every write to a plan: one transaction, its version row (`bump`) included. */
  private async commit(actions: TransactionAction[]): Promise<void> {
    const partitionKey = actions[0]?.[1].partitionKey ?? '';
    // Before and after: a version read under way meanwhile is not handed out again.
    this.recentVersions.forget(partitionKey);
    try {
      await this.table.submitTransaction(actions);
    } finally {
      this.recentVersions.forget(partitionKey);
    }
  }

  /** The write to the version row that goes into every transaction that changes the partition. */
  private bump(partitionKey: string, now: Date): TransactionAction {
    const row: VersionRow = {
      partitionKey,
      rowKey: versionRowKey,
      kind: 'version',
      stamp: randomUUID(),
      updatedAt: now.toISOString(),
    };
    return ['upsert', row, 'Replace'];
  }

  /** Binds a group to a channel, replacing any earlier channel of that group. */
  async bind(agreementId: string, binding: ChannelBinding): Promise<void> {
    await this.commit([
      ['upsert', bindingRow(agreementId, binding, binding.boundAt), 'Replace'],
      this.bump(agreementId, new Date(binding.boundAt)),
    ]);
  }

  /** What the agreement took over from the one it follows, if it has. */
  async succession(agreementId: string, predecessorId: string): Promise<SuccessionRecord | undefined> {
    try {
      const row = await this.table.getEntity<PlanRow>(agreementId, successionRowKey(predecessorId));
      return JSON.parse(row.data) as SuccessionRecord;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Takes over the predecessor's channels: the bindings and the record of the succession, in one transaction on the
   * successor's partition, so that either all of it is stored or none. Every row is a new one: if another instance
   * recorded the succession first, or a group was bound meanwhile, nothing is written and `false` is returned (read
   * both plans again). Nothing of the predecessor's partition is written.
   */
  async takeOverBindings(
    agreementId: string,
    predecessorId: string,
    takeOvers: readonly BindingTakeOver[],
    now: Date,
  ): Promise<SuccessionRecord | false> {
    const record: SuccessionRecord = {
      predecessorId,
      at: now.toISOString(),
      bindings: takeOvers.map(({ binding, fromGroupId }) => ({
        groupId: binding.groupId,
        fromGroupId,
        channelId: binding.channelId,
      })),
    };
    const recordRow: PlanRow = {
      partitionKey: agreementId,
      rowKey: successionRowKey(predecessorId),
      kind: 'succession',
      position: 0,
      data: JSON.stringify(record),
      origin: 'teams',
      updatedAt: record.at,
    };
    // An agreement has at most 50 groups, so this is well within a transaction's 100 operations.
    try {
      await this.commit([
        ['create', recordRow],
        ...takeOvers.map((t): TransactionAction => ['create', bindingRow(agreementId, t.binding, record.at)]),
        this.bump(agreementId, now),
      ]);
      return record;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  /** A measure with the version (ETag) an edit must be based on. */
  async measureWithVersion(
    agreementId: string,
    measureId: string,
  ): Promise<{ measure: Measure; version: string } | undefined> {
    try {
      const row = await this.table.getEntity<PlanRow>(agreementId, measureRowKey(measureId));
      return { measure: JSON.parse(row.data) as Measure, version: row.etag };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Stores a measure changed in Teams. With `version` it replaces exactly that stored version; without, it must
   * be new. Either way a concurrent change makes it throw PlanConflictError instead of overwriting.
   */
  async saveMeasure(
    agreementId: string,
    measure: Measure,
    version: string | undefined,
    now: Date,
  ): Promise<void> {
    const row: PlanRow = {
      partitionKey: agreementId,
      rowKey: measureRowKey(measure.id),
      kind: 'measure',
      position: version
        ? await this.positionOf(agreementId, measure.id)
        : await this.nextPosition(agreementId),
      data: JSON.stringify(measure),
      origin: 'teams',
      updatedAt: now.toISOString(),
    };
    try {
      await this.commit([
        version ? ['update', row, 'Replace', { etag: version }] : ['create', row],
        this.bump(agreementId, now),
      ]);
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409))
        throw new PlanConflictError(`measure ${measure.id} changed`);
      throw err;
    }
  }

  /**
   * Records an extension (förlängning) on the agreement, conditional on the stored version so two coordinators
   * recording at once cannot extend it twice. Returns the agreement as extended.
   */
  async recordExtension(
    agreementId: string,
    extend: (agreement: Agreement) => Agreement,
    now: Date,
  ): Promise<Agreement> {
    const row = await this.table.getEntity<PlanRow>(agreementId, 'agreement');
    const plan = await this.load(agreementId);
    if (!plan) throw new Error(`no agreement ${agreementId}`);
    const extended = extend(plan.agreement);
    const { goalAreas, measures, groups, steeringMeetings, ...header } = extended;
    const updated: PlanRow = {
      partitionKey: row.partitionKey,
      rowKey: row.rowKey,
      kind: row.kind,
      position: row.position,
      data: JSON.stringify(header),
      origin: 'teams',
      updatedAt: now.toISOString(),
    };
    try {
      await this.commit([['update', updated, 'Replace', { etag: row.etag }], this.bump(agreementId, now)]);
    } catch (err) {
      if (isStatus(err, 412)) throw new PlanConflictError('agreement changed');
      throw err;
    }
    return extended;
  }

  /**
   * The agreement this deployment served before it served several, recorded once so that it stays the
   * same when agreement files are added or renamed: its jobs keep the ids they had, and stored jobs that name no
   * agreement are its. At the first start that asks, it is the one of `loaded` whose plan is already stored, if
   * exactly one is (an upgraded deployment), otherwise the first of `loaded`. Call before syncing the plans.
   */
  async legacyAgreement(loaded: readonly string[], now: Date): Promise<string> {
    const recorded = await this.recordedLegacyAgreement();
    if (recorded !== undefined) return recorded;
    const stored: string[] = [];
    for (const id of loaded) if (await this.hasAgreementRow(id)) stored.push(id);
    const [only, ...more] = stored;
    const chosen = only !== undefined && more.length === 0 ? only : loaded[0];
    if (chosen === undefined) throw new Error('no agreement loaded');
    try {
      await this.table.createEntity<DeploymentRow>({
        partitionKey: deploymentPartition,
        rowKey: legacyAgreementRow,
        agreementId: chosen,
        recordedAt: now.toISOString(),
      });
      return chosen;
    } catch (err) {
      // Another instance starting at the same moment recorded it first: its choice stands.
      if (!isStatus(err, 409)) throw err;
      return (await this.recordedLegacyAgreement()) ?? chosen;
    }
  }

  private async recordedLegacyAgreement(): Promise<string | undefined> {
    try {
      return (await this.table.getEntity<DeploymentRow>(deploymentPartition, legacyAgreementRow)).agreementId;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  private async hasAgreementRow(agreementId: string): Promise<boolean> {
    try {
      await this.table.getEntity<PlanRow>(agreementId, 'agreement');
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  /** Plans a steering meeting; false if one is already planned that day. */
  async addMeeting(agreementId: string, meeting: SteeringMeeting, now: Date): Promise<boolean> {
    const row: PlanRow = {
      partitionKey: agreementId,
      rowKey: `meeting|${meeting.date}`,
      kind: 'meeting',
      position: await this.nextPosition(agreementId),
      data: JSON.stringify(meeting),
      origin: 'teams',
      updatedAt: now.toISOString(),
    };
    try {
      await this.commit([['create', row], this.bump(agreementId, now)]);
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  private async positionOf(agreementId: string, measureId: string): Promise<number> {
    try {
      return (await this.table.getEntity<PlanRow>(agreementId, measureRowKey(measureId))).position;
    } catch {
      return this.nextPosition(agreementId);
    }
  }

  /** After every row the file gave, so what is added in Teams comes last. */
  private async nextPosition(agreementId: string): Promise<number> {
    let max = 0;
    for await (const row of this.queryPartition(agreementId)) {
      if (!isVersionRow(row)) max = Math.max(max, row.position);
    }
    return max + 1;
  }

  private queryPartition(partitionKey: string) {
    return this.table.listEntities<PlanRow | VersionRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
    });
  }

  /**
   * Rewrites measures and channel bindings that name a person whose identity is erased: `rewrite` gives the new
   * measure or binding, or undefined to leave it. Each row is replaced only as it was read (ETag), and is marked
   * as changed in Teams, so a later sync from the agreement file cannot bring the person back into it. Returns
   * the ids of the measures rewritten and how many bindings.
   */
  async rewritePeople(
    agreementId: string,
    rewrite: {
      measure: (measure: Measure) => Measure | undefined;
      binding: (binding: ChannelBinding) => ChannelBinding | undefined;
    },
    now: Date,
  ): Promise<{ measures: string[]; bindings: number }> {
    const rows: Array<ReadRow<PlanRow>> = [];
    for await (const row of this.queryPartition(agreementId)) {
      if (row.kind === 'measure' || row.kind === 'binding') rows.push(row);
    }
    const measures: string[] = [];
    let bindings = 0;
    for (const row of rows) {
      const replaced = await replaceAsRead<PlanRow>(this.table, row, (stored) => {
        const value: unknown = JSON.parse(stored.data);
        const next =
          stored.kind === 'measure'
            ? rewrite.measure(value as Measure)
            : stored.kind === 'binding'
              ? rewrite.binding(value as ChannelBinding)
              : undefined;
        if (!next) return undefined;
        return {
          partitionKey: stored.partitionKey,
          rowKey: stored.rowKey,
          kind: stored.kind,
          position: stored.position,
          data: JSON.stringify(next),
          origin: 'teams',
          updatedAt: now.toISOString(),
        };
      });
      if (!replaced) continue;
      if (row.kind === 'measure') measures.push((JSON.parse(row.data) as Measure).id);
      else bindings++;
    }
    // Written after the rows, so a load that sees the new version reads them too (the rows were replaced one by
    // one, conditionally, not in one transaction).
    if (measures.length > 0 || bindings > 0) await this.commit([this.bump(agreementId, now)]);
    return { measures, bindings };
  }
}

/**
 * One read shared by the callers that ask while it is under way, without ever giving a caller a read sent before
 * it asked (which could miss a write stored just before): a caller that finds a read in flight joins the next
 * one, sent as soon as that one is answered. So what a caller gets is at least as new as everything stored
 * before it asked, as with a read of its own, and n callers at once cost two reads instead of n.
 */
class FreshRead<T> {
  private inFlight: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly fetch: () => Promise<T>) {}

  read(): Promise<T> {
    if (!this.inFlight) return this.start();
    this.queued ??= this.inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<T> {
    const read = this.fetch();
    this.inFlight = read;
    const done = () => {
      if (this.inFlight === read) this.inFlight = undefined;
    };
    read.then(done, done);
    return read;
  }
}

function isVersionRow(row: PlanRow | VersionRow): row is VersionRow {
  return row.kind === 'version';
}

/** Frozen all the way down, so that a caller changing the shared plan fails loudly instead of changing it for all. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A header stored before agreements had a kind, and not rewritten since, is a samverkansöverenskommelse. */
function withKind<T extends Partial<Pick<Agreement, 'kind'>>>(header: T): T & Pick<Agreement, 'kind'> {
  return { ...header, kind: header.kind ?? 'samverkansöverenskommelse' };
}
