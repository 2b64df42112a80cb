import { odata, type TableClient } from '@azure/data-tables';
import { mergeHeldMeeting, type HeldMeeting } from '../domain/heldMeeting.js';
import {
  deleteRows,
  isStatus,
  keyOf,
  replaceAsRead,
  tableNames,
  type ReadRow,
  type TableStore,
} from './tableStore.js';

interface MeetingRow {
  partitionKey: string;
  rowKey: string;
  data: string;
}

/** What the bot posts once per meeting: the summary at the start, the decision card at the end. */
export type MeetingPost = 'summary' | 'decisionCard';

/**
 * Steering meetings held in Teams, one partition per agreement: a row per meeting (by Teams' meeting id), and an
 * insert-once marker per card posted for it, so a start or end that Teams sends twice, or two instances that both
 * get it, post the card once.
 */
export class MeetingRepository {
  private readonly table: TableClient;

  constructor(store: TableStore) {
    this.table = store.table(tableNames.meetings);
  }

  /**
   * Records a start or an end. The first event inserts the meeting; a later one adds what is missing (the end, or
   * a start that came late), as a write conditional on the version read, so neither event's times are lost.
   * Returns the meeting as stored.
   */
  async record(meeting: HeldMeeting): Promise<HeldMeeting> {
    const row: MeetingRow = {
      partitionKey: partition(meeting.agreementId),
      rowKey: meetingKey(meeting.meetingId),
      data: JSON.stringify(meeting),
    };
    try {
      await this.table.createEntity(row);
      return meeting;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    const read = (await this.table.getEntity<MeetingRow>(
      row.partitionKey,
      row.rowKey,
    )) as ReadRow<MeetingRow>;
    let stored = JSON.parse(read.data) as HeldMeeting;
    await replaceAsRead<MeetingRow>(this.table, read, (current) => {
      const known = JSON.parse(current.data) as HeldMeeting;
      stored = mergeHeldMeeting(known, meeting);
      const data = JSON.stringify(stored);
      return data === current.data ? undefined : { ...row, data };
    });
    return stored;
  }

  async get(agreementId: string, meetingId: string): Promise<HeldMeeting | undefined> {
    try {
      const row = await this.table.getEntity<MeetingRow>(partition(agreementId), meetingKey(meetingId));
      return JSON.parse(row.data) as HeldMeeting;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Every meeting held under the agreement, earliest first. */
  async list(agreementId: string): Promise<HeldMeeting[]> {
    const meetings: HeldMeeting[] = [];
    const rows = this.table.listEntities<MeetingRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partition(agreementId)}` },
    });
    for await (const row of rows) {
      if (row.rowKey.includes('|')) continue; // a marker
      meetings.push(JSON.parse(row.data) as HeldMeeting);
    }
    return meetings.sort((a, b) => (a.startedAt ?? a.date).localeCompare(b.startedAt ?? b.date));
  }

  /** True for the one caller that may post `what` for the meeting; false once someone has. */
  async claim(agreementId: string, meetingId: string, what: MeetingPost, at: string): Promise<boolean> {
    try {
      await this.table.createEntity({
        partitionKey: partition(agreementId),
        rowKey: markerKey(meetingId, what),
        data: JSON.stringify({ at }),
      });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  /** Removes the meetings an archive holds, with their markers (gallring). Returns how many rows went. */
  async deleteArchived(agreementId: string, meetingIds: ReadonlySet<string>): Promise<number> {
    const keys = new Set([...meetingIds].map(meetingKey));
    const rowKeys: string[] = [];
    const filter = odata`PartitionKey eq ${partition(agreementId)}`;
    for await (const row of this.table.listEntities<MeetingRow>({
      queryOptions: { filter, select: ['RowKey'] },
    }))
      if (keys.has(row.rowKey.split('|')[0] ?? '')) rowKeys.push(row.rowKey);
    return deleteRows(this.table, partition(agreementId), rowKeys);
  }

  /** Gives a claim back when the post failed, so that the event, sent again, posts it. */
  async release(agreementId: string, meetingId: string, what: MeetingPost): Promise<void> {
    try {
      await this.table.deleteEntity(partition(agreementId), markerKey(meetingId, what));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
}

const partition = (agreementId: string) => `meetings|${agreementId}`;
/** Teams' meeting ids are base64 and may hold '/', which a key may not. */
const meetingKey = (meetingId: string) => keyOf(meetingId);
const markerKey = (meetingId: string, what: MeetingPost) => `${keyOf(meetingId)}|${what}`;
