import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import type { AgreementContext } from '../../src/features/agreementContext.js';
import { CheckInCard } from '../../src/features/checkIns/checkInCard.js';
import { CheckIns } from '../../src/features/checkIns/checkIns.js';
import { Steering } from '../../src/features/steering/steering.js';
import type { Messenger } from '../../src/scheduling/messenger.js';
import type { ClaimedJob } from '../../src/storage/jobStore.js';
import { openRepositories, type Repositories } from '../../src/storage/repositories.js';
import { startTestStore, type TestStore } from '../harness/store.js';

/** Planning sends nothing; a send here is a bug in the test. */
const messenger: Messenger = {
  postToChannel: () => Promise.reject(new Error('no sends while planning')),
  replyInThread: () => Promise.reject(new Error('no sends while planning')),
  sendToPerson: () => Promise.reject(new Error('no sends while planning')),
  withPersonalChat: (ids) => Promise.resolve(new Set(ids)),
};

/**
 * Two agreements with the same measure numbers and round ids (a municipality's agreement and its successor, say)
 * plan their jobs in the one Jobs table: each under its own ids, so that neither's is taken for the other's.
 */
describe('the jobs of two agreements in one deployment', () => {
  let storage: TestStore;
  let repositories: Repositories;
  let first: Agreement;
  let second: Agreement;
  const at = new Date('2021-10-18T07:00:00Z');

  before(async () => {
    storage = await startTestStore();
    repositories = openRepositories(storage.store);
    first = await loadAgreementFile('agreements/example.yaml');
    second = { ...structuredClone(first), id: 'vasby-copy' };
    await repositories.plans.sync(first, at);
    await repositories.plans.sync(second, at);
  });
  after(async () => {
    await storage.close();
  });

  function servicesFor(agreement: Agreement, jobIdPrefix: string, sender: Messenger = messenger) {
    const context: AgreementContext = {
      agreementId: agreement.id,
      jobIdPrefix,
      timeZone: 'Europe/Stockholm',
      calendar: { timeZone: 'Europe/Stockholm', officeHours: { start: '08:00', end: '17:00' } },
      locale: 'sv',
      now: () => at,
    };
    const shared = { ...context, ...repositories };
    const checkIns = new CheckIns({
      ...shared,
      messenger: sender,
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

  it('plans the same round and notices for both, the first under its old ids', async () => {
    const legacy = servicesFor(first, '');
    const other = servicesFor(second, `${second.id}|`);
    for (const { checkIns, steering } of [legacy, other]) {
      const opened = await checkIns.openRound({ trigger: 'manual', id: 'manual-2021-10', label: 'Oktober' });
      assert.equal(opened.kind, 'opened');
      await steering.planDueNotices(at);
    }

    const pending = await repositories.jobs.pending();
    const ofFirst = pending.filter((j) => j.payload.agreementId === first.id);
    const ofSecond = pending.filter((j) => j.payload.agreementId === second.id);
    assert.ok(ofFirst.length > 10, `${ofFirst.length} jobs of the first`);
    assert.equal(ofSecond.length, ofFirst.length, 'the second planned as many');
    assert.ok(
      ofFirst.some((j) => j.id === 'missingSummary|manual-2021-10'),
      'the first keeps the ids it had before there were several agreements',
    );
    assert.ok(ofFirst.every((j) => !j.id.startsWith(`${first.id}|`)));
    assert.ok(ofSecond.every((j) => j.id.startsWith('vasby-copy|')));
    assert.deepEqual(
      ofSecond.map((j) => j.id.slice('vasby-copy|'.length)).sort(),
      ofFirst.map((j) => j.id).sort(),
    );
  });

  it('sends both agreements’ cards of rounds with the same id to an owner of the same measure in each, and reminds each of its own', async () => {
    const sent: string[] = [];
    const recording: Messenger = {
      ...messenger,
      sendToPerson: async (aadObjectId, message, beforeSending) => {
        await beforeSending?.();
        sent.push(`${aadObjectId} ${message.text ? 'reminder' : 'card'}`);
        return { conversationId: `a:${aadObjectId}`, activityId: String(sent.length) };
      },
    };
    const legacy = servicesFor(first, '', recording);
    const other = servicesFor(second, `${second.id}|`, recording);
    const handlersOf = (agreementId: string) =>
      (agreementId === first.id ? legacy : other).checkIns.handlers();
    const run = async (job: ClaimedJob) => {
      const handler = handlersOf(String(job.payload.agreementId))[job.kind];
      assert.ok(handler, job.kind);
      assert.equal((await handler(job)).kind, 'done', job.id);
    };
    for (const { checkIns } of [legacy, other]) {
      // The round of the test before is still open.
      await checkIns.closeNewestOpenRound();
      assert.equal((await checkIns.openRound({ trigger: 'manual', id: 'manual-2021-11' })).kind, 'opened');
    }
    const prompts = (await repositories.jobs.pending('prompt')).filter((j) =>
      j.id.includes('|manual-2021-11|'),
    );
    for (const job of prompts) {
      await run({ ...job, attempts: 0, etag: '*', partitionKey: '', leaseOwner: 'test', leaseUntil: '' });
    }
    const cards = sent.filter((s) => s.endsWith(' card'));
    assert.equal(cards.length, prompts.length, 'every prompt of both agreements sent a card');
    const owner = first.measures.find((m) => m.id === '1.1')?.owners[0]?.aadObjectId ?? '';
    const ownersCards = cards.filter((c) => c.startsWith(owner)).length;
    const deliveriesOf = (prefix: string) => repositories.rounds.deliveries(prefix, 'manual-2021-11');
    const [ofFirst, ofSecond] = await Promise.all([deliveriesOf(''), deliveriesOf(`${second.id}|`)]);
    assert.equal(ofFirst.length + ofSecond.length, prompts.length);
    assert.equal(ofFirst.length, ofSecond.length);
    assert.ok(ofFirst.every((d) => d.status === 'sent') && ofSecond.every((d) => d.status === 'sent'));
    assert.equal(
      ownersCards,
      2 * first.measures.filter((m) => m.owners.some((o) => o.aadObjectId === owner)).length,
      'the owner of 1.1 in both got a card of each',
    );

    // The first agreement's reminder for 1.1 reminds its own deliveries of 1.1, not the second's too.
    sent.length = 0;
    await run({
      id: 'reminder|manual-2021-11|1.1|1',
      kind: 'reminder',
      dueAt: at.toISOString(),
      payload: { agreementId: first.id, roundId: 'manual-2021-11', measureId: '1.1', number: 1 },
      attempts: 0,
      etag: '*',
      partitionKey: '',
      leaseOwner: 'test',
      leaseUntil: '',
    });
    assert.equal(sent.length, ofFirst.filter((d) => d.measureId === '1.1').length);
  });
});
