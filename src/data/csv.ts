/**
 * A small RFC 4180 CSV reader.
 *
 * Supported: fields separated by a delimiter (default `,`); records ended by CRLF, LF or a lone
 * CR; fields enclosed in double quotes, which may contain delimiters, line breaks and doubled
 * quotes (`""` stands for one `"`); a leading UTF-8 byte order mark; a final line break (or
 * none). Beyond the RFC, and documented here so nothing is silent:
 * - completely empty lines are skipped (a record with one empty field must be written `""`);
 * - a `"` inside an unquoted field is kept literally (`5'10"` reads as `5'10"`);
 * - whitespace is never trimmed (the table loader trims values it parses).
 *
 * Errors are {@link FormatError}s naming the 1-based line: empty input, an unterminated quoted
 * field (the line where it opened), text between a closing quote and the next delimiter, and a
 * record whose field count differs from the header's ("ragged" rows).
 *
 * One tokenizer ({@link CsvTokenizer}) reads whole texts or chunks of a stream and hands fields
 * to a sink: {@link parseCsv} collects strings; `csvRows` (row-source.ts) fills typed columns.
 */
import { FormatError } from '../errors.js';

/** The parsed content of a CSV text. */
export interface CsvData {
  /** Column names from the first record, as written (not trimmed). */
  header: string[];
  /** Data records; each has exactly `header.length` fields. */
  rows: string[][];
  /**
   * The 1-based source line on which each data record starts (parallel to `rows`; the header is
   * on line 1 unless blank lines precede it). Quoted line breaks make records span several lines.
   */
  lines: number[];
}

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Field separator: one character other than `"`, CR or LF. Default `,`. */
  delimiter?: string;
}

/**
 * Parses CSV text into a header and rows of strings (see the module comment for the dialect).
 *
 * @throws FormatError on empty input, unterminated quotes, stray text after a closing quote,
 *   ragged rows or duplicate column names; every message names the line.
 */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvData {
  const sink = new StringRecords('parseCsv');
  new CsvTokenizer(checkDelimiter(opts.delimiter, 'parseCsv'), 'parseCsv', sink).finish(text);
  if (sink.header === null) throw new FormatError('parseCsv: the input is empty (no header line)');
  return { header: sink.header, rows: sink.rows, lines: sink.lines };
}

/** The delimiter of {@link CsvOptions}, checked; `where` names the caller in the message. */
export function checkDelimiter(delimiter: string | undefined, where: string): string {
  const d = delimiter ?? ',';
  if (typeof d !== 'string' || d.length !== 1 || d === '"' || d === '\r' || d === '\n') {
    throw new FormatError(
      `${where}: the delimiter must be one character other than '"', CR and LF, got ${JSON.stringify(d)}`,
    );
  }
  return d;
}

/** The delimiters {@link detectDelimiter} considers, in order of preference on a tie. */
export const LIKELY_DELIMITERS: readonly string[] = [',', '\t', ';', '|'];

/**
 * The delimiter of a CSV text guessed from its first `maxLines` non-blank lines: the one of
 * {@link LIKELY_DELIMITERS} that splits every line into the same number of fields, more than one
 * (delimiters inside double quotes do not count). When several qualify, the one giving the most
 * fields wins (a decimal comma makes comma counts uneven, so `;` wins over it). Undefined when
 * none qualifies. A last line without a line break is ignored unless it is the only one: the text
 * may be the head of a longer file, cut mid-line.
 */
export function detectDelimiter(text: string, maxLines = 20): string | undefined {
  const counts: number[][] = []; // per line, fields per candidate
  let current = LIKELY_DELIMITERS.map(() => 1);
  let inQuote = false;
  let blank = true;
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && (c === '\n' || c === '\r')) {
      if (!blank) counts.push(current);
      current = LIKELY_DELIMITERS.map(() => 1);
      blank = true;
      continue;
    } else if (!inQuote) {
      const k = LIKELY_DELIMITERS.indexOf(c);
      if (k >= 0) current[k]++;
    }
    if (c.trim() !== '' && c !== '\uFEFF') blank = false;
  }
  if (!blank && counts.length === 0) counts.push(current);
  let best: string | undefined;
  let bestFields = 1;
  LIKELY_DELIMITERS.forEach((d, k) => {
    const fields = counts[0]?.[k] ?? 1;
    if (fields > bestFields && counts.every((line) => line[k] === fields)) {
      best = d;
      bestFields = fields;
    }
  });
  return best;
}

/**
 * Checks a header record: column names must be distinct.
 *
 * @throws FormatError naming both positions of a repeated name.
 */
