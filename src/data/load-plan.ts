/**
 * The first stages of `loadTable`: check its options and turn them into a plan of which source
 * columns become which features and tasks. Nothing here reads a cell.
 */
import { FormatError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { quoteList, showCell } from './cells.js';
import type { SourceColumn } from './column.js';
import { csvRows, objectRows, ROW_SOURCE_OPTIONS, RowSource, unknownColumnHint } from './row-source.js';
import type { LoadTableOptions, MissingFeatures, TaskColumn } from './table.js';

const LOAD_TABLE_OPTIONS = [
  'features',
  'tasks',
  'categorical',
  'categories',
  'missingFeatures',
  ...ROW_SOURCE_OPTIONS,
];
const TASK_OPTIONS = ['column', 'name', 'kind', 'classes', 'positive'];

/** A feature column of the plan. */
export interface FeaturePlan {
  name: string;
  col: SourceColumn;
  /** One-hot encoded; `fixed` is the given category list, if any. */
  categorical: boolean;
  fixed?: string[];
}

/** A task of the plan. */
export interface TaskPlan {
  name: string;
  spec: TaskColumn;
  col: SourceColumn;
}

/** What `loadTable` will read. */
export interface LoadPlan {
  src: RowSource;
  features: FeaturePlan[];
  tasks: TaskPlan[];
  missingFeatures: MissingFeatures;
}

/** Stage 1 (columns): checks the options, reads the source, and resolves every column named. */
export function planLoad(source: string | readonly object[] | RowSource, opts: LoadTableOptions): LoadPlan {
  if (opts === null || typeof opts !== 'object') throw new ValueError('loadTable: options are required');
  checkOptionKeys('loadTable', opts, LOAD_TABLE_OPTIONS);
  const missingFeatures = opts.missingFeatures ?? 'drop';
  if (missingFeatures !== 'drop' && missingFeatures !== 'mean' && missingFeatures !== 'median') {
    throw new ValueError(
      `loadTable: missingFeatures must be 'drop', 'mean' or 'median', got ${showCell(missingFeatures)}`,
    );
  }
  if (!Array.isArray(opts.features) || opts.features.length === 0) {
    throw new ValueError('loadTable: `features` must list at least one column');
  }
  if (!Array.isArray(opts.tasks) || opts.tasks.length === 0)
    throw new ValueError('loadTable: `tasks` must list at least one task');
  const src = openSource(source, opts);
  const resolve = (name: unknown, where: string): SourceColumn => {
    if (typeof name !== 'string')
      throw new ValueError(`loadTable: ${where}: column names must be strings, got ${showCell(name)}`);
    if (src.has(name)) return src.column(name);
    throw new ValueError(
      `loadTable: unknown column ${JSON.stringify(name)} in ${where}.${unknownColumnHint(src, name)}`,
    );
  };
  const features = planFeatures(opts, resolve);
  const tasks = opts.tasks.map((t, k) => planTask(t, k, opts.features, resolve));
  checkUnique(
    tasks.map((t) => t.name),
    'task names',
  );
  return { src, features, tasks, missingFeatures };
}

/** The rows of `source`, read with the options' reading part (a RowSource was read already). */
function openSource(source: string | readonly object[] | RowSource, opts: LoadTableOptions): RowSource {
  const { delimiter, missingValues, maxRows } = opts;
  let src: RowSource;
  if (source instanceof RowSource) {
    const given = ROW_SOURCE_OPTIONS.filter((k) => opts[k] !== undefined);
    if (given.length > 0) {
      throw new ValueError(
        `loadTable: ${given.join(', ')}: a RowSource is read already; pass reading options to csvRows, objectRows or readCsvFile instead`,
      );
    }
    src = source;
  } else if (typeof source === 'string') {
    src = csvRows(source, { delimiter, missingValues, maxRows }, 'loadTable');
  } else if (Array.isArray(source)) {
    if (source.length === 0) throw new FormatError('loadTable: the row array is empty');
    src = objectRows(source, { missingValues, maxRows }, 'loadTable');
  } else throw new ValueError('loadTable: source must be CSV text, an array of row objects or a RowSource');
  if (src.n === 0) throw new FormatError('loadTable: the CSV has a header but no data rows');
  return src;
}

type Resolve = (name: unknown, where: string) => SourceColumn;

function planFeatures(opts: LoadTableOptions, resolve: Resolve): FeaturePlan[] {
  const cols = opts.features.map((f) => resolve(f, 'features'));
  checkUnique(opts.features, 'features');
  const categorical = new Set<string>();
  for (const c of opts.categorical ?? []) {
    resolve(c, 'categorical');
    if (!opts.features.includes(c))
      throw new ValueError(`loadTable: categorical column ${JSON.stringify(c)} is not listed in features`);
    categorical.add(c);
  }
  const fixed = opts.categories ?? {};
  for (const [c, cats] of Object.entries(fixed)) {
    if (!categorical.has(c))
      throw new ValueError(
        `loadTable: categories given for ${JSON.stringify(c)}, which is not listed in categorical`,
      );
    if (!Array.isArray(cats) || cats.some((s) => typeof s !== 'string'))
      throw new ValueError(`loadTable: categories[${JSON.stringify(c)}] must be an array of strings`);
    checkUnique(cats, `categories[${JSON.stringify(c)}]`);
  }
  return opts.features.map((name, j) => {
    const plan: FeaturePlan = { name, col: cols[j], categorical: categorical.has(name) };
    if (Object.hasOwn(fixed, name)) plan.fixed = [...fixed[name]];
    return plan;
  });
}

function planTask(t: TaskColumn, k: number, features: readonly string[], resolve: Resolve): TaskPlan {
  if (t === null || typeof t !== 'object') throw new ValueError(`loadTable: tasks[${k}] must be an object`);
  checkOptionKeys(`loadTable: tasks[${k}]`, t, TASK_OPTIONS);
  const col = resolve(t.column, `tasks[${k}].column`);
  if (t.kind !== 'classification' && t.kind !== 'binary' && t.kind !== 'regression') {
    throw new ValueError(
      `loadTable: tasks[${k}] (${JSON.stringify(t.column)}): kind must be 'classification', 'binary' or 'regression', got ${showCell(t.kind)}`,
    );
  }
  if (features.includes(t.column)) {
    throw new ValueError(
      `loadTable: column ${JSON.stringify(t.column)} is both a feature and the target of a task`,
    );
  }
  if (t.name !== undefined && typeof t.name !== 'string')
    throw new ValueError(`loadTable: tasks[${k}].name must be a string, got ${showCell(t.name)}`);
  if (t.positive !== undefined && t.kind !== 'binary')
    throw new ValueError(`loadTable: tasks[${k}]: positive applies to binary tasks only`);
  if (t.classes !== undefined) checkClasses(t, k);
  return { name: t.name ?? t.column, spec: t, col };
}

function checkClasses(t: TaskColumn, k: number): void {
  const classes = t.classes as unknown;
  if (t.kind === 'regression')
    throw new ValueError(`loadTable: tasks[${k}]: classes do not apply to a regression task`);
  if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string')) {
    throw new ValueError(`loadTable: tasks[${k}]: classes must be an array of strings`);
  }
  checkUnique(classes, `tasks[${k}].classes`);
  if (t.kind === 'binary' && classes.length !== 2) {
    throw new ValueError(
      `loadTable: tasks[${k}]: a binary task needs exactly two classes [negative, positive], got ${classes.length}`,
    );
  }
  if (t.kind === 'binary' && t.positive !== undefined && !classes.includes(t.positive)) {
    throw new ValueError(
      `loadTable: tasks[${k}]: positive ${JSON.stringify(t.positive)} is not one of classes ${quoteList(classes)}`,
    );
  }
}

/** @throws ValueError if a name is listed twice. */
export function checkUnique(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const s of names) {
    if (seen.has(s)) throw new ValueError(`loadTable: ${where}: ${JSON.stringify(s)} is listed twice`);
    seen.add(s);
  }
}
