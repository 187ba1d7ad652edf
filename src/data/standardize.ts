/**
 * Feature standardisation with imputation, and target standardisation for regression tasks.
 *
 * Both are fitted on a training table only and then applied to any table (train, validation,
 * test, new data), so no statistic of held-out rows leaks into training. Both are plain data
 * objects: `JSON.stringify` saves them (e.g. next to a model), {@link standardizerFromJSON} and
 * {@link targetStandardizerFromJSON} load and validate them.
 */
import { FormatError, ValueError } from '../errors.js';
import { copyTasks, type Table, withData } from './table.js';

/** Imputation statistic for missing feature values. */
export type ImputeStrategy = 'mean' | 'median';

/**
 * Per-column feature scaling fitted by {@link fitStandardizer}: `x' = (x − mean) / std` for
 * numeric columns. One-hot columns are left unscaled (`scaled[j]` false, mean 0, std 1): they are
 * already on a 0/1 scale, and keeping them exact 0/1 indicators keeps the encoding readable.
 */
export interface Standardizer {
  format: 'mtlgrad.standardizer';
  version: 1;
  /** Column names the standardizer was fitted on; a table it is applied to must match. */
  featureNames: string[];
  /** Training mean of each column (NaNs ignored); 0 for one-hot columns. */
  mean: number[];
  /** Training standard deviation (divisor n, NaNs ignored), 1 for constant and one-hot columns. Never 0. */
  std: number[];
  /** Whether each column is standardised (false for one-hot columns). */
  scaled: boolean[];
  /** Imputation strategy, or null to refuse missing values. */
  impute: ImputeStrategy | null;
  /**
   * Value (in original units) that replaces a missing value of each column when `impute` is set:
   * the training mean or median. For a one-hot column the mean is the category's frequency.
   */
  fill: number[];
}

/** Options of {@link fitStandardizer}. */
export interface FitStandardizerOptions {
  /**
   * Imputation of missing (NaN) features. Default: the table's pending {@link Table.impute}
   * (set by `loadTable`'s `missingFeatures`), else none. Pass `null` to disable explicitly.
   */
  impute?: ImputeStrategy | null;
}

function median(sorted: Float64Array): number {
  const k = sorted.length;
  return k % 2 === 1 ? sorted[(k - 1) / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
}

/**
 * Fits a {@link Standardizer} on `table`, which should be the training rows only: per-column
 * mean and standard deviation (population, divisor n) ignoring NaN; std 1 for constant columns;
 * the imputation fill value (mean or median of the observed values) when imputing.
 *
 * @throws ValueError for an empty table or a column without any observed value.
 */
export function fitStandardizer(table: Table, opts: FitStandardizerOptions = {}): Standardizer {
  const impute = opts.impute === undefined ? (table.impute ?? null) : opts.impute;
  if (impute !== null && impute !== 'mean' && impute !== 'median') {
    throw new ValueError(`fitStandardizer: impute must be 'mean', 'median' or null, got ${String(impute)}`);
  }
  const { nRows: n, nFeatures: f, x } = table;
  if (n === 0) throw new ValueError('fitStandardizer: the table has no rows');
  const mean: number[] = [];
  const std: number[] = [];
  const scaled: boolean[] = [];
  const fill: number[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < f; j++) {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * f + j];
      if (!Number.isNaN(v)) col[k++] = v;
    }
    if (k === 0) {
      throw new ValueError(
        `fitStandardizer: feature ${JSON.stringify(table.featureNames[j])} has no observed value in the ${n} training rows`,
      );
    }
    const obs = col.subarray(0, k);
    let sum = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of obs) {
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const mu = sum / k;
    let ss = 0;
    for (const v of obs) ss += (v - mu) * (v - mu);
    const sd = Math.sqrt(ss / k);
    const isScaled = table.featureInfo[j]?.kind !== 'onehot';
    scaled.push(isScaled);
    mean.push(isScaled ? mu : 0);
    std.push(isScaled && lo !== hi && sd > 0 && Number.isFinite(sd) ? sd : 1);
    fill.push(impute === 'median' ? median(Float64Array.from(obs).sort()) : mu);
  }
  return {
    format: 'mtlgrad.standardizer',
    version: 1,
    featureNames: [...table.featureNames],
    mean,
    std,
    scaled,
    impute,
    fill,
  };
}