export function checkHeader(header: readonly string[], line: number, where: string): void {
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new FormatError(
        `${where}: line ${line}: column name ${JSON.stringify(name)} appears twice (columns ${prev + 1} and ${j + 1})`,
      );
    }
    seen.set(name, j);
  });
}

/** The error for a record whose field count differs from the header's. */
export function raggedError(
  where: string,
  line: number,
  fields: number,
  headerLine: number,
  width: number,
): FormatError {
  return new FormatError(
    `${where}: line ${line}: ${fields} field${fields === 1 ? '' : 's'}, but the header (line ${headerLine}) has ${width} column${width === 1 ? '' : 's'}`,
  );
}

/**
 * Receives the tokens of {@link CsvTokenizer}. A record's fields arrive one by one, then `end`;
 * when a chunk ends inside a record, `discard` drops its fields and the record is read again,
 * whole, from the next chunk.
 */
export interface CsvSink {
  /** An unquoted field: `text.slice(start, end)`, passed as indices so a sink can avoid the copy. */
  field(text: string, start: number, end: number): void;
  /** A quoted field, with doubled quotes already undone. */
  quoted(value: string): void;
  /** End of a record that started on 1-based `line`; return false to stop reading. */
  end(line: number): boolean;
  /** Forgets the fields received since the last `end`. */
  discard(): void;
}

/** Longest record a chunked read holds while waiting for its end (guards against a file without line breaks). */
export const MAX_RECORD_CHARS = 1 << 24;

/** Splits CSV text, whole or in chunks, into fields and records for a {@link CsvSink}. */
export class CsvTokenizer {
  private line = 1;
  private carry = '';
  private first = true;
  private stopped = false;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly where: string,
    private readonly sink: CsvSink,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** Whether the sink asked to stop (the rest of the input is not read). */
  get done(): boolean {
    return this.stopped;
  }

  /** Reads the complete records of `chunk` (after what earlier chunks left over). */
  push(chunk: string): void {
    if (this.stopped) return;
    const lf = chunk.indexOf('\n');
    if (this.carry !== '' && lf < 0 && chunk.indexOf('\r') < 0) {
      this.carry += chunk; // no record can end in this chunk: do not scan the pending one again
    } else if (this.carry !== '') {
      // Finish the pending record with the chunk's first line, then scan the rest of the chunk
      // as the flat string it is (characters of a concatenation read slower).
      const head = this.carry + chunk.slice(0, lf + 1);
      const used = this.scan(head, false);
      if (used === head.length) this.carry = chunk.slice(this.scan(chunk, false, lf + 1));
      else {
        const text = head.slice(used) + chunk.slice(lf + 1);
        this.carry = text.slice(this.scan(text, false));
      }
    } else {
      const text = this.start(this.carry + chunk);
      this.carry = text.slice(this.scan(text, false));
    }
    if (this.carry.length > MAX_RECORD_CHARS) {
      throw new FormatError(
        `${this.where}: line ${this.line}: a record longer than ${MAX_RECORD_CHARS} characters (is this a CSV file?)`,
      );
    }
  }

  /** Reads what is left, plus an optional last chunk, up to the end of the input. */
  finish(chunk = ''): void {
    if (this.stopped) return;
    const text = this.start(this.carry + chunk);
    this.carry = '';
    this.scan(text, true);
  }

