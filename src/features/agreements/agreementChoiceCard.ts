import { z } from 'zod';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { agreementName } from './agreementName.js';
import { agreementTextsFor } from './agreementTexts.js';

/** The verb of the choice card's button; the Teams edge runs it, since it runs the command asked about. */
export const chooseAgreementVerb = 'agreement.choose';

/** What the choice card's button sends: the command as typed, and the agreement chosen. */
export const choiceData = z.object({
  command: z.string().max(500),
  chosenAgreement: z.string().min(1).max(63),
});

/** How a person can name an agreement after a command: its kind when no other candidate shares it, else its id. */
function nameToType(plans: readonly Plan[], locale: Locale): string {
  const [first] = plans;
  if (!first) return '';
  const kind = first.agreement.kind;
  const unique = plans.filter((p) => p.agreement.kind === kind).length === 1;
  return unique ? agreementTextsFor(locale).kind[kind] : first.agreement.id;
}

/** Asks which agreement a command is about; the choice comes back with the command, which then runs there. */
export function agreementChoiceCard(
  plans: readonly Plan[],
  command: string,
  locale: Locale,
  today: string,
): AdaptiveCardJson {
  const texts = agreementTextsFor(locale);
  const words = command.trim() || '…';
  return renderCard('agreementChoice', {
    title: texts.chooseTitle,
    text: texts.chooseText(words, nameToType(plans, locale)),
    label: texts.chooseLabel,
    required: texts.chooseRequired,
    choices: plans.map((p) => ({ title: agreementName(p.agreement, locale, today), value: p.agreement.id })),
    button: texts.chooseButton,
    command: command.slice(0, 500),
  });
}
