/**
 * One source column read into typed arrays, cell by cell, without keeping a string per cell:
 * every cell's number (Float64Array) and a code (Int32Array) that says how to get its text. Most
 * numeric cells are written the way JavaScript prints their number (`12.5`, `-3`, `0`), so their
 * code is just {@link NUMBER} and the text is `String(number)` when it is needed; every other
 * text (categories, labels, `12.50`, `007`) is interned once per column and coded by index.
 */
import { cellNumber, cellText, type MissingRule } from './cells.js';

/** {@link SourceColumn.codes}: the cell is missing. */
export const MISSING = -1;
/** {@link SourceColumn.codes}: a number whose text is `String(number)`. */
export const NUMBER = -2;
/** {@link SourceColumn.codes}: a row-object value that is neither text nor a number (an object, a function...). */
export const UNSUPPORTED = -3;

/** A first offending cell of a column: 0-based data row and the value as read. */
export interface CellRef {
  row: number;
  value: unknown;
}

/** The typed cells of one column. */
export interface SourceColumn {
  /** Column name as written in the source. */
  name: string;
  /** Number of each cell; NaN where missing or not a number. */
  numbers: Float64Array;
  /** Code of each cell: an index into `texts` (its trimmed text), or MISSING, NUMBER, UNSUPPORTED. */
  codes: Int32Array;
  /** Distinct trimmed texts of the cells coded by index. */
  texts: string[];
  /** The first non-missing cell that is not a number, if any. */
  firstNonNumber: CellRef | null;
  /** The first cell that is neither text nor a number (row objects only), if any. */
  firstUnsupported: CellRef | null;
}

const SPACE = 32;
const TAB = 9;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
/** Exact powers of ten: m / 10^k with m < 2^53 and k ≤ 22 is one correctly rounded division. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Whether the last {@link plainDecimal} that returned a number read text equal to
 * `String(number)` (after trimming): no `+`, no leading or trailing zeros, no bare `.`, not `-0`,
 * not below 1e-6 in magnitude. With at most 15 digits the number then prints back as written
 * (distinct decimals of up to 15 digits are distinct doubles, and JavaScript prints the shortest).
 */
export let printsAsWritten = false;

/**
 * `text[start, end)` as a number if it is a plain decimal (optional sign, at most 15 digits, an
 * optional fraction, no exponent, optional spaces or tabs around): exactly what `Number` gives.
 * NaN for anything else, which the caller then reads the general way. Sets {@link printsAsWritten}.
 */
export function plainDecimal(text: string, start: number, end: number): number {
  let s = start;
  let e = end;
  while (s < e && (text.charCodeAt(s) === SPACE || text.charCodeAt(s) === TAB)) s++;
  while (e > s && (text.charCodeAt(e - 1) === SPACE || text.charCodeAt(e - 1) === TAB)) e--;
  let negative = false;
  const c0 = text.charCodeAt(s);
  if (c0 === MINUS || c0 === PLUS) {
    negative = c0 === MINUS;
    s++;
  }
  let m = 0;
  let digits = 0;
  let scale = -1; // digits after the point, -1 before it
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      if (scale >= 0) scale++;
    } else if (c === DOT && scale < 0) scale = 0;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const x = scale > 0 ? m / POW10[scale] : m;
  const intDigits = scale < 0 ? digits : digits - scale;
  printsAsWritten =
    c0 !== PLUS &&
    intDigits >= 1 &&
    (intDigits === 1 || text.charCodeAt(s) !== ZERO) &&
    scale !== 0 &&
    (scale < 0 || text.charCodeAt(e - 1) !== ZERO) &&
    !(negative && m === 0) &&
    (m === 0 || x >= 1e-6);
  return negative ? -x : x;
}

/**
 * Interned texts of a column: an open-addressing hash table over character ranges, so a cell
 * already seen is found without copying it out of the CSV text.
 */
class TextTable {
  /** Entry index + 1 per slot (0 = empty); the size is a power of two, at most half full. */
  private slots = new Int32Array(64);
  readonly text: string[] = [];
  private readonly hash: number[] = [];
  /** What each entry stands for: a code into the column's texts, or MISSING. */
  readonly code: number[] = [];

  /** The entry of `src[start, end)`, or -1. */
  find(src: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot] - 1;
      if (e < 0) return -1;
      if (this.hash[e] === h && sameText(this.text[e], src, start, end)) return e;
    }
  }

  add(s: string, h: number, code: number): void {
    this.text.push(s);
    this.hash.push(h);
    this.code.push(code);
    if (this.text.length * 2 > this.slots.length) this.rehash();
    else this.place(this.text.length - 1);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hash[e] & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = e + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.text.length; e++) this.place(e);
  }
}

function hashRange(src: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src.charCodeAt(i), 0x01000193);
  return h;
}

function sameText(a: string, src: string, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== src.charCodeAt(start + i)) return false;
  return true;
}

/** Fills a {@link SourceColumn} one cell at a time; rows are written at an index the caller gives. */
export class ColumnBuilder {
  numbers: Float64Array;
  codes: Int32Array;
  readonly texts: string[] = [];
  firstNonNumber: CellRef | null = null;
  firstUnsupported: CellRef | null = null;
  private readonly seen = new TextTable();
  /** The number of each code (NaN if its text is not a number). */
  private readonly codeNumber: number[] = [];

  constructor(
    readonly name: string,
    capacity: number,
    private readonly missing: MissingRule,
  ) {
    this.numbers = new Float64Array(capacity);
    this.codes = new Int32Array(capacity);
  }

