/**
 * Loading a multi-task table: feature matrix plus one label vector per task, as plain typed arrays.
 *
 * {@link loadTable} reads CSV text or an array of row objects, selects feature columns (one-hot
 * encoding the categorical ones) and task columns, turns missing labels into NaN for the task
 * concerned only, and drops the rows it cannot use, recording why. Imputation of missing feature
 * values is deliberately not done here: its statistics must come from training rows only, so it
 * happens in {@link fitStandardizer}/{@link applyStandardizer} after the split.
 */
import { FormatError, ValueError } from '../errors.js';
/**
 * The kind of a task, which fixes how its column is encoded in {@link TaskData.values}:
 * - `classification`: class index 0..C-1 into {@link TaskData.classes};
 * - `binary`: 0 or 1 (1 = the positive class, `classes[1]`);
 * - `regression`: the real value.
 */
import type { TaskKind } from '../mtl/tasks.js';
import { cellNumber, cellText, quoteList, showCell } from './cells.js';
import { parseCsv } from './csv.js';

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
export interface LoadTableOptions {
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
  /**
   * Strings that mean "missing", compared after trimming and case-insensitively. Default
   * {@link DEFAULT_MISSING_VALUES}. `null`, `undefined` and NaN are always missing.
   */
  missingValues?: readonly string[];
  /** CSV field delimiter (CSV input only). Default `,`. */
  delimiter?: string;
}

/** Default strings read as missing values: empty, NA, N/A, NaN, null, "." and "?". */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', '.', '?'];

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

/** Source data behind a uniform cell accessor. */
interface Source {
  columns: string[];
  n: number;
  get(row: number, column: number): unknown;
  /** 1-based position for messages. */
  position(row: number): number;
  /** "line" (CSV) or "row" (objects), for messages. */
  unit: string;
}

function csvSource(text: string, delimiter: string | undefined): Source {
  const csv = parseCsv(text, delimiter === undefined ? {} : { delimiter });
  return {
    columns: csv.header,
    n: csv.rows.length,
    get: (r, c) => csv.rows[r][c],
    position: (r) => csv.lines[r],
    unit: 'line',
  };
}

function objectSource(objects: readonly object[]): Source {
  const rows = objects as readonly Record<string, unknown>[];
  const index = new Map<string, number>();
  const columns: string[] = [];
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new FormatError(`loadTable: row ${i + 1} is not an object`);
    }
    for (const key of Object.keys(row)) {
      if (!index.has(key)) {
        index.set(key, columns.length);
        columns.push(key);
      }
    }
  });
  return {
    columns,
    n: rows.length,
    get: (r, c) => rows[r][columns[c]],
    position: (r) => r + 1,
    unit: 'row',
  };
}

function isNumericLabel(s: string): boolean {
  return cellNumber(s) !== null;
}

/**
 * The order used for class and category lists that are not given explicitly: if every label looks
 * like a decimal number, numeric order ("2" before "10"; equal numbers such as "1" and "1.0" by
 * text); otherwise by UTF-16 code units ("B" before "a"), independent of the locale.
 */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  if (list.length > 0 && list.every(isNumericLabel)) {
    return list.sort((a, b) => Number(a) - Number(b) || compareLabels(a, b));
  }
  return list.sort(compareLabels);
}

