import { odata, type TableClient } from '@azure/data-tables';
import type { CheckInRound, PromptTarget } from '../domain/checkInRound.js';
import { targetKey } from '../domain/checkInRound.js';
import { isStatus, keyOf, tableNames, type TableStore } from './tableStore.js';

/** Where one check-in card was posted, so reminders can answer in its thread and saves can update it. */
export interface Delivery {
  roundId: string;
  measureId: string;
  target: PromptTarget;
  status: 'sent' | 'failed';
  /** The conversation the card is in (a channel thread or a personal chat) and its message id. */
  conversationId?: string;
  activityId?: string;
  /** Short reason of a failed send; never message text. */
  error?: string;
  /** UTC ISO. */
  at: string;
}

interface RoundRow {
  partitionKey: string;
  rowKey: string;
  data: string;
  status: 'open' | 'closed';
}

interface DeliveryRow {
  partitionKey: string;
  rowKey: string;
  data: string;
}

/**
 * Check-in rounds (partition per agreement, so "which rounds are open" is one read) and the deliveries of each
 * round's cards (partition per round).
 */
export class RoundRepository {
  private readonly table: TableClient;

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
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  async get(agreementId: string, roundId: string): Promise<CheckInRound | undefined> {
    try {
      const row = await this.table.getEntity<RoundRow>(roundsPartition(agreementId), keyOf(roundId));
      return JSON.parse(row.data) as CheckInRound;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
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
    await this.table.updateEntity<RoundRow>(
      { partitionKey: row.partitionKey, rowKey: row.rowKey, data: JSON.stringify(closed), status: 'closed' },
      'Replace',
      { etag: row.etag },
    );
    return closed;
  }

  async recordDelivery(delivery: Delivery): Promise<void> {
    await this.table.upsertEntity<DeliveryRow>(
      {
        partitionKey: deliveriesPartition(delivery.roundId),
        rowKey: deliveryKey(delivery.measureId, delivery.target),
        data: JSON.stringify(delivery),
      },
      'Replace',
    );
  }

  async delivery(roundId: string, measureId: string, target: PromptTarget): Promise<Delivery | undefined> {
    try {
      const row = await this.table.getEntity<DeliveryRow>(
        deliveriesPartition(roundId),
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
    roundId: string,
    measureId: string,
    number: number,
    target: PromptTarget,
    at: string,
  ): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: remindersPartition(roundId), rowKey: reminderKey(measureId, number, target), at },
      'Replace',
    );
  }

  async wasReminded(
    roundId: string,
    measureId: string,
    number: number,
    target: PromptTarget,
  ): Promise<boolean> {
    try {
      await this.table.getEntity(remindersPartition(roundId), reminderKey(measureId, number, target));
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  /** Every delivery of a round. */
  async deliveries(roundId: string): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    const rows = this.table.listEntities<DeliveryRow>({
      queryOptions: { filter: odata`PartitionKey eq ${deliveriesPartition(roundId)}` },
    });
    for await (const row of rows) deliveries.push(JSON.parse(row.data) as Delivery);
    return deliveries;
  }
}

const roundsPartition = (agreementId: string) => `rounds|${agreementId}`;
const deliveriesPartition = (roundId: string) => `deliveries|${keyOf(roundId)}`;
const remindersPartition = (roundId: string) => `reminders|${keyOf(roundId)}`;
const reminderKey = (measureId: string, number: number, target: PromptTarget) =>
  keyOf(`${measureId}|${number}|${targetKey(target)}`);
const deliveryKey = (measureId: string, target: PromptTarget) => keyOf(`${measureId}|${targetKey(target)}`);
