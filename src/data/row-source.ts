/**
 * The rows of a table, read once into typed columns: CSV text ({@link csvRows}), row objects
 * ({@link objectRows}) or a CSV file streamed from disk (`readCsvFile` in mtlgrad/node). Both
 * {@link loadTable} and the CLI take a {@link RowSource}, so a file is parsed and checked once.
 *
 * Cells are classified as they are read (missing, number, text; see {@link SourceColumn}), so a
 * source is bound to its missing-value strings: pass `missingValues` when it is created.
 */

import { FormatError, ValueError } from '../errors.js';
import { checkOptionKeys, closest } from '../options.js';
import { DEFAULT_MISSING_VALUES, type MissingRule, missingRule, quoteList } from './cells.js';
import { ColumnBuilder, NUMBER, type SourceColumn } from './column.js';
import { type CsvSink, CsvTokenizer, checkDelimiter, checkHeader, raggedError } from './csv.js';

export type { SourceColumn };

/** How a {@link RowSource} is read. */
export interface RowSourceOptions {
  /** CSV field delimiter: one character other than `"`, CR and LF (CSV only). Default `,`. */
  delimiter?: string;
  /**
   * Strings that mean "missing", compared after trimming and case-insensitively. Default
   * {@link DEFAULT_MISSING_VALUES}. `null`, `undefined` and NaN are always missing.
   */
  missingValues?: readonly string[];
  /** Read at most this many data rows (a positive integer). Default: all. */
  maxRows?: number;
}

/** The keys of {@link RowSourceOptions}. */
export const ROW_SOURCE_OPTIONS = ['delimiter', 'missingValues', 'maxRows'] as const;

interface ReadOptions {
  delimiter: string;
  missing: MissingRule;
  maxRows: number;
}

/**
 * Checks the read options (`where` names the caller in messages).
 *
 * @throws ValueError naming the option: an unknown key, `maxRows` not a positive integer,
 *   `missingValues` not an array of strings; FormatError for a bad delimiter.
 */
export function readOptions(
  opts: RowSourceOptions,
  where: string,
  keys: readonly string[] = ROW_SOURCE_OPTIONS,
): ReadOptions {
  checkOptionKeys(where, opts, keys);
  const { maxRows, missingValues } = opts ?? {};
  if (maxRows !== undefined && !(typeof maxRows === 'number' && Number.isInteger(maxRows) && maxRows >= 1)) {
    throw new ValueError(
      `${where}: maxRows must be a positive integer, got ${JSON.stringify(maxRows) ?? String(maxRows)}`,
    );
  }
  if (
    missingValues !== undefined &&
    (!Array.isArray(missingValues) || missingValues.some((s) => typeof s !== 'string'))
  ) {
    throw new ValueError(`${where}: missingValues must be an array of strings`);
  }
  return {
    delimiter: checkDelimiter(opts?.delimiter, where),
    missing: missingRule(missingValues ?? DEFAULT_MISSING_VALUES),
    maxRows: maxRows ?? Number.POSITIVE_INFINITY,
  };
}

interface SourceInit {
  format: 'csv' | 'rows';
  columns: SourceColumn[];
  n: number;
  missing: MissingRule;
  lines: Int32Array | null;
  objects: readonly Record<string, unknown>[] | null;
}

/** Data rows behind typed columns. Create one with {@link csvRows}, {@link objectRows} or `readCsvFile`. */
export class RowSource {
  /** `csv` (text or file) or `rows` (row objects). */
  readonly format: 'csv' | 'rows';
  /** Column names: the CSV header, or the union of the objects' keys in first-seen order. */
  readonly columns: readonly string[];
  /** Number of data rows. */
  readonly n: number;
  /** `line` (CSV) or `row` (row objects): how {@link RowSource.position} counts, for messages. */
  readonly unit: 'line' | 'row';
  /** The missing-value test the cells were read with. */
  readonly isMissing: MissingRule;
  private readonly cols: SourceColumn[];
  private readonly index: Map<string, number>;
  private readonly lines: Int32Array | null;
  private readonly objects: readonly Record<string, unknown>[] | null;

  /** Use {@link csvRows}, {@link objectRows} or `readCsvFile`. */
  constructor(init: SourceInit) {
    this.format = init.format;
    this.cols = init.columns;
    this.columns = init.columns.map((c) => c.name);
    this.index = new Map(this.columns.map((c, i) => [c, i] as const));
    this.n = init.n;
    this.unit = init.format === 'csv' ? 'line' : 'row';
    this.isMissing = init.missing;
    this.lines = init.lines;
    this.objects = init.objects;
  }

