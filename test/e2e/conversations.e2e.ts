import assert from 'node:assert/strict';
import { exampleAgreement } from './exampleAgreement.js';
import { e2e } from './fixture.js';
import { step } from './steps.js';
import { anyOf, exactly, sv } from './texts.js';

describe('A group chat and a team channel', () => {
  it('in the group chat, @mention + hjälp and mina are answered', async () => {
    const chat = await e2e().playground.chat('Group Chat');
    const help = await chat.ask('hjälp', { card: exactly(sv.helpTitle), showing: [anyOf(sv.helpIntro)] });
    // Only channels are bound to groups, so a group chat's help says nothing about binding.
    assert.doesNotMatch(await help.text(), anyOf(sv.helpChannelUnbound));
    await chat.ask('mina', { card: exactly(sv.status.mineTitle) });
  });

  it('in a channel, koppla est-strategisk binds it and hjälp names the bound group', async () => {
    const group = (await exampleAgreement()).groups.find((g) => g.id === 'est-strategisk');
    assert.ok(group, 'the example agreement has the group est-strategisk');
    const channel = await e2e().playground.channel('General');

    const thread = await step('@Test Bot koppla est-strategisk, posted in General', () =>
      channel.post('koppla est-strategisk'),
    );
    await step('the bot answers in the thread that the channel is bound', async () => {
      const bound = await thread.waitForCard(exactly(sv.boundTitle), 0, 'the answer to koppla');
      await bound.waitForText(anyOf(sv.bound(group.name)));
    });
    await step('@Test Bot hjälp in the thread names the bound group', () =>
      thread.ask('hjälp', { card: exactly(sv.helpTitle), showing: [anyOf(sv.helpChannelBound(group.name))] }),
    );
  });
});
