/**
 * Loading a multi-task table: feature matrix plus one label vector per task, as plain typed arrays.
 *
 * {@link loadTable} reads CSV text or an array of row objects, selects feature columns (one-hot
 * encoding the categorical ones) and task columns, turns missing labels into NaN for the task
 * concerned only, and drops the rows it cannot use, recording why. Imputation of missing feature
 * values is deliberately not done here: its statistics must come from training rows only, so it
 * happens in {@link fitStandardizer}/{@link applyStandardizer} after the split.
 */
import { ValueError } from '../errors.js';
/**
 * The kind of a task, which fixes how its column is encoded in {@link TaskData.values}:
 * - `classification`: class index 0..C-1 into {@link TaskData.classes};
 * - `binary`: 0 or 1 (1 = the positive class, `classes[1]`);
 * - `regression`: the real value.
 */
import type { TaskKind } from '../mtl/tasks.js';
import type { RowSourceOptions } from './row-source.js';

export type { TaskKind };

/** A task of {@link LoadTableOptions}: which column holds its labels and how to read them. */
export interface TaskColumn {
  /** Source column of the labels. */
  column: string;
  /** Task name, the key in {@link Table.tasks}. Default: the column name. */
  name?: string;
  /** How the labels are encoded. */
  kind: TaskKind;
  /**
   * Fixed class order (classification: index i = classes[i]; binary: exactly two, classes[1] is
   * the positive class). A label outside the list is an error. Default: the distinct labels of
   * the kept rows, in label order (see {@link compareLabels}).
   */
  classes?: string[];
  /**
   * Binary only: the label that becomes 1; the one other label present becomes 0 (if none is
   * present, the negative class is named `not <positive>`).
   */
  positive?: string;
}

/**
 * What to do with a row that lacks a feature value:
 * - `drop`: drop the row (recorded in {@link Table.dropped}, naming the columns);
 * - `mean` / `median`: keep it with NaN in {@link Table.x} and set {@link Table.impute}, so that
 *   {@link fitStandardizer} (on the training rows) computes the fill values and
 *   {@link applyStandardizer} replaces the NaNs.
 */
export type MissingFeatures = 'drop' | 'mean' | 'median';

/** Options of {@link loadTable}. */
export interface LoadTableOptions extends RowSourceOptions {
  /** Input columns, in the order they appear in {@link Table.x} (one-hot columns expand in place). */
  features: string[];
  /** Target columns, one per task; at least one. */
  tasks: TaskColumn[];
  /** Feature columns to one-hot encode (each must also be listed in `features`). */
  categorical?: string[];
  /**
   * Fixed category order per categorical column (e.g. saved from a training run so that a new
   * file gets the same encoding). A value outside the list is an error. Default: the distinct
   * values of the kept rows, in label order.
   */
  categories?: Record<string, string[]>;
  /** Rows with a missing feature value: drop them (default) or keep them for imputation. */
  missingFeatures?: MissingFeatures;
}

/** One column of {@link Table.x}. */
export interface FeatureColumnInfo {
  /** Display name: the source column, or `column=category` for a one-hot column. */
  name: string;
  /** Source column. */
  column: string;
  /** `numeric`: the parsed number; `onehot`: 1 if the row's value is `category`, else 0. */
  kind: 'numeric' | 'onehot';
  /** The category of a one-hot column. */
  category?: string;
}

/** The labels of one task, one entry per table row. */
export interface TaskData {
  /** How `values` encodes the labels. */
  kind: TaskKind;
  /** Source column. */
  column: string;
  /** Class index (classification), 0/1 (binary) or real value (regression); NaN where the label is missing. */
  values: Float64Array;
  /** Class names for classification and binary tasks (binary: `[negative, positive]`). */
  classes?: string[];
}

