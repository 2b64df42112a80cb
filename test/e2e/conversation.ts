import type { Locator, Page } from 'playwright-core';
import { Card, matches, squash, type Matcher } from './card.js';
import { answerTimeoutMs, waitUntil } from './waiting.js';

/** The bot's name in the playground, as its @mention menu lists it. */
export const botName = 'Test Bot';

/** What a person expects back: a card with this title (and these texts in it), or a plain message. */
export type CardAnswer = { card: Matcher; showing?: Matcher[] };
export type Answer = CardAnswer | { message: Matcher };
export type Reply = { card: Card } | { message: Locator };

function describeAnswer(answer: Answer): string {
  return 'message' in answer
    ? `a message showing ${String(answer.message)}`
    : `a card titled ${String(answer.card)}${answer.showing ? ` showing ${answer.showing.map(String).join(', ')}` : ''}`;
}

/**
 * Where messages are read and written: a personal or group chat (the whole conversation pane) or one thread of a
 * team channel. New messages come at the end of both.
 */
export class Conversation {
  constructor(
    readonly page: Page,
    readonly scope: Locator,
    /** For failure messages. */
    readonly name: string,
    /** Channels and group chats reach the bot only through an @mention. */
    readonly needsMention: boolean,
  ) {}

  cards(): Locator {
    return this.scope.locator('.ac-adaptiveCard');
  }

  /** The cards whose title is `heading` (a string is matched whole). */
  cardsTitled(heading: Matcher): Locator {
    return this.cards().filter({
      has: this.page.getByRole(
        'heading',
        typeof heading === 'string' ? { name: heading, exact: true } : { name: heading },
      ),
    });
  }

  lastCard(): Card {
    return new Card(this.cards().last(), this.page);
  }

  /** The composer this conversation writes in. */
  protected composer(): Locator {
    return this.scope.locator('[data-lexical-editor="true"]').last();
  }

  /** Types a message as a person would (with the bot's @mention where Teams needs one) and sends it. */
  async send(text: string): Promise<void> {
    const composer = this.composer();
    await composer.click();
    if (this.needsMention) await this.typeMention();
    await this.page.keyboard.type(text);
    await this.submit();
  }

  protected async submit(): Promise<void> {
    await this.page.keyboard.press('Enter');
  }

  /** `@Test Bot`, picked from the playground's mention menu as a person does. */
  protected async typeMention(): Promise<void> {
    await this.page.keyboard.type(`@${botName.split(' ')[0]}`);
    await this.page.getByRole('menuitem', { name: new RegExp(`^${botName}`) }).click();
    await this.page.keyboard.type(' ');
  }

  /** Sends `text` and waits for the answer: a new card with that title, showing those texts. */
  async ask(text: string, answer: CardAnswer): Promise<Card> {
    const reply = await this.askAny(text, [answer]);
    if (!('card' in reply)) throw new Error(`"${text}" was answered with a message, not a card`);
    return reply.card;
  }

  /**
   * Sends `text` and waits for whichever of the answers comes first: a new message showing its text, or a new card
   * with its title that shows all its texts (answers may share a title and differ in what they say).
   */
  async askAny(text: string, answers: Answer[]): Promise<Reply> {
    const watched = answers.map((answer) =>
      'message' in answer ? this.messages(answer.message) : this.cardsTitled(answer.card),
    );
    const before = await Promise.all(watched.map((w) => w.count()));
    await this.send(text);
    return waitUntil(
      async (): Promise<Reply | undefined> => {
        for (const [i, answer] of answers.entries()) {
          const list = watched[i];
          const seen = before[i] ?? 0;
          if (!list || (await list.count()) <= seen) continue;
          const found = list.nth(seen);
          if ('message' in answer) return { message: found };
          const shown = await found.innerText().catch(() => '');
          if ((answer.showing ?? []).every((m) => matches(shown, m)))
            return { card: new Card(found, this.page) };
        }
        return undefined;
      },
      async () =>
        `the answer to "${text}" (${answers.map(describeAnswer).join(' or ')}) never came in ${this.name}. ${await this.describe()}`,
    );
  }

