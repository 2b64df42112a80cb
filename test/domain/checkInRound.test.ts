import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement, Measure } from '../../src/domain/agreement.js';
import type { ChannelBinding } from '../../src/domain/channelBinding.js';
import {
  channelsForMeasure,
  isOwner,
  missingMeasures,
  promptTargets,
  targetKey,
  type CheckInRound,
} from '../../src/domain/checkInRound.js';
import type { Plan } from '../../src/domain/plan.js';
import type { Report } from '../../src/domain/report.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));

const alex = '00000000-0000-0000-0000-0000000000020';
const megan = '00000000-0000-0000-0000-0000000000021';
const patti = '00000000-0000-0000-0000-0000000000024';

const channels = {
  strategisk: '19:est-strategisk@thread.tacv2',
  strategiskExtra: '19:est-strategisk-2@thread.tacv2',
  fordjupning: '19:est-fordjupning@thread.tacv2',
  styrgrupp: '19:styrgrupp@thread.tacv2',
  beredning: '19:beredningsgrupp@thread.tacv2',
};

function binding(groupId: string, channelId: string): ChannelBinding {
  return {
    groupId,
    channelId,
    teamId: '19:team@thread.tacv2',
    boundBy: { aadObjectId: alex, name: 'Alex Wilber' },
    boundAt: '2021-01-04T09:00:00.000Z',
  };
}

