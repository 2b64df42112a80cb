import { Template } from 'adaptivecards-templating';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Card templates live as JSON in `cards/`; code only builds the data that fills them. */
const cardsDir = fileURLToPath(new URL('../../cards/', import.meta.url));

export type CardName =
  | 'welcome'
  | 'help'
  | 'measures'
  | 'notice'
  | 'checkInForm'
  | 'checkInView'
  | 'missingReports'
  | 'status'
  | 'measureForm'
  | 'meetingSummary'
  | 'review'
  | 'personalData';

/**
 * Each template is parsed once: `new Template` parses every `${…}` expression (about 2 ms for a check-in card),
 * while `expand` only evaluates them (about 0.05 ms) and builds a new card each time, sharing nothing with the
 * template or earlier cards.
 */
const templates = new Map<string, Template>(
  readdirSync(cardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.slice(0, -'.json'.length), new Template(JSON.parse(readFileSync(cardsDir + f, 'utf8')))]),
);

export type AdaptiveCardJson = Record<string, unknown>;

export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  const template = templates.get(name);
  if (!template) throw new Error(`No card template cards/${name}.json`);
  return template.expand({ $root: data }) as AdaptiveCardJson;
}
