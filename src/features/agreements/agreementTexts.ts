import type { AgreementKind } from '../../domain/agreement.js';
import type { Locale } from '../../domain/locale.js';

/** What the bot says about which agreement a message is about, in Swedish and English. */
const sv = {
  kind: {
    samverkansöverenskommelse: 'samverkansöverenskommelse',
    medborgarlöfte: 'medborgarlöfte',
  } satisfies Record<AgreementKind, string>,
  /** An agreement as a choice or a heading: its title, then its kind (when the title does not say it), period, end. */
  named: (title: string, about: string[], ended: boolean) =>
    [title, [...about, ...(ended ? ['avslutad'] : [])].join(', ')].filter((x) => x !== '').join(' · '),
  chooseTitle: 'Vilken överenskommelse?',
  chooseText: (command: string, example: string) =>
    `Du är med i flera överenskommelser. Välj den som **${command}** gäller, så kommer jag ihåg valet. Du kan också skriva namnet efter kommandot, till exempel **${command} ${example}**.`,
  chooseLabel: 'Överenskommelse',
  chooseRequired: 'Välj en överenskommelse.',
  chooseButton: 'Välj',
  chosenTitle: 'Överenskommelse vald',
  chosen: (name: string) => `Jag svarar om ${name} tills du väljer en annan.`,
  unknownChoice: 'Den överenskommelsen finns inte här längre. Skriv kommandot igen.',
  mineNone: 'Du är inte ansvarig för någon insats i någon överenskommelse.',
};

export type AgreementTexts = typeof sv;

const en: AgreementTexts = {
  kind: {
    samverkansöverenskommelse: 'cooperation agreement',
    medborgarlöfte: 'citizen promise',
  },
  named: (title, about, ended) =>
    [title, [...about, ...(ended ? ['ended'] : [])].join(', ')].filter((x) => x !== '').join(' · '),
  chooseTitle: 'Which agreement?',
  chooseText: (command, example) =>
    `You take part in several agreements. Choose the one **${command}** is about and I will remember it. You can also type its name after the command, for example **${command} ${example}**.`,
  chooseLabel: 'Agreement',
  chooseRequired: 'Choose an agreement.',
  chooseButton: 'Choose',
  chosenTitle: 'Agreement chosen',
  chosen: (name) => `I will answer about ${name} until you choose another.`,
  unknownChoice: 'That agreement is no longer here. Type the command again.',
  mineNone: 'You are not responsible for a measure in any agreement.',
};

export function agreementTextsFor(locale: Locale): AgreementTexts {
  return locale === 'en' ? en : sv;
}
