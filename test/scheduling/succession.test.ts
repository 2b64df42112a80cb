import { pendingPartitionOf } from '../../src/storage/jobStore.js';
import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import type { ChannelBinding } from '../../src/domain/channelBinding.js';
import type { AgreementContext } from '../../src/features/agreementContext.js';
import { CheckInCard } from '../../src/features/checkIns/checkInCard.js';
import { CheckIns } from '../../src/features/checkIns/checkIns.js';
import { Steering } from '../../src/features/steering/steering.js';
import { Succession } from '../../src/features/succession/succession.js';
import type { Messenger } from '../../src/scheduling/messenger.js';
import { openRepositories, type Repositories } from '../../src/storage/repositories.js';
import { tableNames } from '../../src/storage/tableStore.js';
import { logsDuring } from '../harness/logs.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** Planning sends nothing; a send here is a bug in the test. */
const messenger: Messenger = {
  postToChannel: () => Promise.reject(new Error('no sends while planning')),
  replyInThread: () => Promise.reject(new Error('no sends while planning')),
  sendToPerson: () => Promise.reject(new Error('no sends while planning')),
  withPersonalChat: (ids) => Promise.resolve(new Set(ids)),
};

const timeZone = 'Europe/Stockholm';
/** 23:59 on 31 December in Stockholm: the old agreement's last day. */
const lastEvening = new Date('2022-12-31T22:59:00Z');
/** Midnight in Stockholm: the new agreement's first day. */
const newYear = new Date('2022-12-31T23:00:00Z');
/** Monday 2 January 2023, 09:00 in Stockholm: a working moment of the new agreement's first month. */
const firstMonday = new Date('2023-01-02T08:00:00Z');

/**
 * Succession over the real storage: the agreement of 2023–2024 follows the example's (2021–2022). On its first day
 * it takes over the old one's channels, once, for the groups it has; the old one is read, never written, and from
 * then on plans no rounds and no notices but the one that it has ended.
 */
