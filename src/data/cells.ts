/**
 * How a table cell is read, shared by `loadTable` and the CLI (which must read new data exactly as
 * training data was read): numbers, labels, missing values, and how cells appear in messages.
 */

export { showCell } from '../errors.js';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number written in decimal notation (surrounding whitespace allowed); null if the cell is not one. */
export function cellNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!NUMBER_RE.test(s)) return null;
    const x = Number(s);
    return Number.isFinite(x) ? x : null;
  }
  return null;
}

/** A cell as a category or label (trimmed text), or null for values that are neither. */
export function cellText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}

/** `"a", "b", "c"` for messages (at most `max` names, then how many there are in all). */
export function quoteList(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map((s) => JSON.stringify(s));
  return names.length > max ? `${shown.join(', ')}, ... (${names.length} in all)` : shown.join(', ');
}

/** Default strings read as missing values: empty, NA, N/A, NaN, null, "." and "?". */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', '.', '?'];

/**
 * The "is this cell missing?" test for a list of missing-value strings (compared after trimming,
 * case-insensitively); `null`, `undefined` and NaN are always missing.
 */
export interface MissingRule {
  /** Whether a cell value is missing. */
  (v: unknown): boolean;
  /** Whether a trimmed text is one of the missing-value strings. */
  text(s: string): boolean;
  /** Whether some missing-value string reads as a number (then numbers must be compared as text too). */
  numeric: boolean;
}

/** A {@link MissingRule} for `values` (default {@link DEFAULT_MISSING_VALUES}). */
export function missingRule(values: readonly string[] = DEFAULT_MISSING_VALUES): MissingRule {
  const set = new Set(values.map((s) => s.trim().toLowerCase()));
  const text = (s: string): boolean => set.has(s.toLowerCase());
  const rule = (v: unknown): boolean =>
    v === null ||
    v === undefined ||
    (typeof v === 'number' && Number.isNaN(v)) ||
    (typeof v === 'string' && text(v.trim()));
  return Object.assign(rule, { text, numeric: [...set].some((s) => cellNumber(s) !== null) });
}

/** Whether a cell is missing under the default rule ({@link DEFAULT_MISSING_VALUES}). */
export const isMissing: MissingRule = missingRule();
