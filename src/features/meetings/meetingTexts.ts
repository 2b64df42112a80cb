import type { Locale } from '../../domain/locale.js';

/** What the bot says in a steering meeting's thread, in Swedish and English. The Swedish catalog is the reference. */
const sv = {
  /** On the summary at the start of a meeting that the agreement did not plan. */
  unplanned: (date: string) =>
    `Inget styrgruppsmöte var planerat ${date}; det här mötet räknas som hållet ${date}. Planera kommande möten med möte [ÅÅÅÅ-MM-DD].`,
  /** With the decision card at the end. */
  ended: (title: string, date: string) =>
    `Mötet ${named(title, date)} är avslutat. Samordnarna registrerar här vad styrgruppen beslutade, ett beslut i taget.`,
};

export type MeetingTexts = typeof sv;

const en: MeetingTexts = {
  unplanned: (date) =>
    `No steering meeting was planned on ${date}; this meeting counts as held on ${date}. Plan the coming meetings with meeting [YYYY-MM-DD].`,
  ended: (title, date) =>
    `The meeting ${named(title, date)} has ended. The coordinators record here what the steering group decided, one decision at a time.`,
};

/** "Styrgruppsmöte (2021-11-25)", or the day alone for a meeting without a title. */
function named(title: string, date: string): string {
  return title.trim() ? `${title.trim()} (${date})` : date;
}

const catalogs: Record<Locale, MeetingTexts> = { sv, en };

export function meetingTextsFor(locale: Locale): MeetingTexts {
  return catalogs[locale];
}