/** Code-unit comparison of two labels (the non-numeric case of {@link sortLabels}). */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Loads a multi-task table from CSV text or row objects.
 *
 * Rows: a row whose every task label is missing is dropped; with `missingFeatures: 'drop'` (the
 * default) a row lacking any feature value is dropped too. Each drop is recorded in
 * {@link Table.dropped} with a reason. A missing label of some tasks only becomes NaN in those
 * tasks' `values` and the row stays, to train the other tasks.
 *
 * Values: cells are trimmed; {@link DEFAULT_MISSING_VALUES} (or `missingValues`), null, undefined
 * and NaN are missing. Numeric features and regression labels must be decimal numbers (booleans
 * in row objects count as 1/0). Classification labels are category names even when they look
 * numeric; binary labels are read as described on {@link TaskColumn}: with `classes` or
 * `positive` as given; else labels that are all 0/1 map to themselves, all true/false
 * (case-insensitive) to 1/0, and otherwise the two distinct labels in {@link sortLabels} order
 * map to 0 and 1 (FEMALE → 0, MALE → 1). Categories and classes are collected from kept rows.
 *
 * @param source CSV text (see {@link parseCsv}), or an array of row objects keyed by column name
 *   (e.g. `Record<string, unknown>[]`, or {@link penguinsRows}); an object's absent key is a
 *   missing value, and the columns are the union of all rows' keys.
 * @throws ValueError for an unknown column (the message lists the available ones), a non-numeric
 *   value in a numeric feature (naming column, row and value, and suggesting `categorical`), a
 *   non-numeric regression label, a binary column with more than two labels, a label or category
 *   outside a given list, a task with no label at all, or when every row is dropped.
 * @throws FormatError for malformed or empty CSV, or an empty row array.
 */