  /** Grows the arrays to hold at least `capacity` rows. */
  reserve(capacity: number): void {
    if (capacity <= this.codes.length) return;
    const numbers = new Float64Array(capacity);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const codes = new Int32Array(capacity);
    codes.set(this.codes);
    this.codes = codes;
  }

  /** An unquoted CSV field `text[start, end)` at `row`. */
  addSlice(row: number, text: string, start: number, end: number): void {
    const x = plainDecimal(text, start, end);
    if (printsAsWritten && !Number.isNaN(x) && !this.missing.numeric) {
      this.numbers[row] = x;
      this.codes[row] = NUMBER;
      return;
    }
    let s = start;
    let e = end;
    while (s < e && (text.charCodeAt(s) === SPACE || text.charCodeAt(s) === TAB)) s++;
    while (e > s && (text.charCodeAt(e - 1) === SPACE || text.charCodeAt(e - 1) === TAB)) e--;
    if (needsTrim(text, s, e)) {
      this.addText(row, text.slice(s, e));
      return;
    }
    const h = hashRange(text, s, e);
    const found = this.seen.find(text, s, e, h);
    this.put(row, found >= 0 ? this.seen.code[found] : this.newText(row, text.slice(s, e), h));
  }

  /** A CSV field's text at `row`. */
  addText(row: number, raw: string): void {
    const s = raw.trim();
    const h = hashRange(s, 0, s.length);
    const found = this.seen.find(s, 0, s.length, h);
    this.put(row, found >= 0 ? this.seen.code[found] : this.newText(row, s, h));
  }

  private put(row: number, code: number): void {
    this.codes[row] = code;
    if (code >= 0) this.numbers[row] = this.codeNumber[code];
    else if (code === MISSING) this.numbers[row] = Number.NaN; // NUMBER: newText wrote it
  }

  /** A row object's value at `row` (numbers and booleans are read as numbers, not from their text). */
  addValue(row: number, v: unknown): void {
    if (this.missing(v)) {
      this.codes[row] = MISSING;
      this.numbers[row] = Number.NaN;
      return;
    }
    const x = cellNumber(v);
    if (x === null && this.firstNonNumber === null) this.firstNonNumber = { row, value: v };
    const s = cellText(v);
    if (s === null) {
      this.codes[row] = UNSUPPORTED;
      if (this.firstUnsupported === null) this.firstUnsupported = { row, value: v };
    } else {
      const h = hashRange(s, 0, s.length);
      const found = this.seen.find(s, 0, s.length, h);
      this.codes[row] = found >= 0 ? this.seen.code[found] : this.intern(s, h, Number.NaN);
    }
    this.numbers[row] = x ?? Number.NaN; // row objects: the value's own number, not its text's
  }

  /** Classifies a text not seen before (missing, number or text) and gives its code. */
  private newText(row: number, s: string, h: number): number {
    if (this.missing.text(s)) {
      this.seen.add(s, h, MISSING);
      return MISSING;
    }
    const x = cellNumber(s);
    if (x === null && this.firstNonNumber === null) this.firstNonNumber = { row, value: s };
    if (x !== null && String(x) === s) {
      // Long or exponent forms that print as written (`0.30000000000000004`, `1e-7`): no text kept.
      this.numbers[row] = x;
      return NUMBER;
    }
    return this.intern(s, h, x ?? Number.NaN);
  }

  private intern(s: string, h: number, x: number): number {
    const code = this.texts.push(s) - 1;
    this.codeNumber.push(x);
    this.seen.add(s, h, code);
    return code;
  }

  /** The column of the first `n` rows. */
  build(n: number): SourceColumn {
    return {
      name: this.name,
      numbers: fit(this.numbers, n),
      codes: fit(this.codes, n),
      texts: this.texts,
      firstNonNumber: this.firstNonNumber,
      firstUnsupported: this.firstUnsupported,
    };
  }
}

/**
 * The column's text of every cell as one code array: index into `texts`, or MISSING/UNSUPPORTED.
 * Cells coded {@link NUMBER} get the index of `String(number)` (added to `texts` if new).
 */
export function textCodes(col: SourceColumn): { codes: Int32Array; texts: string[] } {
  const { codes } = col;
  if (!codes.includes(NUMBER)) return { codes, texts: col.texts };
  const texts = [...col.texts];
  const byText = new Map(texts.map((t, i) => [t, i] as const));
  const byNumber = new Map<number, number>();
  const out = new Int32Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    if (codes[r] !== NUMBER) {
      out[r] = codes[r];
      continue;
    }
    const x = col.numbers[r];
    let code = byNumber.get(x);
    if (code === undefined) {
      const t = String(x);
      code = byText.get(t);
      if (code === undefined) {
        code = texts.push(t) - 1;
        byText.set(t, code);
      }
      byNumber.set(x, code);
    }
    out[r] = code;
  }
  return { codes: out, texts };
}

/** The first `n` entries: a view when little is wasted, else a copy that frees the rest. */
function fit<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return (a.length - n <= a.length / 8 ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/** Whether `s[start, end)` may still have whitespace at an end that `trim` removes (control or non-ASCII). */
function needsTrim(s: string, start: number, end: number): boolean {
  if (start === end) return false;
  const a = s.charCodeAt(start);
  const b = s.charCodeAt(end - 1);
  return a <= SPACE || b <= SPACE || a > 127 || b > 127;
}
