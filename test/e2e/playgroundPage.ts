import type { Locator, Page } from 'playwright-core';
import { squash } from './card.js';
import { Channel, Conversation } from './conversation.js';
import { answerTimeoutMs, waitUntil } from './waiting.js';

/** The conversations the playground offers in its left pane (their tree items' names). */
export type ChatName = 'Personal Chat' | 'Group Chat';
export type ChannelName = 'General' | 'Announcements';

/**
 * The Agents Playground's page: a Teams-like client with a personal chat, a group chat and a team with channels on
 * the left, the open conversation in the middle and a log of every activity on the right.
 */
export class Playground {
  constructor(readonly page: Page) {}

  /** Opens the playground and waits until it has connected to the bot. */
  static async open(page: Page, url: string): Promise<Playground> {
    await page.goto(url);
    const playground = new Playground(page);
    await playground.conversationPane().locator('[data-lexical-editor="true"]').first().waitFor();
    await waitUntil(
      async () => (await playground.logText()).includes('Connected.'),
      async () => `the playground did not connect to the bot; its log: ${await playground.logText()}`,
      60_000,
    );
    return playground;
  }

  /** The middle of the page: the open conversation (its messages and composer), without the side panels. */
  conversationPane(): Locator {
    return this.page
      .locator(
        'div:has([data-lexical-editor]):not(:has([aria-label="Chat and Teams Channel"])):not(:has([title="Hide log panel"]))',
      )
      .first();
  }

  private async select(treeItem: string): Promise<void> {
    const item = this.page.getByRole('treeitem', { name: treeItem, exact: true });
    await item.click();
    // The composer of the chosen conversation replaces the previous one.
    await this.conversationPane().locator('[data-lexical-editor="true"]').first().waitFor();
  }

  /** The personal chat (Alex Wilber and the bot) or the group chat, selected. */
  async chat(name: ChatName): Promise<Conversation> {
    await this.select(name);
    return new Conversation(this.page, this.conversationPane(), `the ${name}`, name !== 'Personal Chat');
  }

  /** A channel of the playground's team ("My Team"), selected. */
  async channel(name: ChannelName): Promise<Channel> {
    await this.select(`My Team - ${name}`);
    await this.conversationPane().getByRole('button', { name: 'Post', exact: true }).waitFor();
    return new Channel(this.page, this.conversationPane(), `the channel ${name}`);
  }

  // --- The log panel: every activity between the playground and the bot, with its JSON on a click.

  private logPanel(): Locator {
    return this.page.locator('[contenteditable="true"][spellcheck="false"]').first();
  }

  async logText(): Promise<string> {
    return (
      await this.logPanel()
        .innerText()
        .catch(() => '')
    ).trim();
  }

  /**
   * The JSON of the newest activity the bot sent whose log line shows `text` (the log shows the start of a
   * message's text), as the log's detail view shows it after a click on the entry.
   */
  async sentActivity(text: string): Promise<Record<string, unknown>> {
    const start = squash(text).slice(0, 40);
    const line = this.logPanel()
      .locator('div')
      .filter({ hasText: 'User Application -> Microsoft 365 Agents Playground' })
      .filter({ hasText: start })
      .last();
    await waitUntil(
      async () => (await line.count()) > 0,
      async () =>
        `no activity from the bot showing "${start}" in the log: ${(await this.logText()).slice(-1500)}`,
    );
    const entry = line.getByText(/^message \d+$/).first();
    await entry.scrollIntoViewIfNeeded();
    await entry.click();
    // The detail view: Request/Response tabs over the activity's JSON (an editable text block).
    const details = this.page
      .locator('div')
      .filter({ has: this.page.getByRole('tablist') })
      .filter({ has: this.page.locator('[contenteditable="true"]') })
      .last()
      .locator('[contenteditable="true"]');
    return waitUntil(
      async () => {
        const json = (await details.innerText().catch(() => '')).trim();
        try {
          const activity = JSON.parse(json) as Record<string, unknown>;
          return typeof activity.text === 'string' && squash(activity.text).startsWith(start)
            ? activity
            : undefined;
        } catch {
          return undefined;
        }
      },
      async () =>
        `the log's detail view did not show the activity: ${await details.innerText().catch(() => '')}`,
      answerTimeoutMs,
    );
  }

  /**
   * Sends an activity of our own to the bot through "Mock an Activity" → "Custom activity", starting from the
   * playground's template for the open conversation (its ids, the user, the service URL). The playground cannot show
   * some cards (a file consent card, for one); this is how a tester answers them.
   */
  async sendCustomActivity(complete: (template: Record<string, unknown>) => Record<string, unknown>) {
    await this.page.getByRole('button', { name: 'Mock an Activity' }).click();
    await this.page.getByRole('menuitem', { name: 'Custom activity' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Custom activity' });
    const editor = dialog.locator('.view-lines');
    await editor.waitFor();
    // The editor shows the template's lines (its last, closing brace may be scrolled out of view).
    const template = await waitUntil(
      async () => {
        const text = (await editor.innerText()).replace(/\u00a0/g, ' ').trim();
        for (const candidate of [text, `${text}\n}`]) {
          try {
            return JSON.parse(candidate) as Record<string, unknown>;
          } catch {
            // try the next
          }
        }
        return undefined;
      },
      async () => `the custom activity's template is not JSON: ${await editor.innerText()}`,
    );
    await editor.click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(JSON.stringify(complete(template)));
    await dialog.getByRole('button', { name: 'Send activity' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}
