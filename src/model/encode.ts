/**
 * New rows through a saved model's preprocessing: numeric columns parsed, categorical columns one-hot
 * encoded with the training category lists, missing values dropped or imputed per the saved policy,
 * then standardised with the training statistics.
 */
import { cellNumber, cellText, quoteList, showCell } from '../data/cells.js';
import { matchColumn, type RowSource, unknownColumnHint } from '../data/row-source.js';
import { applyStandardizer } from '../data/standardize.js';
import type { FeatureColumnInfo, Table } from '../data/table.js';
import { ValueError } from '../errors.js';
import type { ModelConfig } from './config.js';

/** An input row that could not be predicted, and why. `row` counts data rows from 1; `line` is the CSV line. */
export interface SkippedRow {
  row: number;
  line?: number;
  reason: string;
}

/** Where data row `r` (0-based) is, for messages: its row number and, for CSV, its line. */
export function rowPosition(source: RowSource, r: number): { row: number; line?: number } {
  return source.format === 'csv' ? { row: r + 1, line: source.position(r) } : { row: r + 1 };
}

/**
 * The column of `source` holding feature `name` (exact, else equal up to case and spaces).
 *
 * @throws ValueError naming the feature and listing the available columns.
 */
function featureColumn(source: RowSource, name: string): string {
  const match = matchColumn(source, name);
  if (match !== undefined) return match;
  throw new ValueError(
    `predictRows: the rows have no column ${JSON.stringify(name)}, a feature of the model.${unknownColumnHint(source, name)}`,
  );
}

/**
 * Encodes the rows of `source` with the model's preprocessing. Rows that cannot be encoded (a value
 * that is not a number, a category not seen in training, a missing value under `drop`) are returned
 * in `skipped`; `used` lists the encoded rows (0-based) in the order of `table`'s rows.
 * `columnOf` maps a feature to its column (default: exact or case-insensitive match).
 *
 * @throws ValueError when a feature column is absent.
 */
export function encodeRows(
  source: RowSource,
  config: ModelConfig,
  columnOf: (feature: string) => string = (f) => featureColumn(source, f),
): { table: Table; used: number[]; skipped: SkippedRow[] } {
  const columns = config.features.map(columnOf);
  const width = config.featureNames.length;
  const rowsX: Float64Array[] = [];
  const used: number[] = [];
  const skipped: SkippedRow[] = [];
  for (let r = 0; r < source.n; r++) {
    const x = new Float64Array(width);
    const problems = encodeRow(source, config, columns, r, x);
    if (problems.length > 0) skipped.push({ ...rowPosition(source, r), reason: problems.join('; ') });
    else {
      rowsX.push(x);
      used.push(r);
    }
  }
  const x = new Float64Array(used.length * width);
  for (let i = 0; i < rowsX.length; i++) x.set(rowsX[i], i * width);
  const raw: Table = {
    featureNames: [...config.featureNames],
    featureInfo: featureInfo(config),
    categories: config.categorical,
    x,
    nRows: used.length,
    nFeatures: width,
    tasks: {},
    dropped: [],
    rowIndex: Int32Array.from(used),
  };
  if (config.missing !== 'drop') raw.impute = config.missing;
  return { table: applyStandardizer(raw, config.standardizer), used, skipped };
}

/** Writes row `r`'s encoded features into `x` (NaN where missing); returns what is wrong with the row. */
function encodeRow(
  source: RowSource,
  config: ModelConfig,
  columns: readonly string[],
  r: number,
  x: Float64Array,
): string[] {
  const problems: string[] = [];
  const missing: string[] = [];
  let o = 0;
  config.features.forEach((f, j) => {
    const v = source.get(r, columns[j]);
    const cats = Object.hasOwn(config.categorical, f) ? config.categorical[f] : undefined;
    const span = cats === undefined ? 1 : cats.length;
    if (source.isMissing(v)) {
      missing.push(f);
      x.fill(Number.NaN, o, o + span);
    } else if (cats === undefined) {
      const num = cellNumber(v);
      if (num === null) problems.push(`value ${showCell(v)} in column ${JSON.stringify(f)} is not a number`);
      else x[o] = num;
    } else {
      const s = cellText(v);
      const k = s === null ? -1 : cats.indexOf(s);
      if (k < 0) {
        problems.push(
          `category ${showCell(v)} in column ${JSON.stringify(f)} was not seen in training (known: ${quoteList(cats, 10)})`,
        );
      } else x[o + k] = 1;
    }
    o += span;
  });
  if (missing.length > 0 && config.missing === 'drop') {
    problems.unshift(
      `missing feature value in ${quoteList(missing)} (the model was trained with --missing drop)`,
    );
  }
  return problems;
}

/** The encoded columns' descriptions: a numeric feature, or one per category of a one-hot column. */
function featureInfo(config: ModelConfig): FeatureColumnInfo[] {
  const info: FeatureColumnInfo[] = [];
  for (const f of config.features) {
    const cats = Object.hasOwn(config.categorical, f) ? config.categorical[f] : undefined;
    if (cats === undefined) info.push({ name: f, column: f, kind: 'numeric' });
    else for (const c of cats) info.push({ name: `${f}=${c}`, column: f, kind: 'onehot', category: c });
  }
  return info;
}
