import assert from 'node:assert/strict';
import type { Agreement } from '../../src/domain/agreement.js';
import { agreementName } from '../../src/features/agreements/agreementName.js';
import { agreementTextsFor } from '../../src/features/agreements/agreementTexts.js';
import { Card } from './card.js';
import { shippedAgreement } from './exampleAgreement.js';
import { ownWorld } from './fixture.js';
import { step } from './steps.js';
import { ANY, anyOf, exactly, shown, sv } from './texts.js';

/** The Playground's user, who takes part in both agreements: a coordinator in one, an owner in the other. */
const alex = 'Alex Wilber';

/**
 * The example cooperation agreement has ended (2022-12-31) and the invented citizen promise of 2023 runs: the bot is
 * started on a day when both are there to ask about, and one is current.
 */
const clockStart = '2023-02-01T09:00';
const today = clockStart.slice(0, 10);

const agreementTexts = agreementTextsFor('sv');

/** Alex's measures of an agreement, by title (measure numbers repeat across agreements). */
function measuresOfAlex(agreement: Agreement): string[] {
  return agreement.measures.filter((m) => m.owners.some((o) => o.name === alex)).map((m) => m.title);
}

/** The goal areas as the status card heads them ("Målområde 1: …"), the first page's (three) only. */
function goalAreasShown(agreement: Agreement): string[] {
  return agreement.goalAreas.slice(0, 3).map((g) => shown(sv.goalArea(g.number, g.title)));
}

/** Where each text is in the card's text, failing on one that is not there. */
function positions(text: string, parts: string[]): number[] {
  return parts.map((part) => {
    const at = text.indexOf(shown(part));
    assert.ok(at >= 0, `the card does not show "${part}"; it shows: ${text}`);
    return at;
  });
}

/**
 * Alex Wilber takes part in two agreements: the example cooperation agreement (2021–2022, a coordinator) and the
 * invented citizen promise of 2023 (an owner of two activities). A bot of this spec's own serves both from one
 * AGREEMENTS_DIR; the other specs keep theirs with the example agreement alone.
 */
const suite = 'Two agreements, one person';

describe(suite, () => {
  const world = ownWorld({
    name: 'two-agreements',
    agreementFiles: ['example.yaml', 'medborgarlofte-exempel.yaml'],
    clockStart,
  });
  let cooperation: Agreement;
  let promise: Agreement;
  before(async () => {
    cooperation = await shippedAgreement('example.yaml');
    promise = await shippedAgreement('medborgarlofte-exempel.yaml');
  });

  it('mina lists his measures of both on one card, each under its agreement', async () => {
    const chat = await world().playground.chat('Personal Chat');
    const cooperationName = agreementName(cooperation, 'sv', today);
    const promiseName = agreementName(promise, 'sv', today);
    const card = await step('mina', () =>
      chat.ask('mina', { card: exactly(sv.status.mineTitle), showing: [cooperationName, promiseName] }),
    );
    const text = await card.text();
    const [cooperationAt = -1, promiseAt = -1] = positions(text, [cooperationName, promiseName]);
    const sections = [
      { agreement: cooperation, at: cooperationAt },
      { agreement: promise, at: promiseAt },
    ].sort((x, y) => x.at - y.at);
    sections.forEach(({ agreement, at: start }, i) => {
      const end = sections[i + 1]?.at ?? text.length;
      for (const at of positions(text, measuresOfAlex(agreement))) {
        assert.ok(at > start && at < end, `${agreement.id}'s measures come under its name: ${text}`);
      }
    });
  });

  it('status asks which agreement; choosing the citizen promise answers there and the card says so', async () => {
    const { playground, page, artifacts } = world();
    const chat = await playground.chat('Personal Chat');
    const choice = await step('status', () =>
      chat.ask('status', {
        card: exactly(agreementTexts.chooseTitle),
        showing: [anyOf(agreementTexts.chooseText('status', ANY)), agreementTexts.chooseLabel],
      }),
    );
    const promiseName = agreementName(promise, 'sv', today);
    assert.deepEqual(
      (await choice.options()).sort(),
      [agreementName(cooperation, 'sv', today), promiseName].sort(),
      'the choices are the two agreements, by name',
    );
    assert.deepEqual(await choice.buttons(), [agreementTexts.chooseButton]);

    const at = (await chat.cards().count()) - 1;
    const statusBefore = await chat.cardsTitled(exactly(sv.status.title.medborgarlöfte)).count();
    await step('the promise chosen, Välj', async () => {
      await choice.pick(promiseName);
      await artifacts.screen(page, `${suite} status the choice card`);
      await choice.press(agreementTexts.chooseButton);
    });
    await step("the promise's status arrives", async () => {
      const status = await chat.waitForCard(
        exactly(sv.status.title.medborgarlöfte),
        statusBefore,
        "the promise's status",
      );
      for (const goal of goalAreasShown(promise)) await status.waitForText(goal);
      const text = await status.text();
      for (const goal of goalAreasShown(cooperation))
        assert.ok(!text.includes(goal), `shows ${goal}: ${text}`);
    });
    await step('the choice card now says which was chosen', async () => {
      const notice = new Card(chat.cards().nth(at), page);
      await notice.waitForText(anyOf(agreementTexts.chosen(promiseName)));
      assert.equal(await notice.heading(), agreementTexts.chosenTitle);
    });
  });

  it('status again answers in the citizen promise without asking', async () => {
    const chat = await world().playground.chat('Personal Chat');
    const reply = await chat.askAny('status', [
      { card: exactly(sv.status.title.medborgarlöfte), showing: goalAreasShown(promise) },
      { card: exactly(agreementTexts.chooseTitle) },
    ]);
    assert.ok('card' in reply);
    assert.equal(
      await reply.card.heading(),
      sv.status.title.medborgarlöfte,
      'answered, not asked which agreement',
    );
  });

  it("status with the 2021–2022 agreement's id answers about that one", async () => {
    const chat = await world().playground.chat('Personal Chat');
    const card = await chat.ask(`status ${cooperation.id}`, {
      card: exactly(sv.status.title.samverkansöverenskommelse),
      showing: goalAreasShown(cooperation),
    });
    const text = await card.text();
    for (const goal of goalAreasShown(promise)) assert.ok(!text.includes(goal), `shows ${goal}: ${text}`);
  });
});
