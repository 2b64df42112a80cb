import { showMessage, type Shell } from './shell.js';
import { fetchFragment } from './signedFetch.js';

/** Who the development sign-in is, for this browser tab only (sessionStorage): a second tab may be someone else. */
export interface DevelopmentPerson {
  aadObjectId: string;
  /** As the sign-in form labels them: the name and the role. */
  label: string;
}

const storageKey = 'samverkansbot.tab.developmentPerson';

export function rememberedPerson(): DevelopmentPerson | undefined {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
    if (
      stored &&
      typeof stored === 'object' &&
      'aadObjectId' in stored &&
      'label' in stored &&
      typeof stored.aadObjectId === 'string' &&
      typeof stored.label === 'string'
    ) {
      return { aadObjectId: stored.aadObjectId, label: stored.label };
    }
  } catch {
    // Storage refused or garbled: the person chooses again.
  }
  return undefined;
}

export function forgetPerson(): void {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was kept.
  }
}

function rememberPerson(person: DevelopmentPerson): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(person));
  } catch {
    // Kept for this page only: the next page asks again.
  }
}

/**
 * Shows the server's form of the people the agreements name (and an outsider) in `main` and waits for the person
 * to choose one. Undefined when the form could not be fetched (the reason is shown).
 */
export async function choosePerson(shell: Shell, focus: boolean): Promise<DevelopmentPerson | undefined> {
  const url = `/tab/api/dev/people?locale=${encodeURIComponent(shell.locale)}`;
  let form: HTMLFormElement | null;
  try {
    const answer = await fetchFragment(url, async () => undefined);
    shell.main.innerHTML = answer.html;
    form = shell.main.querySelector<HTMLFormElement>('form.dev-sign-in');
  } catch {
    showMessage(shell.main, shell.texts.failed);
    return undefined;
  } finally {
    shell.main.setAttribute('aria-busy', 'false');
  }
  if (!form) return undefined;
  // Chosen again with "Change person", whose button is gone now: the keyboard goes on in the form.
  if (focus) shell.main.focus();
  const chosenForm = form;
  return new Promise((resolve) => {
    chosenForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const input = chosenForm.querySelector<HTMLInputElement>('input[name="person"]:checked');
      if (!input) return;
      const label = chosenForm.querySelector(`label[for="${CSS.escape(input.id)}"]`)?.textContent ?? '';
      const person = { aadObjectId: input.value, label: label.trim() };
      rememberPerson(person);
      resolve(person);
    });
  });
}

/** Above the content: who the page is shown as, and a button to choose someone else. */
export function showPersonBar(shell: Shell, person: DevelopmentPerson, changePerson: () => void): void {
  hidePersonBar();
  const bar = document.createElement('header');
  bar.className = 'dev-person';
  const who = document.createElement('p');
  who.textContent = `${shell.texts.signedInAs} ${person.label}`;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = shell.texts.changePerson;
  button.addEventListener('click', changePerson);
  bar.append(who, button);
  shell.main.before(bar);
}

export function hidePersonBar(): void {
  document.querySelector('header.dev-person')?.remove();
}
