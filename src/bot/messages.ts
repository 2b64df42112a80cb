import type { OwnerOrganisation } from '../domain/agreement.js';
import type { Cadence } from '../domain/agreement.js';
import { DateTime } from 'luxon';
import type { FieldProblem } from '../domain/checkInSubmission.js';
import type { Locale } from '../domain/locale.js';
import type { MeasureStatus } from '../domain/report.js';

/** Everything the bot says, in Swedish and English. The Swedish catalog is the reference. */
const sv = {
  welcomeTitle: 'Hej! Jag är Samverkansbot',
  welcomeIntro:
    'Jag hjälper kommunen och polisen att följa upp samverkansöverenskommelsen: jag frågar ansvariga om läget i insatserna, samlar svaren och tar fram underlag till styrgruppen.',
  welcomeNext: 'Skriv **hjälp** till mig för att se vad du kan be mig om.',
  welcomeNextChannel: 'Nämn mig och skriv **hjälp**, till exempel: @Samverkansbot hjälp',
  helpTitle: 'Det här kan jag',
  helpIntro: 'Nämn mig i en kanal (@Samverkansbot) eller skriv till mig direkt.',
  helpCommands: [
    { command: 'hjälp', description: 'Visar det här.' },
    { command: 'insatser', description: 'Åtgärdsplanens insatser per målområde.' },
    {
      command: 'status',
      description: 'Läget per målområde; status mål 2 eller status <insats> för detaljer.',
    },
    { command: 'saknas', description: 'Vilka insatser som inte har rapporterat i den öppna omgången.' },
    { command: 'mina', description: 'Dina insatser och vad du har kvar att rapportera.' },
    { command: 'historik <insats>', description: 'En insats rapporter över tid.' },
    {
      command: 'koppla <grupp>',
      description: 'Kopplar den här kanalen till en grupp i överenskommelsen (bara samordnare).',
    },
    { command: 'ny runda [namn]', description: 'Ber alla ansvariga att rapportera (bara samordnare).' },
    { command: 'stäng runda', description: 'Stänger den öppna omgången (bara samordnare).' },
  ],
  helpGroupsLabel: 'Grupper att koppla',
  helpChannelBound: (groups: string) => `Den här kanalen är kopplad till: ${groups}.`,
  helpChannelUnbound: 'Den här kanalen är inte kopplad till någon grupp ännu.',
  helpCoordinator: 'Du är samordnare i beredningsgruppen.',
  measuresTitle: 'Åtgärdsplanens insatser',
  goalArea: (n: number, title: string) => `Målområde ${n}: ${title}`,
  noMeasures: 'Inga insatser ännu.',
  ownerOrganisation: { kommun: 'Kommunen', polis: 'Polisen', gemensam: 'Gemensam' } satisfies Record<
    OwnerOrganisation,
    string
  >,
  cadence: {
    monthly: 'varje månad',
    quarterly: 'varje kvartal',
    beforeSteeringMeeting: 'inför varje styrgruppsmöte',
  } satisfies Record<Cadence, string>,
  followUp: (cadence: string) => `Följs upp ${cadence}`,
  indicator: (name: string, unit: string) => `Indikator: ${name} (${unit})`,
  boundTitle: 'Kanalen är kopplad',
  bound: (group: string) => `Den här kanalen är nu kopplad till **${group}**.`,
  bindOnlyCoordinators: 'Bara samordnarna i beredningsgruppen kan koppla kanaler.',
  bindOnlyInChannel: 'Kanaler kopplas i en kanal i ett team: nämn mig där och skriv koppla <grupp>.',
  bindUnknownGroup: (asked: string, groups: string) =>
    `Jag hittar ingen grupp som heter "${asked}". Grupperna är: ${groups}.`,
  bindMissingGroup: (groups: string) => `Skriv vilken grupp kanalen ska kopplas till: ${groups}.`,
  bindGroupTooLong: 'Gruppens namn är för långt.',
  notAllowedTitle: 'Inte tillåtet',
  problemTitle: 'Det gick inte',
  errorTitle: 'Något gick fel',
  error: 'Något gick fel hos mig. Ingenting har ändrats. Försök igen om en stund.',
  noAgreement: 'Ingen överenskommelse är inläst ännu. Be din administratör kontrollera AGREEMENT_FILE.',
  exampleNote: 'Exempel',
  status: {
    title: 'Läget i samverkansöverenskommelsen',
    goalTitle: (n: number, title: string) => `Läget i målområde ${n}: ${title}`,
    computed: (when: string) => `Beräknat ${when}`,
    openRound: (label: string, answered: number, total: number) =>
      `Öppen omgång: **${label}**, ${answered} av ${total} insatser har rapporterat.`,
    noOpenRound: 'Ingen omgång är öppen just nu.',
    lights: { green: '🟢', yellow: '🟡', red: '🔴', grey: '⚪' },
    noReport: 'Ingen rapport',
    changed: (list: string) => `Ändrat sedan förra omgången: ${list}`,
    missing: (list: string) => `Saknas i omgången: ${list}`,
    decisions: (list: string) => `**Behöver beslut i styrgruppen:** ${list}`,
    measureLine: (light: string, id: string, title: string, status: string) =>
      `${light} **${id}** ${title} – ${status}`,
    by: (who: string, when: string) => `${who}, ${when}`,
    page: (page: number, pages: number) => `Sida ${page} av ${pages}`,
    next: 'Nästa sida',
    previous: 'Föregående sida',
    unknownGoal: (n: number, goals: string) => `Det finns inget målområde ${n}. Målområdena är ${goals}.`,
    measureTitle: (id: string, title: string) => `Insats ${id}: ${title}`,
    measureFacts: (goal: string, org: string, owners: string) => `${goal} · ${org} · Ansvariga: ${owners}`,
    latestHeading: 'Senaste rapporten',
    historyHeading: 'Tidigare rapporter',
    noReports: 'Inga rapporter ännu.',
    historyLine: (when: string, status: string, who: string, text: string) =>
      `${when} · **${status}** · ${who}: ${text}`,
    chooseTitle: (query: string) => `Flera insatser matchar "${query}". Vilken menar du?`,
    unknownMeasure: (query: string) => `Jag hittar ingen insats som matchar "${query}".`,
    suggestions: 'Menade du någon av de här?',
    missingMeasure:
      'Skriv vilken insats du menar, med nummer eller en del av namnet, till exempel historik 1.2.',
    queryTooLong: 'Det där är för långt för att vara namnet på en insats.',
    mineTitle: 'Mina insatser',
    mineNone: 'Du står inte som ansvarig för någon insats.',
    due: (round: string) => `Att rapportera i omgången ${round}`,
    report: (id: string) => `Rapportera ${id}`,
    missingTitle: (round: string) => `Saknade rapporter i omgången ${round}`,
    missingNone: (round: string) => `Alla insatser har rapporterat i omgången ${round}.`,
    namesForCoordinators: 'Namnen på dem som inte har rapporterat visas bara för samordnarna.',
    notAllowed:
      'Läget visas för dem som är med i överenskommelsens grupper och i kanaler som är kopplade till dem.',
  },
  unknownAction: 'Det här kortet känner jag inte igen längre. Ingenting har ändrats.',
  rounds: {
    defaultLabel: (year: number, quarter: number) => `${year} kvartal ${quarter}`,
    monthLabel: (year: number, month: number) =>
      DateTime.fromObject({ year, month }).setLocale('sv').toFormat('LLLL yyyy'),
    meetingLabel: (date: string) => `inför styrgruppen ${date}`,
    opened: (label: string, measures: number, cards: number) =>
      `Omgången **${label}** är öppnad för ${measures} insatser. ${cards} kort skickas nu till arbetsgruppernas kanaler och ansvarigas chattar.`,
    openedNoTargets: (label: string) =>
      `Omgången **${label}** är öppnad, men ingen arbetsgrupps kanal är kopplad och ingen ansvarig har en personlig chatt med mig, så inga kort kan skickas. Koppla en kanal med koppla <grupp>.`,
    reminderPolicy: (days: number, max: number) =>
      max > 0
        ? `Den som inte har svarat påminns efter ${days} arbetsdagar, högst ${max} gånger.`
        : 'Inga påminnelser skickas.',
    openedTitle: 'Ny omgång',
    closedTitle: 'Omgången är stängd',
    closed: (label: string, answered: number, total: number) =>
      `Omgången **${label}** är stängd: ${answered} av ${total} insatser har rapporterats. Inga fler påminnelser skickas.`,
    noneOpen: 'Det finns ingen öppen omgång att stänga.',
    onlyCoordinators: 'Bara samordnarna i beredningsgruppen kan öppna och stänga omgångar.',
    labelTooLong: 'Omgångens namn får vara högst 80 tecken.',
    reminder: (mentions: string, id: string, title: string, round: string) =>
      `Påminnelse till ${mentions}: lägesrapporten för insats ${id} ${title} saknas i omgången ${round}.`,
    missingTitle: (round: string) => `Saknade lägesrapporter: ${round}`,
    missingIntro: (count: number, total: number) =>
      `${count} av ${total} insatser saknar rapport efter påminnelserna.`,
    missingLine: (id: string, title: string, owners: string) => `**${id}** ${title} – ${owners}`,
    failedTitle: 'Kort som inte kunde skickas',
    failedLine: (id: string, where: string) => `**${id}** till ${where}`,
    deliveryFailed: (id: string, where: string, round: string) =>
      `Jag kunde inte skicka kortet för insats ${id} till ${where} i omgången ${round}, trots flera försök.`,
    reminderFailed: (id: string, where: string, round: string) =>
      `Jag kunde inte skicka påminnelsen för insats ${id} till ${where} i omgången ${round}, trots flera försök.`,
    whereChannel: 'en kanal',
    // Swedish genitive: no extra s after s, x or z ("Patti Fernandez chatt").
    wherePerson: (name: string) => `${/[sxz]$/i.test(name) ? name : `${name}s`} personliga chatt`,
  },
  statuses: {
    notStarted: 'Ej påbörjad',
    onTrack: 'Pågår enligt plan',
    atRisk: 'Risk för försening',
    delayed: 'Försenad',
    done: 'Genomförd',
    cancelled: 'Avbruten',
  } satisfies Record<MeasureStatus, string>,
  checkIn: {
    heading: (id: string, title: string) => `Lägesrapport ${id}: ${title}`,
    subheading: (round: string, goal: string) => `${round} · ${goal}`,
    owners: (names: string) => `Ansvariga: ${names}`,
    refresh: 'Uppdatera',
    report: 'Rapportera',
    status: 'Läge',
    statusRequired: 'Välj hur insatsen ligger till.',
    narrative: 'Kort beskrivning av läget',
    narrativeRequired: 'Skriv några ord om läget.',
    obstacles: 'Hinder (om några)',
    nextStep: 'Nästa steg',
    indicator: (name: string, unit: string) => `${name} (${unit})`,
    needsSteeringDecision: 'Behöver beslut i styrgruppen',
    save: 'Spara',
    noReport: 'Ingen rapport ännu i den här omgången.',
    latest: (status: string, who: string, when: string) => `Senast: ${status} – ${who}, ${when}`,
    stamp: (who: string, when: string, revision: number) => `Sparat av ${who} ${when} (version ${revision})`,
    saved: 'Sparat. Tack!',
    repeated: 'Det här var redan sparat.',
    invalid: 'Något behöver rättas innan det kan sparas. Din text finns kvar.',
    conflict: (who: string, when: string) =>
      `${who} sparade en nyare rapport ${when}. Din text finns kvar: se över den och spara igen.`,
    notOwner: 'Bara de som ansvarar för insatsen kan rapportera på den. Du ser den senaste rapporten.',
    roundClosed: 'Omgången är stängd, men du kan fortfarande rapportera läget.',
    notFound: 'Jag hittar inte den här rapporten längre. Be en samordnare om en ny.',
    problems: {
      required: 'Fältet behövs.',
      tooLong: 'Texten är för lång.',
      notANumber: 'Skriv ett tal, till exempel 12 eller 3,5.',
      unknownStatus: 'Välj ett av lägena i listan.',
    } satisfies Record<FieldProblem, string>,
    facts: {
      narrative: 'Läget',
      obstacles: 'Hinder',
      nextStep: 'Nästa steg',
      decision: 'Beslut i styrgruppen',
      decisionNeeded: 'Behövs',
    },
  },
  dateTime: (iso: string, zone: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale('sv').toFormat("d LLL yyyy 'kl.' HH:mm"),
};

export type Messages = typeof sv;

const en: Messages = {
  welcomeTitle: "Hi! I'm Samverkansbot",
  welcomeIntro:
    'I help the municipality and the police follow up their cooperation agreement: I ask the people responsible how their measures are going, collect the answers and prepare material for the steering group.',
  welcomeNext: 'Send me **help** to see what you can ask me.',
  welcomeNextChannel: 'Mention me and type **help**, for example: @Samverkansbot help',
  helpTitle: 'What I can do',
  helpIntro: 'Mention me in a channel (@Samverkansbot) or write to me directly.',
  helpCommands: [
    { command: 'help', description: 'Shows this.' },
    { command: 'measures', description: "The action plan's measures by goal area." },
    { command: 'status', description: 'Status by goal area; status goal 2 or status <measure> for details.' },
    { command: 'missing', description: 'Which measures have not reported in the open round.' },
    { command: 'mine', description: 'Your measures and what you still have to report.' },
    { command: 'history <measure>', description: "A measure's reports over time." },
    {
      command: 'bind <group>',
      description: 'Binds this channel to a group of the agreement (coordinators only).',
    },
    { command: 'new round [name]', description: 'Asks every owner to report (coordinators only).' },
    { command: 'close round', description: 'Closes the open round (coordinators only).' },
  ],
  helpGroupsLabel: 'Groups to bind',
  helpChannelBound: (groups: string) => `This channel is bound to: ${groups}.`,
  helpChannelUnbound: 'This channel is not bound to a group yet.',
  helpCoordinator: 'You are a coordinator in the preparation group.',
  measuresTitle: "The action plan's measures",
  goalArea: (n: number, title: string) => `Goal area ${n}: ${title}`,
  noMeasures: 'No measures yet.',
  ownerOrganisation: { kommun: 'Municipality', polis: 'Police', gemensam: 'Joint' },
  cadence: {
    monthly: 'monthly',
    quarterly: 'quarterly',
    beforeSteeringMeeting: 'before each steering meeting',
  },
  followUp: (cadence: string) => `Followed up ${cadence}`,
  indicator: (name: string, unit: string) => `Indicator: ${name} (${unit})`,
  boundTitle: 'Channel bound',
  bound: (group: string) => `This channel is now bound to **${group}**.`,
  bindOnlyCoordinators: 'Only the coordinators in the preparation group can bind channels.',
  bindOnlyInChannel: 'Channels are bound from a team channel: mention me there and type bind <group>.',
  bindUnknownGroup: (asked: string, groups: string) =>
    `I can't find a group called "${asked}". The groups are: ${groups}.`,
  bindMissingGroup: (groups: string) => `Say which group to bind this channel to: ${groups}.`,
  bindGroupTooLong: "The group's name is too long.",
  notAllowedTitle: 'Not allowed',
  problemTitle: 'That did not work',
  errorTitle: 'Something went wrong',
  error: 'Something went wrong on my side. Nothing was changed. Please try again in a moment.',
  noAgreement: 'No agreement is loaded yet. Ask your administrator to check AGREEMENT_FILE.',
  exampleNote: 'Example',
  status: {
    title: 'Where the cooperation agreement stands',
    goalTitle: (n: number, title: string) => `Goal area ${n}: ${title}`,
    computed: (when: string) => `Computed ${when}`,
    openRound: (label: string, answered: number, total: number) =>
      `Open round: **${label}**, ${answered} of ${total} measures have reported.`,
    noOpenRound: 'No round is open right now.',
    lights: { green: '🟢', yellow: '🟡', red: '🔴', grey: '⚪' },
    noReport: 'No report',
    changed: (list: string) => `Changed since the previous round: ${list}`,
    missing: (list: string) => `Missing in the round: ${list}`,
    decisions: (list: string) => `**Needs a steering group decision:** ${list}`,
    measureLine: (light: string, id: string, title: string, status: string) =>
      `${light} **${id}** ${title} – ${status}`,
    by: (who: string, when: string) => `${who}, ${when}`,
    page: (page: number, pages: number) => `Page ${page} of ${pages}`,
    next: 'Next page',
    previous: 'Previous page',
    unknownGoal: (n: number, goals: string) => `There is no goal area ${n}. The goal areas are ${goals}.`,
    measureTitle: (id: string, title: string) => `Measure ${id}: ${title}`,
    measureFacts: (goal: string, org: string, owners: string) => `${goal} · ${org} · Responsible: ${owners}`,
    latestHeading: 'Latest report',
    historyHeading: 'Earlier reports',
    noReports: 'No reports yet.',
    historyLine: (when: string, status: string, who: string, text: string) =>
      `${when} · **${status}** · ${who}: ${text}`,
    chooseTitle: (query: string) => `Several measures match "${query}". Which one do you mean?`,
    unknownMeasure: (query: string) => `I can't find a measure matching "${query}".`,
    suggestions: 'Did you mean one of these?',
    missingMeasure: 'Say which measure you mean, by number or part of its name, for example history 1.2.',
    queryTooLong: "That is too long to be a measure's name.",
    mineTitle: 'My measures',
    mineNone: 'You are not responsible for any measure.',
    due: (round: string) => `To report in the round ${round}`,
    report: (id: string) => `Report ${id}`,
    missingTitle: (round: string) => `Missing reports in the round ${round}`,
    missingNone: (round: string) => `Every measure has reported in the round ${round}.`,
    namesForCoordinators: 'The names of those who have not reported are shown to the coordinators only.',
    notAllowed: "Status is shown to members of the agreement's groups and in channels bound to them.",
  },
  unknownAction: 'I no longer recognise this card. Nothing was changed.',
  rounds: {
    defaultLabel: (year: number, quarter: number) => `${year} Q${quarter}`,
    monthLabel: (year: number, month: number) =>
      DateTime.fromObject({ year, month }).setLocale('en-GB').toFormat('LLLL yyyy'),
    meetingLabel: (date: string) => `before the steering meeting ${date}`,
    opened: (label: string, measures: number, cards: number) =>
      `The round **${label}** is open for ${measures} measures. ${cards} cards are being sent to the working groups' channels and the owners' chats.`,
    openedNoTargets: (label: string) =>
      `The round **${label}** is open, but no working group's channel is bound and no owner has a personal chat with me, so no cards can be sent. Bind a channel with bind <group>.`,
    reminderPolicy: (days: number, max: number) =>
      max > 0
        ? `Those who have not answered are reminded after ${days} working days, at most ${max} times.`
        : 'No reminders are sent.',
    openedTitle: 'New round',
    closedTitle: 'Round closed',
    closed: (label: string, answered: number, total: number) =>
      `The round **${label}** is closed: ${answered} of ${total} measures were reported. No more reminders are sent.`,
    noneOpen: 'There is no open round to close.',
    onlyCoordinators: 'Only the coordinators in the preparation group can open and close rounds.',
    labelTooLong: "The round's name may be at most 80 characters.",
    reminder: (mentions: string, id: string, title: string, round: string) =>
      `Reminder to ${mentions}: the status report for measure ${id} ${title} is missing in the round ${round}.`,
    missingTitle: (round: string) => `Missing status reports: ${round}`,
    missingIntro: (count: number, total: number) =>
      `${count} of ${total} measures have no report after the reminders.`,
    missingLine: (id: string, title: string, owners: string) => `**${id}** ${title} – ${owners}`,
    failedTitle: 'Cards that could not be sent',
    failedLine: (id: string, where: string) => `**${id}** to ${where}`,
    deliveryFailed: (id: string, where: string, round: string) =>
      `I could not send the card for measure ${id} to ${where} in the round ${round}, despite several tries.`,
    reminderFailed: (id: string, where: string, round: string) =>
      `I could not send the reminder for measure ${id} to ${where} in the round ${round}, despite several tries.`,
    whereChannel: 'a channel',
    wherePerson: (name: string) => `${name}'s personal chat`,
  },
  statuses: {
    notStarted: 'Not started',
    onTrack: 'On track',
    atRisk: 'At risk of delay',
    delayed: 'Delayed',
    done: 'Done',
    cancelled: 'Cancelled',
  },
  checkIn: {
    heading: (id: string, title: string) => `Status report ${id}: ${title}`,
    subheading: (round: string, goal: string) => `${round} · ${goal}`,
    owners: (names: string) => `Responsible: ${names}`,
    refresh: 'Refresh',
    report: 'Report',
    status: 'Status',
    statusRequired: 'Choose how the measure is going.',
    narrative: 'Short description of the situation',
    narrativeRequired: 'Write a few words about the situation.',
    obstacles: 'Obstacles (if any)',
    nextStep: 'Next step',
    indicator: (name: string, unit: string) => `${name} (${unit})`,
    needsSteeringDecision: 'Needs a steering group decision',
    save: 'Save',
    noReport: 'No report yet in this round.',
    latest: (status: string, who: string, when: string) => `Latest: ${status} – ${who}, ${when}`,
    stamp: (who: string, when: string, revision: number) => `Saved by ${who} ${when} (version ${revision})`,
    saved: 'Saved. Thank you!',
    repeated: 'This was already saved.',
    invalid: 'Something needs fixing before it can be saved. Your text is kept.',
    conflict: (who: string, when: string) =>
      `${who} saved a newer report ${when}. Your text is kept: check it and save again.`,
    notOwner: 'Only the people responsible for this measure can report on it. You see the latest report.',
    roundClosed: 'The round is closed, but you can still report.',
    notFound: 'I cannot find this report any more. Ask a coordinator for a new one.',
    problems: {
      required: 'This field is needed.',
      tooLong: 'The text is too long.',
      notANumber: 'Write a number, for example 12 or 3.5.',
      unknownStatus: 'Choose one of the statuses in the list.',
    },
    facts: {
      narrative: 'Situation',
      obstacles: 'Obstacles',
      nextStep: 'Next step',
      decision: 'Steering group decision',
      decisionNeeded: 'Needed',
    },
  },
  dateTime: (iso: string, zone: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale('en-GB').toFormat("d LLL yyyy 'at' HH:mm"),
};

const catalogs: Record<Locale, Messages> = { sv, en };

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}
