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
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new FormatError(
      `parseCsv: the delimiter must be one character other than '"', CR and LF, got ${JSON.stringify(delimiter)}`,
    );
  }
  const records = tokenize(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter);
  if (records.length === 0) throw new FormatError('parseCsv: the input is empty (no header line)');
  const [first, ...rest] = records;
  const header = first.fields;
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new FormatError(
        `parseCsv: line ${first.line}: column name ${JSON.stringify(name)} appears twice (columns ${prev + 1} and ${j + 1})`,
      );
    }
    seen.set(name, j);
  });
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const rec of rest) {
    if (rec.fields.length !== header.length) {
      throw new FormatError(
        `parseCsv: line ${rec.line}: ${rec.fields.length} field${rec.fields.length === 1 ? '' : 's'}, but the header (line ${first.line}) has ${header.length} columns`,
      );
    }
    rows.push(rec.fields);
    lines.push(rec.line);
  }
  return { header, rows, lines };
}

interface RawRecord {
  fields: string[];
  line: number;
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Splits text into records of fields; skips empty lines. */
function tokenize(text: string, delimiter: string): RawRecord[] {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const records: RawRecord[] = [];
  let line = 1; // line of position i
  let i = 0;
  while (i < n) {
    // Skip empty lines between records.
    const c0 = text.charCodeAt(i);
    if (c0 === LF || c0 === CR) {
      i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    // Parse one record: a sequence of fields ended by a line break or the end of the text.
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            throw new FormatError(
              `parseCsv: line ${openLine}: quoted field is never closed (unterminated '"')`,
            );
          }
          const chunk = text.slice(j, q);
          line += countLineBreaks(chunk);
          value += chunk;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== CR && c !== LF) {
          throw new FormatError(
            `parseCsv: line ${line}: unexpected ${JSON.stringify(text[i])} after the closing quote of a field (a '"' inside a quoted field must be doubled)`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === CR || c === LF) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      // Now at a delimiter, a line break or the end.
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue; // a delimiter at the very end yields a final empty field
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    records.push({ fields, line: startLine });
  }
  return records;
}

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
