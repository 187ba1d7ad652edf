/**
 * {@link loadTable} in stages: columns ({@link planLoad}), cells (check them, choose the rows),
 * categories and features (one-hot layout, the matrix x), tasks (label values). Each stage works
 * on whole typed columns of the {@link RowSource}, never on strings per cell.
 */
import { CellError, ValueError } from '../errors.js';
import { quoteList } from './cells.js';
import { MISSING, type SourceColumn, textCodes } from './column.js';
import { binaryEncoding, classEncoding, sortLabels } from './labels.js';
import { type FeaturePlan, type LoadPlan, planLoad, type TaskPlan } from './load-plan.js';
import type { RowSource } from './row-source.js';
import type { DroppedRow, FeatureColumnInfo, LoadTableOptions, Table, TaskData } from './table.js';

/**
 * Loads a multi-task table from CSV text, row objects or a {@link RowSource}.
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
 * @param source CSV text (see {@link parseCsv}), an array of row objects keyed by column name
 *   (e.g. {@link penguinsRows}; an absent key is a missing value, the columns are the union of all
 *   rows' keys), or a {@link RowSource} read already (then `delimiter`, `missingValues` and
 *   `maxRows` belong to its reader, not here).
 * @throws CellError (a ValueError with `column`, `row`, `unit`, `value`, `expected`) for a cell
 *   its column cannot hold: a non-number in a numeric feature or regression label, a category or
 *   label outside a given list, a value that is neither text nor a number.
 * @throws ValueError for bad options (an unknown key, with a did-you-mean; `maxRows` not a
 *   positive integer), an unknown column (listing the available ones), a binary column with more
 *   than two labels, a task with no label at all, or when every row is dropped.
 * @throws FormatError for malformed or empty CSV, or an empty row array.
 */
export function loadTable(source: string | readonly object[] | RowSource, opts: LoadTableOptions): Table {
  const plan = planLoad(source, opts);
  checkCells(plan);
  const { kept, dropped } = chooseRows(plan);
  const { featureInfo, categories, x } = encodeFeatures(plan, kept);
  const tasks: Record<string, TaskData> = {};
  for (const t of plan.tasks) tasks[t.name] = encodeTask(plan.src, t, kept);
  const table: Table = {
    featureNames: featureInfo.map((f) => f.name),
    featureInfo,
    categories,
    x,
    nRows: kept.length,
    nFeatures: featureInfo.length,
    tasks,
    dropped,
    rowIndex: kept,
  };
  if (plan.missingFeatures !== 'drop') table.impute = plan.missingFeatures;
  return table;
}

/** A {@link CellError} for data row `row` (0-based) of column `col`. */
function cellError(
  src: RowSource,
  col: SourceColumn,
  row: number,
  value: unknown,
  expected: string,
  hint = '',
) {
  return new CellError(
    'loadTable',
    { column: col.name, row: src.position(row), unit: src.unit, value, expected },
    hint,
  );
}

const NUMERIC_HINT =
  'If the column holds categories, list it in `categorical` to one-hot encode it; if the value means "missing", add it to `missingValues`';

/** Stage 2 (cells): every cell of a numeric column is a number or missing; none is unreadable. */
function checkCells({ src, features, tasks }: LoadPlan): void {
  for (const f of features) {
    const bad = f.categorical ? f.col.firstUnsupported : f.col.firstNonNumber;
    if (bad === null) continue;
    if (f.categorical) throw cellError(src, f.col, bad.row, bad.value, 'a category (text or a number)');
    throw cellError(src, f.col, bad.row, bad.value, 'a number', NUMERIC_HINT);
  }
  for (const t of tasks) {
    const regression = t.spec.kind === 'regression';
    const bad = regression ? t.col.firstNonNumber : t.col.firstUnsupported;
    if (bad === null) continue;
    const expected = regression
      ? `a number (the label of regression task ${JSON.stringify(t.name)})`
      : 'a label (text or a number)';
    throw cellError(src, t.col, bad.row, bad.value, expected);
  }
}

/** Stage 2 (rows): which rows are kept, and why the others are not. */
function chooseRows({ src, features, tasks, missingFeatures }: LoadPlan): {
  kept: Int32Array;
  dropped: DroppedRow[];
} {
  const n = src.n;
  const lacksFeature = new Uint8Array(n);
  const hasLabel = new Uint8Array(n);
  for (const f of features) markMissing(f.col.codes, lacksFeature, true);
  for (const t of tasks) markMissing(t.col.codes, hasLabel, false);
  const drop = missingFeatures === 'drop';
  const kept: number[] = [];
  const dropped: DroppedRow[] = [];
  for (let r = 0; r < n; r++) {
    const noFeature = drop && lacksFeature[r] === 1;
    if (!noFeature && hasLabel[r] === 1) {
      kept.push(r);
      continue;
    }
    const reasons: string[] = [];
    if (noFeature) {
      const names = features.filter((f) => f.col.codes[r] === MISSING).map((f) => f.name);
      reasons.push(`missing feature value in ${quoteList(names)}`);
    }
    if (hasLabel[r] === 0) {
      reasons.push(
        tasks.length === 1
          ? `missing label of task ${JSON.stringify(tasks[0].name)}`
          : `every task label is missing (${quoteList(tasks.map((t) => t.name))})`,
      );
    }
    dropped.push({ row: src.position(r), index: r, reason: reasons.join('; ') });
  }
  if (kept.length === 0) {
    const sample = dropped
      .slice(0, 3)
      .map((d) => `${src.unit} ${d.row}: ${d.reason}`)
      .join('; ');
    throw new ValueError(
      `loadTable: every one of the ${n} rows was dropped (${sample}${n > 3 ? '; ...' : ''})`,
    );
  }
  return { kept: Int32Array.from(kept), dropped };
}