/** A source row that {@link loadTable} did not keep. */
export interface DroppedRow {
  /** 1-based position in the source: the CSV line on which the record starts, or the index in the row array + 1. */
  row: number;
  /** 0-based index among the source's data rows (the numbering of {@link Table.rowIndex}). */
  index: number;
  /** Why, e.g. `missing feature value in "Beak Length (mm)"` or `every task label is missing`. */
  reason: string;
}

/**
 * A multi-task data set as plain typed arrays. Treat it as immutable: functions that change data
 * ({@link subsetTable}, {@link applyStandardizer}, ...) return new tables.
 */
export interface Table {
  /** Names of the columns of `x` (after one-hot encoding, e.g. `Island=Biscoe`). */
  featureNames: string[];
  /** Description of each column of `x`, parallel to `featureNames`. */
  featureInfo: FeatureColumnInfo[];
  /** Category order of each one-hot encoded source column (pass back as `categories` for a consistent encoding). */
  categories: Record<string, string[]>;
  /** Features, row-major `nRows × nFeatures`. NaN only where a value is missing and {@link Table.impute} is set. */
  x: Float64Array;
  /** Number of rows. */
  nRows: number;
  /** Number of feature columns. */
  nFeatures: number;
  /** Labels per task name. */
  tasks: Record<string, TaskData>;
  /** Source rows not kept, with reasons (empty for tables derived by subsetting). */
  dropped: DroppedRow[];
  /** For each row, its 0-based index among the source's data rows. */
  rowIndex: Int32Array;
  /** Pending imputation requested by `missingFeatures` (`x` may hold NaN); cleared by {@link applyStandardizer}. */
  impute?: 'mean' | 'median';
}

/**
 * A new table with the given rows of `table`, in the given order (indices 0..nRows-1, repeats
 * allowed). Arrays are copied; `dropped` is empty; `rowIndex` still points into the original source.
 */
export function subsetTable(table: Table, rows: ArrayLike<number>): Table {
  const k = rows.length;
  const f = table.nFeatures;
  const x = new Float64Array(k * f);
  const rowIndex = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= table.nRows) {
      throw new ValueError(`subsetTable: row ${r} is out of range for a table of ${table.nRows} rows`);
    }
    x.set(table.x.subarray(r * f, r * f + f), i * f);
    rowIndex[i] = table.rowIndex[r];
  }
  const tasks: Record<string, TaskData> = {};
  for (const [name, t] of Object.entries(table.tasks)) {
    const values = new Float64Array(k);
    for (let i = 0; i < k; i++) values[i] = t.values[rows[i]];
    tasks[name] = { ...t, values, ...(t.classes ? { classes: [...t.classes] } : {}) };
  }
  return { ...cloneMeta(table), x, nRows: k, tasks, dropped: [], rowIndex };
}

/**
 * A copy of `table` (same rows) with new features or labels: the given arrays are used as they
 * are, everything else is copied. `impute: null` clears a pending imputation.
 */
export function withData(
  table: Table,
  change: { x?: Float64Array; tasks?: Record<string, TaskData>; impute?: null },
): Table {
  const meta = cloneMeta(table);
  if (change.impute === null) delete meta.impute;
  return {
    ...meta,
    x: change.x ?? Float64Array.from(table.x),
    nRows: table.nRows,
    tasks: change.tasks ?? copyTasks(table.tasks),
    dropped: table.dropped.map((d) => ({ ...d })),
    rowIndex: Int32Array.from(table.rowIndex),
  };
}

/** The labels of every task, copied. */
export function copyTasks(tasks: Record<string, TaskData>): Record<string, TaskData> {
  const out: Record<string, TaskData> = {};
  for (const [name, t] of Object.entries(tasks)) {
    out[name] = {
      ...t,
      values: Float64Array.from(t.values),
      ...(t.classes ? { classes: [...t.classes] } : {}),
    };
  }
  return out;
}