  private start(text: string): string {
    if (!this.first || text.length === 0) return text;
    this.first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Tokenizes records from the start of `text`; returns where the first unfinished record starts. */
  private scan(text: string, final: boolean, from = 0): number {
    const n = text.length;
    const next = new NextIndex(text, String.fromCharCode(this.delim));
    let i = from;
    while (i < n && !this.stopped) {
      const c0 = text.charCodeAt(i);
      if (c0 === LF || c0 === CR) {
        // Skip an empty line; a CR at the very end may be half of a CRLF split across chunks.
        if (c0 === CR && i + 1 === n && !final) return i;
        i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        this.line++;
        continue;
      }
      const lf = next.lineFeed(i);
      let end = lf > i && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (lf < n && next.quoteMark(i) > lf && next.carriageReturn(i) >= end) {
        // The common case: a line without quotes or lone CRs is one record, split at delimiters.
        for (let d = next.delimiterAt(i); d < end; d = next.delimiterAt(i)) {
          this.sink.field(text, i, d);
          i = d + 1;
        }
        this.sink.field(text, i, end);
        end = lf + 1;
        if (!this.sink.end(this.line++)) this.stopped = true;
        i = end;
        continue;
      }
      const after = this.record(text, i, final);
      if (after < 0) return i;
      i = after;
    }
    return i;
  }

  /** One record from `i`; returns the index after it, or -1 if the text ends before the record does. */
  private record(text: string, i: number, final: boolean): number {
    const n = text.length;
    const startLine = this.line;
    const incomplete = (): number => {
      this.sink.discard();
      this.line = startLine;
      return -1;
    };
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        i = this.quotedField(text, i, final);
        if (i < 0) return incomplete();
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === this.delim || c === CR || c === LF) break;
          j++;
        }
        this.sink.field(text, i, j);
        i = j;
      }
      // Now at a delimiter, a line break or the end.
      if (i >= n) {
        if (!final) return incomplete();
        if (!this.sink.end(startLine)) this.stopped = true;
        return i;
      }
      const c = text.charCodeAt(i);
      if (c === this.delim) {
        i++;
        continue; // a delimiter at the very end yields a final empty field
      }
      if (c === CR && i + 1 === n && !final) return incomplete();
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      this.line++;
      if (!this.sink.end(startLine)) this.stopped = true;
      return i;
    }
  }

  /** A quoted field opening at `i`; returns the index after its closing quote, or -1 if not complete. */
  private quotedField(text: string, i: number, final: boolean): number {
    const n = text.length;
    const openLine = this.line;
    let value = '';
    let j = i + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      // Unfinished, or a quote at the very end that may be the first half of a doubled one.
      if ((q < 0 || q + 1 === n) && !final) return -1;
      if (q < 0) {
        throw new FormatError(
          `${this.where}: line ${openLine}: quoted field is never closed (unterminated '"')`,
        );
      }
      const chunk = text.slice(j, q);
      this.line += countLineBreaks(chunk);
      value += chunk;
      if (text.charCodeAt(q + 1) === QUOTE) {
        value += '"';
        j = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    this.sink.quoted(value);
    const c = text.charCodeAt(i);
    if (i < n && c !== this.delim && c !== CR && c !== LF) {
      throw new FormatError(
        `${this.where}: line ${this.line}: unexpected ${JSON.stringify(text[i])} after the closing quote of a field (a '"' inside a quoted field must be doubled)`,
      );
    }
    return i;
  }
}

/** The next position of a character at or after a point, cached: the points only move forward. */
class NextIndex {
  private lf = -1;
  private cr = -1;
  private quote = -1;
  private delim = -1;

  constructor(
    private readonly text: string,
    private readonly delimiter: string,
  ) {}

  /** Position of the next LF at or after `from` (the text length if none); likewise below. */
  lineFeed(from: number): number {
    if (this.lf < from) this.lf = this.find('\n', from);
    return this.lf;
  }

  carriageReturn(from: number): number {
    if (this.cr < from) this.cr = this.find('\r', from);
    return this.cr;
  }

  quoteMark(from: number): number {
    if (this.quote < from) this.quote = this.find('"', from);
    return this.quote;
  }

  delimiterAt(from: number): number {
    if (this.delim < from) this.delim = this.find(this.delimiter, from);
    return this.delim;
  }

  private find(c: string, from: number): number {
    const i = this.text.indexOf(c, from);
    return i < 0 ? this.text.length : i;
  }
}

/** The sink of {@link parseCsv}: records as arrays of strings. */
class StringRecords implements CsvSink {
  header: string[] | null = null;
  headerLine = 0;
  readonly rows: string[][] = [];
  readonly lines: number[] = [];
  private fields: string[] = [];

  constructor(private readonly where: string) {}

  field(text: string, start: number, end: number): void {
    this.fields.push(text.slice(start, end));
  }

  quoted(value: string): void {
    this.fields.push(value);
  }

  discard(): void {
    this.fields = [];
  }

  end(line: number): boolean {
    const fields = this.fields;
    this.fields = [];
    if (this.header === null) {
      checkHeader(fields, line, this.where);
      this.header = fields;
      this.headerLine = line;
    } else if (fields.length !== this.header.length) {
      throw raggedError(this.where, line, fields.length, this.headerLine, this.header.length);
    } else {
      this.rows.push(fields);
      this.lines.push(line);
    }
    return true;
  }
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

function countLineBreaks(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) k++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) k++;
  }
  return k;
}

/**
 * Formats one field for CSV output: quoted (with doubled quotes) when it contains the delimiter,
 * a quote, CR or LF, has leading or trailing whitespace, or is empty (so an empty one-column
 * record is not read back as a blank line).
 */
export function formatCsvField(value: string, delimiter = ','): string {
  if (value === '' || value.includes(delimiter) || /["\r\n]|^\s|\s$/.test(value)) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

/** Writes a header and rows as CSV with LF line ends and a final line break ({@link formatCsvField} quoting). */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter = ',',
): string {
  const out: string[] = [header.map((f) => formatCsvField(f, delimiter)).join(delimiter)];
  for (const row of rows) out.push(row.map((f) => formatCsvField(f, delimiter)).join(delimiter));
  return `${out.join('\n')}\n`;
}
