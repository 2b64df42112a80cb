import type { Locale } from '../domain/locale.js';
import type { TrafficLight } from '../domain/statusOverview.js';

/** What the dashboard tab says, in Swedish and English. Statuses, organisations and goal areas are the bot's. */
const sv = {
  pageTitle: 'Samverkansbot – uppföljning',
  loading: 'Läser in …',
  noScript: 'Fliken behöver JavaScript för att logga in dig med ditt Teams-konto.',
  skipToContent: 'Hoppa till innehållet',
  /** What the tab's script says itself; the page hands them to it (`data-texts`). */
  client: {
    tabName: 'Uppföljning',
    signedInAs: 'Inloggad för utveckling som',
    changePerson: 'Byt person',
    tokenFailed: 'Teams kunde inte logga in dig i fliken. Ladda om fliken för att försöka igen.',
    downloadFailed: 'Filen kunde inte hämtas. Försök igen om en stund.',
  },
  home: {
    title: 'Dina överenskommelser',
    intro: 'Välj en överenskommelse för att se hur uppföljningen går.',
    none: 'Du är inte med i någon av överenskommelserna som följs upp här. Fråga samordnarna i beredningsgruppen om du borde vara det.',
  },
  config: {
    title: 'Visa en överenskommelse i kanalen',
    intro:
      'Välj vilken överenskommelse fliken ska visa. Alla i kanalen ser fliken, men bara de som är med i överenskommelsen ser läget.',
    legend: 'Överenskommelse',
    none: 'Du är inte med i någon överenskommelse som följs upp här, så du kan inte lägga till fliken.',
  },
  devSignIn: {
    title: 'Logga in för utveckling',
    intro:
      'Boten kör utan app-id, så fliken loggar inte in via Teams. Välj vem du vill vara. Det här går inte i produktion.',
    legend: 'Person',
    roles: {
      coordinator: 'samordnare',
      member: 'medlem',
      owner: 'ansvarig för en insats',
      outsider: 'inte med',
    },
    signIn: 'Logga in',
  },
  refused: {
    signIn: 'Du behöver logga in med ditt Teams-konto för att se uppföljningen. Öppna fliken i Teams.',
    notAllowed:
      'Uppföljningen visas för dem som är med i överenskommelsens grupper och för insatsernas ansvariga. Fråga samordnarna i beredningsgruppen om du borde vara med.',
    notFound: 'Den här överenskommelsen följs inte upp här. Ta bort fliken och lägg till den igen.',
    notSetUp:
      'Fliken är inte konfigurerad: BOT_DOMAIN och MicrosoftAppId behövs för inloggning. Se docs/deployment.md.',
    keysUnavailable: 'Inloggningen kunde inte kontrolleras just nu. Försök igen om en stund.',
    failed: 'Något gick fel. Ladda om fliken för att försöka igen.',
  },
  dashboard: {
    longTermGoal: 'Långsiktigt mål',
    period: (from: string, to: string) => `Gäller ${from} – ${to}`,
    computed: (when: string) => `Läget ${when}`,
    downloads: 'Ladda ner',
    followUpFile: 'Skriftlig uppföljning till och med i dag (Word)',
    reportsFile: 'Alla rapporter (CSV för Excel)',
    downloadAudited: 'Nedladdningar loggas i överenskommelsens logg.',
    goalAreas: 'Målområden',
    light: { green: 'Grönt', yellow: 'Gult', red: 'Rött', grey: 'Grått' } satisfies Record<
      TrafficLight,
      string
    >,
    lightMeaning: {
      green: 'enligt plan',
      yellow: 'risk för försening',
      red: 'försenad',
      grey: 'ingen rapport ännu',
    } satisfies Record<TrafficLight, string>,
    noReport: 'Ingen rapport',
    measuresCaption: (goal: string) => `Insatser i ${goal}`,
    columns: {
      measure: 'Insats',
      status: 'Läge',
      latest: 'Senaste rapporten',
      owners: 'Ansvariga',
      reported: 'Rapporterad',
    },
    retired: 'avslutad',
    history: (id: string) => `Alla rapporter om ${id}`,
    historyLoading: 'Läser in rapporterna …',
    openRound: 'Öppen omgång',
    openRoundProgress: (label: string, answered: number, total: number) =>
      `${label}: ${answered} av ${total} insatser har rapporterat.`,
    noOpenRound: 'Ingen omgång är öppen just nu.',
    missingHeading: 'Saknar rapport',
    allAnswered: 'Alla insatser i omgången har rapporterat.',
    namesForCoordinators: 'Namnen på dem som inte har rapporterat visas bara för samordnarna.',
    indicators: 'Indikatorer',
    noIndicators: 'Ingen insats har någon indikator.',
    noIndicatorValues: 'Inga värden rapporterade ännu.',
    indicatorTitle: (id: string, name: string, unit: string) => `${id} ${name} (${unit})`,
    baseline: 'Utgångsvärde',
    target: 'Målvärde',
    indicatorColumns: { round: 'Omgång', date: 'Datum', value: 'Värde' },
    outsideRound: 'Utanför omgång',
    noValue: '–',
    chartLabel: (title: string) => `Diagram: ${title}. Samma värden finns i tabellen.`,
    decisionRequests: 'Behöver beslut i styrgruppen',
    noDecisionRequests: 'Ingen insats ber styrgruppen om beslut.',
    decisions: 'Styrgruppens beslut',
    noDecisions: 'Styrgruppen har inga beslut registrerade ännu.',
    decisionColumns: {
      text: 'Beslut',
      concerns: 'Gäller',
      responsible: 'Ansvarig',
      due: 'Senast',
      meeting: 'Beslutat',
      status: 'Status',
    },
    decisionStatus: {
      open: 'Öppet',
      overdue: 'Försenat',
      done: (on: string) => `Klart ${on}`,
    },
    concernsAll: 'Hela överenskommelsen',
    concernsGoal: (n: number) => `målområde ${n}`,
    concernsMeasure: (id: string) => `insats ${id}`,
    review: 'Halvtidsuppföljning',
    reviewDue: (month: string) => `Halvtidsuppföljningen görs i ${month}.`,
    reviewNoAnswers: 'Ingen har svarat på frågorna ännu.',
    organisations: { kommun: 'Kommunen', polis: 'Polisen' },
    noAnswer: 'Inget svar ännu.',
  },
  history: {
    title: (id: string, title: string) => `Insats ${id}: ${title}`,
    none: 'Inga rapporter ännu.',
    by: (who: string, when: string) => `${who}, ${when}`,
    obstacles: 'Hinder',
    nextStep: 'Nästa steg',
    indicator: 'Indikatorvärde',
    needsDecision: 'Ber styrgruppen om beslut',
    revision: (n: number) => `Version ${n}`,
  },
};

