import type { Locator, Page } from 'playwright-core';
import { answerTimeoutMs, waitUntil } from './waiting.js';

export type Matcher = string | RegExp;

/** Whether the text shows `matcher` (a string anywhere, spaces squashed, or a RegExp). */
export const matches = (text: string, matcher: Matcher) =>
  typeof matcher === 'string' ? squash(text).includes(squash(matcher)) : matcher.test(squash(text));

/** Single spaces, no line breaks: how the tests compare what a card shows. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** One Adaptive Card as the playground renders it (`.ac-adaptiveCard`), read and used as a person would. */
export class Card {
  constructor(
    readonly locator: Locator,
    private readonly page: Page,
  ) {}

  /** The card's text, in single spaces. */
  async text(): Promise<string> {
    return squash(await this.locator.innerText());
  }

  /** The first heading (the card's title). */
  async heading(): Promise<string> {
    return squash(await this.locator.getByRole('heading').first().innerText());
  }

  /** Waits until the card shows the text (a card refreshed in place changes under the same message). */
  async waitForText(matcher: Matcher, timeoutMs = answerTimeoutMs): Promise<void> {
    await waitUntil(
      async () => matches(await this.locator.innerText().catch(() => ''), matcher),
      async () =>
        `the card never showed ${String(matcher)}; it shows: ${await this.text().catch(() => '(gone)')}`,
      timeoutMs,
    );
  }

  /** Waits until the card no longer shows the text. */
  async waitForNoText(matcher: Matcher, timeoutMs = answerTimeoutMs): Promise<void> {
    await waitUntil(
      async () => !matches(await this.locator.innerText().catch(() => ''), matcher),
      async () => `the card still shows ${String(matcher)}: ${await this.text().catch(() => '(gone)')}`,
      timeoutMs,
    );
  }

  button(name: Matcher): Locator {
    return this.locator.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });
  }

  /** The names of the card's buttons (Action.Execute / Action.Submit). */
  async buttons(): Promise<string[]> {
    return (await this.locator.locator('.ac-actionSet button, .ac-pushButton').allInnerTexts()).map(squash);
  }

  async press(name: Matcher): Promise<void> {
    await this.button(name).click();
  }

  /**
   * The input whose label reads `label` (without the required field's asterisk). Found through the label's `for`,
   * since the input's accessible name also carries its error message once one is shown.
   */
  async input(label: Matcher): Promise<Locator> {
    const id = await waitUntil(
      async () => {
        for (const element of await this.locator.locator('label[for]').all()) {
          const text = squash(await element.innerText()).replace(/\s*\*$/, '');
          const wanted = typeof label === 'string' ? text === label : label.test(text);
          if (wanted) return (await element.getAttribute('for')) ?? undefined;
        }
        return undefined;
      },
      async () =>
        `no field labelled ${String(label)}; the labels are: ${(await this.locator.locator('label').allInnerTexts()).map(squash).join(' / ')}`,
    );
    return this.locator.locator(`[id="${id}"]`);
  }

  async fill(label: Matcher, value: string): Promise<void> {
    await (await this.input(label)).fill(value);
  }

  async value(label: Matcher): Promise<string> {
    return (await this.input(label)).inputValue();
  }

  /** Picks `option` in a compact Input.ChoiceSet (a Fluent combobox with a listbox of options). */
  async choose(label: Matcher, option: Matcher): Promise<void> {
    const combobox = await this.input(label);
    await combobox.click();
    const listboxId = await combobox.getAttribute('aria-controls');
    const listbox = listboxId
      ? this.page.locator(`[id="${listboxId}"]`)
      : this.page.locator('.fui-Combobox__listbox').last();
    const choice = listbox.getByRole(
      'option',
      typeof option === 'string' ? { name: option, exact: true } : { name: option },
    );
    await choice.click();
    await waitUntil(
      async () => matches(await combobox.inputValue(), option),
      async () => `${String(label)} shows "${await combobox.inputValue()}" instead of ${String(option)}`,
    );
  }

  /** The options of an expanded Input.ChoiceSet (radio buttons), by their labels. */
  async options(): Promise<string[]> {
    const names = [];
    for (const radio of await this.locator.getByRole('radio').all()) {
      const id = await radio.getAttribute('id');
      const label = id ? this.locator.locator(`label[for="${id}"]`) : undefined;
      names.push(label ? squash(await label.innerText()) : '');
    }
    return names;
  }

  /** Picks `option` in an expanded Input.ChoiceSet, as a person clicks a radio button. */
  async pick(option: Matcher): Promise<void> {
    const radio = this.locator.getByRole(
      'radio',
      typeof option === 'string' ? { name: option, exact: true } : { name: option },
    );
    await radio.check();
  }
}
