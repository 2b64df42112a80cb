import type { Locale } from '../domain/locale.js';
import { html, type Html } from './html.js';
import type { DevelopmentPerson, TabSignIn } from './tabSignIn.js';
import { clientTextsFor, tabTextsFor } from './tabTexts.js';

/** Teams' three themes; the tab's colours follow the one the person uses. */
export const themes = ['default', 'dark', 'contrast'] as const;
export type Theme = (typeof themes)[number];

/** An agreement as the home and configuration pages list it. */
export interface ListedAgreement {
  id: string;
  name: string;
}

/**
 * The page Teams loads: the frame, in the person's language and theme, that the tab's script fills after signing
 * in. `fragment` is where the script fetches the content with the person's token; nothing in this page is
 * personal, so it can be loaded before anyone is known.
 */
export function shellPage(options: {
  locale: Locale;
  theme: Theme;
  signIn: TabSignIn['kind'];
  fragment: string;
  /** `config`: the page Teams shows when the tab is added to a channel, which saves the chosen agreement. */
  purpose: 'home' | 'agreement' | 'config';
}): Html {
  const t = tabTextsFor(options.locale);
  return html`<!doctype html>
    <html lang="${options.locale}" data-theme="${options.theme}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t.pageTitle}</title>
        <link rel="stylesheet" href="/tab/assets/tab.css" />
        <script type="module" src="/tab/assets/tab.js"></script>
      </head>
      <body>
        <a class="skip" href="#content">${t.skipToContent}</a>
        <main
          id="content"
          tabindex="-1"
          data-fragment="${options.fragment}"
          data-sign-in="${options.signIn}"
          data-purpose="${options.purpose}"
          data-locale="${options.locale}"
          data-texts="${JSON.stringify(clientTextsFor(options.locale))}"
        >
          <p class="loading" role="status">${t.loading}</p>
          <noscript><p>${t.noScript}</p></noscript>
        </main>
      </body>
    </html>`;
}

/** The personal tab: the agreements the person takes part in. */
export function homeFragment(agreements: readonly ListedAgreement[], locale: Locale, theme: Theme): Html {
  const t = tabTextsFor(locale).home;
  return html`<h1>${t.title}</h1>
    ${
      agreements.length === 0
        ? html`<p>${t.none}</p>`
        : html`<p>${t.intro}</p>
            <ul class="agreements">
              ${agreements.map(
                (a) =>
                  html`<li>
                    <a href="/tab/agreements/${encodeURIComponent(a.id)}?locale=${locale}&amp;theme=${theme}"
                      >${a.name}</a
                    >
                  </li>`,
              )}
            </ul>`
    }`;
}

/** A channel tab's configuration: one choice per agreement the person takes part in. */
export function configFragment(agreements: readonly ListedAgreement[], locale: Locale): Html {
  const t = tabTextsFor(locale).config;
  return html`<h1>${t.title}</h1>
    ${
      agreements.length === 0
        ? html`<p>${t.none}</p>`
        : html`<p>${t.intro}</p>
            <fieldset class="choices">
              <legend>${t.legend}</legend>
              ${agreements.map(
                (a, i) =>
                  html`<div>
                    <input
                      type="radio"
                      name="agreement"
                      id="agreement-${i}"
                      value="${a.id}"
                      data-name="${a.name}"
                    /><label for="agreement-${i}">${a.name}</label>
                  </div>`,
              )}
            </fieldset>`
    }`;
}

/** The development sign-in: who to be, each with their role. */
export function developmentSignInFragment(people: readonly DevelopmentPerson[], locale: Locale): Html {
  const t = tabTextsFor(locale).devSignIn;
  return html`<h1>${t.title}</h1>
    <p>${t.intro}</p>
    <form class="dev-sign-in">
      <fieldset class="choices">
        <legend>${t.legend}</legend>
        ${people.map(
          (p, i) =>
            html`<div>
              <input
                type="radio"
                name="person"
                id="person-${i}"
                value="${p.aadObjectId}"
                ${i === 0 ? html` checked` : ''}
              /><label for="person-${i}">${p.name} (${t.roles[p.role]})</label>
            </div>`,
        )}
      </fieldset>
      <button type="submit">${t.signIn}</button>
    </form>`;
}

/** Why there is nothing to show, as a paragraph the tab puts where its content would be. */
export function refusalFragment(text: string): Html {
  return html`<p class="refusal" role="alert">${text}</p>`;
}
