import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement, Measure } from '../../src/domain/agreement.js';
import {
  collectPersonalData,
  countsOf,
  erasureBlockers,
  exportDocument,
  findPerson,
  isDeliveryTo,
  isEmpty,
  isJobFor,
  isPersonalChatOf,
  knownPeople,
  placesInAgreement,
  pseudonymiseAuditEntry,
  pseudonymiseBinding,
  pseudonymiseConversation,
  pseudonymiseMeasure,
  pseudonymiseReport,
  pseudonymiseReview,
  pseudonymiseRound,
  type KnownPerson,
  type Pseudonym,
  type StoredData,
} from '../../src/domain/personalData.js';
import type { Report } from '../../src/domain/report.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const frida = { aadObjectId: 'aad-frida', name: 'Frida Fältström' };
const fridaTeamsId = '29:frida';
const megan = { aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' };
const pseudonym: Pseudonym = { aadObjectId: 'erased-0123456789abcdef', name: 'Borttagen person' };

const report = (measureId: string, revision: number, by: { aadObjectId: string; name: string }): Report => ({
  agreementId,
  measureId,
  revision,
  status: 'onTrack',
  narrative: `Läget för ${measureId}, version ${revision}.`,
  needsSteeringDecision: false,
  reportedBy: by,
  reportedAt: `2021-0${revision}-10T09:00:00.000Z`,
});

/** Frida is in every kind of record; Megan in some; one record names a pseudonym from an earlier erasure. */
function stored(agreement: Agreement): StoredData {
  const retired: Measure = {
    ...(agreement.measures.find((m) => m.id === '2.3') as Measure),
    owners: [frida, megan],
    retired: true,
  };
  const measures = agreement.measures.map((m) => (m.id === '2.3' ? retired : m));
  return {
    plan: {
      agreement: { ...agreement, measures },
      bindings: [
        {
          groupId: 'est-fordjupning',
          channelId: '19:a@thread.tacv2',
          boundBy: frida,
          boundAt: '2021-01-05T09:00:00.000Z',
        },
        {
          groupId: 'styrgrupp',
          channelId: '19:b@thread.tacv2',
          boundBy: megan,
          boundAt: '2021-01-06T09:00:00Z',
        },
      ],
    },
    reports: [
      report('2.3', 1, frida),
      report('2.3', 2, megan),
      report('2.3', 3, { ...frida, name: 'Frida F' }),
      report('1.1', 1, pseudonym),
    ],
    audit: [
      { agreementId, actor: frida, action: 'bindChannel', details: { groupId: 'est-fordjupning' }, at: 'x' },
      // Someone without an Entra id in the activity is recorded by Teams id.
      {
        agreementId,
        actor: { aadObjectId: fridaTeamsId, name: frida.name },
        action: 'openRound',
        details: {},
        at: 'y',
      },
      {
        agreementId,
        actor: megan,
        action: 'exportPersonalData',
        details: { person: frida.aadObjectId, reports: 2, names: [frida.name] },
        at: 'z',
      },
      { agreementId, actor: megan, action: 'editMeasure', details: { measureId: '1.3' }, at: 'w' },
    ],
    reviews: [
      {
        agreementId,
        organisation: 'kommun',
        answers: ['Bra', '', 'Lovande'],
        answeredBy: frida,
        answeredAt: '2021-12-01T10:00:00.000Z',
      },
      {
        agreementId,
        organisation: 'polis',
        answers: ['Ok', 'Ok', 'Ok'],
        answeredBy: megan,
        answeredAt: '2021-12-02T10:00:00.000Z',
      },
    ],
    rounds: [
      {
        id: 'q1',
        agreementId,
        label: '2021 kvartal 1',
        trigger: 'manual',
        measureIds: ['2.3'],
        openedAt: '2021-02-01T08:00:00.000Z',
        openedBy: frida,
        status: 'closed',
      },
      {
        id: 'q2',
        agreementId,
        label: '2021 kvartal 2',
        trigger: 'quarterly',
        measureIds: ['2.3'],
        openedAt: '2021-05-01T08:00:00.000Z',
        status: 'open',
      },
    ],
    conversations: [
      {
        kind: 'personal',
        id: frida.aadObjectId,
        reference: { user: { id: fridaTeamsId, name: frida.name }, conversation: { id: 'a:frida' } },
        updatedAt: '2021-05-01T08:00:00.000Z',
      },
      {
        kind: 'channel',
        id: '19:c@thread.tacv2',
        reference: { user: { id: fridaTeamsId, name: frida.name, aadObjectId: frida.aadObjectId } },
        updatedAt: '2021-05-02T08:00:00.000Z',
      },
      {
        kind: 'channel',
        id: '19:d@thread.tacv2',
        reference: { user: { id: '29:megan', name: megan.name, aadObjectId: megan.aadObjectId } },
        updatedAt: '2021-05-02T08:00:00.000Z',
      },
    ],
    languageChoices: [
      { aadObjectId: frida.aadObjectId, locale: 'en', chosenAt: '2021-05-01T08:00:00.000Z' },
      { aadObjectId: megan.aadObjectId, locale: 'sv', chosenAt: '2021-05-01T08:00:00.000Z' },
    ],
    agreementChoices: [
      {
        aadObjectId: frida.aadObjectId,
        agreementId: 'upplands-vasby-medborgarlofte-2023',
        chosenAt: '2021-05-01T08:00:00.000Z',
      },
      { aadObjectId: megan.aadObjectId, agreementId: 'x', chosenAt: '2021-05-01T08:00:00.000Z' },
    ],
    deliveries: [
      {
        roundId: 'q2',
        measureId: '2.3',
        target: { kind: 'personal', aadObjectId: frida.aadObjectId },
        status: 'sent',
        conversationId: 'a:frida',
        activityId: '1',
        at: 'x',
      },
      {
        roundId: 'q2',
        measureId: '2.3',
        target: { kind: 'channel', channelId: '19:a@thread.tacv2' },
        status: 'sent',
        at: 'x',
      },
    ],
    reminders: [
      {
        roundId: 'q2',
        measureId: '2.3',
        number: 1,
        target: { kind: 'personal', aadObjectId: frida.aadObjectId },
        at: 'y',
      },
    ],
    jobs: [
      { id: `prompt|q2|2.3|personal:${frida.aadObjectId}`, kind: 'prompt', state: 'done', at: 'x' },
      { id: 'prompt|q2|2.3|channel:19:a@thread.tacv2', kind: 'prompt', state: 'done', at: 'x' },
      { id: 'reminder|q2|2.3|1', kind: 'reminder', state: 'pending', at: 'y', payload: { roundId: 'q2' } },
    ],
  };
}

describe('personal data: what is stored about one person', () => {
  let agreement: Agreement;
  let data: StoredData;
  let people: KnownPerson[];
  const fridaKnown = () => {
    const found = people.find((p) => p.aadObjectId === frida.aadObjectId);
    assert.ok(found);
    return found;
  };

  before(async () => {
    agreement = await loadAgreementFile('agreements/example.yaml');
  });
  beforeEach(() => {
    data = stored(agreement);
    people = knownPeople(data);
  });

  describe('who is known', () => {
    it('gathers everyone from every record, once per Entra id, with their names and Teams ids', () => {
      const person = fridaKnown();
      assert.deepEqual(person.names, [frida.name, 'Frida F']);
      assert.deepEqual(person.teamsUserIds, [fridaTeamsId]);
      // The audit entry recorded by Teams id is Frida's, not a person of its own.
      assert.equal(
        people.some((p) => p.aadObjectId === fridaTeamsId),
        false,
      );
      for (const id of ['00000000-0000-0000-0000-0000000000022', megan.aadObjectId]) {
        assert.ok(
          people.some((p) => p.aadObjectId === id),
          id,
        );
      }
    });

    it('never takes a pseudonym for a person', () => {
      assert.equal(
        people.some((p) => p.aadObjectId === pseudonym.aadObjectId),
        false,
      );
      assert.deepEqual(findPerson(people, 'Borttagen person'), { kind: 'unknown' });
    });

    it('finds a person by Entra id, Teams id, full name or part of it, forgiving case and diacritics', () => {
      for (const query of [
        'AAD-FRIDA',
        '29:FRIDA',
        'frida faltstrom',
        ' Frida  Fältström ',
        'frida',
        'fält',
      ]) {
        const match = findPerson(people, query);
        assert.equal(match.kind, 'found', query);
        assert.equal(match.kind === 'found' && match.person.aadObjectId, frida.aadObjectId, query);
      }
    });

    it('finds an e-mail address only through the ids Teams gave for it', () => {
      assert.deepEqual(findPerson(people, 'frida@contoso.com'), { kind: 'unknown' });
      const match = findPerson(people, 'frida@contoso.com', [frida.aadObjectId]);
      assert.equal(match.kind === 'found' && match.person.aadObjectId, frida.aadObjectId);
    });

    it('asks which one when two people share a name, and knows no one it never stored', () => {
      const twins = knownPeople({
        ...data,
        reports: [...data.reports, report('1.2', 1, { aadObjectId: 'aad-other-frida', name: frida.name })],
      });
      const match = findPerson(twins, 'Frida Fältström');
      assert.equal(match.kind, 'ambiguous');
      assert.deepEqual(match.kind === 'ambiguous' && match.people.map((p) => p.aadObjectId).sort(), [
        'aad-frida',
        'aad-other-frida',
      ]);
      assert.deepEqual(findPerson(people, 'Nobody Known'), { kind: 'unknown' });
      assert.deepEqual(findPerson(people, '   '), { kind: 'unknown' });
    });
  });

  describe('collecting', () => {
    it("holds every record of the person's and none of anyone else's", () => {
      const mine = collectPersonalData(data, fridaKnown());
      assert.deepEqual(
        mine.reports.map((r) => r.revision),
        [1, 3],
      );
      assert.deepEqual(mine.measures, [{ id: '2.3', title: mine.measures[0]?.title, retired: true }]);
      assert.deepEqual(mine.groups, []);
      assert.deepEqual(
        mine.bindings.map((b) => b.groupId),
        ['est-fordjupning'],
      );
      assert.deepEqual(
        mine.auditAsActor.map((e) => e.action),
        ['bindChannel', 'openRound'],
      );
      // Megan exported Frida's data: Frida may see that it happened, not who did it.
      assert.deepEqual(
        mine.auditAbout.map((e) => e.action),
        ['exportPersonalData'],
      );
      assert.equal('actor' in (mine.auditAbout[0] ?? {}), false);
      assert.deepEqual(
        mine.reviewAnswers.map((a) => a.organisation),
        ['kommun'],
      );
      assert.deepEqual(
        mine.rounds.map((r) => r.id),
        ['q1'],
      );
      assert.deepEqual(
        mine.personalChat.map((c) => c.id),
        [frida.aadObjectId],
      );
      assert.deepEqual(
        mine.lastWriterIn.map((c) => c.id),
        ['19:c@thread.tacv2'],
      );
      assert.equal(mine.deliveries.length, 1);
      assert.equal(mine.reminders.length, 1);
      assert.deepEqual(
        mine.jobs.map((j) => j.id),
        [`prompt|q2|2.3|personal:${frida.aadObjectId}`],
      );
      assert.deepEqual(countsOf(mine), {
        reports: 2,
        measures: 1,
        bindings: 1,
        audit: 3,
        reviewAnswers: 1,
        rounds: 1,
        conversations: 2,
        deliveries: 3,
        languageChoice: 1,
        agreementChoice: 1,
        decisions: 0,
      });
      assert.deepEqual(
        mine.agreementChoice.map((c) => c.agreementId),
        ['upplands-vasby-medborgarlofte-2023'],
      );
      assert.deepEqual(mine.languageChoice, [
        { aadObjectId: frida.aadObjectId, locale: 'en', chosenAt: '2021-05-01T08:00:00.000Z' },
      ]);
      const json = JSON.stringify(mine);
      for (const other of [megan.aadObjectId, megan.name, '29:megan'])
        assert.equal(json.includes(other), false);
    });

    it('refuses to erase someone who owns an active measure or belongs to a group', () => {
      assert.deepEqual(erasureBlockers(collectPersonalData(data, fridaKnown())), {
        activeMeasures: [],
        groups: [],
      });
      const meganKnown = people.find((p) => p.aadObjectId === megan.aadObjectId);
      assert.ok(meganKnown);
      const blockers = erasureBlockers(collectPersonalData(data, meganKnown));
      assert.ok(
        blockers.activeMeasures.some((m) => m.id === '1.3'),
        'an active measure blocks',
      );
      assert.equal(
        blockers.activeMeasures.some((m) => m.id === '2.3'),
        false,
        'a retired measure blocks nothing',
      );
      assert.deepEqual(
        blockers.groups.map((g) => g.id),
        ['beredningsgrupp', 'est-strategisk', 'est-fordjupning'],
      );
    });

    it('says where the agreement file names the person', () => {
      const meganKnown = people.find((p) => p.aadObjectId === megan.aadObjectId);
      assert.ok(meganKnown);
      assert.ok(placesInAgreement(agreement, meganKnown).includes('3.1'), 'a measure');
      assert.ok(placesInAgreement(agreement, meganKnown).includes('beredningsgrupp'), 'a group');
      assert.deepEqual(placesInAgreement(agreement, fridaKnown()), []);
    });
  });

  describe('the export file', () => {
    it('says what it is, for which agreement and when, in Stockholm time and UTC', () => {
      const document = exportDocument([{ agreement, data: collectPersonalData(data, fridaKnown()) }], {
        about: 'Personuppgifter om Frida',
        madeAt: new Date('2021-05-20T08:30:00.000Z'),
        timeZone: 'Europe/Stockholm',
        notIncluded: [],
      });
      assert.equal(document.about, 'Personuppgifter om Frida');
      const [part, ...more] = document.agreements as Array<Record<string, unknown>>;
      assert.deepEqual(more, []);
      assert.equal(part?.id, agreementId);
      assert.equal(part?.title, agreement.title);
      assert.equal(part?.kind, 'samverkansöverenskommelse');
      assert.deepEqual(document.madeAt, {
        local: '2021-05-20 10:30:00 Europe/Stockholm',
        utc: '2021-05-20T08:30:00.000Z',
      });
      assert.deepEqual(document.person, {
        aadObjectId: frida.aadObjectId,
        names: [frida.name, 'Frida F'],
        teamsUserIds: [fridaTeamsId],
      });
      assert.equal((part?.reports as Report[]).length, 2);
      assert.deepEqual(document.notIncluded, []);
    });

    it('groups several agreements, counts each, and keeps the deployment-wide records once', () => {
      const person = fridaKnown();
      const other = {
        ...agreement,
        id: 'annan-2023',
        title: 'Medborgarlöfte 2023',
        kind: 'medborgarlöfte' as const,
      };
      const otherData = {
        ...data,
        plan: { ...data.plan, agreement: other },
        reports: [],
        audit: [],
        reviews: [],
      };
      const first = { agreement, data: collectPersonalData(data, person) };
      const parts = [first, { agreement: other, data: collectPersonalData(otherData, person) }];
      const document = exportDocument(parts, {
        about: 'Personuppgifter om Frida',
        madeAt: new Date('2021-05-20T08:30:00.000Z'),
        timeZone: 'Europe/Stockholm',
        notIncluded: [{ id: 'x', title: 'X', kind: 'medborgarlöfte', name: 'X · medborgarlöfte' }],
      });
      const agreements = document.agreements as Array<{ id: string; kind: string; reports: Report[] }>;
      assert.deepEqual(
        agreements.map((a) => [a.id, a.kind, a.reports.length]),
        [
          [agreementId, 'samverkansöverenskommelse', 2],
          ['annan-2023', 'medborgarlöfte', 0],
        ],
      );
      const counts = document.counts as { reports: number; conversations: number };
      assert.equal(counts.reports, 2);
      assert.equal(counts.conversations, countsOf(first.data).conversations, 'chats counted once');
      assert.deepEqual(document.personalChat, first.data.personalChat);
      assert.equal((document.notIncluded as unknown[]).length, 1);
    });
  });

  describe('erasing', () => {
    it('replaces the person by the pseudonym in every record that names them, and leaves the rest', () => {
      const person = fridaKnown();
      const [mine, meganS, laterMine] = data.reports as [Report, Report, Report];
      assert.deepEqual(pseudonymiseReport(mine, person, pseudonym), { ...mine, reportedBy: pseudonym });
      assert.equal(pseudonymiseReport(laterMine, person, pseudonym)?.narrative, laterMine.narrative);
      assert.equal(pseudonymiseReport(meganS, person, pseudonym), undefined);

      const [fridaAnswer, meganAnswer] = data.reviews as [(typeof data.reviews)[0], (typeof data.reviews)[0]];
      assert.deepEqual(pseudonymiseReview(fridaAnswer, person, pseudonym)?.answers, fridaAnswer.answers);
      assert.equal(pseudonymiseReview(meganAnswer, person, pseudonym), undefined);

      const [fridaBinding, meganBinding] = data.plan.bindings as [
        (typeof data.plan.bindings)[0],
        (typeof data.plan.bindings)[0],
      ];
      assert.deepEqual(pseudonymiseBinding(fridaBinding, person, pseudonym)?.boundBy, pseudonym);
      assert.equal(pseudonymiseBinding(meganBinding, person, pseudonym), undefined);

      const [q1, q2] = data.rounds as [(typeof data.rounds)[0], (typeof data.rounds)[0]];
      assert.deepEqual(pseudonymiseRound(q1, person, pseudonym)?.openedBy, pseudonym);
      assert.equal(pseudonymiseRound(q2, person, pseudonym), undefined);

      const retired = data.plan.agreement.measures.find((m) => m.id === '2.3') as Measure;
      assert.deepEqual(pseudonymiseMeasure(retired, person, pseudonym)?.owners, [pseudonym, megan]);
      const doubled = { ...retired, owners: [frida, { aadObjectId: fridaTeamsId, name: frida.name }, megan] };
      assert.deepEqual(pseudonymiseMeasure(doubled, person, pseudonym)?.owners, [pseudonym, megan]);

      const [bound, byTeamsId, exported, edited] = data.audit as [
        (typeof data.audit)[0],
        (typeof data.audit)[0],
        (typeof data.audit)[0],
        (typeof data.audit)[0],
      ];
      assert.deepEqual(pseudonymiseAuditEntry(bound, person, pseudonym)?.actor, pseudonym);
      assert.deepEqual(pseudonymiseAuditEntry(byTeamsId, person, pseudonym)?.actor, pseudonym);
      assert.deepEqual(pseudonymiseAuditEntry(exported, person, pseudonym), {
        ...exported,
        details: { person: pseudonym.aadObjectId, reports: 2, names: [pseudonym.name] },
      });
      assert.equal(pseudonymiseAuditEntry(edited, person, pseudonym), undefined);

      const [personal, channel, meganChannel] = data.conversations as [
        (typeof data.conversations)[0],
        (typeof data.conversations)[0],
        (typeof data.conversations)[0],
      ];
      assert.equal(pseudonymiseConversation(personal, person, pseudonym), undefined);
      assert.ok(isPersonalChatOf(personal, person), 'her personal chat');
      assert.deepEqual(pseudonymiseConversation(channel, person, pseudonym)?.reference.user, {
        id: pseudonym.aadObjectId,
        name: pseudonym.name,
        aadObjectId: pseudonym.aadObjectId,
      });
      assert.equal(pseudonymiseConversation(meganChannel, person, pseudonym), undefined);

      assert.deepEqual(
        data.deliveries.map((d) => isDeliveryTo(d.target, person)),
        [true, false],
      );
      assert.deepEqual(
        data.jobs.map((j) => isJobFor(j, person)),
        [true, false, false],
      );
    });

    it('leaves nothing to find once every record is pseudonymised or deleted', () => {
      const person = fridaKnown();
      const or = <T>(next: T | undefined, value: T) => next ?? value;
      const erased: StoredData = {
        plan: {
          agreement: {
            ...data.plan.agreement,
            measures: data.plan.agreement.measures.map((m) =>
              or(pseudonymiseMeasure(m, person, pseudonym), m),
            ),
          },
          bindings: data.plan.bindings.map((b) => or(pseudonymiseBinding(b, person, pseudonym), b)),
        },
        reports: data.reports.map((r) => or(pseudonymiseReport(r, person, pseudonym), r)),
        audit: data.audit.map((e) => or(pseudonymiseAuditEntry(e, person, pseudonym), e)),
        reviews: data.reviews.map((a) => or(pseudonymiseReview(a, person, pseudonym), a)),
        rounds: data.rounds.map((r) => or(pseudonymiseRound(r, person, pseudonym), r)),
        conversations: data.conversations
          .filter((c) => !isPersonalChatOf(c, person))
          .map((c) => or(pseudonymiseConversation(c, person, pseudonym), c)),
        languageChoices: data.languageChoices.filter((c) => c.aadObjectId !== person.aadObjectId),
        agreementChoices: data.agreementChoices?.filter((c) => c.aadObjectId !== person.aadObjectId),
        deliveries: data.deliveries.filter((d) => !isDeliveryTo(d.target, person)),
        reminders: data.reminders.filter((r) => !isDeliveryTo(r.target, person)),
        jobs: data.jobs.filter((j) => !isJobFor(j, person)),
      };
      assert.deepEqual(countsOf(collectPersonalData(erased, person)), {
        reports: 0,
        measures: 0,
        bindings: 0,
        audit: 0,
        reviewAnswers: 0,
        rounds: 0,
        conversations: 0,
        deliveries: 0,
        languageChoice: 0,
        agreementChoice: 0,
        decisions: 0,
      });
      assert.ok(isEmpty(countsOf(collectPersonalData(erased, person))), 'nothing left');
      assert.equal(
        knownPeople(erased).some((p) => p.aadObjectId === frida.aadObjectId),
        false,
      );
      const json = JSON.stringify(erased);
      for (const identity of [frida.aadObjectId, frida.name, 'Frida F"', fridaTeamsId]) {
        assert.equal(json.includes(identity), false, identity);
      }
      // What was written stays.
      assert.ok(json.includes('Lovande'), 'the answer stays');
      assert.ok(json.includes('Läget för 2.3, version 3.'), 'the report stays');
    });
  });
});
