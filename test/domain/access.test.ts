import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { actions, may, type Action } from '../../src/domain/access.js';
import type { Plan } from '../../src/domain/plan.js';

const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;

/** Every kind of person the bot meets, and what each may do. The table is the rule; the test walks all of it. */
const people = {
  coordinator: { aadObjectId: id(20) }, // Alex Wilber: beredningsgrupp, owner of several measures
  policeCoordinator: { aadObjectId: id(21) }, // Megan Bowen
  steeringMember: { aadObjectId: id(22) }, // Adele Vance: styrgrupp only
  ownerInWorkingGroup: { aadObjectId: id(24) }, // Patti Fernandez: EST groups, owner of 2.1 and 2.2
  outsider: { aadObjectId: id(99) },
  outsiderInBoundChannel: { aadObjectId: id(99), channelId: '19:bound@thread.tacv2' },
  anonymous: {},
} as const;
type Person = keyof typeof people;

const yes = (...who: Person[]) => new Set<Person>(who);
const everyone = yes(...(Object.keys(people) as Person[]));
const coordinators = yes('coordinator', 'policeCoordinator');

const expected: Record<Action, Set<Person>> = {
  readHelp: everyone,
  readMine: everyone,
  readStatus: yes(
    'coordinator',
    'policeCoordinator',
    'steeringMember',
    'ownerInWorkingGroup',
    'outsiderInBoundChannel',
  ),
  readNames: coordinators,
  // Asked about measure 2.1, owned by Patti and Alex.
  reportOnMeasure: yes('coordinator', 'ownerInWorkingGroup'),
  answerReview: yes('coordinator', 'policeCoordinator', 'ownerInWorkingGroup'),
  bindChannel: coordinators,
  openRound: coordinators,
  closeRound: coordinators,
  managePlan: coordinators,
  extendAgreement: coordinators,
  exportReports: coordinators,
  manageDecisions: coordinators,
  handlePersonalData: coordinators,
};

describe('who may do what', () => {
  let plan: Plan;
  before(async () => {
    const agreement = await loadAgreementFile('agreements/example.yaml');
    plan = {
      agreement,
      bindings: [
        {
          groupId: 'est-strategisk',
          channelId: '19:bound@thread.tacv2',
          boundBy: { aadObjectId: id(20), name: 'Alex Wilber' },
          boundAt: '2021-01-10T09:00:00.000Z',
        },
      ],
    };
  });

  it('covers every action', () => {
    assert.deepEqual(Object.keys(expected).sort(), [...actions].sort());
  });

  for (const action of actions) {
    for (const person of Object.keys(people) as Person[]) {
      const allowed = expected[action].has(person);
      it(`${allowed ? 'lets' : 'refuses'} ${person} ${action}`, () => {
        assert.equal(may(plan, people[person], action, { measureId: '2.1' }), allowed);
      });
    }
  }

  it('lets an owner report only on their own measures', () => {
    assert.equal(may(plan, people.ownerInWorkingGroup, 'reportOnMeasure', { measureId: '1.2' }), false);
    assert.equal(may(plan, people.ownerInWorkingGroup, 'reportOnMeasure', { measureId: '9.9' }), false);
    assert.equal(may(plan, people.ownerInWorkingGroup, 'reportOnMeasure', {}), false);
  });
});
