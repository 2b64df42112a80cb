import type { Locale } from '../../domain/locale.js';

/** A decision as one line of the summary: what, who, by when, and what it concerns. */
interface DecisionLine {
  text: string;
  responsible: string;
  dueDate?: string;
  /** The day it was marked done, in the agreement's time zone. */
  doneOn?: string;
  measures: readonly string[];
  goalAreas: readonly number[];
}

/** The summary's decisions (beslut), in Swedish and English. The Swedish catalog is the reference. */
const sv = {
  heading: 'Styrgruppens beslut',
  newSince: (since: string | undefined) => (since ? `**Nya sedan mötet ${since}:**` : '**Nya:**'),
  open: '**Öppna:**',
  overdue: '**Försenade:**',
  doneSince: (since: string | undefined) =>
    since ? `**Genomförda sedan mötet ${since}:**` : '**Genomförda:**',
  line: (d: DecisionLine) =>
    [
      `${d.text} (ansvarig: ${d.responsible}`,
      d.dueDate ? `, senast ${d.dueDate}` : '',
      d.doneOn ? `, klart ${d.doneOn}` : '',
      concerns(d, 'målområde'),
      ')',
    ].join(''),
};

export type SummaryDecisionTexts = typeof sv;

const en: SummaryDecisionTexts = {
  heading: "The steering group's decisions",
  newSince: (since) => (since ? `**New since the meeting ${since}:**` : '**New:**'),
  open: '**Open:**',
  overdue: '**Overdue:**',
  doneSince: (since) => (since ? `**Done since the meeting ${since}:**` : '**Done:**'),
  line: (d) =>
    [
      `${d.text} (responsible: ${d.responsible}`,
      d.dueDate ? `, by ${d.dueDate}` : '',
      d.doneOn ? `, done ${d.doneOn}` : '',
      concerns(d, 'goal area'),
      ')',
    ].join(''),
};

/** "; 2.1, 3.2, målområde 1": what a decision concerns; nothing for the agreement as a whole. */
function concerns(d: DecisionLine, goalArea: string): string {
  const parts = [...d.measures.map((id) => `**${id}**`), ...d.goalAreas.map((n) => `${goalArea} ${n}`)];
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

const catalogs: Record<Locale, SummaryDecisionTexts> = { sv, en };

export function summaryDecisionTexts(locale: Locale): SummaryDecisionTexts {
  return catalogs[locale];
}
