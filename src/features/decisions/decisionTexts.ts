import type { DecisionProblem } from '../../domain/decisionForm.js';
import type { Locale } from '../../domain/locale.js';

/** What the decisions feature says, in Swedish and English. The Swedish catalog is the reference. */
const sv = {
  formHeading: (meetingDate: string) => `Styrgruppens beslut, mötet ${meetingDate}`,
  formIntro:
    'Skriv in ett beslut i taget: vad som beslutades, vad det gäller, vem som är ansvarig och till när. Efter att du sparat kommer formuläret tillbaka för nästa beslut.',
  changeHeading: 'Ändra beslut',
  labels: {
    text: 'Beslut',
    concerns: 'Gäller (målområden eller insatser; inget val = hela överenskommelsen)',
    responsible: 'Ansvarig (person eller organisation)',
    dueDate: 'Klart senast',
    record: 'Spara beslutet',
    save: 'Spara ändringen',
    required: 'Fältet behövs.',
    recordedSoFar: 'Sparade från mötet',
  },
  problems: {
    required: 'Fältet behövs.',
    tooLong: 'Texten är för lång.',
    badDate: 'Skriv datumet som ÅÅÅÅ-MM-DD.',
    unknownChoice: 'Välj bland alternativen.',
  } satisfies Record<DecisionProblem, string>,
  invalid: 'Något behöver rättas innan beslutet kan sparas. Ingenting har sparats; det du skrev finns kvar.',
  recorded: (text: string) =>
    `Sparat: "${text}". Fyll i nästa beslut, eller lämna formuläret om det var det sista.`,
  alreadyRecorded: 'Det beslutet var redan sparat. Fyll i nästa beslut här.',
  formAlreadyUsed: (stored: string) =>
    `Det här formuläret har redan sparat beslutet "${stored}". Det du skrev finns kvar nedan: spara igen för att lägga till det som ett nytt beslut.`,
  changed: (text: string) => `Ändrat: "${text}".`,
  markedDone: (text: string) => `Klart: "${text}".`,
  alreadyDone: (text: string) => `"${text}" var redan markerat som klart.`,
  stale: (name: string, at: string) =>
    `${name} ändrade beslutet ${at}, efter att du öppnade det. Ingenting av ditt har sparats än: se hur det ser ut nu och spara igen om din ändring fortfarande behövs.`,
  staleDone: (text: string) =>
    `"${text}" har ändrats sedan listan visades. Ingenting har sparats; här är listan som den ser ut nu.`,
  missing: 'Jag hittar inte det beslutet längre. Ingenting har ändrats.',
  onlyCoordinators: 'Bara samordnarna i beredningsgruppen kan skriva in och ändra styrgruppens beslut.',
  badCard: 'Det här kortet känner jag inte igen. Skriv beslut för att börja om. Ingenting har sparats.',
  listTitle: 'Styrgruppens beslut',
  listEmpty: 'Inga beslut är inskrivna än.',
  openHeading: (count: number) => `Öppna beslut (${count})`,
  doneHeading: 'Klara',
  more: (count: number) => `… och ${count} till.`,
  page: (page: number, pages: number) => `Sida ${page} av ${pages}.`,
  nextPage: 'Fler öppna beslut',
  firstPage: 'Till första sidan',
  wholeAgreement: 'hela överenskommelsen',
  goalArea: (n: number) => `målområde ${n}`,
  measure: (id: string) => `insats ${id}`,
  concerns: (what: string) => `Gäller ${what}`,
  responsible: (who: string) => `Ansvarig: ${who}`,
  due: (date: string) => `Klart senast ${date}`,
  overdue: (date: string) => `**Försenat**: skulle vara klart ${date}`,
  decidedAt: (date: string) => `Beslutat ${date}`,
  doneOn: (date: string) => `Klart ${date}`,
  markDone: 'Klar',
  change: 'Ändra',
  newDecision: 'Nytt beslut',
  auditNotice: 'Alla ändringar sparas med vem som gjorde dem.',
  /** The check-in card's question per decision, and how the answer is shown in the history. */
  checkInQuestion: (text: string) => `Hur går det med styrgruppens beslut: "${text}"?`,
  checkInHeading: 'Styrgruppens beslut som gäller insatsen',
  statusHeading: 'Styrgruppens beslut',
  followUp: (text: string, answer: string) => `Beslut "${text}": ${answer}`,
  statusOpen: 'öppet',
  statusDone: 'klart',
  statusOverdue: 'försenat',
};