/**
 * Applies a fitted {@link Standardizer}: returns a new table whose features are imputed (if the
 * standardizer imputes) and standardised; one-hot columns are imputed but not scaled. Labels and
 * row bookkeeping are copied unchanged; the result has no pending `impute`.
 *
 * @throws ValueError if the feature names differ from the fitted ones, or if a value is missing
 *   and the standardizer does not impute (the message names the column and the source row).
 */
export function applyStandardizer(table: Table, scaler: Standardizer): Table {
  checkNames(table.featureNames, scaler.featureNames);
  const { nRows: n, nFeatures: f } = table;
  const x = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      let v = table.x[i * f + j];
      if (Number.isNaN(v)) {
        if (scaler.impute === null) {
          throw new ValueError(
            `applyStandardizer: feature ${JSON.stringify(table.featureNames[j])} is missing in row ${i} (source data row ${table.rowIndex[i]}); ` +
              "fit the standardizer with impute: 'mean' or 'median', or load the table with missingFeatures: 'drop'",
          );
        }
        v = scaler.fill[j];
      }
      x[i * f + j] = scaler.scaled[j] ? (v - scaler.mean[j]) / scaler.std[j] : v;
    }
  }
  return withData(table, { x, impute: null });
}

function checkNames(got: readonly string[], want: readonly string[]): void {
  if (got.length !== want.length) {
    throw new ValueError(
      `applyStandardizer: the table has ${got.length} feature columns, the standardizer was fitted on ${want.length}`,
    );
  }
  for (let j = 0; j < got.length; j++) {
    if (got[j] !== want[j]) {
      throw new ValueError(
        `applyStandardizer: feature column ${j} is ${JSON.stringify(got[j])}, the standardizer expects ${JSON.stringify(want[j])}`,
      );
    }
  }
}

/**
 * Mean and standard deviation of regression targets, fitted on training rows by
 * {@link fitTargetStandardizer}: training uses `(y − mean) / std`, and {@link inverseTargets}
 * maps predictions back to original units (errors scale by `std` alone: an RMSE of e on the
 * standardised scale is e·std in original units).
 */
export interface TargetStandardizer {
  format: 'mtlgrad.target-standardizer';
  version: 1;
  /** Statistics per regression task name; std is never 0 (1 for constant targets). */
  tasks: Record<string, { mean: number; std: number }>;
}

/**
 * Fits a {@link TargetStandardizer} on the (training) table: mean and population std of each
 * regression task's values, ignoring missing (NaN) labels.
 *
 * @param opts.tasks Regression tasks to standardise. Default: every regression task.
 * @throws ValueError for an unknown or non-regression task, or a task without any label.
 */
