/** The languages the bot answers in; Swedish is the default. */
export const locales = ['sv', 'en'] as const;
export type Locale = (typeof locales)[number];

/** Teams sends locales such as `en-US` or `sv-SE`; anything that is not English gets the default. */
export function localeFrom(teamsLocale: unknown, fallback: Locale): Locale {
  // Teams always sends text here, but a malformed request must not break the answer.
  if (typeof teamsLocale !== 'string' || !teamsLocale) return fallback;
  const language = teamsLocale.toLowerCase().split(/[-_]/)[0];
  if (language === 'en') return 'en';
  if (language === 'sv') return 'sv';
  return fallback;
}
