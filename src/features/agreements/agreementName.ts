import type { Agreement } from '../../domain/agreement.js';
import type { Locale } from '../../domain/locale.js';
import { effectiveValidTo } from '../../domain/roundSchedule.js';
import { normalizeForMatching } from '../../domain/wordMatching.js';
import { agreementTextsFor } from './agreementTexts.js';

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
