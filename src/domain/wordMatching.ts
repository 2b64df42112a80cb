import { distance } from 'fastest-levenshtein';

/** Lower case, no diacritics, dashes as spaces, single spaces: "Hjälp!" and "hjalp" mean the same. */
export function normalizeForMatching(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[-_]+/g, ' ')
      // "1,2" is how a Swedish keyboard writes measure 1.2.
      .replace(/(\d),(\d)/g, '$1.$2')
      .replace(/[^\p{L}\p{N}. ]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * Fixes a small typo in a command word against a list of known words: an exact match (forgiving case and
 * diacritics) first, then the closest within distance 1 for words of 4–5 letters and 2 for 6 or more
 * ("stauts" → "status", "sakans" → "saknas"). Words of three letters or fewer are only matched exactly, and a
 * tie between two known words gives undefined rather than a guess.
 */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  const wanted = normalizeForMatching(word);
  if (wanted === '') return undefined;
  const normalized = known.map((k) => normalizeForMatching(k));
  const exact = normalized.indexOf(wanted);
  if (exact >= 0) return known[exact];

  const tolerance = typoTolerance(wanted);
  let best: { index: number; distance: number; tied: boolean } | undefined;
  normalized.forEach((candidate, index) => {
    const d = distance(wanted, candidate);
    if (d > tolerance) return;
    if (!best || d < best.distance) best = { index, distance: d, tied: false };
    else if (d === best.distance && candidate !== normalized[best.index]) best.tied = true;
  });
  if (!best || best.tied) return undefined;
  return known[best.index];
}

/** How many edits still count as a typo: none for short words, where one edit makes another word. */
export function typoTolerance(word: string): number {
  if (word.length <= 3) return 0;
  if (word.length <= 5) return 1;
  return 2;
}
