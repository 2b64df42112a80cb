import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { exampleAgreement } from './exampleAgreement.js';
import { FakeOneDrive } from './fakeOneDrive.js';
import {
  acceptFile,
  consentCardSentWith,
  consentPlaceholders,
  waitForConsentPlaceholder,
} from './fileConsent.js';
import { parseCsv } from '../harness/csv.js';
import { e2e } from './fixture.js';
import { step } from './steps.js';
import { ANY, ANY_NUMBER, anyOf, en, exactly, sv } from './texts.js';

describe('The steering group: summary, mid-term review, CSV export and Word report', () => {
  let drive: FakeOneDrive;
  before(async () => {
    drive = await FakeOneDrive.start();
  });
  after(async () => {
    await drive.close();
  });

  it('sammanfattning shows the summary card; its button offers the written report', async () => {
    const { playground } = e2e();
    const agreement = await exampleAgreement();
    const chat = await playground.chat('Personal Chat');
    const summary = await step('sammanfattning', () =>
      chat.ask('sammanfattning', {
        card: exactly(sv.steering.summaryTitle(ANY)),
        showing: [anyOf(sv.steering.goal(agreement.longTermGoal))],
      }),
    );
    await step('its button asks for the written follow-up report as a file', async () => {
      const before = await consentPlaceholders(chat).count();
      await summary.press(exactly(sv.steering.reportButton, en.steering.reportButton));
      await waitForConsentPlaceholder(chat, before);
    });
  });

  it('halvtid shows the mid-term review, question by question', async () => {
    const agreement = await exampleAgreement();
    assert.ok(agreement.midTermReview, 'the example agreement has a mid-term review');
    const chat = await e2e().playground.chat('Personal Chat');
    await chat.ask('halvtid', {
      card: exactly(sv.review.compiledTitle),
      showing: agreement.midTermReview.questions,
    });
  });

  it('exportera offers the reports as a CSV file; accepted, the file is uploaded with every report', async () => {
    const { playground } = e2e();
    const chat = await playground.chat('Personal Chat');
    const before = await consentPlaceholders(chat).count();
    await step('exportera', () => chat.askAny('exportera', [{ message: anyOf(sv.export.fileText) }]));
    await waitForConsentPlaceholder(chat, before);

    const consent = await step("the consent card, in the playground's log", () =>
      consentCardSentWith(playground, sv.export.fileText),
    );
    assert.match(consent.name, /\.csv$/);
    assert.match(consent.description, anyOf(sv.export.allDescription(ANY_NUMBER)));
    const rows = Number(/\d+/.exec(consent.description)?.[0]);

    await step('Allow: the bot uploads the file and says so', async () => {
      const done = anyOf(sv.export.uploaded(consent.name), en.export.uploaded(consent.name));
      const before = await chat.messages(done).count();
      await acceptFile(playground, consent, drive, 'csv');
      await chat.waitForMessage(done, before, 'the answer to Allow');
    });
    const csv = (await drive.received(consent.name)).toString('utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'the CSV starts with a byte order mark, for Excel');
    const [header, ...records] = parseCsv(csv.slice(1));
    assert.ok(header?.includes('Insats'), `the CSV's header: ${header?.join(';')}`);
    assert.equal(records.length, rows, 'as many rows as the consent card said');
  });

  it('rapport offers the written follow-up as a Word file; accepted, the document is uploaded', async () => {
    const { playground } = e2e();
    const agreement = await exampleAgreement();
    const chat = await playground.chat('Personal Chat');
    const before = await consentPlaceholders(chat).count();
    const message = await step('rapport', () =>
      chat.askAny('rapport', [{ message: anyOf(sv.export.followUpFileText(ANY)) }]),
    );
    await waitForConsentPlaceholder(chat, before);
    assert.ok('message' in message);

    const consent = await step("the consent card, in the playground's log", async () =>
      consentCardSentWith(playground, await message.message.innerText()),
    );
    assert.match(consent.name, /\.docx$/);
    assert.equal(consent.description, sv.export.followUpDescription);

    await step('Allow: the bot uploads the document and says so', async () => {
      const done = anyOf(sv.export.uploaded(consent.name), en.export.uploaded(consent.name));
      const before = await chat.messages(done).count();
      await acceptFile(playground, consent, drive, 'docx');
      await chat.waitForMessage(done, before, 'the answer to Allow');
    });
    const zip = await JSZip.loadAsync(await drive.received(consent.name));
    const document = await zip.file('word/document.xml')?.async('string');
    assert.ok(document, 'the upload is a Word document');
    assert.ok(document.includes(agreement.measures[0]?.title ?? '—'), 'the report names the first measure');
  });
});