/** The descriptive fields of a table (names, categories, impute), copied. */
export function cloneMeta(
  table: Table,
): Pick<Table, 'featureNames' | 'featureInfo' | 'categories' | 'nFeatures' | 'impute'> {
  const meta: Pick<Table, 'featureNames' | 'featureInfo' | 'categories' | 'nFeatures' | 'impute'> = {
    featureNames: [...table.featureNames],
    featureInfo: table.featureInfo.map((f) => ({ ...f })),
    categories: Object.fromEntries(Object.entries(table.categories).map(([k, v]) => [k, [...v]])),
    nFeatures: table.nFeatures,
  };
  if (table.impute !== undefined) meta.impute = table.impute;
  return meta;
}

/** Input of {@link tableFromArrays}. */
export interface TableArrays {
  /** Features, row-major `nRows × nFeatures`. */
  x: ArrayLike<number>;
  nRows: number;
  nFeatures: number;
  /** Column names; default `x0`, `x1`, ... */
  featureNames?: string[];
  /** Labels per task name, encoded as in {@link TaskData} (classes optional for binary/classification). */
  tasks: Record<string, { kind: TaskKind; values: ArrayLike<number>; classes?: string[] }>;
}

/**
 * Wraps arrays that are already numeric (e.g. from {@link relatedTasks}) as a {@link Table}, so
 * they can go through {@link trainTestSplit} and {@link fitStandardizer}. All columns are numeric.
 * Arrays are copied and checked: lengths, class indices in range, binary values 0/1 (NaN = missing).
 */
export function tableFromArrays(data: TableArrays): Table {
  const { nRows, nFeatures } = data;
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(nFeatures) || nFeatures < 1) {
    throw new ValueError(
      `tableFromArrays: nRows must be an integer ≥ 0 and nFeatures ≥ 1, got ${nRows} and ${nFeatures}`,
    );
  }
  if (data.x.length !== nRows * nFeatures) {
    throw new ValueError(
      `tableFromArrays: x has ${data.x.length} values, expected nRows × nFeatures = ${nRows * nFeatures}`,
    );
  }
  const names = data.featureNames ?? Array.from({ length: nFeatures }, (_, j) => `x${j}`);
  if (names.length !== nFeatures)
    throw new ValueError(`tableFromArrays: ${names.length} feature names for ${nFeatures} features`);
  const tasks: Record<string, TaskData> = {};
  for (const [name, t] of Object.entries(data.tasks)) {
    if (t.values.length !== nRows)
      throw new ValueError(
        `tableFromArrays: task ${JSON.stringify(name)} has ${t.values.length} values for ${nRows} rows`,
      );
    const values = Float64Array.from(t.values);
    const classes = t.classes ?? (t.kind === 'binary' ? ['0', '1'] : undefined);
    if (t.kind === 'classification' && classes === undefined) {
      let max = -1;
      for (const v of values) if (v > max) max = v;
      const inferred = Array.from({ length: max + 1 }, (_, i) => String(i));
      tasks[name] = { kind: t.kind, column: name, values, classes: inferred };
    } else {
      tasks[name] = classes
        ? { kind: t.kind, column: name, values, classes: [...classes] }
        : { kind: t.kind, column: name, values };
    }
    const cls = tasks[name].classes;
    if (cls) {
      for (const v of values) {
        if (!Number.isNaN(v) && !(Number.isInteger(v) && v >= 0 && v < cls.length)) {
          throw new ValueError(
            `tableFromArrays: task ${JSON.stringify(name)}: value ${v} is not a class index in [0, ${cls.length})`,
          );
        }
      }
    }
  }
  return {
    featureNames: [...names],
    featureInfo: names.map((s) => ({ name: s, column: s, kind: 'numeric' as const })),
    categories: {},
    x: Float64Array.from(data.x),
    nRows,
    nFeatures,
    tasks,
    dropped: [],
    rowIndex: Int32Array.from({ length: nRows }, (_, i) => i),
  };
}
