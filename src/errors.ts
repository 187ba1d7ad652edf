/** Base class of every error mtlgrad throws on purpose; `instanceof MtlgradError` catches them all. */
export class MtlgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation: `matmul: [2,3] @ [4,5]: inner dimensions 3 and 4 differ`. */
export class ShapeError extends MtlgradError {}

/** Mixed or unsupported dtypes (float32 with float64 without a cast). */
export class DTypeError extends MtlgradError {}

/** A misuse of the autograd engine: backward on a non-scalar without a seed, a freed graph. */
export class AutogradError extends MtlgradError {}

/** A bad argument value: a label out of range, a NaN where a number is required, a bad option. */
export class ValueError extends MtlgradError {}

/** A corrupt or untrusted file that failed validation (safetensors, tables). */
export class FormatError extends MtlgradError {}

/** Formats a shape for messages: [2,3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** What {@link CellError} carries: the cell, and what it should have held. */
export interface CellErrorInfo {
  /** Column name as written in the source. */
  column: string;
  /** 1-based position of the row: its CSV line, or its index in the row array + 1. */
  row: number;
  /** `line` (CSV) or `row` (row objects): what {@link CellErrorInfo.row} counts. */
  unit: 'line' | 'row';
  /** The cell as read (trimmed text for CSV). */
  value: unknown;
  /** What the cell should be, as a phrase: `a number`, `one of the classes "a", "b"`. */
  expected: string;
}

/**
 * A table cell that cannot be read as its column requires: `loadTable: column "mass", line 7:
 * "heavy" is not a number`. The fields let a caller (the CLI) say which of its own options fixes
 * it, without parsing the message.
 */
export class CellError extends ValueError {
  readonly column: string;
  readonly row: number;
  readonly unit: 'line' | 'row';
  readonly value: unknown;
  readonly expected: string;

  /** `where` names the function; `hint` (a sentence) ends the message. */
  constructor(where: string, info: CellErrorInfo, hint = '') {
    super(`${where}: ${cellErrorText(info)}${hint === '' ? '' : `. ${hint}`}`);
    this.column = info.column;
    this.row = info.row;
    this.unit = info.unit;
    this.value = info.value;
    this.expected = info.expected;
  }
}

/** `column "mass", line 7: value "heavy" is not a number` (the message of a {@link CellError} without prefix or hint). */
export function cellErrorText(info: CellErrorInfo): string {
  return `column ${JSON.stringify(info.column)}, ${info.unit} ${info.row}: value ${showCell(info.value)} is not ${info.expected}`;
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