export function loadTable(source: string | readonly object[], opts: LoadTableOptions): Table {
  if (opts === null || typeof opts !== 'object') throw new ValueError('loadTable: options are required');
  let src: Source;
  if (typeof source === 'string') src = csvSource(source, opts.delimiter);
  else if (Array.isArray(source)) {
    if (source.length === 0) throw new FormatError('loadTable: the row array is empty');
    src = objectSource(source);
  } else throw new ValueError('loadTable: source must be CSV text or an array of row objects');
  if (src.n === 0) throw new FormatError('loadTable: the CSV has a header but no data rows');

  const missingFeatures = opts.missingFeatures ?? 'drop';
  if (missingFeatures !== 'drop' && missingFeatures !== 'mean' && missingFeatures !== 'median') {
    throw new ValueError(
      `loadTable: missingFeatures must be 'drop', 'mean' or 'median', got ${showCell(missingFeatures)}`,
    );
  }
  const missingSet = new Set(
    (opts.missingValues ?? DEFAULT_MISSING_VALUES).map((s) => s.trim().toLowerCase()),
  );
  const isMissing = (v: unknown): boolean =>
    v === null ||
    v === undefined ||
    (typeof v === 'number' && Number.isNaN(v)) ||
    (typeof v === 'string' && missingSet.has(v.trim().toLowerCase()));

  // ---- Options and column names.
  const colIndex = new Map(src.columns.map((c, i) => [c, i] as const));
  const resolve = (name: unknown, where: string): number => {
    if (typeof name !== 'string')
      throw new ValueError(`loadTable: ${where}: column names must be strings, got ${showCell(name)}`);
    const i = colIndex.get(name);
    if (i !== undefined) return i;
    const near = src.columns.filter((c) => c.trim().toLowerCase() === name.trim().toLowerCase());
    const hint = near.length > 0 ? ` Did you mean ${quoteList(near)}?` : '';
    throw new ValueError(
      `loadTable: unknown column ${JSON.stringify(name)} in ${where}.${hint} Available columns: ${quoteList(src.columns, 200)}`,
    );
  };
  if (!Array.isArray(opts.features) || opts.features.length === 0) {
    throw new ValueError('loadTable: `features` must list at least one column');
  }
  if (!Array.isArray(opts.tasks) || opts.tasks.length === 0)
    throw new ValueError('loadTable: `tasks` must list at least one task');
  const featureCols = opts.features.map((f) => resolve(f, 'features'));
  checkUnique(opts.features, 'features');
  const categorical = new Set<string>();
  for (const c of opts.categorical ?? []) {
    resolve(c, 'categorical');
    if (!opts.features.includes(c))
      throw new ValueError(`loadTable: categorical column ${JSON.stringify(c)} is not listed in features`);
    categorical.add(c);
  }
  for (const c of Object.keys(opts.categories ?? {})) {
    if (!categorical.has(c))
      throw new ValueError(
        `loadTable: categories given for ${JSON.stringify(c)}, which is not listed in categorical`,
      );
  }

  interface TaskSpec {
    name: string;
    col: number;
    spec: TaskColumn;
  }
  const tasks: TaskSpec[] = opts.tasks.map((t, k) => {
    if (t === null || typeof t !== 'object') throw new ValueError(`loadTable: tasks[${k}] must be an object`);
    const col = resolve(t.column, `tasks[${k}].column`);
    if (t.kind !== 'classification' && t.kind !== 'binary' && t.kind !== 'regression') {
      throw new ValueError(
        `loadTable: tasks[${k}] (${JSON.stringify(t.column)}): kind must be 'classification', 'binary' or 'regression', got ${showCell(t.kind)}`,
      );
    }
    if (opts.features.includes(t.column)) {
      throw new ValueError(
        `loadTable: column ${JSON.stringify(t.column)} is both a feature and the target of a task`,
      );
    }
    if (t.positive !== undefined && t.kind !== 'binary')
      throw new ValueError(`loadTable: tasks[${k}]: positive applies to binary tasks only`);
    if (t.classes !== undefined) {
      if (t.kind === 'regression')
        throw new ValueError(`loadTable: tasks[${k}]: classes do not apply to a regression task`);
      if (!Array.isArray(t.classes) || t.classes.some((c) => typeof c !== 'string')) {
        throw new ValueError(`loadTable: tasks[${k}]: classes must be an array of strings`);
      }
      checkUnique(t.classes, `tasks[${k}].classes`);
      if (t.kind === 'binary' && t.classes.length !== 2) {
        throw new ValueError(
          `loadTable: tasks[${k}]: a binary task needs exactly two classes [negative, positive], got ${t.classes.length}`,
        );
      }
      if (t.kind === 'binary' && t.positive !== undefined && !t.classes.includes(t.positive)) {
        throw new ValueError(
          `loadTable: tasks[${k}]: positive ${JSON.stringify(t.positive)} is not one of classes ${quoteList(t.classes)}`,
        );
      }
    }
    return { name: t.name ?? t.column, col, spec: t };
  });
  checkUnique(
    tasks.map((t) => t.name),
    'task names',
  );

  // ---- Pass 1: read every cell we need, decide which rows to keep.
  const n = src.n;
  const numericFeature = opts.features.map((f) => !categorical.has(f));
  const nf = featureCols.length;
  const featNum = new Float64Array(n * nf).fill(Number.NaN); // numeric features
  const featCat: (string | null)[][] = opts.features.map(() => new Array<string | null>(n).fill(null));
  const taskLabel: (string | null)[][] = tasks.map(() => new Array<string | null>(n).fill(null)); // classification/binary
  const taskNum: Float64Array[] = tasks.map(() => new Float64Array(n).fill(Number.NaN)); // regression
  const keep = new Uint8Array(n);
  const dropped: DroppedRow[] = [];

  for (let r = 0; r < n; r++) {
    const missingCols: string[] = [];
    for (let j = 0; j < nf; j++) {
      const v = src.get(r, featureCols[j]);
      if (isMissing(v)) {
        missingCols.push(opts.features[j]);
        continue;
      }
      if (numericFeature[j]) {
        const x = cellNumber(v);
        if (x === null) {
          throw new ValueError(
            `loadTable: column ${JSON.stringify(opts.features[j])}, ${src.unit} ${src.position(r)}: value ${showCell(v)} is not a number. ` +
              `If the column holds categories, list it in \`categorical\` to one-hot encode it; if the value means "missing", add it to \`missingValues\`.`,
          );
        }
        featNum[r * nf + j] = x;
      } else {
        const s = cellText(v);
        if (s === null)
          throw new ValueError(
            `loadTable: column ${JSON.stringify(opts.features[j])}, ${src.unit} ${src.position(r)}: unsupported value ${showCell(v)}`,
          );
        featCat[j][r] = s;
      }
    }
    let anyLabel = false;
    tasks.forEach((t, k) => {
      const v = src.get(r, t.col);
      if (isMissing(v)) return;
      anyLabel = true;
      if (t.spec.kind === 'regression') {
        const y = cellNumber(v);
        if (y === null) {
          throw new ValueError(
            `loadTable: regression task ${JSON.stringify(t.name)}: column ${JSON.stringify(t.spec.column)}, ${src.unit} ${src.position(r)}: value ${showCell(v)} is not a number`,
          );
        }
        taskNum[k][r] = y;
      } else {
        const s = cellText(v);
        if (s === null)
          throw new ValueError(
            `loadTable: column ${JSON.stringify(t.spec.column)}, ${src.unit} ${src.position(r)}: unsupported label ${showCell(v)}`,
          );
        taskLabel[k][r] = s;
      }
    });
    const reasons: string[] = [];
    if (missingFeatures === 'drop' && missingCols.length > 0) {
      reasons.push(`missing feature value in ${quoteList(missingCols)}`);
    }
    if (!anyLabel) {
      reasons.push(
        tasks.length === 1
          ? `missing label of task ${JSON.stringify(tasks[0].name)}`
          : `every task label is missing (${quoteList(tasks.map((t) => t.name))})`,
      );
    }
    if (reasons.length > 0) dropped.push({ row: src.position(r), index: r, reason: reasons.join('; ') });
    else keep[r] = 1;
  }

  const kept: number[] = [];
  for (let r = 0; r < n; r++) if (keep[r]) kept.push(r);
  if (kept.length === 0) {
    const sample = dropped
      .slice(0, 3)
      .map((d) => `${src.unit} ${d.row}: ${d.reason}`)
      .join('; ');
    throw new ValueError(
      `loadTable: every one of the ${n} rows was dropped (${sample}${n > 3 ? '; ...' : ''})`,
    );
  }
  const m = kept.length;

  // ---- Categories (from kept rows unless fixed) and the feature layout.
  const categories: Record<string, string[]> = {};
  const featureInfo: FeatureColumnInfo[] = [];
  const catIndex: (Map<string, number> | null)[] = [];
  opts.features.forEach((f, j) => {
    if (numericFeature[j]) {
      featureInfo.push({ name: f, column: f, kind: 'numeric' });
      catIndex.push(null);
      return;
    }
    const fixed = opts.categories?.[f];
    let cats: string[];
    if (fixed !== undefined) {
      checkUnique(fixed, `categories[${JSON.stringify(f)}]`);
      cats = [...fixed];
      const known = new Set(cats);
      for (const r of kept) {
        const s = featCat[j][r];
        if (s !== null && !known.has(s)) {
          throw new ValueError(
            `loadTable: column ${JSON.stringify(f)}, ${src.unit} ${src.position(r)}: category ${JSON.stringify(s)} is not among the given categories ${quoteList(cats)}`,
          );
        }
      }
    } else {
      const seen = new Set<string>();
      for (const r of kept) {
        const s = featCat[j][r];
        if (s !== null) seen.add(s);
      }
      cats = sortLabels(seen);
    }
    categories[f] = cats;
    catIndex.push(new Map(cats.map((c, i) => [c, i] as const)));
    for (const c of cats) featureInfo.push({ name: `${f}=${c}`, column: f, kind: 'onehot', category: c });
  });
  const width = featureInfo.length;

  // ---- Pass 2: build x.
  const x = new Float64Array(m * width);
  for (let i = 0; i < m; i++) {
    const r = kept[i];
    let o = i * width;
    for (let j = 0; j < nf; j++) {
      const ci = catIndex[j];
      if (ci === null) {
        x[o++] = featNum[r * nf + j];
        continue;
      }
      const s = featCat[j][r];
      if (s === null) x.fill(Number.NaN, o, o + ci.size);
      else x[o + (ci.get(s) as number)] = 1;
      o += ci.size;
    }
  }

  // ---- Task values.
  const outTasks: Record<string, TaskData> = {};
  tasks.forEach((t, k) => {
    const values = new Float64Array(m);
    const where = `task ${JSON.stringify(t.name)} (column ${JSON.stringify(t.spec.column)})`;
    if (t.spec.kind === 'regression') {
      let any = false;
      for (let i = 0; i < m; i++) {
        values[i] = taskNum[k][kept[i]];
        if (!Number.isNaN(values[i])) any = true;
      }
      if (!any) throw new ValueError(`loadTable: ${where} has no label in any kept row`);
      outTasks[t.name] = { kind: 'regression', column: t.spec.column, values };
      return;
    }
    const labels = taskLabel[k];
    const distinct = new Set<string>();
    for (const r of kept) {
      const s = labels[r];
      if (s !== null) distinct.add(s);
    }
    if (distinct.size === 0) throw new ValueError(`loadTable: ${where} has no label in any kept row`);
    let map: (s: string, r: number) => number;
    let classes: string[];
    if (t.spec.kind === 'classification') {
      classes = t.spec.classes !== undefined ? [...t.spec.classes] : sortLabels(distinct);
      map = lookup(classes, where, src);
    } else {
      ({ classes, map } = binaryEncoding(t.spec, distinct, where, src));
    }
    for (let i = 0; i < m; i++) {
      const s = labels[kept[i]];
      values[i] = s === null ? Number.NaN : map(s, kept[i]);
    }
    outTasks[t.name] = { kind: t.spec.kind, column: t.spec.column, values, classes };
  });

  const table: Table = {
    featureNames: featureInfo.map((f) => f.name),
    featureInfo,
    categories,
    x,
    nRows: m,
    nFeatures: width,
    tasks: outTasks,
    dropped,
    rowIndex: Int32Array.from(kept),
  };
  if (missingFeatures !== 'drop') table.impute = missingFeatures;
  return table;
}

