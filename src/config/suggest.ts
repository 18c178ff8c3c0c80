/**
 * Near-match helpers for names in the config: edit distance for typos, and word stems so that
 * `message-router` meets `message-routing` and `supervisor` meets `supervision`.
 */

/** Returns the optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** Returns the largest edit distance read as a typo: 1 for short names, 2 from 8 characters on. */
export function typoBudget(name: string): number {
  return name.length >= 8 ? 2 : 1;
}

/**
 * Returns the candidate nearest to `name` within its typo budget, ignoring case and treating `-`
 * and `_` alike; undefined when none is that close.
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalize(name);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance <= typoBudget(wanted) && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** Formats ` (did you mean "x"?)` for a message, or an empty string without a near match. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = nearest(name, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/** Lowercases a name and writes `_` as `-`. */
export function normalize(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

// Ordered longest first so that `-ation` wins over `-ion`.
const SUFFIXES = ['ation', 'ment', 'ing', 'ion', 'er', 'or', 'es', 's', 'e'];

/** Reduces one word to a crude stem: `routing`, `router` → `rout`; `supervisor` → `supervis`. */
export function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix))
      return word.slice(0, -suffix.length);
  }
  return word;
}

/** Splits a name into the stems of its words, in order. */
export function stems(name: string): string[] {
  return normalize(name)
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .map(stem);
}

/** True when two names have the same word stems in the same order. */
export function hasSameStems(a: string, b: string): boolean {
  const left = stems(a);
  const right = stems(b);
  return left.length === right.length && left.every((word, i) => word === right[i]);
}