export type DecisionTexts = typeof sv;

const en: DecisionTexts = {
  formHeading: (meetingDate: string) => `Steering group decisions, meeting of ${meetingDate}`,
  formIntro:
    'Record one decision at a time: what was decided, what it concerns, who is responsible and by when. After you save, the form comes back for the next decision.',
  changeHeading: 'Change decision',
  labels: {
    text: 'Decision',
    concerns: 'Concerns (goal areas or measures; none = the whole agreement)',
    responsible: 'Responsible (person or organisation)',
    dueDate: 'Done by',
    record: 'Save decision',
    save: 'Save change',
    required: 'This field is needed.',
    recordedSoFar: 'Saved from the meeting',
  },
  problems: {
    required: 'This field is needed.',
    tooLong: 'The text is too long.',
    badDate: 'Write the date as YYYY-MM-DD.',
    unknownChoice: 'Choose among the options.',
  },
  invalid:
    'Something needs fixing before the decision can be saved. Nothing was saved; what you wrote is kept.',
  recorded: (text: string) =>
    `Saved: "${text}". Fill in the next decision, or leave the form if that was the last.`,
  alreadyRecorded: 'That decision was already saved. Fill in the next decision here.',
  formAlreadyUsed: (stored: string) =>
    `This form already saved the decision "${stored}". What you typed is kept below: save again to add it as a new decision.`,
  changed: (text: string) => `Changed: "${text}".`,
  markedDone: (text: string) => `Done: "${text}".`,
  alreadyDone: (text: string) => `"${text}" was already marked done.`,
  stale: (name: string, at: string) =>
    `${name} changed the decision ${at}, after you opened it. Nothing of yours has been saved yet: see how it stands now and save again if your change is still needed.`,
  staleDone: (text: string) =>
    `"${text}" has changed since the list was shown. Nothing was saved; here is the list as it stands now.`,
  missing: 'I cannot find that decision any more. Nothing was changed.',
  onlyCoordinators:
    "Only the coordinators in the preparation group can record and change the steering group's decisions.",
  badCard: 'I do not recognise this card. Write decisions to start again. Nothing was saved.',
  listTitle: 'Steering group decisions',
  listEmpty: 'No decisions recorded yet.',
  openHeading: (count: number) => `Open decisions (${count})`,
  doneHeading: 'Done',
  more: (count: number) => `… and ${count} more.`,
  page: (page: number, pages: number) => `Page ${page} of ${pages}.`,
  nextPage: 'More open decisions',
  firstPage: 'Back to the first page',
  wholeAgreement: 'the whole agreement',
  goalArea: (n: number) => `goal area ${n}`,
  measure: (id: string) => `measure ${id}`,
  concerns: (what: string) => `Concerns ${what}`,
  responsible: (who: string) => `Responsible: ${who}`,
  due: (date: string) => `Done by ${date}`,
  overdue: (date: string) => `**Overdue**: due ${date}`,
  decidedAt: (date: string) => `Decided ${date}`,
  doneOn: (date: string) => `Done ${date}`,
  markDone: 'Mark done',
  change: 'Change',
  newDecision: 'New decision',
  auditNotice: 'Every change is kept with who made it.',
  checkInQuestion: (text: string) => `How is the steering group's decision going: "${text}"?`,
  checkInHeading: "The steering group's decisions concerning the measure",
  statusHeading: "The steering group's decisions",
  followUp: (text: string, answer: string) => `Decision "${text}": ${answer}`,
  statusOpen: 'open',
  statusDone: 'done',
  statusOverdue: 'overdue',
};

const catalogs: Record<Locale, DecisionTexts> = { sv, en };

export function decisionTextsFor(locale: Locale): DecisionTexts {
  return catalogs[locale];
}