describe('check-in round', () => {
  let agreement: Agreement;

  before(async () => {
    agreement = await loadAgreementFile(examplePath);
  });

  function measure(id: string): Measure {
    const found = agreement.measures.find((m) => m.id === id);
    assert.ok(found, `no measure ${id} in the example`);
    return found;
  }

  function planWith(...bindings: ChannelBinding[]): Plan {
    return { agreement, bindings };
  }

  /** Every group of the example bound to its own channel. */
  function fullyBound(): Plan {
    return planWith(
      binding('styrgrupp', channels.styrgrupp),
      binding('beredningsgrupp', channels.beredning),
      binding('est-strategisk', channels.strategisk),
      binding('est-fordjupning', channels.fordjupning),
    );
  }

  describe('channelsForMeasure', () => {
    it("posts in the channel of the measure's working group", () => {
      const plan = fullyBound();
      assert.deepEqual(channelsForMeasure(plan, measure('1.1')), [channels.strategisk]);
      assert.deepEqual(channelsForMeasure(plan, measure('2.1')), [channels.fordjupning]);
      assert.deepEqual(channelsForMeasure(plan, measure('3.1')), [channels.strategisk]);
    });

    it('posts in every channel its working group is bound to, each once', () => {
      const plan = planWith(
        binding('est-strategisk', channels.strategisk),
        binding('est-strategisk', channels.strategiskExtra),
        binding('est-strategisk', channels.strategisk),
        binding('est-fordjupning', channels.fordjupning),
      );
      assert.deepEqual(channelsForMeasure(plan, measure('1.1')), [
        channels.strategisk,
        channels.strategiskExtra,
      ]);
    });

    it("falls back to every bound working group's channel when its own group has none", () => {
      const plan = planWith(
        binding('styrgrupp', channels.styrgrupp),
        binding('est-strategisk', channels.strategisk),
        binding('beredningsgrupp', channels.beredning),
        binding('est-strategisk', channels.strategiskExtra),
      );
      // 2.1 belongs to EST fördjupning, which has no channel.
      assert.deepEqual(channelsForMeasure(plan, measure('2.1')), [
        channels.strategisk,
        channels.strategiskExtra,
      ]);
    });

    it('posts a measure that names no working group in every working group channel', () => {
      const { workingGroup: _workingGroup, ...unnamed } = measure('1.1');
      assert.equal(_workingGroup, 'est-strategisk');
      assert.deepEqual(channelsForMeasure(fullyBound(), unnamed), [
        channels.strategisk,
        channels.fordjupning,
      ]);
    });

    it('never posts in the steering or preparation group channels', () => {
      const plan = planWith(
        binding('styrgrupp', channels.styrgrupp),
        binding('beredningsgrupp', channels.beredning),
      );
      assert.deepEqual(channelsForMeasure(plan, measure('1.1')), []);
      assert.deepEqual(channelsForMeasure(planWith(), measure('1.1')), []);
    });

    it('posts once in a channel shared by both working groups', () => {
      const shared = '19:samverkan@thread.tacv2';
      const plan = planWith(binding('est-strategisk', shared), binding('est-fordjupning', shared));
      assert.deepEqual(channelsForMeasure(plan, measure('1.1')), [shared]);
      const { workingGroup: _workingGroup, ...unnamed } = measure('2.1');
      assert.equal(_workingGroup, 'est-fordjupning');
      assert.deepEqual(channelsForMeasure(plan, unnamed), [shared]);
    });
  });

  describe('promptTargets', () => {
    it('adds the personal chat of each owner who has one, after the channels', () => {
      const targets = promptTargets(fullyBound(), measure('1.1'), new Set([megan, patti, alex]));
      assert.deepEqual(targets, [
        { kind: 'channel', channelId: channels.strategisk },
        { kind: 'personal', aadObjectId: alex },
        { kind: 'personal', aadObjectId: megan },
      ]);
      assert.deepEqual(targets.map(targetKey), [
        `channel:${channels.strategisk}`,
        `personal:${alex}`,
        `personal:${megan}`,
      ]);
    });

    it('leaves out owners without a personal chat and people who are not owners', () => {
      assert.deepEqual(promptTargets(fullyBound(), measure('1.1'), new Set([patti])), [
        { kind: 'channel', channelId: channels.strategisk },
      ]);
      assert.deepEqual(promptTargets(planWith(), measure('2.1'), new Set([patti])), [
        { kind: 'personal', aadObjectId: patti },
      ]);
    });

    it('has nowhere to send when no channel is bound and no owner has a personal chat', () => {
      assert.deepEqual(
        promptTargets(planWith(binding('styrgrupp', channels.styrgrupp)), measure('1.1'), new Set()),
        [],
      );
    });
  });

  describe('missingMeasures', () => {
    const round: CheckInRound = {
      id: 'monthly-2021-03',
      agreementId: 'upplands-vasby-sollentuna-2021-2022',
      label: 'mars 2021',
      trigger: 'monthly',
      measureIds: ['2.1', '1.1', '1.3'],
      openedAt: '2021-03-01T07:00:00.000Z',
      status: 'open',
    };

    function report(measureId: string, roundId: string | undefined, revision = 1): Report {
      return {
        agreementId: round.agreementId,
        measureId,
        ...(roundId === undefined ? {} : { roundId }),
        status: 'onTrack',
        narrative: 'Enligt plan.',
        needsSteeringDecision: false,
        revision,
        reportedBy: { aadObjectId: alex, name: 'Alex Wilber' },
        reportedAt: '2021-03-02T09:00:00.000Z',
      };
    }

    it("lists every measure of the round, in the plan's order, before anyone has answered", () => {
      const missing = missingMeasures(round, planWith(), []);
      assert.deepEqual(
        missing.map((m) => m.id),
        ['1.1', '1.3', '2.1'],
      );
    });

    it('counts only reports given in this round', () => {
      const reports = [
        report('1.1', 'monthly-2021-03', 3),
        report('1.3', 'monthly-2021-02', 2),
        report('2.1', undefined, 1),
        report('1.2', 'monthly-2021-03', 1),
      ];
      assert.deepEqual(
        missingMeasures(round, planWith(), reports).map((m) => m.id),
        ['1.3', '2.1'],
      );
    });

    it('is empty when every measure of the round has a report in it', () => {
      const reports = round.measureIds.map((id) => report(id, round.id));
      assert.deepEqual(missingMeasures(round, planWith(), reports), []);
    });

    it('ignores measure ids the plan no longer has', () => {
      const stale: CheckInRound = { ...round, measureIds: ['1.1', '9.9'] };
      assert.deepEqual(
        missingMeasures(stale, planWith(), []).map((m) => m.id),
        ['1.1'],
      );
    });
  });

  describe('isOwner', () => {
    it('knows the owners of a measure by their Entra object id', () => {
      assert.equal(isOwner(measure('1.1'), alex), true);
      assert.equal(isOwner(measure('1.1'), megan), true);
      assert.equal(isOwner(measure('1.1'), patti), false);
      assert.equal(isOwner(measure('2.1'), patti), true);
    });

    it('does not take a missing or empty id for an owner', () => {
      assert.equal(isOwner(measure('1.1'), undefined), false);
      assert.equal(isOwner(measure('1.1'), ''), false);
      assert.equal(isOwner(measure('1.1'), 'Alex Wilber'), false);
    });
  });
});
