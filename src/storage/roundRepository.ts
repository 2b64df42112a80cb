import { odata, type TableClient } from '@azure/data-tables';
import type { CheckInRound, Delivery, PromptTarget, Reminder } from '../domain/checkInRound.js';
import { targetKey } from '../domain/checkInRound.js';
import {
  deleteAsRead,
  isStatus,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
  upsertAll,
} from './tableStore.js';
import { WriteBehind } from './writeBehind.js';

interface RoundRow {
  partitionKey: string;
  rowKey: string;
  data: string;
  status: 'open' | 'closed';
}

type DeliveryRow = {
  partitionKey: string;
  rowKey: string;
  data: string;
};

/**
 * Check-in rounds (partition per agreement, so "which rounds are open" is one read) and the deliveries of each
 * round's cards (partition per round of an agreement).
 *
 * Round ids are unique within an agreement only (every agreement has a `monthly-2021-11`), so the deliveries and
 * reminders of a round are kept under the round's id with its agreement's prefix before it: `agreementPrefix` is
 * AgreementContext.jobIdPrefix, `<agreementId>|`, and empty for the agreement a deployment served before it
 * served several, whose deliveries stay where they were.
 */
export class RoundRepository {
  private readonly table: TableClient;
  /** Rounds this process read or wrote, and when (see `getRecent`). */
  private readonly seen = new Map<string, { round: CheckInRound; at: number }>();
  /** Cards' "sent" records not yet stored (see recordSent). */
  private readonly sent = new WriteBehind<DeliveryRow>(
    (rows) => upsertAll(this.table, rows),
    'rounds.recordSentFailed',
  );

  constructor(store: TableStore) {
    this.table = store.table(tableNames.rounds);
  }

