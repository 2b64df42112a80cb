import type { OwnerOrganisation } from '../domain/agreement.js';
import type { Cadence } from '../domain/agreement.js';
import type { Locale } from '../domain/locale.js';

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
      command: 'koppla <grupp>',
      description: 'Kopplar den här kanalen till en grupp i överenskommelsen (bara samordnare).',
    },
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
    {
      command: 'bind <group>',
      description: 'Binds this channel to a group of the agreement (coordinators only).',
    },
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
};

const catalogs: Record<Locale, Messages> = { sv, en };

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}
