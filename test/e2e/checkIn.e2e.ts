import assert from 'node:assert/strict';
import { Card } from './card.js';
import { exampleMeasure } from './exampleAgreement.js';
import { e2e } from './fixture.js';
import { step } from './steps.js';
import { ANY, ANY_NUMBER, anyOf, exactly, sv } from './texts.js';
import { waitUntil } from './waiting.js';

/**
 * A coordinator opens a round; Alex Wilber, who owns measure 1.2, reports on it in his personal chat. The
 * Playground's client is English, yet the conversation is held in Swedish and stays so: the card, its form, the
 * field messages, the saved view, `status` and `mina` (the language rule, docs/commands.md).
 */
describe('A check-in in the personal chat', () => {
  it('ny runda → the card for 1.2: refused, then saved and refreshed in place; status and mina follow', async () => {
    const { playground, artifacts, page } = e2e();
    const measure = await exampleMeasure('1.2');
    const indicator = measure.followUp.indicator;
    assert.ok(indicator, 'measure 1.2 of the example agreement has an indicator');
    const label = `E2E ${new Date().toISOString().slice(11, 19)}`;
    const narrative = `Två trygghetsvandringar i oktober (${label}).`;
    const chat = await playground.chat('Personal Chat');

    await step(
      'stäng runda closes whatever round is open (a measure is in one open round at a time)',
      async () => {
        for (let closed = 0; closed < 5; closed++) {
          const reply = await chat.askAny('stäng runda', [
            { card: exactly(sv.rounds.closedTitle) },
            { card: exactly(sv.problemTitle), showing: [anyOf(sv.rounds.noneOpen)] },
          ]);
          if (!('card' in reply) || (await reply.card.heading()) !== sv.rounds.closedTitle) return;
        }
      },
    );

    await step('ny runda opens the round', () =>
      chat.ask(`ny runda ${label}`, { card: exactly(sv.rounds.openedTitle), showing: [label] }),
    );

    const heading = exactly(sv.checkIn.heading(measure.id, measure.title));
    const cards = chat.cardsTitled(heading).filter({ hasText: label });
    const card: Card = await step('the check-in card for 1.2 arrives in the personal chat', async () => {
      await waitUntil(
        async () => (await cards.count()) > 0,
        async () => `no card titled ${heading} for the round ${label}. ${await chat.describe()}`,
      );
      return new Card(cards.last(), page);
    });

    const save = exactly(sv.checkIn.save);
    const status = exactly(sv.checkIn.status);
    const description = exactly(sv.checkIn.narrative);
    const indicatorLabel = exactly(sv.checkIn.indicator(indicator.name, indicator.unit));
    const atRisk = exactly(sv.statuses.atRisk);

    await step('the form is there (or behind the report button)', async () => {
      if (!(await card.buttons()).some((b) => save.test(b))) {
        await card.press(exactly(sv.checkIn.report));
      }
      await card.input(status);
    });

    await step('saving without a description shows that it is required', async () => {
      // The form starts from Alex's last report (the example history's), so the description is emptied.
      await card.fill(description, '');
      await card.press(save);
      await card.waitForText(anyOf(sv.checkIn.narrativeRequired));
    });

    await step('a word in the indicator field is refused at the field, the text kept', async () => {
      await card.choose(status, atRisk);
      await card.fill(description, narrative);
      await card.fill(indicatorLabel, 'två');
      await card.press(save);
      await card.waitForText(anyOf(sv.checkIn.problems.notANumber));
      await card.waitForText(anyOf(sv.checkIn.invalid));
      assert.equal(await card.value(description), narrative);
      assert.equal(await card.value(indicatorLabel), 'två');
      await artifacts.screen(page, 'A check-in - the form refused');
    });

    await step('a number is saved, and the card is refreshed in place with what was saved', async () => {
      await card.fill(indicatorLabel, '2');
      await card.press(save);
      await card.waitForText(anyOf(sv.checkIn.stamp('Alex Wilber', ANY, ANY_NUMBER)));
      await card.waitForText(narrative);
      await card.waitForText(anyOf(sv.statuses.atRisk));
      await card.waitForNoText(anyOf(sv.checkIn.problems.notANumber));
      assert.equal(await cards.count(), 1, 'the card was refreshed in place, not posted again');
    });

    await step('status 1.2 shows the report', () =>
      chat.ask(`status ${measure.id}`, {
        card: exactly(sv.status.measureTitle(measure.id, measure.title)),
        showing: [narrative, anyOf(sv.statuses.atRisk)],
      }),
    );

    await step('mina lists what is left to report; its button opens the form for 1.1', async () => {
      const other = await exampleMeasure('1.1');
      const mine = await chat.ask('mina', {
        card: exactly(sv.status.mineTitle),
        showing: [anyOf(sv.status.due(label))],
      });
      const formTitle = exactly(sv.checkIn.heading(other.id, other.title));
      const before = await chat.cardsTitled(formTitle).count();
      await mine.press(exactly(sv.status.report(other.id)));
      const form = await chat.waitForCard(formTitle, before, 'the form for 1.1');
      await form.input(status);
    });
  });
});
