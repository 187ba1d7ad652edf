/**
 * Checks shared by every public options object: unknown keys (with a did-you-mean), non-negative
 * numbers, and the typo-distance helpers the CLI uses for flags and values too.
 */
import { ValueError } from './errors.js';

/** Levenshtein distance (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The candidate closest to `word`, if it is a plausible typo: the one candidate that starts with
 * (or contains) `word`, else the nearest by edit distance when at most about a third of it differs.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
    const containing = candidates.filter((c) => c.toLowerCase().includes(w));
    if (prefixed.length === 0 && containing.length === 1) return containing[0];
  }
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  if (bestD <= limit) return best;
  // 'epsilon' for 'eps': the word extends exactly one candidate.
  const extended = candidates.filter((c) => c.length >= 3 && w.startsWith(c.toLowerCase()));
  return extended.length === 1 ? extended[0] : undefined;
}

/** Throws unless `v` is a finite number ≥ 0, naming where and which option; returns it. */
export function checkNonNegative(where: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ValueError(`${where}: ${key} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return v;
}

/**
 * Throws a ValueError when `options` is not a plain object or holds a key outside `allowed`:
 * `fit: unknown option 'weightdecay' (did you mean 'weightDecay'?); options are: ...`.
 * `undefined` and `null` pass (the caller's defaults apply). Returns the object for chaining.
 */
export function checkOptionKeys<T>(where: string, options: T, allowed: readonly string[]): T {
  if (options === undefined || options === null) return options;
  if (typeof options !== 'object' || Array.isArray(options)) {
    const got = Array.isArray(options) ? 'an array' : typeof options;
    throw new ValueError(`${where}: options must be an object, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const c = closest(key, allowed);
    const hint = c === undefined ? '' : ` (did you mean '${c}'?)`;
    throw new ValueError(`${where}: unknown option '${key}'${hint}; options are: ${allowed.join(', ')}`);
  }
  return options;
}
