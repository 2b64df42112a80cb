import type { ClientTexts } from '../tabTexts.js';
import { showMessage } from './shell.js';
import { fetchFragment, SignInFailed, type Authorize } from './signedFetch.js';

/**
 * A measure's whole history (`details.history[data-history]`) is fetched the first time it is opened, into its
 * `.history-body` (a polite live region, so a screen reader hears the reports arrive).
 */
export async function openHistory(
  details: HTMLDetailsElement,
  authorize: Authorize,
  texts: ClientTexts,
): Promise<void> {
  const url = details.dataset.history;
  const body = details.querySelector<HTMLElement>('.history-body');
  if (!details.open || !url || !body || details.dataset.loaded) return;
  details.dataset.loaded = 'loading';
  try {
    const answer = await fetchFragment(url, authorize);
    body.innerHTML = answer.html;
    details.dataset.loaded = 'yes';
  } catch (err) {
    showMessage(body, err instanceof SignInFailed ? texts.tokenFailed : texts.failed);
    // Opening it again tries again.
    delete details.dataset.loaded;
  }
}