  /**
   * Sends `text` and returns the title of the next card (or the text of the next message) the bot posts here, for a
   * command the tests know no particular answer to.
   */
  async askAnything(text: string): Promise<string> {
    const cards = this.cards();
    const messages = this.scope.locator('p:not(.ac-adaptiveCard p)');
    const [cardsBefore, messagesBefore] = [await cards.count(), await messages.count()];
    await this.send(text);
    return waitUntil(
      async () => {
        if ((await cards.count()) > cardsBefore) {
          return squash(await cards.nth(cardsBefore).getByRole('heading').first().innerText());
        }
        if ((await messages.count()) > messagesBefore)
          return squash(await messages.nth(messagesBefore).innerText());
        return undefined;
      },
      async () => `no answer to "${text}" came in ${this.name}. ${await this.describe()}`,
    );
  }

  /** The bot's plain messages (not cards) showing the text; the playground shows a person's own as spans. */
  messages(text: Matcher): Locator {
    return this.scope.locator('p:not(.ac-adaptiveCard p)').filter({ hasText: text });
  }

  /**
   * Waits for card number `index` (from the top, 0 first) titled `heading`. For a new card, count them before what
   * makes it come: a fast bot may answer before a count taken afterwards.
   */
  async waitForCard(heading: Matcher, index: number, what = 'a card'): Promise<Card> {
    const titled = this.cardsTitled(heading);
    const wanted = index;
    await waitUntil(
      async () => (await titled.count()) > wanted,
      async () => `${what} titled ${String(heading)} never came in ${this.name}. ${await this.describe()}`,
    );
    return new Card(titled.nth(wanted), this.page);
  }

  /** Waits for message number `index` (0 first) showing `text`; count them first, as for `waitForCard`. */
  async waitForMessage(text: Matcher, index: number, what = 'a message'): Promise<Locator> {
    const shown = this.messages(text);
    const wanted = index;
    await waitUntil(
      async () => (await shown.count()) > wanted,
      async () => `${what} showing ${String(text)} never came in ${this.name}. ${await this.describe()}`,
    );
    return shown.nth(wanted);
  }

  /** The titles of the last cards and the end of the conversation's text, for failure messages. */
  async describe(): Promise<string> {
    const headings = await this.cards()
      .locator('[role="heading"]')
      .allInnerTexts()
      .catch(() => []);
    const text = squash(await this.scope.innerText().catch(() => ''));
    return `Card titles here: ${headings.slice(-8).map(squash).join(' | ') || '(none)'}. The conversation ends with: …${text.slice(-600)}`;
  }
}

let threadCount = 0;

/** A team channel: posts start threads (newest at the top); the bot answers in the thread. */
export class Channel {
  constructor(
    readonly page: Page,
    readonly scope: Locator,
    readonly name: string,
  ) {}

  /** Starts a thread with `text` (after the bot's @mention) and returns it once it shows. */
  async post(text: string): Promise<Conversation> {
    const newPost = this.scope
      .getByRole('group')
      .filter({ has: this.page.getByRole('button', { name: 'Post' }) });
    const threads = this.threadsWith(text);
    const before = await threads.count();
    await newPost.locator('[data-lexical-editor="true"]').click();
    await this.page.keyboard.type(`@${botName.split(' ')[0]}`);
    await this.page.getByRole('menuitem', { name: new RegExp(`^${botName}`) }).click();
    await this.page.keyboard.type(` ${text}`);
    await newPost.getByRole('button', { name: 'Post', exact: true }).click();
    await waitUntil(
      async () => (await threads.count()) > before,
      () => `the post "${text}" never showed in ${this.name}`,
      answerTimeoutMs,
    );
    // Newest first: the thread just started is the first one showing the text. It is marked so that it stays the
    // same thread when newer ones (the bot's check-in cards, say) come in above it.
    const mark = `thread-${++threadCount}`;
    await threads.first().evaluate((element, value) => element.setAttribute('data-e2e-thread', value), mark);
    return new Conversation(
      this.page,
      this.scope.locator(`[data-e2e-thread="${mark}"]`),
      `a thread in ${this.name}`,
      true,
    );
  }

  /** Threads whose first post (or any reply) shows the text. */
  private threadsWith(text: string): Locator {
    return this.scope
      .getByRole('group')
      .filter({ hasNot: this.page.getByRole('button', { name: 'Post', exact: true }) })
      .filter({ hasText: text });
  }
}
