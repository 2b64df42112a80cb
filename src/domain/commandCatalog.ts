import type { Action } from './access.js';
import type { Locale } from './locale.js';

/**
 * Every command the bot understands, once: the help card, the Teams manifest's command lists and the README's
 * table of commands are all held to this list (by the code that builds them, or by a test).
 *
 * Placeholders are written in square brackets (`historik [insats]`): Teams drops anything that looks like an
 * HTML tag, so `<insats>` would vanish, and brackets read the same in a card, a chat message, the manifest's
 * plain text and the README.
 */

/** What a command does, as `parseCommand` names it (command.ts holds its `Command` type to this list). */
export const commandKinds = [
  'help',
  'language',
  'bind',
  'status',
  'history',
  'missing',
  'mine',
  'openRound',
  'closeRound',
  'export',
  'summary',
  'review',
  'meetings',
  'planMeeting',
  'followUpReport',
  'extend',
  'decisions',
  'measures',
  'addMeasure',
  'editMeasure',
  'retireMeasure',
  'personalData',
] as const;
export type CommandKind = (typeof commandKinds)[number];

/** Who may use a command: anyone, the agreement's members (see `readStatus` in access.ts), or coordinators. */
export type Audience = 'everyone' | 'members' | 'coordinators';

/** Where in Teams a command makes sense. */
export type TeamsScope = 'team' | 'groupChat' | 'personal';
export const teamsScopes: readonly TeamsScope[] = ['team', 'groupChat', 'personal'];

/** What a command is for; the help card shows the commands in these groups, in this order. */
export type CommandGroup = 'start' | 'status' | 'rounds' | 'steering' | 'plan' | 'personalData';

export type Localized = Readonly<Record<Locale, string>>;

export const commandGroups: ReadonlyArray<{ id: CommandGroup; title: Localized }> = [
  { id: 'start', title: { sv: 'Komma igång', en: 'Getting started' } },
  { id: 'status', title: { sv: 'Läget', en: 'Where things stand' } },
  { id: 'rounds', title: { sv: 'Rapportera och omgångar', en: 'Reporting and rounds' } },
  { id: 'steering', title: { sv: 'Styrgruppen', en: 'The steering group' } },
  { id: 'plan', title: { sv: 'Åtgärdsplanen', en: 'The action plan' } },
  { id: 'personalData', title: { sv: 'Personuppgifter', en: 'Personal data' } },
];

/** How a command only coordinators may use is marked where everyone's commands are listed too. */
export const coordinatorsOnlyLabel: Localized = { sv: 'bara samordnare', en: 'coordinators only' };

/** Teams shows at most this many commands a scope in the compose box's command menu. */
export const manifestLimit = 10;

export interface CatalogCommand {
  /** Unique; the command's kind, with a suffix where one kind is typed in several ways (`status.goalArea`). */
  id: string;
  kind: CommandKind;
  /** The command words as a person types them; they also choose the language of the answer. */
  words: Localized;
  /** What follows the words, in brackets (`[insats]`); absent when nothing does. */
  argument?: Localized;
  /** A whole command as a person would type it; the tests parse it. */
  example: Localized;
  /** One sentence for the help card and the manifest (at most 128 characters with the usage). */
  description: Localized;
  group: CommandGroup;
  who: Audience;
  /** What `runCommand` (features/commandHandlers.ts) asks `may` (access.ts) before it acts; absent when it asks nothing. */
  action?: Action;
  /** Where in Teams it makes sense. */
  scopes: readonly TeamsScope[];
  /** The scopes whose command list in the manifest shows it (Teams shows at most 10 a scope). */
  manifest: readonly TeamsScope[];
}

const everywhere: readonly TeamsScope[] = teamsScopes;

