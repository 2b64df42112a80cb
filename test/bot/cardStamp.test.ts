import assert from 'node:assert/strict';
import { withStamp } from '../../src/teams/cardStamp.js';
import { renderCard } from '../../src/features/shared/cards.js';
import { noticeView } from '../../src/features/shared/views.js';

/** Every button of a card the bot sends carries the card's language; the card it was given stays as it was. */
describe('the language and agreement stamped on a card', () => {
  const card = {
    type: 'AdaptiveCard',
    body: [
      { type: 'TextBlock', text: 'Rubrik' },
      { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Spara', data: { verb: 'a' } }] },
      { type: 'FactSet', facts: [{ title: 'x', value: 'y' }] },
    ],
    refresh: { action: { type: 'Action.Execute', verb: 'b', data: { verb: 'b', locale: 'sv' } } },
    actions: [{ type: 'Action.OpenUrl', url: 'https://example.org' }],
  };

  it('puts the language in every action, keeping one the action already names', () => {
    const before = structuredClone(card);
    const stamped = withStamp(card, { locale: 'en' });
    assert.deepEqual(stamped.body[1], {
      type: 'ActionSet',
      actions: [{ type: 'Action.Submit', title: 'Spara', data: { locale: 'en', verb: 'a' } }],
    });
    assert.deepEqual(stamped.refresh.action.data, { verb: 'b', locale: 'sv' });
    assert.deepEqual(card, before, 'the card given is not changed');
  });

  it('shares with the card given only what holds no action', () => {
    const stamped = withStamp(card, { locale: 'en' });
    assert.notEqual(stamped, card);
    assert.notEqual(stamped.body, card.body);
    assert.equal(stamped.body[0], card.body[0]);
    assert.equal(stamped.body[2], card.body[2]);
    assert.equal(stamped.actions, card.actions);
    const plain = renderCard('notice', noticeView('Titel', 'Text'));
    assert.equal(withStamp(plain, { locale: 'sv' }), plain, 'a card without actions needs no copy');
  });

  it('stamps the contexts of a file consent card', () => {
    const consent = [
      {
        contentType: 'application/vnd.microsoft.teams.card.file.consent',
        content: { acceptContext: { file: 'a' }, declineContext: { file: 'a' }, description: 'd' },
      },
    ];
    assert.deepEqual(withStamp(consent, { locale: 'en' })[0]?.content, {
      acceptContext: { file: 'a', locale: 'en' },
      declineContext: { file: 'a', locale: 'en' },
      description: 'd',
    });
  });

  it('puts the agreement beside the language, keeping an agreement a button names itself', () => {
    const across = {
      type: 'AdaptiveCard',
      actions: [
        { type: 'Action.Execute', verb: 'a', data: { verb: 'a' } },
        { type: 'Action.Execute', verb: 'a', data: { verb: 'a', agreementId: 'medborgarlofte-2023' } },
      ],
    };
    const stamped = withStamp(across, { locale: 'sv', agreementId: 'upplands-vasby-2021' });
    assert.deepEqual(
      stamped.actions.map((a) => a.data),
      [
        { locale: 'sv', agreementId: 'upplands-vasby-2021', verb: 'a' },
        { locale: 'sv', agreementId: 'medborgarlofte-2023', verb: 'a' },
      ],
    );
  });
});
