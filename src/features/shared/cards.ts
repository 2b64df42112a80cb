import { Template } from 'adaptivecards-templating';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Card templates live as JSON in `cards/`; code only builds the data that fills them. */
const cardsDir = fileURLToPath(new URL('../../../cards/', import.meta.url));

/**
 * Every template and the root-level fields it binds (its `${…}` outside repeats): the data `renderCard` needs.
 * test/bot/cardTemplates.test.ts holds these lists to cards/*.json, so a field a template binds and no view
 * gives fails a test, and a view that leaves one out fails to compile.
 */
export const cardFields = {
  agreementChoice: ['button', 'choices', 'command', 'label', 'required', 'text', 'title'],
  checkInForm: [
    'baseRevision',
    'decisions',
    'decisionsHeading',
    'draft',
    'heading',
    'indicator',
    'labels',
    'latest',
    'measureId',
    'notice',
    'noticeColor',
    'problems',
    'refreshUserIds',
    'roundId',
    'statuses',
    'subheading',
    'submitId',
  ],
  checkInView: [
    'hasReport',
    'heading',
    'labels',
    'measureId',
    'mentions',
    'notice',
    'noticeColor',
    'owners',
    'refreshUserIds',
    'report',
    'roundId',
    'subheading',
  ],
  decisionForm: [
    'choices',
    'decisionId',
    'draft',
    'heading',
    'intro',
    'labels',
    'meetingDate',
    'mode',
    'notice',
    'noticeColor',
    'problems',
    'recorded',
    'revision',
    'submitId',
    'submitTitle',
    'verb',
  ],
  decisions: ['buttons', 'empty', 'footer', 'notice', 'noticeColor', 'sections', 'title'],
  help: ['channel', 'coordinator', 'groups', 'groupsLabel', 'intro', 'sections', 'title'],
  measureForm: [
    'base',
    'cadences',
    'draft',
    'goalAreas',
    'heading',
    'labels',
    'measureId',
    'mode',
    'notice',
    'noticeColor',
    'organisations',
    'people',
    'problems',
    'version',
    'workingGroups',
  ],
  measures: ['goalAreas', 'note', 'title'],
  meetingSummary: [
    'decisions',
    'goal',
    'goalAreas',
    'meeting',
    'note',
    'reportButton',
    'subtitle',
    'title',
    'trends',
  ],
  missingReports: ['failed', 'failedTitle', 'intro', 'missing', 'title'],
  notice: ['text', 'title'],
  personalData: ['buttons', 'facts', 'hasFacts', 'intro', 'lines', 'note', 'title'],
  review: ['intro', 'organisationLabel', 'organisations', 'questions', 'required', 'save', 'title'],
  status: ['buttons', 'computed', 'footer', 'pageInfo', 'round', 'sections', 'title'],
  welcome: ['agreement', 'intro', 'next', 'title'],
} as const;

export type CardName = keyof typeof cardFields;

/** The data a template needs: every field it binds, and any others the view carries along. */
export type CardData<N extends CardName> = { [F in (typeof cardFields)[N][number]]: unknown };

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

export function renderCard<N extends CardName>(name: N, data: CardData<N>): AdaptiveCardJson {
  const template = templates.get(name);
  if (!template) throw new Error(`No card template cards/${name}.json`);
  return template.expand({ $root: data }) as AdaptiveCardJson;
}
