import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import {
  ConversationRepository,
  readReusedMs,
  refreshEveryMs,
} from '../../src/storage/conversationRepository.js';
import { PlanConflictError, PlanRepository } from '../../src/storage/planRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { tableNames } from '../../src/storage/tableStore.js';
import sinon from 'sinon';
import { users } from '../harness/activities.js';
import { exampleAgreementId, seededRound } from '../harness/seed.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/**
 * Each PlanRepository keeps the plan it read last and checks one version row before using it again; each
 * ConversationRepository remembers the references it stored and read; each RoundRepository the rounds. Two of each on their own stores stand for two
 * instances of the bot.
 */
describe('what each instance remembers of storage (Azurite)', () => {
  let storage: TestStore;
  let agreement: Agreement;
  const storeOf = () => storage.connect();

  before(async () => {
    storage = await startTestStore();
    agreement = await loadAgreementFile('agreements/example.yaml');
  });
  after(async () => {
    await storage.close();
  });

  it('every kind of write to the plan on one instance is in the next load on another', async () => {
    const a = new PlanRepository(storeOf());
    const b = new PlanRepository(storeOf());
    const id = agreement.id;
    await b.sync(agreement);
    const measure = (plan: Awaited<ReturnType<PlanRepository['load']>>, measureId: string) =>
      plan?.agreement.measures.find((m) => m.id === measureId);
    assert.equal(measure(await a.load(id), '1.1')?.title, agreement.measures[0]?.title);

    await b.bind(id, {
      groupId: 'styrgrupp',
      channelId: '19:bound@thread.tacv2',
      boundBy: users.alex,
      boundAt: '2021-05-04T07:00:00.000Z',
    });
    assert.deepEqual(
      (await a.load(id))?.bindings.map((x) => x.channelId),
      ['19:bound@thread.tacv2'],
    );

    // The agreement file changed and the other instance restarted.
    const [first, ...rest] = agreement.measures;
    assert.ok(first);
    await b.sync({ ...agreement, measures: [{ ...first, title: 'Ny titel från filen' }, ...rest] });
    assert.equal(measure(await a.load(id), '1.1')?.title, 'Ny titel från filen');

    const stored = await b.measureWithVersion(id, '1.2');
    assert.ok(stored);
    await b.saveMeasure(id, { ...stored.measure, title: 'Ändrad i Teams' }, stored.version, new Date());
    assert.equal(measure(await a.load(id), '1.2')?.title, 'Ändrad i Teams');

    await b.saveMeasure(
      id,
      { ...stored.measure, id: '1.9', title: 'Tillagd i Teams' },
      undefined,
      new Date(),
    );
    assert.equal(measure(await a.load(id), '1.9')?.title, 'Tillagd i Teams');

    assert.equal(await b.addMeeting(id, { date: '2021-11-10' }, new Date()), true);
    assert.ok((await a.load(id))?.agreement.steeringMeetings.some((m) => m.date === '2021-11-10'));

    await b.recordExtension(
      id,
      (x) => ({ ...x, extensions: [...x.extensions, { decidedOn: '2021-05-04', validTo: '2023-12-31' }] }),
      new Date(),
    );
    assert.deepEqual((await a.load(id))?.agreement.extensions.at(-1), {
      decidedOn: '2021-05-04',
      validTo: '2023-12-31',
    });
  });

  it('still refuses writes based on an old version, writing nothing', async () => {
    const plans = new PlanRepository(storeOf());
    const id = agreement.id;
    await plans.sync(agreement);
    const old = await plans.measureWithVersion(id, '2.1');
    assert.ok(old);
    await plans.saveMeasure(id, { ...old.measure, title: 'Först' }, old.version, new Date());
    await assert.rejects(
      plans.saveMeasure(id, { ...old.measure, title: 'Sedan' }, old.version, new Date()),
      PlanConflictError,
    );
    await assert.rejects(
      plans.saveMeasure(id, { ...old.measure, title: 'Ny men finns' }, undefined, new Date()),
      PlanConflictError,
    );
    assert.equal(await plans.addMeeting(id, { date: '2021-12-01' }, new Date()), true);
    assert.equal(await plans.addMeeting(id, { date: '2021-12-01', time: '10:00' }, new Date()), false);
    const plan = await new PlanRepository(storeOf()).load(id);
    assert.equal(plan?.agreement.measures.find((m) => m.id === '2.1')?.title, 'Först');
    assert.deepEqual(
      plan?.agreement.steeringMeetings.filter((m) => m.date === '2021-12-01'),
      [{ date: '2021-12-01' }],
    );
  });

  it('lets loads at the same time share reads of the version, never one sent before they asked', async () => {
    const id = agreement.id;
    await new PlanRepository(storeOf()).sync(agreement);
    const store = storeOf();
    const table = store.table(tableNames.plan);
    const a = new PlanRepository(store);
    await a.load(id);

    // Twenty presses at once: one version read, and one more for those that came while it was out.
    const reads = sinon.spy(table, 'getEntity');
    const plans = await Promise.all(Array.from({ length: 20 }, () => a.load(id)));
    assert.ok(reads.callCount <= 2, `${reads.callCount} version reads`);
    assert.ok(plans.every((plan) => plan === plans[0]));
    reads.restore();

    // A load asked for after another instance changed the plan sees the change, even when a version read sent
    // before the change is still out when it is asked for.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const getEntity = table.getEntity.bind(table);
    const stub = sinon.stub(table, 'getEntity').callsFake(async (...args: Parameters<typeof getEntity>) => {
      const answer = await getEntity(...args);
      if (stub.callCount === 1) await held;
      return answer;
    });
    try {
      const before = a.load(id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await new PlanRepository(storeOf()).bind(id, {
        groupId: 'beredningsgrupp',
        channelId: '19:shared-read@thread.tacv2',
        boundBy: users.alex,
        boundAt: '2021-05-05T07:00:00.000Z',
      });
      const after = a.load(id);
      release();
      await before;
      const bound = (await after)?.bindings.find((x) => x.groupId === 'beredningsgrupp');
      assert.equal(bound?.channelId, '19:shared-read@thread.tacv2');
    } finally {
      stub.restore();
    }
  });

  it('gives a plan stored before versions existed a version at the next start, and loads it right', async () => {
    const store = storeOf();
    const other = { ...agreement, id: 'utan-version' };
    await new PlanRepository(store).sync(other);
    await store.table(tableNames.plan).deleteEntity(other.id, '!version');
    const a = new PlanRepository(storeOf());
    assert.equal((await a.load(other.id))?.agreement.id, other.id);
    assert.equal((await new PlanRepository(store).sync(other)).written, 0);
    await store.table(tableNames.plan).getEntity(other.id, '!version');
    await new PlanRepository(store).addMeeting(other.id, { date: '2022-02-02' }, new Date());
    assert.ok((await a.load(other.id))?.agreement.steeringMeetings.some((m) => m.date === '2022-02-02'));
  });

  it('shares a loaded plan only frozen, so no caller can change it for the others', async () => {
    const plans = new PlanRepository(storeOf());
    await plans.sync(agreement);
    const plan = await plans.load(agreement.id);
    assert.ok(plan);
    assert.throws(() => plan.agreement.measures.push({ ...agreement.measures[0] } as never), TypeError);
    const unfrozen: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null) return;
      if (!Object.isFrozen(value)) unfrozen.push(path);
      for (const [key, inner] of Object.entries(value)) visit(inner, `${path}.${key}`);
    };
    visit(plan, 'plan');
    assert.deepEqual(unfrozen, []);
    assert.equal(
      (await plans.load(agreement.id))?.agreement.goalAreas[0]?.title,
      agreement.goalAreas[0]?.title,
    );
  });

  describe('conversation references', () => {
    const reference = (serviceUrl: string, activityId: string) => ({
      activityId,
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: 'a:chat', conversationType: 'personal' },
      user: { id: '29:patti', aadObjectId: users.patti.aadObjectId },
      bot: { id: '28:bot' },
    });
    const at = (ms: number) => new Date(Date.parse('2021-05-04T07:00:00Z') + ms).toISOString();
    const conversation = (serviceUrl: string, activityId: string, time: string, tenantId = 't1') => ({
      kind: 'personal' as const,
      id: users.patti.aadObjectId,
      tenantId,
      reference: reference(serviceUrl, activityId),
      updatedAt: time,
    });

    it('writes a reference that changed in anything but the activity id, and refreshes an unchanged one', async () => {
      const repo = new ConversationRepository(storeOf());
      // A new instance for each look, so that what is stored is read, not what a reader remembers.
      const reader = {
        get: (...args: Parameters<ConversationRepository['get']>) =>
          new ConversationRepository(storeOf()).get(...args),
      };
      assert.equal(await repo.refresh(conversation('https://smba.one/', '1', at(0))), 'written');
      assert.equal(await repo.refresh(conversation('https://smba.one/', '2', at(1000))), 'unchanged');
      assert.equal(await repo.refresh(conversation('https://smba.two/', '3', at(2000))), 'written');
      assert.equal(
        (await reader.get('personal', users.patti.aadObjectId))?.reference.serviceUrl,
        'https://smba.two/',
      );
      assert.equal(await repo.refresh(conversation('https://smba.two/', '4', at(3000), 't2')), 'written');
      assert.equal((await reader.get('personal', users.patti.aadObjectId))?.tenantId, 't2');
      assert.equal(
        await repo.refresh(conversation('https://smba.two/', '5', at(3000 + refreshEveryMs), 't2')),
        'written',
      );
    });

    it('hands out a reference it read or wrote for 30 seconds, then reads storage again', async () => {
      const clock = sinon.useFakeTimers({ now: Date.parse('2021-05-04T07:00:00Z'), toFake: ['Date'] });
      try {
        const sender = new ConversationRepository(storeOf());
        const other = new ConversationRepository(storeOf());
        await other.save(conversation('https://smba.one/', '1', at(0)));
        assert.equal(
          (await sender.get('personal', users.patti.aadObjectId))?.reference.serviceUrl,
          'https://smba.one/',
        );
        // Teams moved the chat; another instance stored the new address.
        await other.save(conversation('https://smba.two/', '2', at(1000)));
        clock.tick(readReusedMs - 1);
        assert.equal(
          (await sender.get('personal', users.patti.aadObjectId))?.reference.serviceUrl,
          'https://smba.one/',
        );
        clock.tick(1);
        assert.equal(
          (await sender.get('personal', users.patti.aadObjectId))?.reference.serviceUrl,
          'https://smba.two/',
        );
        // Its own writes it sees at once, and a forgotten chat is gone at once.
        await sender.save(conversation('https://smba.three/', '3', at(2000)));
        assert.equal(
          (await sender.get('personal', users.patti.aadObjectId))?.reference.serviceUrl,
          'https://smba.three/',
        );
        assert.equal(await sender.forgetPersonal(users.patti.aadObjectId), 1);
        assert.equal(await sender.get('personal', users.patti.aadObjectId), undefined);
      } finally {
        clock.restore();
      }
    });

    it('remembers the same reference written twice at once (one person pressing two cards)', async () => {
      const repo = new ConversationRepository(storeOf());
      await Promise.all([
        repo.save(conversation('https://smba.one/', 'a', at(0))),
        repo.save(conversation('https://smba.one/', 'b', at(0))),
      ]);
      assert.equal(await repo.refresh(conversation('https://smba.one/', 'c', at(1000))), 'unchanged');
    });

    it('remembers neither of two writes at once, since they may land in either order', async () => {
      for (const last of ['https://smba.one/', 'https://smba.two/']) {
        const repo = new ConversationRepository(storeOf());
        await Promise.all([
          repo.save(conversation('https://smba.one/', 'a', at(0))),
          repo.save(conversation('https://smba.two/', 'b', at(0))),
        ]);
        assert.equal(await repo.refresh(conversation(last, 'c', at(1000))), 'written');
      }
    });
  });

  it("hands a round's cards the round it read or wrote in the last 10 seconds: its own close at once, another instance's within 10 seconds", async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2021-05-04T07:00:00Z'), toFake: ['Date'] });
    try {
      const a = new RoundRepository(storeOf());
      const b = new RoundRepository(storeOf());
      const round = (id: string) => seededRound(id, id, '2021-05-04T07:00:00Z', 'open');
      await a.open(round('r-own'));
      await a.close(exampleAgreementId, 'r-own', '2021-05-04T08:00:00Z');
      assert.equal((await a.getRecent(exampleAgreementId, 'r-own'))?.status, 'closed');

      await a.open(round('r-other'));
      await b.close(exampleAgreementId, 'r-other', '2021-05-04T08:00:00Z');
      clock.tick(9_999);
      assert.equal((await a.getRecent(exampleAgreementId, 'r-other'))?.status, 'open');
      clock.tick(1);
      assert.equal((await a.getRecent(exampleAgreementId, 'r-other'))?.status, 'closed');
      assert.equal((await a.get(exampleAgreementId, 'r-other'))?.status, 'closed');
    } finally {
      clock.restore();
    }
  });
});