function lookup(classes: string[], where: string, src: Source): (s: string, r: number) => number {
  const index = new Map(classes.map((c, i) => [c, i] as const));
  return (s, r) => {
    const i = index.get(s);
    if (i === undefined) {
      throw new ValueError(
        `loadTable: ${where}, ${src.unit} ${src.position(r)}: label ${JSON.stringify(s)} is not among the given classes ${quoteList(classes)}`,
      );
    }
    return i;
  };
}

function binaryEncoding(
  spec: TaskColumn,
  distinct: Set<string>,
  where: string,
  src: Source,
): { classes: string[]; map: (s: string, r: number) => number } {
  const labels = sortLabels(distinct);
  if (spec.classes !== undefined) {
    const positive = spec.positive ?? spec.classes[1];
    const negative = spec.classes[0] === positive ? spec.classes[1] : spec.classes[0];
    const classes = [negative, positive];
    return { classes, map: lookup(classes, where, src) };
  }
  if (spec.positive !== undefined) {
    const others = labels.filter((s) => s !== spec.positive);
    if (others.length > 1) {
      throw new ValueError(
        `loadTable: binary ${where}: besides the positive label ${JSON.stringify(spec.positive)} there are ${others.length} labels (${quoteList(others)}); ` +
          "a binary task has exactly one negative label. Use kind: 'classification', or mark extra values as missing with `missingValues`.",
      );
    }
    const classes = [others[0] ?? `not ${spec.positive}`, spec.positive];
    return { classes, map: (s) => (s === spec.positive ? 1 : 0) };
  }
  if (labels.every((s) => isNumericLabel(s) && (Number(s) === 0 || Number(s) === 1))) {
    return { classes: ['0', '1'], map: (s) => Number(s) };
  }
  if (labels.every((s) => s.toLowerCase() === 'true' || s.toLowerCase() === 'false')) {
    return { classes: ['false', 'true'], map: (s) => (s.toLowerCase() === 'true' ? 1 : 0) };
  }
  if (labels.length > 2) {
    throw new ValueError(
      `loadTable: binary ${where} has ${labels.length} distinct labels (${quoteList(labels)}); a binary task needs two. ` +
        "Use kind: 'classification', or mark extra values as missing with `missingValues`.",
    );
  }
  if (labels.length < 2) {
    throw new ValueError(
      `loadTable: binary ${where} has a single label ${JSON.stringify(labels[0])}; pass \`positive\` (or \`classes\`) to say which class it is`,
    );
  }
  return { classes: labels, map: (s) => (s === labels[1] ? 1 : 0) };
}

function checkUnique(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const s of names) {
    if (seen.has(s)) throw new ValueError(`loadTable: ${where}: ${JSON.stringify(s)} is listed twice`);
    seen.add(s);
  }
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
