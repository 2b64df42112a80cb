import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Decision } from '../../src/domain/decision.js';
import type { Plan } from '../../src/domain/plan.js';
import { decisionFormCard, decisionListCard } from '../../src/features/decisions/decisionCards.js';
import { cardText } from '../harness/connector.js';

/** Teams refuses a message over about 28 KB. */
const teamsLimit = 28 * 1024;

describe('the decision cards', () => {
  let plan: Plan;
  before(async () => {
    plan = { agreement: await loadAgreementFile('agreements/example.yaml'), bindings: [] };
  });

  const decision = (i: number, fields: Partial<Decision> = {}): Decision => ({
    id: `d-${i}`,
    agreementId: plan.agreement.id,
    text: `Beslut ${i}: ${'en lång motivering '.repeat(120)}`,
    concerns: { goalAreas: [1, 2, 3], measures: plan.agreement.measures.map((m) => m.id) },
    responsible: 'R'.repeat(200),
    dueDate: '2022-03-31',
    status: 'open',
    meetingDate: '2021-11-25',
    recordedAt: `2021-11-25T14:${String(i % 60).padStart(2, '0')}:00.000Z`,
    recordedBy: { aadObjectId: 'a', name: 'Alex Wilber' },
    revision: 1,
    ...fields,
  });

  it('lists sixty long decisions within Teams’ size limit, saying how many more there are', () => {
    const decisions = Array.from({ length: 60 }, (_, i) => decision(i));
    const card = decisionListCard(plan, decisions, {
      today: '2022-04-10',
      formMeetingDate: '2021-11-25',
      locale: 'sv',
      timeZone: 'Europe/Stockholm',
    });
    assert.ok(
      Buffer.byteLength(JSON.stringify(card)) < teamsLimit,
      `${Buffer.byteLength(JSON.stringify(card))} bytes`,
    );
    const text = cardText(card).join('\n');
    assert.match(text, /Öppna beslut \(60\)/);
    assert.match(text, /Sida 1 av 4\./);
    const buttons = (card.actions as Array<{ title: string; data: Record<string, unknown> }>).map((a) => [
      a.title,
      a.data.page,
    ]);
    assert.deepEqual(buttons, [
      ['Nytt beslut', undefined],
      ['Fler öppna beslut', '2'],
    ]);
    const last = decisionListCard(plan, decisions, {
      today: '2022-04-10',
      formMeetingDate: '2021-11-25',
      locale: 'sv',
      timeZone: 'Europe/Stockholm',
      page: 4,
    });
    assert.match(cardText(last).join('\n'), /Beslut 59[\s\S]*Sida 4 av 4\./);
    assert.doesNotMatch(cardText(last).join('\n'), /Beslut 0:/);
    assert.match(text, /\*\*Försenat\*\*: skulle vara klart 2022-03-31/);
  });

  it('offers every goal area and active measure of the plan on the form, in English too', () => {
    const card = decisionFormCard(plan, '2021-11-25', 'en');
    const concerns = (card.body as Array<Record<string, unknown>>).find((e) => e.id === 'concerns') as {
      choices: Array<{ title: string; value: string }>;
      isMultiSelect: boolean;
    };
    assert.equal(concerns.isMultiSelect, true);
    assert.equal(
      concerns.choices.length,
      plan.agreement.goalAreas.length + plan.agreement.measures.filter((m) => !m.retired).length,
    );
    assert.match(concerns.choices[0]?.title ?? '', /^Goal area 1: /);
    assert.match(cardText(card).join('\n'), /Steering group decisions, meeting of 2021-11-25/);
    assert.equal(JSON.stringify(card).includes('${'), false);
  });
});
