/**
 * Words reduced to comparable stems, so "priced" meets a `purchasePrice` parameter and "monthly"
 * meets "a month". Porter stems (the `stemmer` package), with a final "li" dropped so adverbs
 * and adjectives in -ly meet their noun ("monthli" → "month").
 */
import { stemmer } from 'stemmer';

/** Words too common to tell one tool from another. */
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from into about as is are was were be ' +
    'been being am do does did have has had i me my mine you your yours we us our it its this that ' +
    'these those there here he she they them their his her what which who whom when where why how ' +
    'can could will would shall should may might must not no yes please just also very some any all ' +
    'each every once only own same than too up down out over under again further use used using get ' +
    'got like want need would let lets make one two per e g eg etc thing things someone something'
  ).split(' '),
);

/** The stem of one lower-case word. */
export function stemOf(word: string): string {
  const stem = stemmer(word.toLowerCase());
  return stem.length > 4 && stem.endsWith('li') ? stem.slice(0, -2) : stem;
}

/** Splits identifiers and prose into lower-case words: `purchasePrice` → purchase, price. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** The distinct stems of the meaningful words of `text` (no stopwords, no bare numbers). */
export function stemsOf(text: string): Set<string> {
  const stems = new Set<string>();
  for (const word of wordsOf(text)) {
    if (STOPWORDS.has(word) || /^\p{N}+$/u.test(word) || word.length < 2) continue;
    stems.add(stemOf(word));
  }
  return stems;
}