  /** Stores a new round; false if a round with this id exists (an automatic round opened by another instance). */
  async open(round: CheckInRound): Promise<boolean> {
    try {
      await this.table.createEntity<RoundRow>({
        partitionKey: roundsPartition(round.agreementId),
        rowKey: keyOf(round.id),
        data: JSON.stringify(round),
        status: round.status,
      });
      this.see(round);
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  /**
   * Stores rounds kept elsewhere (an example history) all at once: one transaction per agreement, so either every
   * round of it is stored or, if any of them exists, none. At most 100 rounds per agreement. Returns how many.
   */
  async importRounds(rounds: readonly CheckInRound[]): Promise<number> {
    const byAgreement = new Map<string, CheckInRound[]>();
    for (const round of rounds)
      byAgreement.set(round.agreementId, [...(byAgreement.get(round.agreementId) ?? []), round]);
    let stored = 0;
    for (const [agreementId, batch] of byAgreement) {
      if (batch.length > 100) throw new RangeError(`${batch.length} rounds for ${agreementId}; at most 100`);
      try {
        await this.table.submitTransaction(
          batch.map((round) => [
            'create',
            {
              partitionKey: roundsPartition(agreementId),
              rowKey: keyOf(round.id),
              data: JSON.stringify(round),
              status: round.status,
            } satisfies RoundRow,
          ]),
        );
        stored += batch.length;
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
    }
    return stored;
  }

  async get(agreementId: string, roundId: string): Promise<CheckInRound | undefined> {
    try {
      const row = await this.table.getEntity<RoundRow>(roundsPartition(agreementId), keyOf(roundId));
      const round = JSON.parse(row.data) as CheckInRound;
      this.see(round);
      return round;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * `get`, answered from what this process read or wrote within `roundReusedMs`: each card of a round reads the
   * same round, a thousand times in a minute. A round another instance closed meanwhile is seen closed at most
   * that late; this process's own `close` is seen at once.
   */
  async getRecent(agreementId: string, roundId: string): Promise<CheckInRound | undefined> {
    const seen = this.seen.get(seenKey(agreementId, roundId));
    const age = seen ? Date.now() - seen.at : Infinity;
    if (seen && age >= 0 && age < roundReusedMs) return seen.round;
    return this.get(agreementId, roundId);
  }

  private see(round: CheckInRound) {
    if (this.seen.size >= roundsSeenMax) this.seen.clear();
    this.seen.set(seenKey(round.agreementId, round.id), { round, at: Date.now() });
  }

  /** Every round of the agreement, oldest first. */
  async list(agreementId: string): Promise<CheckInRound[]> {
    const rounds: CheckInRound[] = [];
    const rows = this.table.listEntities<RoundRow>({
      queryOptions: { filter: odata`PartitionKey eq ${roundsPartition(agreementId)}` },
    });
    for await (const row of rows) rounds.push(JSON.parse(row.data) as CheckInRound);
    return rounds.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  }

  /** Closes a round; returns the closed round, or undefined if there was none or it was already closed. */
  async close(agreementId: string, roundId: string, at: string): Promise<CheckInRound | undefined> {
    let row: RoundRow & { etag: string };
    try {
      row = await this.table.getEntity<RoundRow>(roundsPartition(agreementId), keyOf(roundId));
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
    const round = JSON.parse(row.data) as CheckInRound;
    if (round.status === 'closed') return undefined;
    const closed: CheckInRound = { ...round, status: 'closed', closedAt: at };
    this.seen.delete(seenKey(agreementId, roundId));
    await this.table.updateEntity<RoundRow>(
      { partitionKey: row.partitionKey, rowKey: row.rowKey, data: JSON.stringify(closed), status: 'closed' },
      'Replace',
      { etag: row.etag },
    );
    this.see(closed);
    return closed;
  }

  /**
   * Records a delivery that is about to be sent, only if the card has no delivery yet: the insert is the check,
   * so a first attempt costs one request. False, and nothing written, when one exists (read it to decide).
   */
  async startDelivery(agreementPrefix: string, delivery: Delivery): Promise<boolean> {
    try {
      await this.table.createEntity<DeliveryRow>({
        partitionKey: deliveriesPartition(agreementPrefix, delivery.roundId),
        rowKey: deliveryKey(delivery.measureId, delivery.target),
        data: JSON.stringify(delivery),
      });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  async recordDelivery(agreementPrefix: string, delivery: Delivery): Promise<void> {
    await this.table.upsertEntity<DeliveryRow>(deliveryRow(agreementPrefix, delivery), 'Replace');
  }

  /**
   * Records that Teams took a card, with others of its round in one transaction (WriteBehind), stored before the
   * jobs that sent them are recorded as finished (JobStore's beforeRecording) and before this repository reads a
   * delivery. A process that stops in between leaves the card "sending": its job runs again, finds it so and
   * records it unconfirmed, never sending it twice.
   */
  recordSent(agreementPrefix: string, delivery: Delivery & { status: 'sent' }): void {
    this.sent.add(deliveryRow(agreementPrefix, delivery));
  }

  /** Stores the "sent" records queued so far; never throws. */
  storeSent(): Promise<void> {
    return this.sent.settle();
  }

  async delivery(
    agreementPrefix: string,
    roundId: string,
    measureId: string,
    target: PromptTarget,
  ): Promise<Delivery | undefined> {
    await this.storeSent();
    try {
      const row = await this.table.getEntity<DeliveryRow>(
        deliveriesPartition(agreementPrefix, roundId),
        deliveryKey(measureId, target),
      );
      return JSON.parse(row.data) as Delivery;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Records that reminder `number` reached this target, so a retried reminder job does not send it again. */
  async markReminded(
    agreementPrefix: string,
    roundId: string,
    measureId: string,
    number: number,
    target: PromptTarget,
    at: string,
  ): Promise<void> {
    await this.table.upsertEntity<ReminderRow>(
      {
        partitionKey: remindersPartition(agreementPrefix, roundId),
        rowKey: reminderKey(measureId, number, target),
        roundId,
        at,
      },
      'Replace',
    );
  }

  async wasReminded(
    agreementPrefix: string,
    roundId: string,
    measureId: string,
    number: number,
    target: PromptTarget,
  ): Promise<boolean> {
    try {
      await this.table.getEntity(
        remindersPartition(agreementPrefix, roundId),
        reminderKey(measureId, number, target),
      );
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  /** Every delivery of a round. */
  async deliveries(agreementPrefix: string, roundId: string): Promise<Delivery[]> {
    await this.storeSent();
    const deliveries: Delivery[] = [];
    const rows = this.table.listEntities<DeliveryRow>({
      queryOptions: { filter: odata`PartitionKey eq ${deliveriesPartition(agreementPrefix, roundId)}` },
    });
    for await (const row of rows) deliveries.push(JSON.parse(row.data) as Delivery);
    return deliveries;
  }

  /** Every delivery of every round: what a person's data request searches. */
  async allDeliveries(): Promise<Delivery[]> {
    await this.storeSent();
    const deliveries: Delivery[] = [];
    for await (const row of this.rowsIn<DeliveryRow>('deliveries')) {
      deliveries.push(JSON.parse(row.data) as Delivery);
    }
    return deliveries;
  }

  /** Every reminder that reached someone, of every round. */
  async allReminders(): Promise<Reminder[]> {
    const reminders: Reminder[] = [];
    for await (const row of this.rowsIn<ReminderRow>('reminders')) {
      const reminder = reminderOf(row);
      if (reminder) reminders.push(reminder);
    }
    return reminders;
  }

  /**
   * Deletes the deliveries and reminder marks whose target `matches` (the cards sent to a person whose data is
   * erased), each only as it was read (ETag). Their rounds' other targets are not touched. Returns how many.
   */
  async deleteDeliveriesTo(matches: (target: PromptTarget) => boolean): Promise<number> {
    await this.storeSent();
    let deleted = 0;
    const reminders: Array<ReadRow<ReminderRow>> = [];
    for await (const row of this.rowsIn<ReminderRow>('reminders')) {
      const reminder = reminderOf(row);
      if (reminder && matches(reminder.target)) reminders.push(row);
    }
    for (const row of reminders) if (await deleteAsRead(this.table, row)) deleted++;
    const deliveries: Array<ReadRow<DeliveryRow>> = [];
    for await (const row of this.rowsIn<DeliveryRow>('deliveries')) {
      if (matches((JSON.parse(row.data) as Delivery).target)) deliveries.push(row);
    }
    for (const row of deliveries) if (await deleteAsRead(this.table, row)) deleted++;
    return deleted;
  }

  /**
   * Rewrites rounds in place (who opened one, when that person's identity is erased): `rewrite` gives the new
   * round, or undefined to leave it. Each row is replaced only as it was read (ETag). Returns how many.
   */
  async rewriteRounds(
    agreementId: string,
    rewrite: (round: CheckInRound) => CheckInRound | undefined,
  ): Promise<number> {
    // What an erasure rewrites must not be handed out from memory afterwards.
    this.seen.clear();
    const rows: Array<ReadRow<RoundRow>> = [];
    const filter = odata`PartitionKey eq ${roundsPartition(agreementId)}`;
    for await (const row of this.table.listEntities<RoundRow>({ queryOptions: { filter } })) rows.push(row);
    let rewritten = 0;
    for (const row of rows) {
      const replaced = await replaceAsRead<RoundRow>(this.table, row, (stored) => {
        const next = rewrite(JSON.parse(stored.data) as CheckInRound);
        return (
          next && {
            partitionKey: stored.partitionKey,
            rowKey: stored.rowKey,
            data: JSON.stringify(next),
            status: next.status,
          }
        );
      });
      if (replaced) rewritten++;
    }
    this.seen.clear();
    return rewritten;
  }

  /** Every row of the per-round partitions of one kind (`deliveries|…` or `reminders|…`), over all rounds. */
  private rowsIn<Row extends object>(kind: 'deliveries' | 'reminders') {
    // '}' sorts right after '|', so the range holds exactly this kind's partitions.
    const from = `${kind}|`;
    const to = `${kind}}`;
    return this.table.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey ge ${from} and PartitionKey lt ${to}` },
    });
  }
}

interface ReminderRow {
  partitionKey: string;
  rowKey: string;
  /** Missing on marks written before there were several agreements: their partition names the round. */
  roundId?: string;
  at: string;
}

/** Reads a reminder mark back from its keys (`reminders|<round>`, `<measure>|<number>|<target>`). */
function reminderOf(row: ReminderRow): Reminder | undefined {
  const roundKey = row.partitionKey.slice('reminders|'.length);
  const roundId = row.roundId ?? Buffer.from(roundKey, 'base64url').toString('utf8');
  const key = /^(\d{1,2}\.\d{1,2})\|(\d+)\|(channel|personal):(.+)$/s.exec(
    Buffer.from(row.rowKey, 'base64url').toString('utf8'),
  );
  if (!key?.[1] || !key[2] || !key[4]) return undefined;
  const target: PromptTarget =
    key[3] === 'personal'
      ? { kind: 'personal', aadObjectId: key[4] }
      : { kind: 'channel', channelId: key[4] };
  return { roundId, measureId: key[1], number: Number(key[2]), target, at: row.at };
}

const roundsPartition = (agreementId: string) => `rounds|${agreementId}`;
const seenKey = (agreementId: string, roundId: string) => `${agreementId}|${roundId}`;
/** How long `getRecent` hands out a round this process read or wrote. */
const roundReusedMs = 10_000;
/** Rounds remembered; beyond this the memory starts over (a read each, no harm). */
const roundsSeenMax = 1_000;
const deliveriesPartition = (agreementPrefix: string, roundId: string) =>
  `deliveries|${keyOf(`${agreementPrefix}${roundId}`)}`;
const remindersPartition = (agreementPrefix: string, roundId: string) =>
  `reminders|${keyOf(`${agreementPrefix}${roundId}`)}`;
const reminderKey = (measureId: string, number: number, target: PromptTarget) =>
  keyOf(`${measureId}|${number}|${targetKey(target)}`);
const deliveryKey = (measureId: string, target: PromptTarget) => keyOf(`${measureId}|${targetKey(target)}`);

function deliveryRow(agreementPrefix: string, delivery: Delivery): DeliveryRow {
  return {
    partitionKey: deliveriesPartition(agreementPrefix, delivery.roundId),
    rowKey: deliveryKey(delivery.measureId, delivery.target),
    data: JSON.stringify(delivery),
  };
}
