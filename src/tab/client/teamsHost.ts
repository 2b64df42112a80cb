import { app, authentication, pages } from '@microsoft/teams-js';
import type { ClientTexts } from '../tabTexts.js';
import { themeOf, type Theme } from './shell.js';
import { SignInFailed, type Authorize } from './signedFetch.js';

/** Outside Teams (the page opened in a browser) `app.initialize` never answers; the person is told, not left waiting. */
const initializeTimeoutMs = 15_000;

/**
 * Joins the Teams client hosting the tab: its theme now and whenever the person changes it, and the person's single
 * sign-on token for every request.
 */
export async function joinTeams(onTheme: (theme: Theme) => void): Promise<Authorize> {
  try {
    await withTimeout(app.initialize(), initializeTimeoutMs);
    const context = await app.getContext();
    onTheme(themeOf(context.app.theme));
  } catch (err) {
    throw new SignInFailed(err);
  }
  app.registerOnThemeChangeHandler((theme) => onTheme(themeOf(theme)));
  return async () => {
    try {
      return `Bearer ${await authentication.getAuthToken()}`;
    } catch (err) {
      throw new SignInFailed(err);
    }
  };
}

/** The content is shown (or why not): Teams takes its loading indicator away. */
export function shownInTeams(): void {
  app.notifySuccess();
}

/**
 * The configuration page of a channel tab: Save is allowed once an agreement is chosen, and saves the tab as that
 * agreement's dashboard, which Teams then loads in the channel's language and theme.
 */
export function configureInTeams(main: HTMLElement, texts: ClientTexts): void {
  const chosen = () => main.querySelector<HTMLInputElement>('input[name="agreement"]:checked');
  pages.config.setValidityState(chosen() !== null);
  main.addEventListener('change', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === 'agreement') {
      pages.config.setValidityState(true);
    }
  });
  pages.config.registerOnSaveHandler((save) => {
    const agreement = chosen();
    if (!agreement) {
      save.notifyFailure('No agreement chosen');
      return;
    }
    const id = encodeURIComponent(agreement.value);
    pages.config
      .setConfig({
        entityId: `dashboard-${agreement.value}`,
        contentUrl: `${location.origin}/tab/agreements/${id}?locale={locale}&theme={theme}`,
        suggestedDisplayName: texts.tabName,
      })
      .then(
        () => save.notifySuccess(),
        (err: unknown) => save.notifyFailure(err instanceof Error ? err.message : String(err)),
      );
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No answer from Teams within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
