import type { AgreementKind, OwnerOrganisation } from '../../domain/agreement.js';
import type { Cadence } from '../../domain/agreement.js';
import { DateTime } from 'luxon';
import type { FieldProblem } from '../../domain/checkInSubmission.js';
import type { Locale } from '../../domain/locale.js';
import type { MeasureStatus } from '../../domain/report.js';

/** Everything the bot says, in Swedish and English. The Swedish catalog is the reference. */
const sv = {
  welcomeTitle: 'Hej! Jag är Samverkansbot',
  welcomeIntro:
    'Jag hjälper kommunen och polisen att följa upp samverkansöverenskommelsen: jag frågar ansvariga om läget i insatserna, samlar svaren och tar fram underlag till styrgruppen.',
  welcomeNext: 'Skriv **hjälp** till mig för att se vad du kan be mig om.',
  welcomeNextChannel: 'Nämn mig och skriv **hjälp**, till exempel: @Samverkansbot hjälp',
  helpTitle: 'Det här kan jag',
  helpIntro: 'Nämn mig i en kanal (@Samverkansbot) eller skriv till mig direkt.',
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
  bindOnlyInChannel: 'Kanaler kopplas i en kanal i ett team: nämn mig där och skriv koppla [grupp].',
  bindUnknownGroup: (asked: string, groups: string) =>
    `Jag hittar ingen grupp som heter "${asked}". Grupperna är: ${groups}.`,
  bindMissingGroup: (groups: string) => `Skriv vilken grupp kanalen ska kopplas till: ${groups}.`,
  bindGroupTooLong: 'Gruppens namn är för långt.',
  notAllowedTitle: 'Inte tillåtet',
  problemTitle: 'Det gick inte',
  errorTitle: 'Något gick fel',
  error: 'Något gick fel hos mig. Ingenting har ändrats. Försök igen om en stund.',
  noAgreement: 'Ingen överenskommelse är inläst ännu. Be din administratör kontrollera AGREEMENT_FILE.',
  notSaved:
    'Inte sparat: jag når inte lagringen just nu. Det du skrev finns kvar i kortet; försök igen om en stund.',
  review: {
    title: (month: string) => `Halvtidsuppföljning av samverkansöverenskommelsen, ${month}`,
    intro:
      'Överenskommelsen ska följas upp efter halva tiden. Svara på de tre frågorna för din organisation; svaren sammanställs för styrgruppen.',
    organisation: 'Jag svarar för',
    save: 'Skicka svaren',
    required: 'Välj organisation.',
    saved: (organisation: string) =>
      `Tack! Dina svar för ${organisation} är sparade. Skriv halvtid för att se sammanställningen.`,
    invalid: 'Svara på minst en fråga och välj organisation. Ingenting har sparats.',
    notMember: 'Halvtidsuppföljningen besvaras av beredningsgruppen och arbetsgrupperna.',
    compiledTitle: 'Halvtidsuppföljning: sammanställning',
    noAnswers: 'Inga svar ännu.',
    answerLine: (organisation: string, name: string, answer: string) =>
      `**${organisation}**, ${name}: ${answer}`,
  },
  steering: {
    summaryTitle: (date: string) => `Inför styrgruppens möte ${date}`,
    todayTitle: (date: string) => `Läget ${date}: inget styrgruppsmöte planerat`,
    summarySubtitle: (agreement: string, since: string | undefined) =>
      since ? `${agreement} · förändringar sedan mötet ${since}` : agreement,
    goal: (goal: string) => `Långsiktigt mål: ${goal}`,
    changed: (list: string) => `Förändrat: ${list}`,
    risks: (list: string) => `Risker: ${list}`,
    decisions: (list: string) => `**Behöver beslut:** ${list}`,
    missing: (list: string) => `Saknar rapport: ${list}`,
    nothingNew: 'Inga förändringar, risker eller saknade rapporter.',
    trend: (name: string, unit: string) => `${name} (${unit})`,
    trendText: (name: string, values: string) => `${name}: ${values}`,
    // Short, and not a date Teams would parse and show in English: "3 mars", or "3 mars 22" across years.
    chartDay: (date: string, withYear: boolean) =>
      DateTime.fromISO(date)
        .setLocale('sv')
        .toFormat(withYear ? 'd LLL yy' : 'd LLL'),
    reportButton: 'Hämta den skriftliga uppföljningen',
    meetingGap: (year: number, planned: number) =>
      `År ${year} har ${planned === 0 ? 'inget' : 'bara ett'} styrgruppsmöte planerat. Överenskommelsen kräver uppföljning minst två gånger per år: planera med möte [ÅÅÅÅ-MM-DD].`,
    renewal: (validTo: string, deadline: string, years: number) =>
      `Överenskommelsen gäller till ${validTo}. Den kan förlängas med ${years} år i taget efter samråd, som ska ske senast ${deadline}. När parterna har kommit överens skriver en samordnare förläng.`,
    ended: (validTo: string) =>
      `Överenskommelsen löpte ut ${validTo} och har inte förlängts. Inga fler omgångar öppnas. Skriv rapport för slutrapporten.`,
    endedFollowed: (validTo: string, startsOn: string) =>
      `Överenskommelsen löpte ut ${validTo}. En ny överenskommelse gäller från ${startsOn} och har tagit över kanalerna; här öppnas inga fler omgångar. Skriv rapport för slutrapporten.`,
    extended: (validTo: string) => `Överenskommelsen är förlängd till ${validTo}.`,
    extendOnlyCoordinators: 'Bara samordnarna i beredningsgruppen kan registrera en förlängning.',
    extendSucceeded: (startsOn: string) =>
      `Överenskommelsen följs av en ny från ${startsOn} och kan inte förlängas. Förläng den nya i stället.`,
    noMeeting: 'Det finns inget sådant styrgruppsmöte planerat. Planera ett med möte [ÅÅÅÅ-MM-DD].',
    roundsEnded: (validTo: string) =>
      `Överenskommelsen löpte ut ${validTo}; nya omgångar kan inte öppnas. Förläng den med förläng.`,
  },
  retention: {
    removed: (agreement: string, validTo: string, months: number, revisions: number, archive: string) =>
      `Rapporterna för ${agreement} (${revisions} ${revisions === 1 ? 'version' : 'versioner'}) togs bort enligt gallringsregeln, ${months} ${months === 1 ? 'månad' : 'månader'} efter att överenskommelsen löpte ut ${validTo}; arkiv: ${archive}.`,
  },
  manage: {
    onlyCoordinators: 'Bara samordnarna i beredningsgruppen kan ändra i åtgärdsplanen.',
    doneTitle: 'Klart',
    addHeading: 'Ny insats',
    editHeading: (id: string) => `Ändra insats ${id}`,
    labels: {
      title: 'Namn',
      description: 'Beskrivning',
      goalArea: 'Målområde',
      ownerOrganisation: 'Ansvarig organisation',
      owners: 'Ansvariga personer',
      workingGroup: 'Arbetsgrupp som följer upp',
      cadence: 'Uppföljning',
      indicator: 'Indikator (valfri)',
      indicatorName: 'Vad mäts',
      indicatorUnit: 'Enhet',
      indicatorBaseline: 'Utgångsvärde',
      indicatorTarget: 'Målvärde',
      communicate: 'Insatsen ska kommuniceras',
      communicationNote: 'Hur den kommuniceras',
      save: 'Spara',
      required: 'Fältet behövs.',
    },
    problems: {
      required: 'Fältet behövs.',
      tooLong: 'Texten är för lång.',
      notANumber: 'Skriv ett tal.',
      unknownChoice: 'Välj ett av alternativen.',
      tooManyOwners: 'Högst 60 ansvariga.',
    },
    invalid: 'Något behöver rättas innan det kan sparas. Det du skrev finns kvar.',
    added: (id: string, title: string) => `Insats **${id}** ${title} är tillagd i åtgärdsplanen.`,
    edited: (id: string) => `Insats **${id}** är ändrad.`,
    mergedWithOther: 'Någon annan ändrade insatsen samtidigt; båda ändringarna är med.',
    clash: (fields: string) =>
      `Någon annan ändrade samma fält medan du hade insatsen öppen: ${fields}. Dina värden finns kvar i formuläret; spara igen för att behålla dem.`,
    retired: (id: string, title: string) =>
      `Insats **${id}** ${title} är avslutad. Den finns kvar med sina rapporter men tas inte med i nya omgångar.`,
    alreadyRetired: (id: string) => `Insats ${id} är redan avslutad.`,
    retiredTag: '(avslutad)',
    missingMeasure: 'Skriv vilken insats du menar, till exempel ändra 1.2.',
    meetingPlanned: (date: string) => `Styrgruppsmöte planerat ${date}.`,
    meetingsTitle: 'Styrgruppens möten',
    upcomingMeetings: (list: string) => `Planerade styrgruppsmöten från i dag: ${list}.`,
    noUpcomingMeeting: (last: string | undefined, example: string) =>
      `Inget styrgruppsmöte är planerat från i dag${last ? ` (det senaste var ${last})` : ''}. Överenskommelsen kräver minst två möten per år: en samordnare planerar nästa med **möte ÅÅÅÅ-MM-DD TT:MM**, till exempel möte ${example} 13:00.`,
    meetingExists: (date: string) => `Det finns redan ett styrgruppsmöte ${date}.`,
    meetingOutside: (from: string, to: string) =>
      `Mötet måste ligga inom överenskommelsens giltighetstid, ${from}–${to}.`,
    meetingFormat: 'Skriv datumet som ÅÅÅÅ-MM-DD och eventuellt en tid, till exempel möte 2021-11-25 13:00.',
    fieldNames: {
      title: 'namn',
      description: 'beskrivning',
      goalArea: 'målområde',
      ownerOrganisation: 'ansvarig organisation',
      workingGroup: 'arbetsgrupp',
      owners: 'ansvariga',
      cadence: 'uppföljning',
      indicatorName: 'indikator',
      indicatorUnit: 'enhet',
      indicatorBaseline: 'utgångsvärde',
      indicatorTarget: 'målvärde',
      communicate: 'kommunikation',
      communicationNote: 'kommunikation',
    },
  },
  exportOnlyCoordinators: 'Bara samordnarna i beredningsgruppen kan exportera rapporterna.',
  export: {
    followUpDescription: 'Skriftlig uppföljning av samverkansöverenskommelsen (Word)',
    followUpTitle: 'Skriftlig uppföljning',
    followUpFileText: (name: string) =>
      `Här är den skriftliga uppföljningen som Word-fil, ${name}. Godkänn filen så sparar jag den i din OneDrive.`,
    followUpDeclined: 'Okej, jag sparar ingen fil. Skriv rapport när du vill ha den.',
    followUpUploadFailed:
      'Jag kunde inte spara filen i din OneDrive. Ingenting har ändrats. Skriv rapport för att försöka igen.',
    followUpUnavailable: 'Det finns inget sådant styrgruppsmöte att skriva rapporten för.',
    followUpNeedsPersonalChat:
      'Rapporten är en fil, och filer kan jag bara skicka i din personliga chatt med mig. Öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och fråga igen.',
    title: 'Export av rapporterna',
    fileText: 'Här är rapporterna som CSV-fil för Excel. Godkänn filen så sparar jag den i din OneDrive.',
    allDescription: (reports: number) =>
      `Alla rapporter i samverkansöverenskommelsen med varje version (${reports} rader), semikolonseparerade.`,
    roundDescription: (round: string, reports: number) =>
      `Rapporterna i omgången ${round} med varje version (${reports} rader), semikolonseparerade.`,
    sentToPersonalChat:
      'Jag har skickat filen till vår personliga chatt. Godkänn den där så sparar jag den i din OneDrive.',
    unknownRound: (asked: string, rounds: string) =>
      `Jag hittar ingen omgång som heter "${asked}". Omgångarna är: ${rounds}.`,
    noRounds: (asked: string) =>
      `Jag hittar ingen omgång som heter "${asked}". Ingen omgång har öppnats ännu; skriv exportera för alla rapporter.`,
    noReports: 'Det finns inga rapporter att exportera ännu.',
    decisionsTitle: 'Export av styrgruppens beslut',
    decisionsFileText:
      'Här är styrgruppens beslut som CSV-fil för Excel. Godkänn filen så sparar jag den i din OneDrive.',
    decisionsDescription: (decisions: number) =>
      `Styrgruppens beslut (${decisions} rader) med vad insatsernas ansvariga svarat om dem, semikolonseparerade.`,
    noDecisions: 'Styrgruppen har inga beslut registrerade ännu.',
    decisionsNeedPersonalChat:
      'Besluten kommer som fil, och filer kan jag bara skicka i din personliga chatt med mig. Öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och skriv exportera beslut igen.',
    noReportsInRound: (round: string) => `Det finns inga rapporter i omgången ${round} ännu.`,
    asText: (reports: number) =>
      `Du har ingen personlig chatt med mig, så här kommer rapporterna som text (${reports} rader, semikolonseparerade). Vill du ha en fil för Excel: öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och skriv exportera igen.`,
    onlyInCoordinatorsChannel: (reports: number) =>
      `Rapporterna (${reports} rader) innehåller lägesbeskrivningar, så som text visar jag dem bara i beredningsgruppens kanal. För att få filen: öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och skriv exportera igen.`,
    tooLongForMessage: (reports: number) =>
      `Rapporterna (${reports} rader) är för många för ett meddelande, så jag skickar dem som fil i din personliga chatt med mig. Du har ingen sådan chatt ännu: öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och skriv exportera igen.`,
    uploaded: (name: string) => `Klart: ${name} är sparad i din OneDrive.`,
    uploadFailed:
      'Jag kunde inte spara filen i din OneDrive. Ingenting har ändrats. Skriv exportera för att försöka igen.',
    declined: 'Okej, jag sparar ingen fil. Skriv exportera när du vill ha den.',
  },
  status: {
    title: {
      samverkansöverenskommelse: 'Läget i samverkansöverenskommelsen',
      medborgarlöfte: 'Läget i medborgarlöftet',
    } satisfies Record<AgreementKind, string>,
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
    mineOthers: 'Övriga insatser',
    count: (label: string, n: number) => `${label}: ${n}`,
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
  language: {
    title: 'Språk',
    chosen:
      'Jag svarar dig på svenska från och med nu, också på kort och formulär. For English, type **language en**.',
    current: (chosen: boolean): string =>
      chosen
        ? 'Du har valt svenska. For English, type **language en**.'
        : 'Jag svarar på det språk du skriver kommandot på, och annars på överenskommelsens språk. Skriv **språk sv** eller **language en** så kommer jag ihåg ditt val.',
    unknown: 'Jag kan svenska och engelska: skriv **språk sv** eller **språk en**.',
  },
  rounds: {
    defaultLabel: (year: number, quarter: number) => `${year} kvartal ${quarter}`,
    monthLabel: (year: number, month: number) =>
      DateTime.fromObject({ year, month }).setLocale('sv').toFormat('LLLL yyyy'),
    meetingLabel: (date: string) => `inför styrgruppen ${date}`,
    opened: (label: string, measures: number, cards: number, later: string | undefined) =>
      `Omgången **${label}** är öppnad för ${measures} insatser. ${cards} kort skickas ${later ? `${later}, när kontorstiden börjar,` : 'nu'} till arbetsgruppernas kanaler och ansvarigas chattar.`,
    sendMoment: (iso: string, zone: string) =>
      DateTime.fromISO(iso, { zone: 'utc' })
        .setZone(zone)
        .setLocale('sv')
        .toFormat("cccc d LLLL 'kl.' HH:mm"),
    busy: (rounds: string[]) =>
      `En insats kan bara vara med i en öppen omgång åt gången, och ${rounds.length === 1 ? `omgången ${rounds[0]} är öppen` : `omgångarna ${rounds.join(' och ')} är öppna`}. Ingen ny omgång är öppnad. Vill du be alla rapportera på nytt: skriv **stäng runda** (den senast öppnade stängs) och sedan **ny runda**.`,
    openedNoTargets: (label: string) =>
      `Omgången **${label}** är öppnad, men ingen arbetsgrupps kanal är kopplad och ingen ansvarig har en personlig chatt med mig, så inga kort kan skickas. Koppla en kanal med koppla [grupp].`,
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
    failedTitle: 'Kort som inte kunde skickas eller kanske inte kom fram',
    failedLine: (id: string, where: string) => `**${id}** till ${where}`,
    unconfirmedLine: (id: string, where: string) =>
      `**${id}** till ${where}: skickat när jag startades om, utan svar från Teams, så det kanske inte kom fram`,
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
  personalData: {
    onlyCoordinators: 'Bara samordnarna i beredningsgruppen kan ta ut eller radera personuppgifter.',
    missingPerson: 'Skriv vem det gäller: personuppgifter [namn eller e-post].',
    title: 'Personuppgifter',
    unknownPerson: (asked: string) =>
      `Jag har inget lagrat om någon som heter "${asked}". Skriv hela namnet som det står i Teams, eller personens e-postadress.`,
    unknownEmail: (asked: string) =>
      `Jag sparar inga e-postadresser, och Teams känner ingen med adressen "${asked}" här. Skriv personens namn i stället, eller fråga i en kanal i ett team där personen är med.`,
    chooseTitle: (asked: string) => `Flera personer heter "${asked}". Vem menar du?`,
    choiceLine: (name: string, id: string, records: number) =>
      `**${name}**, Entra-id ${id}: ${records} uppgifter lagrade`,
    choose: (name: string, id: string) => `${name} (${id.slice(0, 8)}…)`,
    fileText:
      'Här är personuppgifterna som JSON-fil. Godkänn filen så sparar jag den i din OneDrive; lämna den sedan till personen på ett säkert sätt.',
    fileDescription: (name: string) => `Allt Samverkansbot har lagrat om ${name} (JSON, UTF-8).`,
    fileAbout: (name: string) =>
      `Personuppgifter som Samverkansbot har lagrat om ${name}, för en begäran om tillgång enligt dataskyddsförordningen (GDPR) artikel 15. Tiderna i posterna är UTC.`,
    fileName: (person: string, date: string) => `personuppgifter-${person}-${date}.json`,
    needsPersonalChat:
      'Personuppgifterna är en fil, och filer kan jag bara skicka i din personliga chatt med mig. Öppna Appar i Teams, sök efter Samverkansbot, välj Lägg till och fråga igen.',
    nothingStored: 'Jag har inget lagrat om den personen längre.',
    eraseTitle: (name: string) => `Radera personuppgifterna om ${name}?`,
    eraseIntro:
      'Personens namn, Entra-id och Teams-id byts mot "Borttagen person" i allt nedan, och det som bara fanns för att nå personen (den personliga chatten, kort och påminnelser dit) raderas. Det går inte att ångra.',
    counts: {
      reports: 'Rapportversioner som personen skrev',
      measures: 'Avslutade insatser med personen som ansvarig',
      bindings: 'Kanalkopplingar som personen gjorde',
      audit: 'Händelser i granskningsloggen',
      reviewAnswers: 'Svar på halvtidsuppföljningen',
      rounds: 'Omgångar som personen öppnade',
      conversations: 'Sparade chattar och kanaler (den personliga chatten raderas)',
      deliveries: 'Kort och påminnelser till den personliga chatten (raderas)',
      languageChoice: 'Valt språk (raderas)',
      agreementChoice: 'Vald överenskommelse (raderas)',
      decisions: 'Styrgruppsbeslut som personen skrev in, ändrade eller är ansvarig för',
    },
    contentsKept:
      'Det som står i rapporterna och svaren finns kvar: det är organisationernas uppföljning av insatserna, inte uppgifter om personen. Nämns personen i själva texten står det kvar där.',
    eraseButton: 'Radera personuppgifterna',
    stillOwns: (name: string, measures: string) =>
      `${name} är fortfarande ansvarig för ${measures}. Ge insatserna till någon annan med ändra [insats], eller avsluta dem med avsluta [insats], och radera sedan. Ingenting är raderat.`,
    stillMember: (name: string, groups: string, file: string) =>
      `${name} är med i ${groups} enligt överenskommelsens fil (${file}). Ta bort personen där och starta om boten, och radera sedan. Ingenting är raderat.`,
    erasedTitle: 'Personuppgifterna är raderade',
    erased: (summary: string) =>
      `Klart. ${summary}. Personen heter nu "Borttagen person" överallt där hen fanns; det som skrevs finns kvar.`,
    stillInFile: (file: string, places: string) =>
      `Överenskommelsens fil (${file}) nämner fortfarande personen (${places}). Ta bort personen ur filen också: jag hämtar inte tillbaka personen därifrån, men filen innehåller fortfarande namnet och id:t.`,
    nothingLeft: 'Det fanns inget kvar att radera om den personen. Ingenting har ändrats.',
    badCard:
      'Det här kortet känner jag inte igen längre. Skriv radera personuppgifter [namn] för att börja om. Ingenting har ändrats.',
    erasedName: 'Borttagen person',
    declined: 'Okej, jag sparar ingen fil. Skriv personuppgifter [namn] när du vill ha den.',
    uploadFailed:
      'Jag kunde inte spara filen i din OneDrive. Skriv personuppgifter [namn] för att försöka igen.',
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
  bindOnlyInChannel: 'Channels are bound from a team channel: mention me there and type bind [group].',
  bindUnknownGroup: (asked: string, groups: string) =>
    `I can't find a group called "${asked}". The groups are: ${groups}.`,
  bindMissingGroup: (groups: string) => `Say which group to bind this channel to: ${groups}.`,
  bindGroupTooLong: "The group's name is too long.",
  notAllowedTitle: 'Not allowed',
  problemTitle: 'That did not work',
  errorTitle: 'Something went wrong',
  error: 'Something went wrong on my side. Nothing was changed. Please try again in a moment.',
  noAgreement: 'No agreement is loaded yet. Ask your administrator to check AGREEMENT_FILE.',
  notSaved:
    'Not saved: I cannot reach storage right now. What you typed is still in the card; please try again in a moment.',
  review: {
    title: (month: string) => `Mid-term review of the cooperation agreement, ${month}`,
    intro:
      'The agreement is to be reviewed half-way. Answer the three questions for your organisation; the answers are compiled for the steering group.',
    organisation: 'I answer for',
    save: 'Send the answers',
    required: 'Choose an organisation.',
    saved: (organisation: string) =>
      `Thank you! Your answers for ${organisation} are saved. Type review to see the compilation.`,
    invalid: 'Answer at least one question and choose an organisation. Nothing was saved.',
    notMember: 'The mid-term review is answered by the preparation group and the working groups.',
    compiledTitle: 'Mid-term review: compilation',
    noAnswers: 'No answers yet.',
    answerLine: (organisation: string, name: string, answer: string) =>
      `**${organisation}**, ${name}: ${answer}`,
  },
  steering: {
    summaryTitle: (date: string) => `Before the steering meeting ${date}`,
    todayTitle: (date: string) => `Where things stand on ${date}: no steering meeting planned`,
    summarySubtitle: (agreement: string, since: string | undefined) =>
      since ? `${agreement} · changes since the meeting ${since}` : agreement,
    goal: (goal: string) => `Long-term goal: ${goal}`,
    changed: (list: string) => `Changed: ${list}`,
    risks: (list: string) => `Risks: ${list}`,
    decisions: (list: string) => `**Needs a decision:** ${list}`,
    missing: (list: string) => `No report: ${list}`,
    nothingNew: 'No changes, risks or missing reports.',
    trend: (name: string, unit: string) => `${name} (${unit})`,
    trendText: (name: string, values: string) => `${name}: ${values}`,
    chartDay: (date: string, withYear: boolean) =>
      DateTime.fromISO(date)
        .setLocale('en-GB')
        .toFormat(withYear ? 'd LLL yy' : 'd LLL'),
    reportButton: 'Get the written follow-up',
    meetingGap: (year: number, planned: number) =>
      `${year} has ${planned === 0 ? 'no' : 'only one'} steering meeting planned. The agreement requires follow-up at least twice a year: plan one with meeting [YYYY-MM-DD].`,
    renewal: (validTo: string, deadline: string, years: number) =>
      `The agreement is valid until ${validTo}. It can be extended by ${years} years at a time after consultation, which must take place by ${deadline}. Once the parties agree, a coordinator types extend.`,
    ended: (validTo: string) =>
      `The agreement expired on ${validTo} and has not been extended. No more rounds are opened. Type report for the final report.`,
    endedFollowed: (validTo: string, startsOn: string) =>
      `The agreement expired on ${validTo}. A new agreement applies from ${startsOn} and has taken over the channels; no more rounds are opened for this one. Type report for the final report.`,
    extended: (validTo: string) => `The agreement is extended until ${validTo}.`,
    extendOnlyCoordinators: 'Only the coordinators in the preparation group can record an extension.',
    extendSucceeded: (startsOn: string) =>
      `The agreement is followed by a new one from ${startsOn} and cannot be extended. Extend the new one instead.`,
    noMeeting: 'No such steering meeting is planned. Plan one with meeting [YYYY-MM-DD].',
    roundsEnded: (validTo: string) =>
      `The agreement expired on ${validTo}; no new rounds can be opened. Extend it with extend.`,
  },
  retention: {
    removed: (agreement: string, validTo: string, months: number, revisions: number, archive: string) =>
      `The reports for ${agreement} (${revisions} ${revisions === 1 ? 'revision' : 'revisions'}) were removed under the retention rule, ${months} ${months === 1 ? 'month' : 'months'} after the agreement expired on ${validTo}; archive: ${archive}.`,
  },
  manage: {
    onlyCoordinators: 'Only the coordinators in the preparation group can change the action plan.',
    doneTitle: 'Done',
    addHeading: 'New measure',
    editHeading: (id: string) => `Edit measure ${id}`,
    labels: {
      title: 'Name',
      description: 'Description',
      goalArea: 'Goal area',
      ownerOrganisation: 'Responsible organisation',
      owners: 'Responsible people',
      workingGroup: 'Working group that follows it up',
      cadence: 'Follow-up',
      indicator: 'Indicator (optional)',
      indicatorName: 'What is measured',
      indicatorUnit: 'Unit',
      indicatorBaseline: 'Baseline',
      indicatorTarget: 'Target',
      communicate: 'The measure is to be communicated',
      communicationNote: 'How it is communicated',
      save: 'Save',
      required: 'This field is needed.',
    },
    problems: {
      required: 'This field is needed.',
      tooLong: 'The text is too long.',
      notANumber: 'Write a number.',
      unknownChoice: 'Choose one of the options.',
      tooManyOwners: 'At most 60 people.',
    },
    invalid: 'Something needs fixing before it can be saved. What you wrote is kept.',
    added: (id: string, title: string) => `Measure **${id}** ${title} is added to the action plan.`,
    edited: (id: string) => `Measure **${id}** is changed.`,
    mergedWithOther: 'Someone else changed the measure at the same time; both changes are kept.',
    clash: (fields: string) =>
      `Someone else changed the same fields while you had the measure open: ${fields}. Your values are kept in the form; save again to keep them.`,
    retired: (id: string, title: string) =>
      `Measure **${id}** ${title} is retired. It stays with its reports but is left out of new rounds.`,
    alreadyRetired: (id: string) => `Measure ${id} is already retired.`,
    retiredTag: '(retired)',
    missingMeasure: 'Say which measure you mean, for example edit 1.2.',
    meetingPlanned: (date: string) => `Steering meeting planned on ${date}.`,
    meetingsTitle: "The steering group's meetings",
    upcomingMeetings: (list: string) => `Steering meetings planned from today: ${list}.`,
    noUpcomingMeeting: (last: string | undefined, example: string) =>
      `No steering meeting is planned from today${last ? ` (the latest was ${last})` : ''}. The agreement asks for at least two meetings a year: a coordinator plans the next with **meeting YYYY-MM-DD HH:MM**, for example meeting ${example} 13:00.`,
    meetingExists: (date: string) => `There is already a steering meeting on ${date}.`,
    meetingOutside: (from: string, to: string) =>
      `The meeting must fall within the agreement's period, ${from}–${to}.`,
    meetingFormat:
      'Write the date as YYYY-MM-DD and optionally a time, for example meeting 2021-11-25 13:00.',
    fieldNames: {
      title: 'name',
      description: 'description',
      goalArea: 'goal area',
      ownerOrganisation: 'responsible organisation',
      workingGroup: 'working group',
      owners: 'responsible people',
      cadence: 'follow-up',
      indicatorName: 'indicator',
      indicatorUnit: 'unit',
      indicatorBaseline: 'baseline',
      indicatorTarget: 'target',
      communicate: 'communication',
      communicationNote: 'communication',
    },
  },
  exportOnlyCoordinators: 'Only the coordinators in the preparation group can export the reports.',
  export: {
    followUpDescription: 'Written follow-up of the cooperation agreement (Word)',
    followUpTitle: 'Written follow-up',
    followUpFileText: (name: string) =>
      `Here is the written follow-up as a Word file, ${name}. Accept it and I will save it in your OneDrive.`,
    followUpDeclined: 'OK, I will not save a file. Type report when you want it.',
    followUpUploadFailed:
      'I could not save the file in your OneDrive. Nothing has changed. Type report to try again.',
    followUpUnavailable: 'There is no such steering meeting to write the report for.',
    followUpNeedsPersonalChat:
      'The report is a file, and I can send files only in your personal chat with me. Open Apps in Teams, search for Samverkansbot, choose Add and ask again.',
    title: 'Report export',
    fileText:
      'Here are the reports as a CSV file for Excel. Accept the file and I will save it in your OneDrive.',
    allDescription: (reports: number) =>
      `Every report in the cooperation agreement with every version (${reports} rows), semicolon separated.`,
    roundDescription: (round: string, reports: number) =>
      `The reports of the round ${round} with every version (${reports} rows), semicolon separated.`,
    sentToPersonalChat:
      'I have sent the file to our personal chat. Accept it there and I will save it in your OneDrive.',
    unknownRound: (asked: string, rounds: string) =>
      `I can't find a round called "${asked}". The rounds are: ${rounds}.`,
    noRounds: (asked: string) =>
      `I can't find a round called "${asked}". No round has been opened yet; type export for every report.`,
    noReports: 'There are no reports to export yet.',
    decisionsTitle: "Export of the steering group's decisions",
    decisionsFileText:
      "Here are the steering group's decisions as a CSV file for Excel. Accept the file and I will save it in your OneDrive.",
    decisionsDescription: (decisions: number) =>
      `The steering group's decisions (${decisions} rows) with what the measures' owners answered about them, semicolon separated.`,
    noDecisions: 'The steering group has no decisions recorded yet.',
    decisionsNeedPersonalChat:
      'The decisions come as a file, and I can send files only in your personal chat with me. Open Apps in Teams, search for Samverkansbot, choose Add and type export decisions again.',
    noReportsInRound: (round: string) => `There are no reports in the round ${round} yet.`,
    asText: (reports: number) =>
      `You have no personal chat with me, so here are the reports as text (${reports} rows, semicolon separated). For a file for Excel: open Apps in Teams, search for Samverkansbot, choose Add and type export again.`,
    onlyInCoordinatorsChannel: (reports: number) =>
      `The reports (${reports} rows) hold status descriptions, so as text I show them only in the preparation group's channel. To get the file: open Apps in Teams, search for Samverkansbot, choose Add and type export again.`,
    tooLongForMessage: (reports: number) =>
      `The reports (${reports} rows) are too many for a message, so I send them as a file in your personal chat with me. You have no such chat yet: open Apps in Teams, search for Samverkansbot, choose Add and type export again.`,
    uploaded: (name: string) => `Done: ${name} is saved in your OneDrive.`,
    uploadFailed:
      'I could not save the file in your OneDrive. Nothing was changed. Type export to try again.',
    declined: 'All right, I will not save a file. Type export when you want it.',
  },
  status: {
    title: {
      samverkansöverenskommelse: 'Where the cooperation agreement stands',
      medborgarlöfte: 'Where the citizen promise stands',
    },
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
    mineOthers: 'Other measures',
    count: (label: string, n: number) => `${label}: ${n}`,
    mineNone: 'You are not responsible for any measure.',
    due: (round: string) => `To report in the round ${round}`,
    report: (id: string) => `Report ${id}`,
    missingTitle: (round: string) => `Missing reports in the round ${round}`,
    missingNone: (round: string) => `Every measure has reported in the round ${round}.`,
    namesForCoordinators: 'The names of those who have not reported are shown to the coordinators only.',
    notAllowed: "Status is shown to members of the agreement's groups and in channels bound to them.",
  },
  unknownAction: 'I no longer recognise this card. Nothing was changed.',
  language: {
    title: 'Language',
    chosen:
      'I will answer you in English from now on, on cards and forms too. På svenska: skriv **språk sv**.',
    current: (chosen: boolean) =>
      chosen
        ? 'You have chosen English. På svenska: skriv **språk sv**.'
        : "I answer in the language of the command you type, and otherwise in the agreement's language. Type **language en** or **språk sv** and I will remember your choice.",
    unknown: 'I speak Swedish and English: type **language en** or **language sv**.',
  },
  rounds: {
    defaultLabel: (year: number, quarter: number) => `${year} Q${quarter}`,
    monthLabel: (year: number, month: number) =>
      DateTime.fromObject({ year, month }).setLocale('en-GB').toFormat('LLLL yyyy'),
    meetingLabel: (date: string) => `before the steering meeting ${date}`,
    opened: (label: string, measures: number, cards: number, later: string | undefined) =>
      `The round **${label}** is open for ${measures} measures. ${cards} cards ${later ? `will be sent ${later}, when office hours begin,` : 'are being sent now'} to the working groups' channels and the owners' chats.`,
    sendMoment: (iso: string, zone: string) =>
      DateTime.fromISO(iso, { zone: 'utc' })
        .setZone(zone)
        .setLocale('en-GB')
        .toFormat("cccc d LLLL 'at' HH:mm"),
    busy: (rounds: string[]) =>
      `A measure can be in only one open round at a time, and ${rounds.length === 1 ? `the round ${rounds[0]} is open` : `the rounds ${rounds.join(' and ')} are open`}. No new round was opened. To ask everyone again: type **close round** (the newest is closed), then **new round**.`,
    openedNoTargets: (label: string) =>
      `The round **${label}** is open, but no working group's channel is bound and no owner has a personal chat with me, so no cards can be sent. Bind a channel with bind [group].`,
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
    failedTitle: 'Cards that could not be sent, or may not have arrived',
    failedLine: (id: string, where: string) => `**${id}** to ${where}`,
    unconfirmedLine: (id: string, where: string) =>
      `**${id}** to ${where}: sent as I was restarted, with no answer from Teams, so it may not have arrived`,
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
  personalData: {
    onlyCoordinators: 'Only the coordinators in the preparation group can export or erase personal data.',
    missingPerson: 'Say whose data you mean: personal data [name or email].',
    title: 'Personal data',
    unknownPerson: (asked: string) =>
      `I have nothing stored about anyone called "${asked}". Type the full name as Teams shows it, or the person's email address.`,
    unknownEmail: (asked: string) =>
      `I store no email addresses, and Teams knows no one with the address "${asked}" here. Type the person's name instead, or ask in a channel of a team the person belongs to.`,
    chooseTitle: (asked: string) => `Several people are called "${asked}". Whom do you mean?`,
    choiceLine: (name: string, id: string, records: number) =>
      `**${name}**, Entra id ${id}: ${records} records stored`,
    choose: (name: string, id: string) => `${name} (${id.slice(0, 8)}…)`,
    fileText:
      'Here is the personal data as a JSON file. Accept it and I will save it in your OneDrive; then hand it to the person securely.',
    fileDescription: (name: string) => `Everything Samverkansbot stores about ${name} (JSON, UTF-8).`,
    fileAbout: (name: string) =>
      `Personal data Samverkansbot stores about ${name}, for a request for access under the GDPR, article 15. Times in the records are UTC.`,
    fileName: (person: string, date: string) => `personal-data-${person}-${date}.json`,
    needsPersonalChat:
      'The personal data is a file, and I can send files only in your personal chat with me. Open Apps in Teams, search for Samverkansbot, choose Add and ask again.',
    nothingStored: 'I have nothing stored about that person any more.',
    eraseTitle: (name: string) => `Erase the personal data about ${name}?`,
    eraseIntro:
      'The person\'s name, Entra id and Teams id are replaced by "Erased person" in everything below, and what only served to reach the person (the personal chat, cards and reminders sent there) is deleted. This cannot be undone.',
    counts: {
      reports: 'Report revisions the person wrote',
      measures: 'Retired measures with the person as owner',
      bindings: 'Channel bindings the person made',
      audit: 'Entries in the audit log',
      reviewAnswers: 'Answers to the mid-term review',
      rounds: 'Rounds the person opened',
      conversations: 'Stored chats and channels (the personal chat is deleted)',
      deliveries: 'Cards and reminders to the personal chat (deleted)',
      languageChoice: 'Chosen language (deleted)',
      agreementChoice: 'Chosen agreement (deleted)',
      decisions: 'Steering group decisions the person recorded, changed or is responsible for',
    },
    contentsKept:
      "What the reports and answers say is kept: it is the organisations' follow-up of the measures, not data about the person. If the text itself names the person, that stays.",
    eraseButton: 'Erase the personal data',
    stillOwns: (name: string, measures: string) =>
      `${name} still owns ${measures}. Give the measures to someone else with edit [measure], or retire them with retire [measure], then erase. Nothing was erased.`,
    stillMember: (name: string, groups: string, file: string) =>
      `${name} is a member of ${groups} in the agreement file (${file}). Remove the person there and restart the bot, then erase. Nothing was erased.`,
    erasedTitle: 'The personal data is erased',
    erased: (summary: string) =>
      `Done. ${summary}. The person is now called "Erased person" wherever they appeared; what was written is kept.`,
    stillInFile: (file: string, places: string) =>
      `The agreement file (${file}) still names the person (${places}). Remove the person from the file too: I will not bring the person back from it, but the file still holds the name and id.`,
    nothingLeft: 'There was nothing left to erase about that person. Nothing was changed.',
    badCard:
      'I no longer recognise this card. Type erase personal data [name] to start again. Nothing was changed.',
    erasedName: 'Erased person',
    declined: 'All right, I will not save a file. Type personal data [name] when you want it.',
    uploadFailed: 'I could not save the file in your OneDrive. Type personal data [name] to try again.',
  },
  dateTime: (iso: string, zone: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale('en-GB').toFormat("d LLL yyyy 'at' HH:mm"),
};

const catalogs: Record<Locale, Messages> = { sv, en };

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}
