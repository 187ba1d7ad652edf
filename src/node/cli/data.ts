/**
 * Reading the CLI's input files (CSV, streamed; or JSON arrays of row objects) into the same
 * {@link RowSource} that `loadTable` reads, resolving column names with errors that name the
 * flag, and turning a {@link CellError} into a message that names the flag which fixes it.
 */
import { open } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { cellNumber, cellText, isMissing, quoteList, showCell } from '../../data/cells.js';
import {
  type RowSource as DataRowSource,
  matchColumn,
  objectRows,
  unknownColumnHint,
} from '../../data/row-source.js';
import { type CellError, cellErrorText } from '../../errors.js';
import { readFileBytes } from '../fs.js';
import { readCsvFile } from '../rows.js';
import { DataError } from './errors.js';

/** The rows of an input file, and the path as the user wrote it (for messages). */
export type RowSource = DataRowSource & { readonly path: string };

/**
 * Reads `path` (relative to `cwd`) as CSV (streamed) or as a JSON array of row objects: a `.json`
 * name, or any name but `.csv`/`.txt` whose content starts with `[` or `{`.
 *
 * @throws DataError or FormatError naming the path: empty, not UTF-8, malformed, no data rows.
 */
export async function readRows(path: string, cwd: string): Promise<RowSource> {
  const full = resolve(cwd, path);
  const ext = extname(path).toLowerCase();
  const json = ext === '.json' || (ext !== '.csv' && ext !== '.txt' && (await startsLikeJson(full)));
  const source = json ? await jsonSource(path, full) : await readCsvFile(full, {}, path);
  if (source.n === 0) throw new DataError(`${path}: the file has a header line but no data rows`);
  return Object.assign(source, { path });
}

/** Whether the file's first non-blank character opens a JSON array or object. */
async function startsLikeJson(full: string): Promise<boolean> {
  const handle = await open(full, 'r').catch(() => null);
  if (handle === null) return false; // readCsvFile reports the error
  try {
    const { buffer, bytesRead } = await handle.read(new Uint8Array(256), 0, 256, 0);
    return /^\uFEFF?\s*[[{]/.test(new TextDecoder().decode(buffer.subarray(0, bytesRead)));
  } catch {
    return false;
  } finally {
    await handle.close();
  }
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
    `${source.path}: unknown column ${JSON.stringify(name)} (${flag}).${unknownColumnHint(source, name)}`,
  );
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
  return new DataError(`${path}: ${cellErrorText(err)}${hint}`);
}