describe('an agreement that follows another (succession)', () => {
  let storage: TestStore;
  let repositories: Repositories;
  let example: Agreement;
  let agreements = 0;

  before(async () => {
    storage = await startTestStore();
    repositories = openRepositories(storage.store);
    example = await loadAgreementFile('agreements/example.yaml');
  });
  after(async () => {
    await storage.close();
  });

  const channel = (groupId: string, channelId: string): ChannelBinding => ({
    groupId,
    channelId,
    teamId: 'team-vasby',
    tenantId: 'tenant-vasby',
    boundBy: { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' },
    boundAt: '2021-02-01T09:00:00.000Z',
  });

  /**
   * An old agreement like the example, with one more working group, bound to a channel per group; and the new one
   * following it from 2023: its styrgrupp renamed, est-fordjupning under another id but the same name, no
   * grannsamverkan, and its beredningsgrupp bound to a channel of its own already.
   */
  async function succession(): Promise<{ old: Agreement; next: Agreement }> {
    const n = ++agreements;
    const old: Agreement = {
      ...structuredClone(example),
      id: `vasby-2021-${n}`,
      groups: [
        ...structuredClone(example.groups),
        { id: 'grannsamverkan', kind: 'arbetsgrupp', name: 'Grannsamverkan', members: [] },
      ],
    };
    const next: Agreement = {
      ...structuredClone(example),
      id: `vasby-2023-${n}`,
      follows: old.id,
      validFrom: '2023-01-01',
      validTo: '2024-12-31',
      signedOn: '2022-12-01',
      steeringMeetings: [{ date: '2023-05-11' }, { date: '2023-11-16' }],
      measures: example.measures.map((m) =>
        m.workingGroup === 'est-fordjupning' ? { ...m, workingGroup: 'fordjupning' } : m,
      ),
      groups: example.groups.map((g) =>
        g.kind === 'styrgrupp'
          ? { ...g, id: 'samverkansforum', name: 'Samverkansforum' }
          : g.id === 'est-fordjupning'
            ? { ...g, id: 'fordjupning' }
            : g,
      ),
    };
    await repositories.plans.sync(old, new Date('2021-01-01T00:00:00Z'));
    await repositories.plans.sync(next, new Date('2022-12-01T00:00:00Z'));
    for (const groupId of [
      'styrgrupp',
      'beredningsgrupp',
      'est-strategisk',
      'est-fordjupning',
      'grannsamverkan',
    ]) {
      await repositories.plans.bind(old.id, channel(groupId, `19:${groupId}@thread.tacv2`));
    }
    await repositories.plans.bind(next.id, {
      ...channel('beredningsgrupp', '19:samordnare-2023@thread.tacv2'),
      boundAt: '2022-12-15T09:00:00.000Z',
    });
    return { old, next };
  }

  function contextOf(agreement: Agreement, now: () => Date, successor?: Agreement): AgreementContext {
    return {
      agreementId: agreement.id,
      jobIdPrefix: `${agreement.id}|`,
      ...(successor ? { successorStartsOn: successor.validFrom } : {}),
      timeZone,
      calendar: { timeZone, officeHours: { start: '08:00', end: '17:00' } },
      locale: 'sv',
      now,
    };
  }

  function successionOf(next: Agreement, predecessorId: string | undefined): Succession {
    const context = contextOf(next, () => newYear);
    return new Succession({ ...context, ...repositories, predecessorId });
  }

  /** Every row of a plan partition as stored, its ETag included: any write changes it. */
  async function rowsOf(agreementId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    const entities = storage.store.table(tableNames.plan).listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${agreementId}` },
    });
    for await (const row of entities) rows.push(row);
    return rows;
  }

  async function bindingsOf(agreementId: string): Promise<string[]> {
    const plan = await repositories.plans.load(agreementId);
    return (plan?.bindings ?? []).map((b) => `${b.groupId} ${b.channelId}`).sort();
  }

  it('takes over the old channels at midnight of its first day in Stockholm, once, and never writes the old one', async () => {
    const { old, next } = await succession();
    const oldRows = await rowsOf(old.id);
    const takeOver = successionOf(next, old.id);

    await takeOver.planDue(lastEvening);
    assert.deepEqual(await bindingsOf(next.id), ['beredningsgrupp 19:samordnare-2023@thread.tacv2']);
    assert.equal(await repositories.plans.succession(next.id, old.id), undefined);

    const lines = await logsDuring(() => takeOver.planDue(newYear), 'info');
    assert.deepEqual(await bindingsOf(next.id), [
      'beredningsgrupp 19:samordnare-2023@thread.tacv2',
      'est-strategisk 19:est-strategisk@thread.tacv2',
      'fordjupning 19:est-fordjupning@thread.tacv2',
      'samverkansforum 19:styrgrupp@thread.tacv2',
    ]);
    const succeeded = lines.filter((l) => l.event === 'agreement.succeeded');
    assert.deepEqual(
      succeeded.map((l) => [l.agreementId, l.predecessorId, l.bindingsTakenOver]),
      [[next.id, old.id, 3]],
    );
    const taken = (await repositories.plans.load(next.id))?.bindings.find(
      (b) => b.groupId === 'samverkansforum',
    );
    assert.deepEqual(taken, {
      ...channel('styrgrupp', '19:styrgrupp@thread.tacv2'),
      groupId: 'samverkansforum',
    });
    assert.deepEqual(await repositories.plans.succession(next.id, old.id), {
      predecessorId: old.id,
      at: newYear.toISOString(),
      bindings: [
        {
          groupId: 'fordjupning',
          fromGroupId: 'est-fordjupning',
          channelId: '19:est-fordjupning@thread.tacv2',
        },
        {
          groupId: 'est-strategisk',
          fromGroupId: 'est-strategisk',
          channelId: '19:est-strategisk@thread.tacv2',
        },
        { groupId: 'samverkansforum', fromGroupId: 'styrgrupp', channelId: '19:styrgrupp@thread.tacv2' },
      ],
    });
    const audit = (await repositories.audit.all(next.id)).filter((e) => e.action === 'takeOverChannel');
    assert.deepEqual(
      audit.map((e) => `${e.details.fromGroupId as string} → ${e.details.groupId as string}`).sort(),
      ['est-fordjupning → fordjupning', 'est-strategisk → est-strategisk', 'styrgrupp → samverkansforum'],
    );
    assert.ok(audit.every((e) => e.details.predecessorId === old.id && e.actor.name === 'Samverkansbot'));

    // Again, and on another instance (which has not seen it done): nothing more.
    const nextRows = await rowsOf(next.id);
    await takeOver.planDue(firstMonday);
    await successionOf(next, old.id).planDue(firstMonday);
    assert.deepEqual(await rowsOf(next.id), nextRows);
    assert.equal(
      (await repositories.audit.all(next.id)).filter((e) => e.action === 'takeOverChannel').length,
      3,
    );

    assert.deepEqual(await rowsOf(old.id), oldRows, 'the old plan, every row as it was');
    assert.equal(
      (await repositories.plans.load(old.id))?.bindings.length,
      5,
      'the old one keeps its channels',
    );
  });

  it('takes over once when two instances do it at the same moment', async () => {
    const { old, next } = await succession();
    await Promise.all([
      successionOf(next, old.id).planDue(newYear),
      successionOf(next, old.id).planDue(newYear),
    ]);
    assert.equal((await bindingsOf(next.id)).length, 4);
    assert.equal(
      (await repositories.audit.all(next.id)).filter((e) => e.action === 'takeOverChannel').length,
      3,
    );
  });

  it('takes over nothing when the old agreement is not loaded', async () => {
    const { next } = await succession();
    await successionOf(next, undefined).planDue(firstMonday);
    assert.deepEqual(await bindingsOf(next.id), ['beredningsgrupp 19:samordnare-2023@thread.tacv2']);
  });

  describe('the old agreement once it has ended', () => {
    function featuresOf(agreement: Agreement, at: Date, successor?: Agreement) {
      const shared = { ...contextOf(agreement, () => at, successor), ...repositories };
      const checkIns = new CheckIns({
        ...shared,
        messenger,
        cards: new CheckInCard(shared),
        settings: { reminderAfterWorkingDays: 3, maxReminders: 2, leadWorkingDays: 10 },
      });
      const steering = new Steering({
        ...shared,
        messenger,
        settings: { summaryLeadWorkingDays: 2, renewalNoticeWorkingDays: 40 },
      });
      return { checkIns, steering };
    }

    async function pendingOf(agreementId: string): Promise<string[]> {
      return (await repositories.jobs.pending())
        .filter((j) => j.payload.agreementId === agreementId)
        .map((j) => j.id.slice(agreementId.length + 1))
        .sort();
    }

    it('opens no round and plans nothing but the notice that it has ended', async () => {
      const { old, next } = await succession();
      const { checkIns, steering } = featuresOf(old, firstMonday, next);
      assert.deepEqual(await checkIns.openDueAutomaticRounds(firstMonday), []);
      await steering.planDueNotices(firstMonday);
      const opened = await checkIns.openRound({ trigger: 'manual', label: 'Januari' });
      assert.deepEqual(opened, { kind: 'ended', validTo: '2022-12-31' });
      assert.deepEqual(await repositories.rounds.list(old.id), []);
      assert.deepEqual(await pendingOf(old.id), ['agreementEnded|2022-12-31']);
    });

    it('has ended when its successor starts, even if it was extended past that day', async () => {
      const { old: original, next } = await succession();
      const old: Agreement = {
        ...original,
        extensions: [{ decidedOn: '2022-05-01', validTo: '2024-12-31' }],
      };
      await repositories.plans.recordExtension(old.id, () => old, new Date('2022-05-01T10:00:00Z'));

      // Alone, the extended agreement runs on in 2023.
      const alone = featuresOf(old, firstMonday);
      const opened = await alone.checkIns.openDueAutomaticRounds(firstMonday);
      assert.deepEqual(opened.map((r) => r.id).sort(), ['monthly-2023-01', 'quarterly-2023-q1']);
      for (const round of opened)
        await repositories.rounds.close(old.id, round.id, firstMonday.toISOString());

      // With its successor loaded it has ended on 31 December.
      const { checkIns, steering } = featuresOf(old, firstMonday, next);
      const at = new Date('2023-02-01T08:00:00Z');
      assert.deepEqual(await checkIns.openDueAutomaticRounds(at), []);
      assert.deepEqual(await checkIns.openRound({ trigger: 'manual', label: 'Februari' }), {
        kind: 'ended',
        validTo: '2022-12-31',
      });
      await steering.planDueNotices(at);
      const notices = (await pendingOf(old.id)).filter(
        (id) => !/^(prompt|reminder|missingSummary)\|/.test(id),
      );
      assert.deepEqual(notices, ['agreementEnded|2022-12-31']);
    });

    it('sends no notice planned before its successor was loaded, but the one that it has ended', async () => {
      const { old: original, next } = await succession();
      const old: Agreement = {
        ...original,
        extensions: [{ decidedOn: '2022-05-01', validTo: '2024-12-31' }],
      };
      await repositories.plans.recordExtension(old.id, () => old, new Date('2022-05-01T10:00:00Z'));
      const alone = featuresOf(old, lastEvening);
      await alone.steering.planDueNotices(lastEvening);
      const planned = (await repositories.jobs.pending()).filter((j) => j.payload.agreementId === old.id);
      assert.deepEqual(planned.map((j) => j.kind).sort(), [
        'agreementEnded',
        'meetingGap',
        'meetingGap',
        'renewalReminder',
      ]);

      // The successor's file is added; the notices come due after it has started. The messenger refuses any send.
      const { steering } = featuresOf(old, firstMonday, next);
      const handlers = steering.handlers();
      const outcomes: string[] = [];
      for (const job of planned.filter((j) => j.kind !== 'agreementEnded')) {
        const handler = handlers[job.kind];
        assert.ok(handler, job.kind);
        const claimed = {
          ...job,
          etag: '*',
          partitionKey: pendingPartitionOf(job),
          leaseOwner: 'test',
          leaseUntil: firstMonday.toISOString(),
        };
        const outcome = await handler(claimed);
        outcomes.push(`${job.kind} ${outcome.kind === 'done' ? (outcome.outcome ?? '') : outcome.kind}`);
      }
      assert.deepEqual(outcomes.sort(), [
        'meetingGap ended',
        'meetingGap ended',
        'renewalReminder succeeded',
      ]);
    });
  });
});