  /** The 1-based position of data row `row` (0-based): its CSV line, or its index in the row array + 1. */
  position(row: number): number {
    return this.lines === null ? row + 1 : this.lines[row];
  }

  /** Whether the source has a column of exactly this name. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  /**
   * The typed cells of a column.
   *
   * @throws ValueError for an unknown column name.
   */
  column(name: string): SourceColumn {
    const i = this.index.get(name);
    if (i === undefined) throw new ValueError(`RowSource: no column ${JSON.stringify(name)}`);
    return this.cols[i];
  }

  /**
   * One cell as read: for CSV its trimmed text (a number where the text is how the number prints), undefined when
   * missing; for row objects the value itself (undefined when the key is absent).
   */
  get(row: number, name: string): unknown {
    if (this.objects !== null) {
      const o = this.objects[row];
      return Object.hasOwn(o, name) ? o[name] : undefined;
    }
    const c = this.column(name);
    const code = c.codes[row];
    if (code >= 0) return c.texts[code];
    return code === NUMBER ? c.numbers[row] : undefined;
  }
}

/** Receives tokens and writes them into column builders, growing them as rows arrive. */
class CsvColumns implements CsvSink {
  private header: string[] | null = null;
  /** Fields of the header record while it is read. */
  private pending: string[] = [];
  private headerLine = 0;
  private builders: ColumnBuilder[] = [];
  private lines = new Int32Array(0);
  private j = 0;
  rows = 0;

  constructor(
    private readonly opts: ReadOptions,
    private readonly where: string,
    private capacity: number,
  ) {}

  field(text: string, start: number, end: number): void {
    if (this.header === null) this.pending.push(text.slice(start, end));
    else if (this.j < this.builders.length) this.builders[this.j].addSlice(this.rows, text, start, end);
    this.j++;
  }

  quoted(value: string): void {
    if (this.header === null) this.pending.push(value);
    else if (this.j < this.builders.length) this.builders[this.j].addText(this.rows, value);
    this.j++;
  }

  discard(): void {
    this.j = 0;
    this.pending = [];
  }

  end(line: number): boolean {
    const fields = this.j;
    this.j = 0;
    if (this.header === null) {
      checkHeader(this.pending, line, this.where);
      this.header = this.pending;
      this.headerLine = line;
      this.builders = this.header.map((name) => new ColumnBuilder(name, this.capacity, this.opts.missing));
      this.lines = new Int32Array(this.capacity);
      return true;
    }
    if (fields !== this.builders.length) {
      throw raggedError(this.where, line, fields, this.headerLine, this.builders.length);
    }
    this.lines[this.rows++] = line;
    if (this.rows === this.capacity) this.reserve(Math.ceil(this.capacity * 1.5) + 1024);
    return this.rows < this.opts.maxRows;
  }

  /** Makes room for `capacity` data rows. */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    if (this.header === null) return;
    for (const b of this.builders) b.reserve(capacity);
    const lines = new Int32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
  }

  source(): RowSource {
    if (this.header === null) throw new FormatError(`${this.where}: the input is empty (no header line)`);
    const n = this.rows;
    return new RowSource({
      format: 'csv',
      columns: this.builders.map((b) => b.build(n)),
      n,
      missing: this.opts.missing,
      lines: this.lines.slice(0, n),
      objects: null,
    });
  }
}

/** An incremental CSV reader: push text chunks, then `finish` gives the {@link RowSource}. */
export interface CsvRowReader {
  /** Reads the complete records of a chunk. */
  push(chunk: string): void;
  /** Reads the rest (and an optional last chunk) and returns the rows. */
  finish(chunk?: string): RowSource;
  /** Data rows read so far. */
  readonly rows: number;
  /** Whether `maxRows` rows are read (the rest of the input can be skipped). */
  readonly done: boolean;
  /** Makes room for this many data rows up front (an estimate from the file size saves regrowing). */
  reserve(rows: number): void;
}