/** Sets `flags[r]` to 1 where the cell is missing (`missing` true) or present (`missing` false). */
function markMissing(codes: Int32Array, flags: Uint8Array, missing: boolean): void {
  for (let r = 0; r < codes.length; r++) if ((codes[r] === MISSING) === missing) flags[r] = 1;
}

/** A column's text codes, and the distinct texts of the kept rows. */
interface KeptTexts {
  codes: Int32Array;
  texts: string[];
  used: string[];
}

function keptTexts(col: SourceColumn, kept: Int32Array): KeptTexts {
  const { codes, texts } = textCodes(col);
  const seen = new Uint8Array(texts.length);
  for (let i = 0; i < kept.length; i++) {
    const c = codes[kept[i]];
    if (c >= 0) seen[c] = 1;
  }
  return { codes, texts, used: texts.filter((_, c) => seen[c] === 1) };
}

/** The first kept row whose code is `code` (for messages). */
function firstRowOf(codes: Int32Array, kept: Int32Array, code: number): number {
  for (let i = 0; i < kept.length; i++) if (codes[kept[i]] === code) return kept[i];
  return kept[0];
}

/** The value of each text code; a text of a kept row without one is a CellError. */
function indexCodes(
  src: RowSource,
  col: SourceColumn,
  kept: Int32Array,
  { codes, texts, used }: KeptTexts,
  value: (text: string) => number | undefined,
  expected: string,
): Float64Array {
  const out = new Float64Array(texts.length).fill(Number.NaN);
  const allowed = new Set(used);
  texts.forEach((s, c) => {
    const v = value(s);
    if (v !== undefined) out[c] = v;
    else if (allowed.has(s)) throw cellError(src, col, firstRowOf(codes, kept, c), s, expected);
  });
  return out;
}

/** Stages 3 and 4 (categories, features): the one-hot layout and the feature matrix of the kept rows. */
function encodeFeatures(
  { src, features }: LoadPlan,
  kept: Int32Array,
): { featureInfo: FeatureColumnInfo[]; categories: Record<string, string[]>; x: Float64Array } {
  const featureInfo: FeatureColumnInfo[] = [];
  const categories: Record<string, string[]> = {};
  const slots: { f: FeaturePlan; offset: number; index: Float64Array | null; codes: Int32Array }[] = [];
  for (const f of features) {
    const offset = featureInfo.length;
    if (!f.categorical) {
      featureInfo.push({ name: f.name, column: f.name, kind: 'numeric' });
      slots.push({ f, offset, index: null, codes: f.col.codes });
      continue;
    }
    const texts = keptTexts(f.col, kept);
    const cats = f.fixed ?? sortLabels(texts.used);
    const position = new Map(cats.map((c, i) => [c, i] as const));
    const expected = `one of the given categories ${quoteList(cats)}`;
    const index = indexCodes(src, f.col, kept, texts, (s) => position.get(s), expected);
    categories[f.name] = cats;
    for (const c of cats)
      featureInfo.push({ name: `${f.name}=${c}`, column: f.name, kind: 'onehot', category: c });
    slots.push({ f, offset, index, codes: texts.codes });
  }
  const width = featureInfo.length;
  const x = new Float64Array(kept.length * width);
  for (const { f, offset, index, codes } of slots) {
    const span = index === null ? 1 : (categories[f.name] as string[]).length;
    for (let i = 0; i < kept.length; i++) {
      const r = kept[i];
      const o = i * width + offset;
      if (index === null) x[o] = f.col.numbers[r];
      else if (codes[r] === MISSING) x.fill(Number.NaN, o, o + span);
      else x[o + index[codes[r]]] = 1;
    }
  }
  return { featureInfo, categories, x };
}

/** Stage 5 (tasks): the labels of one task for the kept rows. */
function encodeTask(src: RowSource, t: TaskPlan, kept: Int32Array): TaskData {
  const where = `task ${JSON.stringify(t.name)} (column ${JSON.stringify(t.spec.column)})`;
  const values = new Float64Array(kept.length);
  if (t.spec.kind === 'regression') {
    let any = false;
    for (let i = 0; i < kept.length; i++) {
      values[i] = t.col.numbers[kept[i]];
      if (!Number.isNaN(values[i])) any = true;
    }
    if (!any) throw new ValueError(`loadTable: ${where} has no label in any kept row`);
    return { kind: 'regression', column: t.spec.column, values };
  }
  const texts = keptTexts(t.col, kept);
  const { codes, used } = texts;
  if (used.length === 0) throw new ValueError(`loadTable: ${where} has no label in any kept row`);
  const enc =
    t.spec.kind === 'classification' ? classEncoding(t.spec, used) : binaryEncoding(t.spec, used, where);
  const expected = `one of the classes ${quoteList(enc.classes)} of ${where}`;
  const index = indexCodes(src, t.col, kept, texts, enc.value, expected);
  for (let i = 0; i < kept.length; i++) {
    const c = codes[kept[i]];
    values[i] = c === MISSING ? Number.NaN : index[c];
  }
  return { kind: t.spec.kind, column: t.spec.column, values, classes: enc.classes };
}
