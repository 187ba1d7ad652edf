/**
 * Reading the CLI's input files (CSV, or JSON arrays of row objects) into a uniform row source,
 * resolving column names with helpful errors, and encoding feature rows for prediction with the
 * preprocessing saved in a model file.
 */
import { extname, resolve } from 'node:path';
import { cellNumber, cellText, quoteList, showCell } from '../../data/cells.js';
import { parseCsv } from '../../data/csv.js';
import { DEFAULT_MISSING_VALUES } from '../../data/table.js';
import { FormatError } from '../../errors.js';
import { closest } from '../../options.js';
import { readFileBytes } from '../fs.js';
import { DataError } from './errors.js';

/** The rows of an input file behind a cell accessor. */
export interface RowSource {
  /** The path as the user wrote it (for messages). */
  path: string;
  format: 'csv' | 'json';
  /** Column names (CSV header, or the union of the objects' keys in first-seen order). */
  columns: string[];
  /** Number of data rows. */
  n: number;
  /** Cell of data row `row` (0-based) in column `column`; undefined when a JSON row lacks the key. */
  get(row: number, column: string): unknown;
  /** The 1-based position reported to users: the CSV line, or the index in the JSON array + 1. */
  position(row: number): number;
  /** `line` (CSV) or `row` (JSON), for messages. */
  unit: 'line' | 'row';
  /** The input in the form `loadTable` accepts. */
  loadable: string | Record<string, unknown>[];
}

/** Reads `path` (relative to `cwd`) as CSV or as a JSON array of row objects. */
export async function readRows(path: string, cwd: string): Promise<RowSource> {
  const bytes = await readFileBytes(resolve(cwd, path));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${path}: the file is not UTF-8 text`);
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new DataError(`${path}: the file is empty`);
  const ext = extname(path).toLowerCase();
  const looksJson = /^\s*[[{]/.test(text.replace(/^\uFEFF/, ''));
  if (ext === '.json' || (ext !== '.csv' && ext !== '.txt' && looksJson)) return jsonSource(path, text);
  return csvSource(path, text);
}

function csvSource(path: string, text: string): RowSource {
  let csv: ReturnType<typeof parseCsv>;
  try {
    csv = parseCsv(text);
  } catch (err) {
    if (err instanceof FormatError) throw new DataError(`${path}: ${err.message.replace(/^parseCsv: /, '')}`);
    throw err;
  }
  if (csv.rows.length === 0) throw new DataError(`${path}: the file has a header line but no data rows`);
  const index = new Map(csv.header.map((c, i) => [c, i] as const));
  return {
    path,
    format: 'csv',
    columns: csv.header,
    n: csv.rows.length,
    get: (r, c) => csv.rows[r][index.get(c) as number],
    position: (r) => csv.lines[r],
    unit: 'line',
    loadable: text,
  };
}

function jsonSource(path: string, text: string): RowSource {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DataError(`${path}: invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) {
    throw new DataError(
      `${path}: expected a JSON array of row objects, got ${data === null ? 'null' : typeof data}`,
    );
  }
  if (data.length === 0) throw new DataError(`${path}: the JSON array holds no rows`);
  const columns: string[] = [];
  const seen = new Set<string>();
  data.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DataError(
        `${path}: element ${i + 1} of the JSON array is not an object (one object per row)`,
      );
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  });
  const rows = data as Record<string, unknown>[];
  return {
    path,
    format: 'json',
    columns,
    n: rows.length,
    get: (r, c) => (Object.hasOwn(rows[r], c) ? rows[r][c] : undefined),
    position: (r) => r + 1,
    unit: 'row',
    loadable: rows,
  };
}

const MISSING = new Set(DEFAULT_MISSING_VALUES.map((s) => s.trim().toLowerCase()));

/** Whether a cell counts as missing (the same rule as `loadTable`'s defaults). */
export function isMissing(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === 'number' && Number.isNaN(v)) ||
    (typeof v === 'string' && MISSING.has(v.trim().toLowerCase()))
  );
}

export { cellNumber, cellText, quoteList, showCell };

/**
 * The column of `source` named `name`: an exact match, else the one column equal up to
 * surrounding whitespace and case. `flag` names the option that mentioned it.
 *
 * @throws DataError listing the available columns (and the closest name) when there is none.
 */
export function resolveColumn(source: RowSource, name: string, flag: string): string {
  if (source.columns.includes(name)) return name;
  const norm = (s: string) => s.trim().toLowerCase();
  const near = source.columns.filter((c) => norm(c) === norm(name));
  if (near.length === 1) return near[0];
  const c = closest(name, source.columns);
  const hint = c === undefined ? '' : ` Did you mean ${JSON.stringify(c)}?`;
  throw new DataError(
    `${source.path}: unknown column ${JSON.stringify(name)} (${flag}).${hint} Available columns: ${quoteList(source.columns)}`,
  );
}

/**
 * Checks that every non-missing value of the numeric feature columns is a number, so the error
 * names the CLI option that fixes it (`--categorical`).
 *
 * @throws DataError naming column, line (or row) and value.
 */
export function checkNumericColumns(source: RowSource, columns: readonly string[]): void {
  for (let r = 0; r < source.n; r++) {
    for (const c of columns) {
      const v = source.get(r, c);
      if (isMissing(v) || cellNumber(v) !== null) continue;
      throw new DataError(
        `${source.path}: column ${JSON.stringify(c)}, ${source.unit} ${source.position(r)}: value ${showCell(v)} is not a number. ` +
          `If the column holds categories, add it to --categorical to one-hot encode it`,
      );
    }
  }
}
