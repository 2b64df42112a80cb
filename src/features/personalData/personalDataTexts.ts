import type { Locale } from '../../domain/locale.js';

/** What a personal data request says about the agreements it covers, in Swedish and English. */
const sv = {
  /** On the erasure's cards, when the deployment serves several agreements. */
  covers: (names: string) => `Det gäller ${names}.`,
  /** The agreements where the person is but the coordinator is not. */
  otherAgreements: (names: string) =>
    `Personen finns också i ${names}, där du inte är samordnare. Det som finns där är inte med och ändras inte: be samordnarna där.`,
  /** Deployment-wide rows kept at erasure, because another agreement still needs to reach the person. */
  chatKept: (names: string) =>
    `Personens personliga chatt, språkval och val av överenskommelse finns kvar, eftersom personen är med i ${names}.`,
};

export type PersonalDataTexts = typeof sv;

const en: PersonalDataTexts = {
  covers: (names) => `This covers ${names}.`,
  otherAgreements: (names) =>
    `The person is also in ${names}, where you are not a coordinator. What is stored there is not included and not changed: ask its coordinators.`,
  chatKept: (names) =>
    `The person's personal chat, language and agreement choice are kept, since the person takes part in ${names}.`,
};

export function personalDataTextsFor(locale: Locale): PersonalDataTexts {
  return locale === 'en' ? en : sv;
}
