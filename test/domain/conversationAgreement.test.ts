import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { agreementSchema, type Agreement } from '../../src/domain/agreement.js';
import {
  agreementNamedIn,
  plansOfChannel,
  plansOfPerson,
  takesPart,
} from '../../src/domain/conversationAgreement.js';
import type { Plan } from '../../src/domain/plan.js';

const alex = '00000000-0000-0000-0000-0000000000020';
const stranger = '00000000-0000-0000-0000-0000000000099';

describe('which agreement a conversation is about', () => {
  let agreement: Agreement;
  let promise: Agreement;
  let successor: Agreement;
  const plan = (a: Agreement, channels: string[] = []): Plan => ({
    agreement: a,
    bindings: channels.map((channelId) => ({
      groupId: 'styrgrupp',
      channelId,
      boundBy: { aadObjectId: alex, name: 'Alex Wilber' },
      boundAt: '2022-01-01T00:00:00.000Z',
    })),
  });

  before(async () => {
    const read = async (file: string) => agreementSchema.parse(parse(await readFile(file, 'utf8')));
    agreement = await read('agreements/example.yaml');
    promise = await read('agreements/medborgarlofte-exempel.yaml');
    successor = {
      ...agreement,
      id: 'upplands-vasby-sollentuna-2023-2024',
      follows: agreement.id,
      title: 'Samverkansöverenskommelse 2023–2024',
      validFrom: '2023-01-01',
      validTo: '2024-12-31',
    };
  });

  it('counts group members, coordinators and owners as taking part, nobody else', () => {
    assert.equal(takesPart(promise, alex), true, 'Alex owns measures of the promise');
    assert.equal(takesPart(agreement, alex), true);
    assert.equal(takesPart(agreement, stranger), false);
    assert.equal(takesPart(agreement, undefined), false);
  });

  it('gives a channel to its successor once that has started, and to the old one before', () => {
    const plans = [plan(agreement, ['c1']), plan(successor, ['c1']), plan(promise, ['c2'])];
    assert.deepEqual(
      plansOfChannel(plans, 'c1', '2022-12-31').map((p) => p.agreement.id),
      [agreement.id, successor.id],
    );
    assert.deepEqual(
      plansOfChannel(plans, 'c1', '2023-01-01').map((p) => p.agreement.id),
      [successor.id],
    );
    assert.deepEqual(
      plansOfChannel(plans, 'c2', '2023-01-01').map((p) => p.agreement.id),
      [promise.id],
    );
    assert.deepEqual(
      plansOfPerson(plans, alex, '2023-01-01').map((p) => p.agreement.id),
      [successor.id, promise.id],
    );
  });

  it('reads an agreement named at the end of a command by its id, its title or its kind when that is unique', () => {
    const plans = [plan(agreement), plan(promise)];
    assert.deepEqual(withName('status medborgarlöfte', plans), [promise.id, 'status']);
    assert.deepEqual(withName('STATUS Medborgarlofte', plans), [promise.id, 'STATUS']);
    assert.deepEqual(withName(`rapport 2022-12-31 ${agreement.id}`, plans), [
      agreement.id,
      'rapport 2022-12-31',
    ]);
    assert.deepEqual(withName(`status ${promise.title}`, plans), [promise.id, 'status']);
    // Two of the same kind: the kind names neither.
    assert.equal(
      agreementNamedIn('status samverkansöverenskommelse', [plan(agreement), plan(successor)]),
      undefined,
    );
    // The command word alone is no name, and a long message is not searched from its start.
    assert.equal(agreementNamedIn('medborgarlöfte', plans), undefined);
    assert.equal(agreementNamedIn(`status ${'ord '.repeat(20_000)}`, plans), undefined);
  });
});

function withName(text: string, plans: Plan[]): [string, string] | undefined {
  const named = agreementNamedIn(text, plans);
  return named && [named.plan.agreement.id, named.rest];
}