export type TabTexts = typeof sv;

const en: TabTexts = {
  pageTitle: 'Samverkansbot – follow-up',
  loading: 'Loading …',
  noScript: 'The tab needs JavaScript to sign you in with your Teams account.',
  skipToContent: 'Skip to content',
  client: {
    tabName: 'Follow-up',
    signedInAs: 'Signed in for development as',
    changePerson: 'Change person',
    tokenFailed: 'Teams could not sign you in to the tab. Reload the tab to try again.',
    downloadFailed: 'The file could not be downloaded. Try again in a while.',
  },
  home: {
    title: 'Your agreements',
    intro: 'Choose an agreement to see how its follow-up is going.',
    none: 'You do not take part in any of the agreements followed up here. Ask the coordinators of the preparation group if you should.',
  },
  config: {
    title: 'Show an agreement in the channel',
    intro:
      'Choose the agreement the tab shows. Everyone in the channel sees the tab, but only those who take part in the agreement see where it stands.',
    legend: 'Agreement',
    none: 'You do not take part in any agreement followed up here, so you cannot add the tab.',
  },
  devSignIn: {
    title: 'Sign in for development',
    intro:
      'The bot runs without an app id, so the tab does not sign in through Teams. Choose who you want to be. This is not possible in production.',
    legend: 'Person',
    roles: {
      coordinator: 'coordinator',
      member: 'member',
      owner: 'owner of a measure',
      outsider: 'not taking part',
    },
    signIn: 'Sign in',
  },
  refused: {
    signIn: 'Sign in with your Teams account to see the follow-up. Open the tab in Teams.',
    notAllowed:
      "The follow-up is shown to those in the agreement's groups and to the owners of its measures. Ask the coordinators of the preparation group if you should take part.",
    notFound: 'This agreement is not followed up here. Remove the tab and add it again.',
    notSetUp: 'The tab is not set up: sign-in needs BOT_DOMAIN and MicrosoftAppId. See docs/deployment.md.',
    keysUnavailable: 'Your sign-in could not be checked just now. Try again in a while.',
    failed: 'Something went wrong. Reload the tab to try again.',
  },
  dashboard: {
    longTermGoal: 'Long-term goal',
    period: (from: string, to: string) => `Runs ${from} – ${to}`,
    computed: (when: string) => `As of ${when}`,
    downloads: 'Download',
    followUpFile: 'Written follow-up up to today (Word)',
    reportsFile: 'Every report (CSV for Excel)',
    downloadAudited: "Downloads are recorded in the agreement's log.",
    goalAreas: 'Goal areas',
    light: { green: 'Green', yellow: 'Yellow', red: 'Red', grey: 'Grey' },
    lightMeaning: {
      green: 'on track',
      yellow: 'at risk of delay',
      red: 'delayed',
      grey: 'no report yet',
    },
    noReport: 'No report',
    measuresCaption: (goal: string) => `Measures in ${goal}`,
    columns: {
      measure: 'Measure',
      status: 'Status',
      latest: 'Latest report',
      owners: 'Owners',
      reported: 'Reported',
    },
    retired: 'retired',
    history: (id: string) => `Every report on ${id}`,
    historyLoading: 'Loading the reports …',
    openRound: 'Open round',
    openRoundProgress: (label: string, answered: number, total: number) =>
      `${label}: ${answered} of ${total} measures have reported.`,
    noOpenRound: 'No round is open just now.',
    missingHeading: 'Not reported',
    allAnswered: 'Every measure in the round has reported.',
    namesForCoordinators: 'The names of those who have not reported are shown to the coordinators only.',
    indicators: 'Indicators',
    noIndicators: 'No measure has an indicator.',
    noIndicatorValues: 'No values reported yet.',
    indicatorTitle: (id: string, name: string, unit: string) => `${id} ${name} (${unit})`,
    baseline: 'Baseline',
    target: 'Target',
    indicatorColumns: { round: 'Round', date: 'Date', value: 'Value' },
    outsideRound: 'Outside a round',
    noValue: '–',
    chartLabel: (title: string) => `Chart: ${title}. The table has the same values.`,
    decisionRequests: 'Needs a steering group decision',
    noDecisionRequests: 'No measure asks the steering group for a decision.',
    decisions: "The steering group's decisions",
    noDecisions: 'The steering group has no decisions recorded yet.',
    decisionColumns: {
      text: 'Decision',
      concerns: 'Concerns',
      responsible: 'Responsible',
      due: 'Due',
      meeting: 'Decided',
      status: 'Status',
    },
    decisionStatus: {
      open: 'Open',
      overdue: 'Overdue',
      done: (on: string) => `Done ${on}`,
    },
    concernsAll: 'The whole agreement',
    concernsGoal: (n: number) => `goal area ${n}`,
    concernsMeasure: (id: string) => `measure ${id}`,
    review: 'Mid-term review',
    reviewDue: (month: string) => `The mid-term review is due in ${month}.`,
    reviewNoAnswers: 'No one has answered the questions yet.',
    organisations: { kommun: 'Municipality', polis: 'Police' },
    noAnswer: 'No answer yet.',
  },
  history: {
    title: (id: string, title: string) => `Measure ${id}: ${title}`,
    none: 'No reports yet.',
    by: (who: string, when: string) => `${who}, ${when}`,
    obstacles: 'Obstacles',
    nextStep: 'Next step',
    indicator: 'Indicator value',
    needsDecision: 'Asks the steering group for a decision',
    revision: (n: number) => `Version ${n}`,
  },
};

export function tabTextsFor(locale: Locale): TabTexts {
  return locale === 'en' ? en : sv;
}

/** What the tab's script writes itself, in the page's language: the page hands it over as `data-texts`. */
export type ClientTexts = TabTexts['client'] & { failed: string };

export function clientTextsFor(locale: Locale): ClientTexts {
  const t = tabTextsFor(locale);
  return { ...t.client, failed: t.refused.failed };
}
