/**
 * Reading the CLI's input files (CSV, streamed; or JSON arrays of row objects) into the same
 * {@link RowSource} that `loadTable` reads, resolving column names with errors that name the
 * flag, and turning a {@link CellError} into a message that names the flag which fixes it.
 */
import { open } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { cellNumber, cellText, isMissing, quoteList, showCell } from '../../data/cells.js';
import { detectDelimiter, LIKELY_DELIMITERS } from '../../data/csv.js';
import {
  type RowSource as DataRowSource,
  matchColumn,
  objectRows,
  readDecimalCommas,
  unknownColumnHint,
} from '../../data/row-source.js';
import { type CellError, cellErrorText, FormatError } from '../../errors.js';
import { readFileBytes } from '../fs.js';
import { readCsvFile } from '../rows.js';
import { DataError, UsageError } from './errors.js';

/** The rows of an input file, the path as the user wrote it (for messages) and its CSV delimiter. */
export type RowSource = DataRowSource & { readonly path: string; readonly delimiter?: string };

/** How CSV cells are written: `--delimiter` (undefined: detected) and `--decimal`. */
export interface Dialect {
  delimiter?: string;
  decimal: '.' | ',';
}

/** The bytes {@link readRows} looks at to tell JSON from CSV and to detect the delimiter. */
const HEAD_BYTES = 1 << 16;

/**
 * Reads `path` (relative to `cwd`) as CSV (streamed) or as a JSON array of row objects: a `.json`
 * name, or any name but `.csv`/`.tsv`/`.txt` whose content starts with `[` or `{`. The CSV
 * delimiter is `dialect.delimiter`, else a tab for `.tsv`, else detected from the first lines.
 *
 * @throws DataError or FormatError naming the path: empty, not UTF-8, malformed, no data rows;
 *   UsageError for a decimal comma with a comma delimiter.
 */
export async function readRows(
  path: string,
  cwd: string,
  dialect: Dialect = { decimal: '.' },
): Promise<RowSource> {
  const full = resolve(cwd, path);
  const ext = extname(path).toLowerCase();
  const head = await fileHead(full);
  const json = ext === '.json' || (!['.csv', '.tsv', '.txt'].includes(ext) && /^\uFEFF?\s*[[{]/.test(head));
  if (json) {
    const source = await jsonSource(path, full);
    return Object.assign(source, { path });
  }
  const delimiter = dialect.delimiter ?? (ext === '.tsv' ? '\t' : (detectDelimiter(head) ?? ','));
  if (dialect.decimal === ',' && delimiter === ',') {
    throw new UsageError(
      `--decimal , needs a delimiter other than a comma, but ${path} is read with ${dialect.delimiter === undefined ? 'a detected' : 'the'} delimiter ','; give the file's delimiter with --delimiter (e.g. --delimiter ';')`,
    );
  }
  const source = await readCsvFile(full, { delimiter }, path).catch((err: unknown) => {
    throw delimiterHint(err, delimiter);
  });
  if (source.n === 0) throw new DataError(`${path}: the file has a header line but no data rows`);
  if (dialect.decimal === ',') readDecimalCommas(source);
  return Object.assign(source, { path, delimiter });
}

/** A ragged-row error on a one-column header most likely means the wrong delimiter: say so. */
function delimiterHint(err: unknown, delimiter: string): unknown {
  if (!(err instanceof FormatError) || !/has 1 column$/.test(err.message)) return err;
  return new DataError(
    `${err.message}; the file may use another delimiter than ${delimiterName(delimiter)}: give it with --delimiter (e.g. --delimiter ';', --delimiter tab)`,
  );
}

/** `a tab`, `';'`: a delimiter as a message shows it. */
function delimiterName(d: string): string {
  return d === '\t' ? 'a tab' : d === ' ' ? 'a space' : `'${d}'`;
}

/** The file's first bytes as text (empty when unreadable: the reader then reports the error). */
async function fileHead(full: string): Promise<string> {
  const handle = await open(full, 'r').catch(() => null);
  if (handle === null) return '';
  try {
    const { buffer, bytesRead } = await handle.read(new Uint8Array(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return new TextDecoder().decode(buffer.subarray(0, bytesRead), { stream: true });
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}

/**
 * Parses `--delimiter` (one character; `tab` or `\t` for a tab) and `--decimal` (`.` or `,`).
 *
 * @throws UsageError for anything else.
 */
export function parseDialect(delimiter: string | undefined, decimal: string | undefined): Dialect {
  let d = delimiter;
  if (d !== undefined) {
    if (d === '\\t' || d.toLowerCase() === 'tab') d = '\t';
    if (d.length !== 1 || d === '"' || d === '\r' || d === '\n') {
      throw new UsageError(
        `--delimiter must be one character other than '"' (or 'tab'), got ${JSON.stringify(delimiter)}`,
      );
    }
  }
  if (decimal !== undefined && decimal !== '.' && decimal !== ',') {
    throw new UsageError(`--decimal must be '.' or ',', got ${JSON.stringify(decimal)}`);
  }
  return { delimiter: d, decimal: decimal ?? '.' };
}

async function jsonSource(path: string, full: string): Promise<DataRowSource> {
  const bytes = await readFileBytes(full);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${path}: the file is not UTF-8 text`);
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new DataError(`${path}: the file is empty`);
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
  return objectRows(data, {}, path);
}

export { cellNumber, cellText, isMissing, quoteList, showCell };

/**
 * The column of `source` named `name`: an exact match, else the one column equal up to
 * surrounding whitespace and case. `flag` names the option that mentioned it.
 *
 * @throws DataError listing the available columns (and the closest name) when there is none.
 */
export function resolveColumn(source: RowSource, name: string, flag: string): string {
  const match = matchColumn(source, name);
  if (match !== undefined) return match;
  throw new DataError(
    `${source.path}: unknown column ${JSON.stringify(name)} (${flag}).${unknownColumnHint(source, name)}${wrongDelimiterHint(source)}`,
  );
}

/** ` The column name "a;b" holds ';': ...` when a CSV header looks split at the wrong delimiter. */
function wrongDelimiterHint(source: RowSource): string {
  if (source.delimiter === undefined) return '';
  for (const c of source.columns) {
    const d = LIKELY_DELIMITERS.find((x) => x !== source.delimiter && c.includes(x));
    if (d !== undefined) {
      const flag = d === '\t' ? 'tab' : `'${d}'`;
      return `. The column name ${JSON.stringify(c)} contains ${delimiterName(d)}: the file may be separated by ${delimiterName(d)} rather than ${delimiterName(source.delimiter)}; try --delimiter ${flag}`;
    }
  }
  return '';
}

/**
 * A {@link CellError} of `loadTable` as the CLI's message: the file, the cell, and the flag that
 * fixes it when there is one (a numeric feature holding categories needs `--categorical`).
 */
export function cellProblem(err: CellError, path: string, numericFeatures: readonly string[]): DataError {
  const hint =
    err.expected === 'a number' && numericFeatures.includes(err.column)
      ? '. If the column holds categories, add it to --categorical to one-hot encode it'
      : '';
  const comma =
    typeof err.value === 'string' && /^[+-]?\d*,\d+$/.test(err.value)
      ? '. If the file writes decimal commas, add --decimal , (with --delimiter when the delimiter is not detected)'
      : '';
  return new DataError(`${path}: ${cellErrorText(err)}${comma}${hint}`);
}
