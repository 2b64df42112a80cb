import assert from 'node:assert/strict';
import { normalizeForMatching } from '../../src/domain/wordMatching.js';
import { squash } from './card.js';
import { e2e } from './fixture.js';
import { typedCommands, type TriedCommand } from './helpCommands.js';
import { anyOf, en, exactly, sv } from './texts.js';

/** Commands tried besides those the help card lists (the steering group's, which it may leave out). */
const alsoTried = [
  'status mål 1',
  'status 1.1',
  'historik 1.1',
  'insatser',
  'mina',
  'saknas',
  'sammanfattning',
  'halvtid',
  'rapport',
  'exportera',
  'möte 2021-12-09 13:00',
];

describe('Help in the personal chat', () => {
  it('hjälp shows the help card in Swedish', async () => {
    const chat = await e2e().playground.chat('Personal Chat');
    const card = await chat.ask('hjälp', {
      card: exactly(sv.helpTitle),
      showing: [anyOf(sv.helpIntro), anyOf(sv.helpCoordinator)],
    });
    const usages = await card.locator.locator('.ac-fact-title').allInnerTexts();
    assert.ok(usages.length >= 10, `the help card lists only: ${usages.join(', ')}`);
  });

  it('help gets English', async () => {
    const chat = await e2e().playground.chat('Personal Chat');
    const card = await chat.ask('help', {
      card: exactly(en.helpTitle),
      showing: [anyOf(en.helpIntro), anyOf(en.helpCoordinator)],
    });
    const usages = (await card.locator.locator('.ac-fact-title').allInnerTexts()).map(squash);
    assert.ok(usages.includes('help'), `the English help lists: ${usages.join(', ')}`);
    assert.ok(!usages.includes('hjälp'), `the English help lists: ${usages.join(', ')}`);
  });

  it('every command the help card lists is answered, not with an error or the help', async () => {
    const chat = await e2e().playground.chat('Personal Chat');
    const help = await chat.ask('hjälp', { card: exactly(sv.helpTitle) });
    const usages = (await help.locator.locator('.ac-fact-title').allInnerTexts()).map(squash);
    const tried = new Map<string, TriedCommand>();
    for (const usage of [...usages, ...alsoTried]) {
      for (const command of typedCommands(usage)) {
        const key = normalizeForMatching(command.typed);
        if (!tried.has(key)) tried.set(key, command);
      }
    }

    const problems: string[] = [];
    const notAnswers = exactly(sv.errorTitle, en.errorTitle, sv.helpTitle, en.helpTitle);
    for (const { usage, typed, command, answers } of tried.values()) {
      if (problems.length >= 3) break;
      if (command.kind === 'unknown' || command.kind === 'invalid') {
        problems.push(`"${usage}": the bot does not understand "${typed}" (${command.kind})`);
        continue;
      }
      try {
        if (answers) {
          await chat.askAny(typed, answers);
        } else {
          const answer = await chat.askAnything(typed);
          if (command.kind !== 'help' && notAnswers.test(answer)) {
            problems.push(`"${typed}" was answered with "${answer}"`);
          }
        }
      } catch (err) {
        problems.push(`"${typed}": ${(err as Error).message}`);
      }
    }
    assert.deepEqual(problems, [], `tried: ${[...tried.values()].map((c) => c.typed).join(', ')}`);
  });
});