/** A {@link CsvRowReader} (for streamed files; `where` prefixes messages, e.g. the path). */
export function csvRowReader(opts: RowSourceOptions = {}, where = 'csvRows', capacity = 1024): CsvRowReader {
  const read = readOptions(opts, where);
  const sink = new CsvColumns(read, where, Math.max(1, Math.min(capacity, read.maxRows + 1)));
  const tokenizer = new CsvTokenizer(read.delimiter, where, sink);
  return {
    push: (chunk) => tokenizer.push(chunk),
    finish: (chunk) => {
      tokenizer.finish(chunk);
      return sink.source();
    },
    get rows() {
      return sink.rows;
    },
    get done() {
      return tokenizer.done;
    },
    reserve: (rows) => sink.reserve(Math.min(rows, read.maxRows + 1)),
  };
}

/**
 * Reads CSV text (the dialect of {@link parseCsv}) into a {@link RowSource}.
 *
 * @throws FormatError on malformed CSV (naming the line) or empty text; ValueError for bad options.
 */
export function csvRows(text: string, opts: RowSourceOptions = {}, where = 'csvRows'): RowSource {
  if (typeof text !== 'string')
    throw new ValueError(`${where}: the CSV must be a string, got ${typeof text}`);
  return csvRowReader(opts, where, countLines(text)).finish(text);
}

/** Line breaks in `text` (an upper bound on its data rows, so the columns are sized once). */
function countLines(text: string): number {
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) k++;
  return k;
}

/**
 * Reads an array of row objects keyed by column name into a {@link RowSource}: the columns are
 * the union of all rows' keys; an absent key is a missing value.
 *
 * @throws FormatError if an element is not an object; ValueError for bad options.
 */
export function objectRows(
  rows: readonly object[],
  opts: RowSourceOptions = {},
  where = 'objectRows',
): RowSource {
  const read = readOptions(opts, where, ['missingValues', 'maxRows']);
  if (!Array.isArray(rows)) throw new ValueError(`${where}: expected an array of row objects`);
  const n = Math.min(rows.length, read.maxRows);
  const objects = rows.slice(0, n) as Record<string, unknown>[];
  const names: string[] = [];
  const seen = new Set<string>();
  objects.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new FormatError(`${where}: row ${i + 1} is not an object`);
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  });
  const columns = names.map((name) => {
    const b = new ColumnBuilder(name, n, read.missing);
    for (let r = 0; r < n; r++) b.addValue(r, Object.hasOwn(objects[r], name) ? objects[r][name] : undefined);
    return b.build(n);
  });
  return new RowSource({ format: 'rows', columns, n, missing: read.missing, lines: null, objects });
}

const norm = (s: string): string => s.trim().toLowerCase();

/** The column named `name`: an exact match, else the one column equal up to case and surrounding whitespace. */
export function matchColumn(source: RowSource, name: string): string | undefined {
  if (source.has(name)) return name;
  const near = source.columns.filter((c) => norm(c) === norm(name));
  return near.length === 1 ? near[0] : undefined;
}

/** ` Did you mean "x"? Available columns: "a", "b", ...`: the end of a message about an unknown column. */
export function unknownColumnHint(source: RowSource, name: string): string {
  const near = source.columns.filter((c) => norm(c) === norm(name));
  const c = closest(name, source.columns);
  const guess = near.length > 0 ? near : c === undefined ? [] : [c];
  const hint = guess.length > 0 ? ` Did you mean ${quoteList(guess)}?` : '';
  return `${hint} Available columns: ${quoteList(source.columns, 200)}`;
}

const DECIMAL_COMMA = /^[+-]?(?:\d+,?\d*|,\d+)$/;

/**
 * Reads the text cells of every column written with a decimal comma (`4,5`, `-0,25`) as numbers,
 * in place: the cell keeps its text (a category stays `4,5`) and gains its number, and each
 * column's first non-number is found again. For tables from locales that write decimal commas;
 * the delimiter must then be something else than a comma.
 */
export function readDecimalCommas(source: RowSource): void {
  for (const name of source.columns) {
    const col = source.column(name);
    const parsed = col.texts.map((t) => (DECIMAL_COMMA.test(t) ? Number(t.replace(',', '.')) : Number.NaN));
    col.firstNonNumber = null;
    for (let r = 0; r < source.n; r++) {
      const code = col.codes[r];
      if (code < 0) continue;
      if (!Number.isNaN(parsed[code])) col.numbers[r] = parsed[code];
      else if (Number.isNaN(col.numbers[r]) && col.firstNonNumber === null) {
        col.firstNonNumber = { row: r, value: col.texts[code] };
      }
    }
  }
}
