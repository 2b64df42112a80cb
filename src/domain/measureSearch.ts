import { distance } from 'fastest-levenshtein';
import type { Measure } from './agreement.js';
import { normalizeForMatching, typoTolerance } from './wordMatching.js';

/** What a person's words point at: one measure, several equally likely ones, or none. */
export type MeasureMatch =
  | { kind: 'found'; measure: Measure }
  /** At most ten, best first. */
  | { kind: 'ambiguous'; candidates: Measure[] }
  /** At most three, closest by name first; empty when nothing comes close. */
  | { kind: 'unknown'; suggestions: Measure[] };

const maxCandidates = 10;
const maxSuggestions = 3;

/** Words people put before a measure's number: "insats 1.2", "measure 1.2", "nr 1.2". */
const numberPrefixes = new Set(['insats', 'insatsen', 'measure', 'atgard', 'atgarden', 'nr', 'nummer', 'no']);
const measureNumber = /^(\d{1,2})\.(\d{1,3})\.?$/;

/**
 * Finds a measure by what a person typed: its number ("1.2", "1,2", "insats 1.2"), or a part of its title
 * forgiving case, diacritics and small typos. Every typed word must match a word of the title: the same
 * word, the start of one ("trygghetsvandring" → "Trygghetsvandringar"), a part of a compound
 * ("vandring"), or one within a small Levenshtein distance ("ordnigsvakter" → "Ordningsvakter"). Exactly
 * one best match → found; several equally good → ambiguous; none → unknown with the closest titles.
 */
export function findMeasure(measures: readonly Measure[], query: string): MeasureMatch {
  // "1,2" is how a Swedish keyboard writes 1.2; normalizing alone would split it at the comma.
  const words = normalizeForMatching(query.replace(/(\d)\s*,\s*(\d)/g, '$1.$2'))
    .split(' ')
    .filter((w) => w !== '');
  if (words.length === 0) return { kind: 'unknown', suggestions: [] };

  const numbered = findByNumber(measures, words);
  if (numbered.match) return numbered.match;
  return findByTitle(measures, numbered.rest);
}

/**
 * A measure number, after any "insats"/"measure" before it. A number that exists decides, whatever words
 * follow it; a number alone that does not exist suggests the measures of its goal area. Otherwise the words
 * after the number (or all of them) are left for the title search.
 */
function findByNumber(
  measures: readonly Measure[],
  words: readonly string[],
): { match?: MeasureMatch; rest: readonly string[] } {
  let start = 0;
  while (start < words.length - 1 && numberPrefixes.has(words[start] ?? '')) start += 1;
  const number = measureNumber.exec(words[start] ?? '');
  if (!number) return { rest: words };

  const [, goalArea = '', index = ''] = number;
  const id = `${Number(goalArea)}.${Number(index)}`;
  const measure = measures.find((m) => m.id === id);
  if (measure) return { match: { kind: 'found', measure }, rest: [] };
  const rest = words.slice(start + 1);
  if (rest.length > 0) return { rest };
  const sameGoalArea = measures.filter((m) => m.goalArea === Number(goalArea)).slice(0, maxSuggestions);
  return { match: { kind: 'unknown', suggestions: sameGoalArea }, rest: [] };
}

function findByTitle(measures: readonly Measure[], words: readonly string[]): MeasureMatch {
  if (words.length === 0) return { kind: 'unknown', suggestions: [] };
  const wholeQuery = words.join(' ');
  const matches: Array<{ measure: Measure; cost: number }> = [];
  const near: Array<{ measure: Measure; closeness: number }> = [];

  for (const measure of measures) {
    const title = normalizeForMatching(measure.title);
    // The whole title, typed out, beats every measure whose title merely contains it.
    if (title === wholeQuery) return { kind: 'found', measure };
    const titleWords = title.split(' ');
    const cost = titleCost(words, titleWords);
    if (cost !== undefined) matches.push({ measure, cost });
    else {
      const closeness = nearness(words, titleWords);
      if (closeness !== undefined) near.push({ measure, closeness });
    }
  }

  // Array.prototype.sort is stable, so equal costs keep the order of the action plan.
  matches.sort((a, b) => a.cost - b.cost);
  const [best, second] = matches;
  if (best && (!second || second.cost > best.cost)) return { kind: 'found', measure: best.measure };
  if (best) return { kind: 'ambiguous', candidates: matches.slice(0, maxCandidates).map((m) => m.measure) };

  near.sort((a, b) => a.closeness - b.closeness);
  return { kind: 'unknown', suggestions: near.slice(0, maxSuggestions).map((n) => n.measure) };
}

/** The cost of matching every typed word to the title, lower is better; undefined when one does not match. */
function titleCost(words: readonly string[], titleWords: readonly string[]): number | undefined {
  let total = 0;
  for (const word of words) {
    let best: number | undefined;
    for (const titleWord of titleWords) {
      const cost = wordCost(word, titleWord);
      if (cost !== undefined && (best === undefined || cost < best)) best = cost;
      if (best === 0) break;
    }
    if (best === undefined) return undefined;
    total += best;
  }
  return total;
}

/**
 * 0 for the same word, 1 for the start of a word, 2 for a part of a compound (Swedish joins words:
 * "trygghetsvandringar"), 2 + the number of edits for a small typo, in the word or in its start.
 */
function wordCost(word: string, titleWord: string): number | undefined {
  if (word === titleWord) return 0;
  if (word.length >= 3 && titleWord.startsWith(word)) return 1;
  if (word.length >= 4 && titleWord.includes(word)) return 2;
  const tolerance = typoTolerance(word);
  if (tolerance === 0) return undefined;
  const edits = typoDistance(word, titleWord);
  return edits <= tolerance ? 2 + edits : undefined;
}

/** Edits between a typed word and a title word, or the start of it as long as what was typed. */
function typoDistance(word: string, titleWord: string): number {
  const whole = distance(word, titleWord);
  if (titleWord.length <= word.length) return whole;
  return Math.min(whole, distance(word, titleWord.slice(0, word.length)));
}

/**
 * How close a title comes when it does not match: the summed edits of each typed word to its nearest title
 * word. A title is only near when some typed word is at most half wrong, so noise suggests nothing.
 */
function nearness(words: readonly string[], titleWords: readonly string[]): number | undefined {
  let total = 0;
  let anyClose = false;
  for (const word of words) {
    let best = word.length;
    for (const titleWord of titleWords) best = Math.min(best, typoDistance(word, titleWord));
    if (word.length >= 3 && best <= Math.floor(word.length / 2)) anyClose = true;
    total += best;
  }
  return anyClose ? total : undefined;
}
