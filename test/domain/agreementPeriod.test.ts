import assert from 'node:assert/strict';
import { hasEnded, hasStarted, lastDay } from '../../src/domain/agreementPeriod.js';

describe('when an agreement runs', () => {
  const agreement = { validFrom: '2021-01-01', validTo: '2022-12-31', extensions: [] };
  const extended = {
    ...agreement,
    extensions: [{ decidedOn: '2022-06-01', validTo: '2024-12-31' }],
  };

  it('starts on its first day', () => {
    assert.equal(hasStarted(agreement, '2020-12-31'), false);
    assert.equal(hasStarted(agreement, '2021-01-01'), true);
  });

  it('ends after its last day, an extension (förlängning) included', () => {
    assert.equal(lastDay(agreement), '2022-12-31');
    assert.equal(hasEnded(agreement, '2022-12-31'), false);
    assert.equal(hasEnded(agreement, '2023-01-01'), true);
    assert.equal(lastDay(extended), '2024-12-31');
    assert.equal(hasEnded(extended, '2023-01-01'), false);
  });

  it('ends the day before the agreement that follows it starts, if that is earlier', () => {
    assert.equal(lastDay(agreement, '2023-01-01'), '2022-12-31');
    // Extended, but the parties signed a new agreement from 2024: the old one ends when the new one starts.
    assert.equal(lastDay(extended, '2024-01-01'), '2023-12-31');
    assert.equal(hasEnded(extended, '2023-12-31', '2024-01-01'), false);
    assert.equal(hasEnded(extended, '2024-01-01', '2024-01-01'), true);
    // A successor that starts later does not make it longer.
    assert.equal(lastDay(agreement, '2023-03-01'), '2022-12-31');
  });
});
