/**
 * How a table cell is read, shared by `loadTable` and the CLI (which must read new data exactly as
 * training data was read): numbers, labels, missing values, and how cells appear in messages.
 */

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

/** A cell for messages: strings quoted, numbers as written, other values as JSON. */
export function showCell(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** `"a", "b", "c"` for messages (at most `max` names, then how many there are in all). */
export function quoteList(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map((s) => JSON.stringify(s));
  return names.length > max ? `${shown.join(', ')}, ... (${names.length} in all)` : shown.join(', ');
}
