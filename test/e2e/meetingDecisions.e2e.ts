import { Card } from './card.js';
import { e2e } from './fixture.js';
import { step } from './steps.js';
import { ANY, anyOf, exactly, sv, en } from './texts.js';
import { decisionTextsFor } from '../../src/features/decisions/decisionTexts.js';
import { summaryDecisionTexts } from '../../src/features/steering/summaryDecisionTexts.js';
import { waitUntil } from './waiting.js';

const decisionsSv = decisionTextsFor('sv');
const decisionsEn = decisionTextsFor('en');

/**
 * What a coordinator does after a steering meeting: records what the steering group decided on the decision card.
 * Teams posts that card when the meeting ends; the Playground cannot end a meeting, so the card is opened the
 * other way a coordinator has, `beslut` and its "Nytt beslut" button. The decision is then on the summary.
 */
describe("The steering group's decisions", () => {
  it('beslut → Nytt beslut: a decision recorded on the card is listed, and on the summary', async () => {
    const { playground, artifacts, page } = e2e();
    const chat = await playground.chat('Personal Chat');
    const text = `Trygghetsvandringarna utökas till Runby (E2E ${new Date().toISOString().slice(11, 19)})`;
    const responsible = 'Kommunens trygghetssamordnare';

    const list = await step('beslut shows the list card', () =>
      chat.ask('beslut', { card: exactly(decisionsSv.listTitle, decisionsEn.listTitle) }),
    );
    const formHeading = exactly(decisionsSv.formHeading(ANY), decisionsEn.formHeading(ANY));
    const form: Card = await step('"Nytt beslut" turns it into the decision form', async () => {
      const forms = chat.cardsTitled(formHeading);
      const before = await forms.count();
      await list.press(exactly(decisionsSv.newDecision, decisionsEn.newDecision));
      await waitUntil(
        async () => (await forms.count()) > before,
        async () => `no decision form after "Nytt beslut". ${await chat.describe()}`,
      );
      return new Card(forms.last(), page);
    });

    await step('the decision, who is responsible and by when, saved', async () => {
      await form.fill(exactly(decisionsSv.labels.text, decisionsEn.labels.text), text);
      await form.fill(exactly(decisionsSv.labels.responsible, decisionsEn.labels.responsible), responsible);
      await form.fill(exactly(decisionsSv.labels.dueDate, decisionsEn.labels.dueDate), '2099-03-31');
      await artifacts.screen(page, 'Decisions - the form filled in');
      await form.press(exactly(decisionsSv.labels.record, decisionsEn.labels.record));
      await form.waitForText(anyOf(decisionsSv.recorded(text), decisionsEn.recorded(text)));
      // The form comes back empty, for the next decision.
      await waitUntil(
        async () => (await form.value(exactly(decisionsSv.labels.text, decisionsEn.labels.text))) === '',
        async () => 'the form kept the saved decision',
      );
    });

    await step('beslut lists it among the open decisions', () =>
      chat.ask('beslut', {
        card: exactly(decisionsSv.listTitle, decisionsEn.listTitle),
        showing: [
          anyOf(text),
          anyOf(decisionsSv.responsible(responsible), decisionsEn.responsible(responsible)),
        ],
      }),
    );

    await step('sammanfattning shows it with the decisions', async () => {
      const summary = await chat.ask('sammanfattning', {
        card: exactly(
          sv.steering.summaryTitle(ANY),
          sv.steering.todayTitle(ANY),
          en.steering.summaryTitle(ANY),
        ),
        showing: [
          anyOf(summaryDecisionTexts('sv').heading, summaryDecisionTexts('en').heading),
          anyOf(`${text} (ansvarig: ${responsible}, senast 2099-03-31`),
        ],
      });
      await summary.locator.getByText(text).first().scrollIntoViewIfNeeded();
      await artifacts.screen(page, 'Decisions - on the summary');
    });
  });
});
