import { z } from 'zod';
import { effectiveValidTo } from '../../domain/roundSchedule.js';
import type { Agreement } from '../../domain/agreement.js';
import type { Locale } from '../../domain/locale.js';
import type { Plan } from '../../domain/plan.js';
import { normalizeForMatching } from '../../domain/wordMatching.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { agreementTextsFor } from './agreementTexts.js';

/** The verb of the choice card's button; the Teams edge runs it, since it runs the command asked about. */
export const chooseAgreementVerb = 'agreement.choose';

/** What the choice card's button sends: the command as typed, and the agreement chosen. */
export const choiceData = z.object({
  command: z.string().max(500),
  chosenAgreement: z.string().min(1).max(63),
});

/**
 * An agreement as people know it: its title, its kind unless the title says it, its period (years when it runs
 * whole years) unless the title says it, and "ended" once it has.
 */
export function agreementName(agreement: Agreement, locale: Locale, today: string): string {
  const texts = agreementTextsFor(locale);
  const validTo = effectiveValidTo(agreement);
  const kind = texts.kind[agreement.kind];
  const titled = normalizeForMatching(agreement.title).includes(normalizeForMatching(kind));
  const [fromYear, toYear] = [agreement.validFrom.slice(0, 4), validTo.slice(0, 4)];
  const wholeYears = agreement.validFrom.endsWith('-01-01') && validTo.endsWith('-12-31');
  const period = !wholeYears
    ? `${agreement.validFrom} – ${validTo}`
    : fromYear === toYear
      ? fromYear
      : `${fromYear}–${toYear}`;
  const about = [...(titled ? [] : [kind]), ...(agreement.title.includes(period) ? [] : [period])];
  return texts.named(agreement.title, about, today > validTo);
}

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
