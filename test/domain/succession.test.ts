import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement, Group } from '../../src/domain/agreement.js';
import type { ChannelBinding } from '../../src/domain/channelBinding.js';
import type { Plan } from '../../src/domain/plan.js';
import { bindingsToTakeOver } from '../../src/domain/succession.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));

describe('the channels a successor takes over', () => {
  let example: Agreement;

  before(async () => {
    example = await loadAgreementFile(examplePath);
  });

  const binding = (groupId: string, channelId: string): ChannelBinding => ({
    groupId,
    channelId,
    teamId: 'team-1',
    boundBy: { aadObjectId: 'alex', name: 'Alex Wilber' },
    boundAt: '2021-02-01T09:00:00.000Z',
  });

  function successorWith(
    groups: Array<Pick<Group, 'id' | 'kind' | 'name'>>,
    bindings: ChannelBinding[] = [],
  ): Plan {
    return {
      agreement: {
        ...example,
        id: 'next',
        follows: example.id,
        groups: groups.map((g) => ({ ...g, members: [] })),
      },
      bindings,
    };
  }

  it('takes each binding to the group of the same id, else of the same name, as it was bound', () => {
    const old: Plan = {
      agreement: example,
      bindings: [binding('styrgrupp', 'ch-styr'), binding('est-fordjupning', 'ch-djup')],
    };
    const next = successorWith([
      { id: 'styrgrupp', kind: 'styrgrupp', name: 'Styrgrupp' },
      { id: 'beredningsgrupp', kind: 'beredningsgrupp', name: 'Beredningsgrupp' },
      { id: 'djup', kind: 'arbetsgrupp', name: 'est Fordjupning' },
    ]);
    assert.deepEqual(bindingsToTakeOver(old, next), [
      { binding: binding('styrgrupp', 'ch-styr'), fromGroupId: 'styrgrupp' },
      {
        binding: { ...binding('est-fordjupning', 'ch-djup'), groupId: 'djup' },
        fromGroupId: 'est-fordjupning',
      },
    ]);
  });

  it('takes the steering and preparation groups by kind when they were renamed, but no working group', () => {
    const old: Plan = {
      agreement: example,
      bindings: [
        binding('styrgrupp', 'ch-styr'),
        binding('beredningsgrupp', 'ch-ber'),
        binding('est-strategisk', 'ch-est'),
      ],
    };
    const next = successorWith([
      { id: 'forum', kind: 'styrgrupp', name: 'Samverkansforum' },
      { id: 'samordnare', kind: 'beredningsgrupp', name: 'Samordnare' },
      { id: 'trygghet', kind: 'arbetsgrupp', name: 'Trygghetsgrupp' },
    ]);
    assert.deepEqual(
      bindingsToTakeOver(old, next).map(
        (t) => `${t.fromGroupId} → ${t.binding.groupId} ${t.binding.channelId}`,
      ),
      ['styrgrupp → forum ch-styr', 'beredningsgrupp → samordnare ch-ber'],
    );
  });

  it('leaves a group the successor has bound already as it is', () => {
    const old: Plan = {
      agreement: example,
      bindings: [binding('styrgrupp', 'ch-styr'), binding('beredningsgrupp', 'ch-ber')],
    };
    const next = successorWith(
      [
        { id: 'styrgrupp', kind: 'styrgrupp', name: 'Styrgrupp' },
        { id: 'beredningsgrupp', kind: 'beredningsgrupp', name: 'Beredningsgrupp' },
      ],
      [binding('beredningsgrupp', 'ch-new')],
    );
    assert.deepEqual(
      bindingsToTakeOver(old, next).map((t) => t.binding.groupId),
      ['styrgrupp'],
    );
    assert.deepEqual(
      bindingsToTakeOver(old, { ...next, bindings: [...next.bindings, binding('styrgrupp', 'x')] }),
      [],
    );
  });
});
