import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Decision } from '../../src/domain/decision.js';
import type { Plan } from '../../src/domain/plan.js';
import { meetingSummary } from '../../src/domain/steering.js';
import { summaryCardOf } from '../../src/features/steering/steering.js';
import { cardText } from '../harness/connector.js';
import { users } from '../harness/activities.js';

const timeZone = 'Europe/Stockholm';

function decision(id: string, fields: Partial<Decision>): Decision {
  return {
    id,
    agreementId: 'upplands-vasby-sollentuna-2021-2022',
    text: `Beslut ${id}`,
    concerns: { goalAreas: [], measures: [] },
    responsible: 'Beredningsgruppen',
    status: 'open',
    meetingDate: '2021-11-25',
    recordedAt: '2021-11-25T13:40:00Z',
    recordedBy: { aadObjectId: users.alex.aadObjectId, name: users.alex.name },
    revision: 1,
    ...fields,
  };
}

/** Decided at the June and November meetings of the example agreement; the summary is before May 2022's. */
const decisions = [
  decision('a', {
    text: 'Kameraövervakning vid stationen utreds',
    meetingDate: '2021-06-10',
    dueDate: '2022-12-31',
  }),
  decision('b', {
    text: 'Trygghetsvandringarna utökas till Runby',
    concerns: { goalAreas: [], measures: ['1.2'] },
    responsible: 'Kommunens trygghetssamordnare',
    dueDate: '2022-03-31',
  }),
  decision('c', { text: 'En gemensam avhopparrutin tas fram', concerns: { goalAreas: [2], measures: [] } }),
  decision('d', {
    text: 'Lägesbilden delas med bostadsbolagen',
    meetingDate: '2021-06-10',
    status: 'done',
    doneAt: '2022-01-14T09:30:00Z',
  }),
  decision('e', { text: 'Beslut i en annan överenskommelse', agreementId: 'another-agreement' }),
  decision('f', { text: 'Beslut från ett senare möte', meetingDate: '2022-11-17' }),
];

describe('the summary card before a steering meeting, with the decisions', () => {
  let plan: Plan;
  before(async () => {
    plan = { agreement: await loadAgreementFile('agreements/example.yaml'), bindings: [] };
  });

  const render = (locale: 'sv' | 'en', withDecisions: readonly Decision[] = decisions) => {
    const summary = meetingSummary(plan, [], plan.agreement.steeringMeetings[2] ?? { date: '2022-05-12' }, {
      decisions: withDecisions,
      today: '2022-05-12',
      timeZone,
    });
    return cardText(summaryCardOf(plan, summary, locale, timeZone)).join('\n');
  };

  it('lists the overdue, the new since the last meeting, the open and the done ones, in Swedish', () => {
    const text = render('sv');
    assert.match(text, /^Inför styrgruppens möte 2022-05-12 09:00$/m);
    assert.ok(
      text.includes(
        [
          'Styrgruppens beslut',
          '**Försenade:**',
          '- Trygghetsvandringarna utökas till Runby (ansvarig: Kommunens trygghetssamordnare, senast 2022-03-31; **1.2**)',
          '**Nya sedan mötet 2021-11-25:**',
          '- En gemensam avhopparrutin tas fram (ansvarig: Beredningsgruppen; målområde 2)',
          '**Öppna:**',
          '- Kameraövervakning vid stationen utreds (ansvarig: Beredningsgruppen, senast 2022-12-31)',
          '**Genomförda sedan mötet 2021-11-25:**',
          '- Lägesbilden delas med bostadsbolagen (ansvarig: Beredningsgruppen, klart 2022-01-14)',
        ].join('\n'),
      ),
      text,
    );
    assert.doesNotMatch(text, /annan överenskommelse/, "another agreement's decision");
    assert.doesNotMatch(text, /senare möte/, 'a decision taken after the meeting');
  });

  it('says the same in English', () => {
    const text = render('en');
    assert.match(text, /^Before the steering meeting 2022-05-12 09:00$/m);
    assert.ok(
      text.includes(
        [
          "The steering group's decisions",
          '**Overdue:**',
          '- Trygghetsvandringarna utökas till Runby (responsible: Kommunens trygghetssamordnare, by 2022-03-31; **1.2**)',
          '**New since the meeting 2021-11-25:**',
          '- En gemensam avhopparrutin tas fram (responsible: Beredningsgruppen; goal area 2)',
          '**Open:**',
          '- Kameraövervakning vid stationen utreds (responsible: Beredningsgruppen, by 2022-12-31)',
          '**Done since the meeting 2021-11-25:**',
          '- Lägesbilden delas med bostadsbolagen (responsible: Beredningsgruppen, done 2022-01-14)',
        ].join('\n'),
      ),
      text,
    );
  });

  it('has no decisions section while nothing is decided', () => {
    for (const locale of ['sv', 'en'] as const) {
      assert.doesNotMatch(render(locale, []), /Styrgruppens beslut|steering group's decisions|\*\*Overdue/);
    }
  });
});
