import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { messagesFor } from '../../src/features/shared/messages.js';
import { agreementName } from '../../src/features/agreements/agreementName.js';
import { personalDataTextsFor } from '../../src/features/personalData/personalDataTexts.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { tableNames } from '../../src/storage/tableStore.js';
import {
  cardAction,
  fileConsentAnswer,
  personalMessage,
  users,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { seededReport } from '../harness/seed.js';
import { actionData, textOf } from '../harness/answers.js';
import { asTeamsShows } from '../harness/teamsText.js';
import { startExamplesBot } from '../harness/exampleAgreements.js';
import type { TestBot } from '../harness/testBot.js';

const sv = messagesFor('sv').personalData;
const texts = personalDataTextsFor('sv');
const agreementId = 'upplands-vasby-sollentuna-2021-2022';
const promiseId = 'upplands-vasby-medborgarlofte-2023';
const consentType = 'application/vnd.microsoft.teams.card.file.consent';

/** Two people in neither file, who only wrote reports in both agreements (so an erasure is not refused). */
const frida: TeamsUser = {
  id: '29:frida',
  name: 'Frida Fältström',
  aadObjectId: '00000000-0000-0000-0000-0000000000031',
};
const kim: TeamsUser = {
  id: '29:kim',
  name: 'Kim Lund',
  aadObjectId: '00000000-0000-0000-0000-0000000000041',
};

type Row = Record<string, unknown>;

describe('personal data requests across several agreements, over HTTP', () => {
  /** Wednesday 1 February 2023: the agreement has ended, the citizen promise runs. */
  const at = new Date('2023-02-01T08:00:00Z');
  let bot: TestBot;
  const audit = () => new AuditLog(bot.store);
  const plans = () => new PlanRepository(bot.store);

  before(async () => {
    bot = await startExamplesBot(() => at);
    // Revision 1 of measure 1.1 is Frida's in each agreement, revision 2 Kim's.
    const reportsOf = (person: TeamsUser, revision: number) => {
      const reportedBy = { aadObjectId: person.aadObjectId, name: person.name };
      return [
        seededReport('1.1', revision, {
          status: 'onTrack',
          reportedAt: `2022-03-0${revision}T09:00:00.000Z`,
          reportedBy,
        }),
        {
          ...seededReport('1.1', revision, {
            status: 'atRisk',
            reportedAt: `2023-01-2${revision}T09:00:00.000Z`,
            reportedBy,
          }),
          agreementId: promiseId,
        },
      ];
    };
    await new ReportRepository(bot.store).importHistory([...reportsOf(frida, 1), ...reportsOf(kim, 2)]);
  });
  after(async () => {
    await bot.close();
  });

  const today = at.toISOString().slice(0, 10);
  const nameOf = async (id: string) => {
    const plan = await plans().load(id);
    assert.ok(plan);
    return agreementName(plan.agreement, 'sv', today);
  };
  const inChat = async (text: string, from: TeamsUser) => {
    bot.connector.clear();
    const response = await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from }));
    assert.equal(response.status, 200, response.body);
    return [...bot.connector.sent];
  };
  const press = async (data: Record<string, unknown>, from: TeamsUser) => {
    bot.connector.clear();
    const response = await bot.post(
      cardAction(
        String(data.verb),
        data,
        { conversationId: `a:${from.aadObjectId}`, replyToId: 'card' },
        { serviceUrl: bot.connector.serviceUrl, from },
      ),
    );
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body) as { value: unknown };
    return cardText(body.value).map(asTeamsShows).join('\n');
  };
  /** Asks for the export, accepts the consent card, and returns the consent card's text and the file. */
  const exportAs = async (from: TeamsUser, command: string) => {
    const sent = await inChat(command, from);
    const consent = sent
      .flatMap((s) => (s.body.attachments as Array<{ contentType: string; content: Row }> | undefined) ?? [])
      .find((a) => a.contentType === consentType);
    assert.ok(consent, textOf(sent));
    const file = {
      name: 'p.json',
      uploadUrl: bot.connector.uploadUrl(),
      uniqueId: randomUUID(),
      fileType: 'json',
    };
    bot.connector.clear();
    const accepted = await bot.post(
      fileConsentAnswer('accept', consent.content.acceptContext, file, {
        serviceUrl: bot.connector.serviceUrl,
        from,
      }),
    );
    assert.equal(accepted.status, 200, accepted.body);
    const [upload] = bot.connector.uploads;
    assert.ok(upload, textOf(bot.connector.sent));
    return { text: textOf(sent), file: JSON.parse(upload.bytes.toString('utf8')) as Row };
  };
  /** Every row of every table naming an agreement's id (in its keys or values), without version stamps. */
  const rowsOf = async (id: string): Promise<Map<string, Row>> => {
    const rows = new Map<string, Row>();
    for (const table of Object.values(tableNames)) {
      for await (const entity of bot.store.table(table).listEntities<Row>()) {
        const { etag: _etag, timestamp: _timestamp, ...row } = entity;
        const key = `${table}|${String(row.partitionKey)}|${String(row.rowKey)}`;
        const decoded = key
          .split('|')
          .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
          .join(' ');
        if (`${key} ${decoded} ${JSON.stringify(row)}`.includes(id)) rows.set(key, row);
      }
    }
    return rows;
  };
  /** The audit entries of an action in an agreement that a test's request wrote (the clock stands still). */
  const recorded = async (id: string, action: string, by: TeamsUser, about: Record<string, unknown>) =>
    (await audit().all(id)).filter(
      (e) =>
        e.action === action &&
        e.actor.aadObjectId === by.aadObjectId &&
        Object.entries(about).every(([key, value]) => e.details[key] === value),
    );
  const partsOf = (file: Row) =>
    (file.agreements as Array<{ id: string; kind: string; reports: unknown[] }>) ?? [];

  it('exports only the agreements the coordinator coordinates, and names the other', async () => {
    // Alex coordinates the 2021–2022 agreement only; Patti is in both (a working group there, coordinator here).
    const promiseAudit = await audit().all(promiseId);
    const { text, file } = await exportAs(users.alex, `personuppgifter patti fernandez ${agreementId}`);
    assert.ok(text.includes(texts.otherAgreements(await nameOf(promiseId))), text);
    assert.deepEqual(
      partsOf(file).map((p) => [p.id, p.kind]),
      [[agreementId, 'samverkansöverenskommelse']],
    );
    assert.deepEqual(
      (file.notIncluded as Array<{ id: string; name: string }>).map((a) => [a.id, a.name]),
      [[promiseId, await nameOf(promiseId)]],
    );
    // Nothing of the promise is in the file: not its measure on lighting, which Patti owns there.
    assert.ok(!JSON.stringify(file).includes('Belysning som trygghetsvandringarna pekar ut'));
    assert.deepEqual(
      (file.agreements as Array<{ groupMemberships: Array<{ id: string }> }>)[0]?.groupMemberships.map(
        (g) => g.id,
      ),
      ['est-strategisk', 'est-fordjupning'],
    );
    // Audited in the agreement exported from, naming it; the promise's log is as it was.
    const entries = await recorded(agreementId, 'exportPersonalData', users.alex, {
      person: users.patti.aadObjectId,
    });
    assert.deepEqual(
      entries.map((e) => e.details.agreementId),
      [agreementId],
    );
    assert.deepEqual(await audit().all(promiseId), promiseAudit);
  });

  it('exports both agreements for a coordinator of both, each under its id, title and kind', async () => {
    const { text, file } = await exportAs(users.megan, `personuppgifter frida fältström ${promiseId}`);
    assert.ok(!text.includes(texts.otherAgreements('').slice(0, 25)), text);
    assert.deepEqual(
      partsOf(file).map((p) => [p.id, p.kind, p.reports.length]),
      [
        [promiseId, 'medborgarlöfte', 1],
        [agreementId, 'samverkansöverenskommelse', 1],
      ],
    );
    assert.deepEqual(file.notIncluded, []);
    assert.equal((file.counts as { reports: number }).reports, 2);
    for (const id of [promiseId, agreementId]) {
      const entries = await recorded(id, 'exportPersonalData', users.megan, { person: frida.aadObjectId });
      assert.deepEqual(
        entries.map((e) => e.details.agreementId),
        [id],
      );
    }
  });

  it('erases in the coordinator’s agreements only: one audit entry naming it, the other agreement’s rows unchanged', async () => {
    const confirmation = await inChat(`radera personuppgifter frida fältström ${agreementId}`, users.alex);
    assert.ok(
      textOf(confirmation).includes(texts.otherAgreements(await nameOf(promiseId))),
      textOf(confirmation),
    );
    const [button] = actionData(confirmation).filter((d) => d.verb === 'personalData.erase');
    assert.ok(button, textOf(confirmation));
    const promiseBefore = await rowsOf(promiseId);
    const auditBefore = (await audit().all(agreementId)).length;

    const erased = await press(button, users.alex);
    assert.match(erased, new RegExp(sv.erasedTitle));
    assert.match(erased, /Rapportversioner som personen skrev: 1/);
    assert.ok(erased.includes(texts.otherAgreements(await nameOf(promiseId))), erased);

    assert.deepEqual(await rowsOf(promiseId), promiseBefore, 'the promise’s rows are byte-identical');
    assert.equal((await audit().all(agreementId)).length, auditBefore + 1);
    const [entry, ...more] = await recorded(agreementId, 'erasePersonalData', users.alex, {
      pseudonym: button.pseudonym,
    });
    assert.deepEqual(more, []);
    assert.equal(entry?.details.agreementId, agreementId);
    assert.equal(entry.details.reports, 1);
    const history = await new ReportRepository(bot.store).allHistory(agreementId);
    assert.ok(!history.some((r) => r.reportedBy.aadObjectId === frida.aadObjectId));
    const promiseHistory = await new ReportRepository(bot.store).allHistory(promiseId);
    assert.ok(promiseHistory.some((r) => r.reportedBy.aadObjectId === frida.aadObjectId));
  });

  it('erases in both for a coordinator of both: one audit entry in each agreement, naming it', async () => {
    const confirmation = await inChat(`radera personuppgifter kim lund ${agreementId}`, users.megan);
    const shown = textOf(confirmation);
    assert.ok(
      shown.includes(texts.covers(`${await nameOf(agreementId)}; ${await nameOf(promiseId)}`)),
      shown,
    );
    const [button] = actionData(confirmation).filter((d) => d.verb === 'personalData.erase');
    assert.ok(button, shown);
    const erased = await press(button, users.megan);
    assert.match(erased, /Rapportversioner som personen skrev: 2/);
    for (const id of [agreementId, promiseId]) {
      const [entry, ...more] = await recorded(id, 'erasePersonalData', users.megan, {
        pseudonym: button.pseudonym,
      });
      assert.deepEqual(more, [], id);
      assert.equal(entry?.details.agreementId, id);
      assert.equal(entry.details.reports, 1);
      const history = await new ReportRepository(bot.store).allHistory(id);
      assert.ok(!history.some((r) => r.reportedBy.aadObjectId === kim.aadObjectId), id);
    }
  });

  it('lets the other agreement’s coordinator erase what is left there', async () => {
    const confirmation = await inChat(`radera personuppgifter frida fältström ${promiseId}`, users.patti);
    const [button] = actionData(confirmation).filter((d) => d.verb === 'personalData.erase');
    assert.ok(button, textOf(confirmation));
    const agreementBefore = await rowsOf(agreementId);
    assert.match(await press(button, users.patti), /Rapportversioner som personen skrev: 1/);
    const entries = await recorded(promiseId, 'erasePersonalData', users.patti, {
      pseudonym: button.pseudonym,
    });
    assert.deepEqual(
      entries.map((e) => e.details.agreementId),
      [promiseId],
    );
    assert.deepEqual(await rowsOf(agreementId), agreementBefore);
  });
});