export const commandCatalog: readonly CatalogCommand[] = [
  // Komma igång
  {
    id: 'help',
    kind: 'help',
    words: { sv: 'hjälp', en: 'help' },
    example: { sv: 'hjälp', en: 'help' },
    description: {
      sv: 'Allt du kan be mig om, ordnat efter vad det är till för.',
      en: 'Everything you can ask me, grouped by what it is for.',
    },
    group: 'start',
    who: 'everyone',
    action: 'readHelp',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'language',
    kind: 'language',
    words: { sv: 'språk', en: 'language' },
    argument: { sv: '[sv|en]', en: '[sv|en]' },
    example: { sv: 'språk sv', en: 'language en' },
    description: {
      sv: 'Väljer om jag svarar dig på svenska eller engelska; jag kommer ihåg valet.',
      en: 'Chooses whether I answer you in Swedish or English; I remember your choice.',
    },
    group: 'start',
    who: 'everyone',
    scopes: everywhere,
    manifest: ['groupChat', 'personal'],
  },
  {
    id: 'bind',
    kind: 'bind',
    words: { sv: 'koppla', en: 'bind' },
    argument: { sv: '[grupp]', en: '[group]' },
    example: { sv: 'koppla styrgrupp', en: 'bind styrgrupp' },
    description: {
      sv: 'Kopplar teamkanalen till en av överenskommelsens grupper, t.ex. en arbetsgrupp.',
      en: "Binds this team channel to one of the agreement's groups, e.g. a working group.",
    },
    group: 'start',
    who: 'coordinators',
    action: 'bindChannel',
    scopes: ['team'],
    manifest: ['team'],
  },

  // Läget
  {
    id: 'status',
    kind: 'status',
    words: { sv: 'status', en: 'status' },
    example: { sv: 'status', en: 'status' },
    description: {
      sv: 'Läget per målområde: vad som har ändrats, vad som saknas och vad som behöver beslut.',
      en: 'Where each goal area stands: what changed, what is missing and what needs a decision.',
    },
    group: 'status',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'status.goalArea',
    kind: 'status',
    words: { sv: 'status mål', en: 'status goal' },
    argument: { sv: '[nummer]', en: '[number]' },
    example: { sv: 'status mål 2', en: 'status goal 2' },
    description: {
      sv: 'Ett målområde, insats för insats.',
      en: 'One goal area, measure by measure.',
    },
    group: 'status',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'status.measure',
    kind: 'status',
    words: { sv: 'status', en: 'status' },
    argument: { sv: '[insats]', en: '[measure]' },
    example: { sv: 'status 1.2', en: 'status 1.2' },
    description: {
      sv: 'En insats, med nummer (1.2) eller en del av namnet: ansvariga och senaste rapporten.',
      en: 'One measure, by number (1.2) or part of its name: its owners and latest report.',
    },
    group: 'status',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'history',
    kind: 'history',
    words: { sv: 'historik', en: 'history' },
    argument: { sv: '[insats]', en: '[measure]' },
    example: { sv: 'historik 1.2', en: 'history 1.2' },
    description: {
      sv: 'En insats rapporter över tid.',
      en: "A measure's reports over time.",
    },
    group: 'status',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'missing',
    kind: 'missing',
    words: { sv: 'saknas', en: 'missing' },
    example: { sv: 'saknas', en: 'missing' },
    description: {
      sv: 'Insatserna som inte har rapporterat i den öppna omgången.',
      en: 'The measures that have not reported in the open round.',
    },
    group: 'status',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: everywhere,
  },

  // Rapportera och omgångar
  {
    id: 'mine',
    kind: 'mine',
    words: { sv: 'mina', en: 'mine' },
    example: { sv: 'mina', en: 'mine' },
    description: {
      sv: 'Dina insatser, med en knapp för varje rapport du har kvar i den öppna omgången.',
      en: 'Your measures, with a button for each report you still have to make in the open round.',
    },
    group: 'rounds',
    who: 'everyone',
    action: 'readMine',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'openRound',
    kind: 'openRound',
    words: { sv: 'ny runda', en: 'new round' },
    argument: { sv: '[namn]', en: '[name]' },
    example: { sv: 'ny runda 2021 kvartal 2', en: 'new round 2021 Q2' },
    description: {
      sv: 'Öppnar en omgång och ber alla ansvariga att rapportera; namnet kan utelämnas.',
      en: 'Opens a round and asks every owner to report; the name can be left out.',
    },
    group: 'rounds',
    who: 'coordinators',
    action: 'openRound',
    scopes: everywhere,
    manifest: ['team', 'groupChat'],
  },
  {
    id: 'closeRound',
    kind: 'closeRound',
    words: { sv: 'stäng runda', en: 'close round' },
    example: { sv: 'stäng runda', en: 'close round' },
    description: {
      sv: 'Stänger den öppna omgången; inga fler påminnelser skickas.',
      en: 'Closes the open round; no more reminders are sent.',
    },
    group: 'rounds',
    who: 'coordinators',
    action: 'closeRound',
    scopes: everywhere,
    manifest: ['team'],
  },
  {
    id: 'export',
    kind: 'export',
    words: { sv: 'exportera', en: 'export' },
    argument: { sv: '[omgång | beslut]', en: '[round | decisions]' },
    example: { sv: 'exportera 2021 kvartal 2', en: 'export 2021 Q2' },
    description: {
      sv: 'Alla rapporter, en omgångs eller besluten, som CSV-fil i din personliga chatt.',
      en: "Every report, one round's or the decisions, as a CSV file in your personal chat.",
    },
    group: 'rounds',
    who: 'coordinators',
    action: 'exportReports',
    scopes: everywhere,
    manifest: ['personal'],
  },

  // Styrgruppen
  {
    id: 'summary',
    kind: 'summary',
    words: { sv: 'sammanfattning', en: 'summary' },
    argument: { sv: '[datum]', en: '[date]' },
    example: { sv: 'sammanfattning 2021-11-25', en: 'summary 2021-11-25' },
    description: {
      sv: 'Sammanfattningen inför nästa styrgruppsmöte, eller mötet det datumet.',
      en: 'The summary before the next steering meeting, or the meeting on that date.',
    },
    group: 'steering',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'review',
    kind: 'review',
    words: { sv: 'halvtid', en: 'review' },
    example: { sv: 'halvtid', en: 'review' },
    description: {
      sv: 'Halvtidsuppföljningens svar, sammanställda per fråga och organisation.',
      en: "The mid-term review's answers, compiled by question and organisation.",
    },
    group: 'steering',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: ['groupChat'],
  },
  {
    id: 'meetings',
    kind: 'meetings',
    words: { sv: 'möte', en: 'meeting' },
    example: { sv: 'möte', en: 'meeting' },
    description: {
      sv: 'Styrgruppens möten som är planerade från i dag.',
      en: "The steering group's meetings planned from today on.",
    },
    group: 'steering',
    who: 'members',
    action: 'readStatus',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'planMeeting',
    kind: 'planMeeting',
    words: { sv: 'möte', en: 'meeting' },
    argument: { sv: '[ÅÅÅÅ-MM-DD] [TT:MM]', en: '[YYYY-MM-DD] [HH:MM]' },
    example: { sv: 'möte 2021-11-25 13:00', en: 'meeting 2021-11-25 13:00' },
    description: {
      sv: 'Planerar ett styrgruppsmöte; tiden kan utelämnas.',
      en: 'Plans a steering meeting; the time can be left out.',
    },
    group: 'steering',
    who: 'coordinators',
    action: 'managePlan',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'followUpReport',
    kind: 'followUpReport',
    words: { sv: 'rapport', en: 'report' },
    argument: { sv: '[datum]', en: '[date]' },
    example: { sv: 'rapport 2021-11-25', en: 'report 2021-11-25' },
    description: {
      sv: 'Den skriftliga uppföljningen som Word-fil, för mötet det datumet eller fram till i dag.',
      en: 'The written follow-up as a Word file, for the meeting on that date or up to today.',
    },
    group: 'steering',
    who: 'coordinators',
    action: 'exportReports',
    scopes: everywhere,
    manifest: ['personal'],
  },
  {
    id: 'extend',
    kind: 'extend',
    words: { sv: 'förläng', en: 'extend' },
    example: { sv: 'förläng', en: 'extend' },
    description: {
      sv: 'Registrerar att parterna har förlängt överenskommelsen; slutdatum, möten och omgångar följer med.',
      en: 'Records that the parties have extended the agreement; its end, meetings and rounds follow.',
    },
    group: 'steering',
    who: 'coordinators',
    action: 'extendAgreement',
    scopes: everywhere,
    manifest: [],
  },

  {
    id: 'decisions',
    kind: 'decisions',
    words: { sv: 'beslut', en: 'decisions' },
    example: { sv: 'beslut', en: 'decisions' },
    description: {
      sv: 'Styrgruppens beslut: de öppna först, markera klart, ändra eller skriv in ett nytt.',
      en: "The steering group's decisions: open ones first; mark done, change or record a new one.",
    },
    group: 'steering',
    who: 'coordinators',
    action: 'manageDecisions',
    scopes: ['team', 'personal'],
    // Every scope's menu holds Teams' ten already; the help card lists it.
    manifest: [],
  },

  // Åtgärdsplanen
  {
    id: 'measures',
    kind: 'measures',
    words: { sv: 'insatser', en: 'measures' },
    example: { sv: 'insatser', en: 'measures' },
    description: {
      sv: 'Åtgärdsplanens insatser per målområde.',
      en: "The action plan's measures by goal area.",
    },
    group: 'plan',
    who: 'everyone',
    scopes: everywhere,
    manifest: everywhere,
  },
  {
    id: 'addMeasure',
    kind: 'addMeasure',
    words: { sv: 'ny insats', en: 'new measure' },
    example: { sv: 'ny insats', en: 'new measure' },
    description: {
      sv: 'Ett formulär för att lägga till en insats i åtgärdsplanen.',
      en: 'A form to add a measure to the action plan.',
    },
    group: 'plan',
    who: 'coordinators',
    action: 'managePlan',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'editMeasure',
    kind: 'editMeasure',
    words: { sv: 'ändra', en: 'edit' },
    argument: { sv: '[insats]', en: '[measure]' },
    example: { sv: 'ändra 1.2', en: 'edit 1.2' },
    description: {
      sv: 'Samma formulär, ifyllt, för att ändra en insats.',
      en: 'The same form, filled in, to change a measure.',
    },
    group: 'plan',
    who: 'coordinators',
    action: 'managePlan',
    scopes: everywhere,
    manifest: [],
  },
  {
    id: 'retireMeasure',
    kind: 'retireMeasure',
    words: { sv: 'avsluta', en: 'retire' },
    argument: { sv: '[insats]', en: '[measure]' },
    example: { sv: 'avsluta 1.2', en: 'retire 1.2' },
    description: {
      sv: 'Avslutar en insats: den finns kvar med sina rapporter men tas inte med i nya omgångar.',
      en: 'Retires a measure: it keeps its reports but is left out of new rounds.',
    },
    group: 'plan',
    who: 'coordinators',
    action: 'managePlan',
    scopes: everywhere,
    manifest: [],
  },

  // Personuppgifter
  {
    id: 'personalData.export',
    kind: 'personalData',
    words: { sv: 'personuppgifter', en: 'personal data' },
    argument: { sv: '[namn eller e-post]', en: '[name or email]' },
    example: { sv: 'personuppgifter Frida Fältström', en: 'personal data Frida Fältström' },
    description: {
      sv: 'Allt jag har lagrat om en person, som JSON-fil i din personliga chatt (GDPR art. 15).',
      en: 'Everything I store about a person, as a JSON file in your personal chat (GDPR art. 15).',
    },
    group: 'personalData',
    who: 'coordinators',
    action: 'handlePersonalData',
    scopes: ['personal', 'team'],
    manifest: [],
  },
  {
    id: 'personalData.erase',
    kind: 'personalData',
    words: { sv: 'radera personuppgifter', en: 'erase personal data' },
    argument: { sv: '[namn eller e-post]', en: '[name or email]' },
    example: { sv: 'radera personuppgifter Frida Fältström', en: 'erase personal data Frida Fältström' },
    description: {
      sv: 'Tar bort en persons namn och id ur allt jag har lagrat, efter en bekräftelse (GDPR art. 17).',
      en: "Removes a person's name and ids from everything I store, after a confirmation (GDPR art. 17).",
    },
    group: 'personalData',
    who: 'coordinators',
    action: 'handlePersonalData',
    scopes: ['personal', 'team'],
    manifest: [],
  },
];

/** The command as typed, with its placeholder: `historik [insats]`. */
export function usage(command: CatalogCommand, locale: Locale): string {
  const argument = command.argument?.[locale];
  return argument ? `${command.words[locale]} ${argument}` : command.words[locale];
}

/** The commands a person may be shown: coordinators see all, everyone else all but the coordinators' own. */
export function commandsFor(coordinator: boolean): CatalogCommand[] {
  return commandCatalog.filter((c) => coordinator || c.who !== 'coordinators');
}

/**
 * A scope's command list for the manifest: the command words as the title (what Teams puts in the compose box)
 * and the description, led by the usage when something follows the words and marked when only coordinators
 * may use the command (everyone sees the list).
 */
export function manifestCommands(
  scope: TeamsScope,
  locale: Locale,
): Array<{ title: string; description: string }> {
  return commandCatalog
    .filter((c) => c.manifest.includes(scope))
    .map((c) => ({
      title: c.words[locale],
      description: [
        c.argument ? `${usage(c, locale)}: ` : '',
        c.description[locale],
        c.who === 'coordinators' ? ` (${coordinatorsOnlyLabel[locale]})` : '',
      ].join(''),
    }));
}