export function fitTargetStandardizer(table: Table, opts: { tasks?: string[] } = {}): TargetStandardizer {
  const names = opts.tasks ?? Object.keys(table.tasks).filter((k) => table.tasks[k].kind === 'regression');
  const out: TargetStandardizer = { format: 'mtlgrad.target-standardizer', version: 1, tasks: {} };
  for (const name of names) {
    const t = table.tasks[name];
    if (t === undefined) throw new ValueError(`fitTargetStandardizer: unknown task ${JSON.stringify(name)}`);
    if (t.kind !== 'regression')
      throw new ValueError(
        `fitTargetStandardizer: task ${JSON.stringify(name)} is ${t.kind}, not regression`,
      );
    let k = 0;
    let sum = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of t.values) {
      if (Number.isNaN(v)) continue;
      k++;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (k === 0)
      throw new ValueError(
        `fitTargetStandardizer: task ${JSON.stringify(name)} has no label in the ${table.nRows} training rows`,
      );
    const mean = sum / k;
    let ss = 0;
    for (const v of t.values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    const sd = Math.sqrt(ss / k);
    out.tasks[name] = { mean, std: lo !== hi && sd > 0 && Number.isFinite(sd) ? sd : 1 };
  }
  return out;
}

/** A new table whose regression targets named in `scaler` are standardised (NaN labels stay NaN). */
export function applyTargetStandardizer(table: Table, scaler: TargetStandardizer): Table {
  const tasks = copyTasks(table.tasks);
  for (const [name, { mean, std }] of Object.entries(scaler.tasks)) {
    const t = tasks[name];
    if (t === undefined)
      throw new ValueError(`applyTargetStandardizer: the table has no task ${JSON.stringify(name)}`);
    if (t.kind !== 'regression')
      throw new ValueError(
        `applyTargetStandardizer: task ${JSON.stringify(name)} is ${t.kind}, not regression`,
      );
    for (let i = 0; i < t.values.length; i++) t.values[i] = (t.values[i] - mean) / std;
  }
  return withData(table, { tasks });
}

/** Maps standardised values (e.g. predictions) of task `task` back to original units: `v·std + mean`. */
export function inverseTargets(
  scaler: TargetStandardizer,
  task: string,
  values: ArrayLike<number>,
): Float64Array {
  const s = scaler.tasks[task];
  if (s === undefined)
    throw new ValueError(`inverseTargets: the target standardizer has no task ${JSON.stringify(task)}`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * s.std + s.mean;
  return out;
}

function parseJson(json: unknown, what: string): Record<string, unknown> {
  let obj = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new FormatError(`${what}: invalid JSON: ${(e as Error).message}`);
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw new FormatError(`${what}: expected a JSON object`);
  return obj as Record<string, unknown>;
}

function finiteArray(v: unknown, len: number, what: string, field: string, positive = false): number[] {
  if (!Array.isArray(v) || v.length !== len)
    throw new FormatError(`${what}: ${field} must be an array of ${len} numbers`);
  for (const e of v) {
    if (typeof e !== 'number' || !Number.isFinite(e) || (positive && !(e > 0))) {
      throw new FormatError(
        `${what}: ${field} holds ${JSON.stringify(e)}, expected a finite${positive ? ' positive' : ''} number`,
      );
    }
  }
  return [...v] as number[];
}

/**
 * Loads a {@link Standardizer} saved with `JSON.stringify` (text or parsed object), validating
 * every field.
 *
 * @throws FormatError if it is not a valid version-1 standardizer.
 */
export function standardizerFromJSON(json: unknown): Standardizer {
  const what = 'standardizerFromJSON';
  const o = parseJson(json, what);
  if (o.format !== 'mtlgrad.standardizer' || o.version !== 1) {
    throw new FormatError(
      `${what}: not a version-1 mtlgrad standardizer (format ${JSON.stringify(o.format)}, version ${JSON.stringify(o.version)})`,
    );
  }
  const names = o.featureNames;
  if (!Array.isArray(names) || names.some((s) => typeof s !== 'string'))
    throw new FormatError(`${what}: featureNames must be an array of strings`);
  const f = names.length;
  const scaled = o.scaled;
  if (!Array.isArray(scaled) || scaled.length !== f || scaled.some((b) => typeof b !== 'boolean')) {
    throw new FormatError(`${what}: scaled must be an array of ${f} booleans`);
  }
  if (o.impute !== null && o.impute !== 'mean' && o.impute !== 'median')
    throw new FormatError(`${what}: impute must be "mean", "median" or null`);
  return {
    format: 'mtlgrad.standardizer',
    version: 1,
    featureNames: [...(names as string[])],
    mean: finiteArray(o.mean, f, what, 'mean'),
    std: finiteArray(o.std, f, what, 'std', true),
    scaled: [...(scaled as boolean[])],
    impute: o.impute,
    fill: finiteArray(o.fill, f, what, 'fill'),
  };
}

/**
 * Loads a {@link TargetStandardizer} saved with `JSON.stringify` (text or parsed object).
 *
 * @throws FormatError if it is not a valid version-1 target standardizer.
 */
export function targetStandardizerFromJSON(json: unknown): TargetStandardizer {
  const what = 'targetStandardizerFromJSON';
  const o = parseJson(json, what);
  if (o.format !== 'mtlgrad.target-standardizer' || o.version !== 1) {
    throw new FormatError(
      `${what}: not a version-1 mtlgrad target standardizer (format ${JSON.stringify(o.format)}, version ${JSON.stringify(o.version)})`,
    );
  }
  const tasks = o.tasks;
  if (tasks === null || typeof tasks !== 'object' || Array.isArray(tasks))
    throw new FormatError(`${what}: tasks must be an object`);
  const out: TargetStandardizer = { format: 'mtlgrad.target-standardizer', version: 1, tasks: {} };
  for (const [name, s] of Object.entries(tasks as Record<string, unknown>)) {
    const st = s as { mean?: unknown; std?: unknown } | null;
    const [mean, std] = finiteArray([st?.mean, st?.std], 2, what, `tasks[${JSON.stringify(name)}] mean/std`);
    if (!(std > 0))
      throw new FormatError(`${what}: tasks[${JSON.stringify(name)}].std must be positive, got ${std}`);
    out.tasks[name] = { mean, std };
  }
  return out;
}
