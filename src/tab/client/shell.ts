import type { ClientTexts } from '../tabTexts.js';

export type SignInKind = 'teams' | 'development' | 'notSetUp';
export type Purpose = 'home' | 'agreement' | 'config';
export type Theme = 'default' | 'dark' | 'contrast';

/** What the server's page (`shellPage`, src/tab/tabPages.ts) tells the script on `main#content`. */
export interface Shell {
  main: HTMLElement;
  /** Where the signed-in person's content comes from, with the page's language and theme. */
  fragment: string;
  signIn: SignInKind;
  purpose: Purpose;
  locale: string;
  texts: ClientTexts;
}

const signIns: readonly SignInKind[] = ['teams', 'development', 'notSetUp'];
const purposes: readonly Purpose[] = ['home', 'agreement', 'config'];

/** The page's settings, or undefined when the page is not the tab's (then the script does nothing). */
export function readShell(doc: Document): Shell | undefined {
  const main = doc.querySelector<HTMLElement>('main#content');
  if (!main) return undefined;
  const { fragment, signIn, purpose, locale, texts } = main.dataset;
  const kind = signIns.find((k) => k === signIn);
  const what = purposes.find((p) => p === purpose);
  if (!fragment || !kind || !what || !texts) return undefined;
  return { main, fragment, signIn: kind, purpose: what, locale: locale ?? 'sv', texts: JSON.parse(texts) };
}

/** Teams' themes as the tab's styles name them; Teams may add others ("glass"), shown as the default. */
export function themeOf(teamsTheme: string | undefined): Theme {
  return teamsTheme === 'dark' || teamsTheme === 'contrast' ? teamsTheme : 'default';
}

/** A message in place of the content: sign-in failed, the server could not be reached. */
export function showMessage(target: HTMLElement, text: string): void {
  const message = document.createElement('p');
  message.className = 'refusal';
  message.setAttribute('role', 'alert');
  message.textContent = text;
  target.replaceChildren(message);
}
