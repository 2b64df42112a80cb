import type { Locale } from './locale.js';

/** The language a person chose with `språk`/`language`; it wins over the words they type. */
export interface LanguageChoice {
  aadObjectId: string;
  locale: Locale;
  /** UTC ISO. */
  chosenAt: string;
}
