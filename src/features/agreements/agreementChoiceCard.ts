import { z } from 'zod';
import { effectiveValidTo } from '../../domain/roundSchedule.js';
import type { Agreement } from '../../domain/agreement.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { agreementTextsFor } from './agreementTexts.js';

/** The verb of the choice card's button; the Teams edge runs it, since it runs the command asked about. */
export const chooseAgreementVerb = 'agreement.choose';

/** What the choice card's button sends: the command as typed, and the agreement chosen. */
export const choiceData = z.object({
  command: z.string().max(500),
  chosenAgreement: z.string().min(1).max(63),
});

/** An agreement as people know it: its title, kind and period, and "ended" once it has. */
export function agreementName(agreement: Agreement, locale: Locale, today: string): string {
  const texts = agreementTextsFor(locale);
  const validTo = effectiveValidTo(agreement);
  return texts.named(
    agreement.title,
    texts.kind[agreement.kind],
    agreement.validFrom,
    validTo,
    today > validTo,
  );
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
    text: texts.chooseText(words, plans[0]?.agreement.id ?? ''),
    label: texts.chooseLabel,
    required: texts.chooseRequired,
    choices: plans.map((p) => ({ title: agreementName(p.agreement, locale, today), value: p.agreement.id })),
    button: texts.chooseButton,
    command: command.slice(0, 500),
  });
}
