/**
 * The questions of the reference formulation, answered by code:
 *  - what does sharing buy?      compareWithSingleTask → per-task metrics of both, and Δm;
 *  - how to choose λ (and lr)?   crossValidate / gridSearch with k folds, mean ± std;
 *  - do the tasks conflict?      gradientConflict → pairwise cosine of the task gradients.
 */
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { meanStd } from '../stats/intervals.js';
import { Rng } from '../tensor/rng.js';
import { gradientCosine } from './aggregators/index.js';
import { HardSharing, type MultiTaskModel } from './architectures.js';
import { FIT_KEYS } from './config.js';
import { type MultiTaskData, type PreparedData, prepareData, subset, taskLoss } from './data.js';
import { evaluatePrepared, type TaskMetrics } from './evaluate.js';
import { cutRepresentation, representationGradients, sharedJacobian } from './jacobian.js';
import { higherIsBetter, type MetricValues } from './metrics.js';
import { type MetricName, type TaskSpec, validateTasks } from './tasks.js';
import { type FitOptions, fit, type History } from './trainer.js';

/** Builds a fresh model for the given tasks (called once per model trained). */
export type ModelBuilder = (tasks: readonly TaskSpec[], seed: number) => MultiTaskModel;

/** How the analysis functions build each model they train: a builder, or the sizes of a hard-sharing MLP. */
export interface ModelRecipe {
  /** A builder, or the shape of a hard-sharing MLP: `{inputs, hidden}`. */
  build?: ModelBuilder;
  inputs?: number;
  hidden?: readonly number[];
}

/** The keys of a ModelRecipe, accepted by every analysis helper. */
const RECIPE_KEYS = ['build', 'inputs', 'hidden'] as const;
const CROSS_VALIDATE_KEYS = [...RECIPE_KEYS, 'tasks', 'data', 'folds', 'stratify', 'fit', 'seed', 'score'];
/** The fit options a grid may vary: all but the tasks and the validation data. */
const GRID_KEYS = FIT_KEYS.filter((k) => k !== 'tasks' && k !== 'validation');

/** A cross-validation fold whose score is not a number (NaN or ±Infinity). */
export class FoldScoreError extends ValueError {
  constructor(
    message: string,
    /** The fold (from 0). */
    readonly fold: number,
  ) {
    super(message);
  }
}

function builderOf(recipe: ModelRecipe, what: string): ModelBuilder {
  if (recipe.build) return recipe.build;
  if (recipe.inputs === undefined || recipe.hidden === undefined) {
    throw new ValueError(`${what}: give build(tasks, seed) or {inputs, hidden} for a hard-sharing MLP`);
  }
  const { inputs, hidden } = recipe;
  return (tasks, seed) => HardSharing.build({ inputs, hidden, tasks, rng: new Rng(seed) });
}

/** The metrics Δm averages per task: accuracy and macro-F1 (and AUC for binary), MSE and MAE for regression. */
function deltaMetrics(task: TaskSpec): MetricName[] {
  if (task.metrics) return task.metrics;
  if (task.kind === 'classification') return ['accuracy', 'macroF1'];
  if (task.kind === 'binary') return ['accuracy', 'macroF1', 'auc'];
  return ['mse', 'mae'];
}

/** A metric left out of Δm, and why. */
export interface SkippedMetric {
  task: string;
  metric: MetricName;
  reason: string;
}

/**
 * Multi-task improvement Δm in percent (Maninis et al. 2019; LibMTL's convention with trained
 * single-task baselines):  Δm = 100·(1/T)·Σ_t (1/M_t)·Σ_m (−1)^{h_m}·(M_mtl − M_stl)/M_stl,
 * h_m = 1 when higher is better. NEGATIVE Δm means the multi-task model is better.
 *
 * @throws ValueError when a metric is missing or cannot enter Δm (not finite, or a baseline of 0);
 *   compareWithSingleTask instead leaves such metrics out and lists them in `skipped`.
 */
export function deltaM(
  tasks: readonly TaskSpec[],
  mtl: Record<string, MetricValues>,
  stl: Record<string, MetricValues>,
): number {
  const { value, skipped } = deltaMSkipping(tasks, mtl, stl);
  if (skipped.length > 0) {
    const s = skipped[0];
    throw new ValueError(`deltaM: metric '${s.metric}' of task '${s.task}' ${s.reason}`);
  }
  return value;
}

/** Δm over the metrics that can be compared; the others are listed with the reason. */
function deltaMSkipping(
  tasks: readonly TaskSpec[],
  mtl: Record<string, MetricValues>,
  stl: Record<string, MetricValues>,
): { value: number; skipped: SkippedMetric[] } {
  const skipped: SkippedMetric[] = [];
  let total = 0;
  let counted = 0;
  for (const task of tasks) {
    let s = 0;
    let used = 0;
    for (const m of deltaMetrics(task)) {
      const a = mtl[task.name]?.[m];
      const b = stl[task.name]?.[m];
      if (a === undefined || b === undefined)
        throw new ValueError(`deltaM: metric '${m}' missing for task '${task.name}'`);
      const reason = uncomparable(a, b);
      if (reason !== null) {
        skipped.push({ task: task.name, metric: m, reason });
        continue;
      }
      const sign = higherIsBetter(m) ? -1 : 1;
      s += (sign * (a - b)) / b;
      used++;
    }
    // A task none of whose metrics can be compared drops out of the average over tasks.
    if (used > 0) {
      total += s / used;
      counted++;
    }
  }
  return { value: counted === 0 ? Number.NaN : (100 * total) / counted, skipped };
}

/** Why a metric pair cannot enter Δm (relative change to the baseline), or null when it can. */
function uncomparable(mtl: number, stl: number): string | null {
  if (!Number.isFinite(stl)) return `cannot be computed for the single-task baseline (${stl})`;
  if (!Number.isFinite(mtl)) return `cannot be computed for the multi-task model (${mtl})`;
  if (stl === 0) return 'is 0 for the single-task baseline, so a relative change is undefined';
  return null;
}

/** Options of {@link compareWithSingleTask}: the data, the model recipe and the fit options. */
export interface CompareOptions extends ModelRecipe {
  tasks: readonly TaskSpec[];
  train: MultiTaskData;
  test: MultiTaskData;
  /** Training options shared by every model (same budget and seed). */
  fit?: Omit<FitOptions, 'tasks'>;
  seed?: number;
}

/** What {@link compareWithSingleTask} returns: per-task metrics of both models and Δm. */
export interface CompareResult {
  /** Test metrics per task: the multi-task model vs its single-task baseline. */
  tasks: Record<string, { mtl: TaskMetrics; stl: TaskMetrics }>;
  /** Δm in percent over the metrics in neither `skipped`; negative means multi-task is better. */
  deltaM: number;
  /**
   * Metrics left out of Δm because they cannot be computed on the test data (AUC of a one-class
   * split, a task without test labels) or have a baseline of 0, with the reason.
   */
  skipped: SkippedMetric[];
  /** Trainable parameters: the one multi-task model vs all single-task models together. */
  parameters: { mtl: number; stl: number };
  histories: { mtl: History; stl: Record<string, History> };
}

/**
 * Trains one multi-task model and one single-task model per task (same trunk shape, optimiser,
 * epochs, batch size and seed) and compares them on the test data.
 */
export function compareWithSingleTask(options: CompareOptions): CompareResult {
  checkOptionKeys('compareWithSingleTask', options, [
    ...RECIPE_KEYS,
    'tasks',
    'train',
    'test',
    'fit',
    'seed',
  ]);
  validateTasks(options.tasks);
  const build = builderOf(options, 'compareWithSingleTask');
  const seed = options.seed ?? 0;
  const fitOptions = { ...options.fit, seed: options.fit?.seed ?? seed };
  const mtlModel = build(options.tasks, seed);
  const mtlHistory = fit(mtlModel, options.train, { ...fitOptions, tasks: options.tasks });
  const testAll = prepareData(options.test, options.tasks, mtlModel.dtype, 'test data');
  const mtlMetrics = evaluatePrepared(mtlModel, testAll);
  const result: CompareResult['tasks'] = {};
  const stlHistories: Record<string, History> = {};
  let stlParams = 0;
  for (const task of options.tasks) {
    const model = build([task], seed);
    stlParams += model.numParameters();
    const only = (d: MultiTaskData): MultiTaskData => ({ x: d.x, y: { [task.name]: d.y[task.name] } });
    stlHistories[task.name] = fit(model, only(options.train), {
      ...fitOptions,
      tasks: [task],
      weighting: undefined,
      validation: fitOptions.validation ? only(fitOptions.validation) : undefined,
    });
    const stl = evaluatePrepared(model, prepareData(only(options.test), [task], model.dtype, 'test data'));
    result[task.name] = { mtl: mtlMetrics[task.name], stl: stl[task.name] };
  }
  const mtl: Record<string, MetricValues> = {};
  const stl: Record<string, MetricValues> = {};
  for (const [k, v] of Object.entries(result)) {
    mtl[k] = v.mtl;
    stl[k] = v.stl;
  }
  const delta = deltaMSkipping(options.tasks, mtl, stl);
  if (Number.isNaN(delta.value)) {
    const why = delta.skipped.map((m) => `${m.task}.${m.metric} ${m.reason}`).join('; ');
    throw new ValueError(`compareWithSingleTask: no metric can be compared on the test data: ${why}`);
  }
  return {
    tasks: result,
    deltaM: delta.value,
    skipped: delta.skipped,
    parameters: { mtl: mtlModel.numParameters(), stl: stlParams },
    histories: { mtl: mtlHistory, stl: stlHistories },
  };
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions extends ModelRecipe {
  tasks: readonly TaskSpec[];
  data: MultiTaskData;
  /** Number of folds (default 5). */
  folds?: number;
  /** Stratify the folds by this classification/binary task's labels. */
  stratify?: string;
  fit?: Omit<FitOptions, 'tasks' | 'validation'>;
  seed?: number;
  /** The score to rank settings by: 'loss' (sum of task losses, default) or 'task.metric'. */
  score?: string;
}

/** What {@link crossValidate} returns: metrics and scores per fold, with their mean and standard deviation. */
export interface CrossValidateResult {
  /** Validation metrics per fold. */
  folds: Record<string, TaskMetrics>[];
  /** The score per fold, and its mean and standard deviation (n − 1). */
  scores: number[];
  mean: number;
  std: number;
  /** Per task and metric: mean and std over folds. */
  metrics: Record<string, Record<string, { mean: number; std: number }>>;
}

/** k-fold cross-validation of one training setting. */
export function crossValidate(options: CrossValidateOptions): CrossValidateResult {
  checkOptionKeys('crossValidate', options, CROSS_VALIDATE_KEYS);
  validateTasks(options.tasks);
  const build = builderOf(options, 'crossValidate');
  const k = options.folds ?? 5;
  const seed = options.seed ?? 0;
  const probe = build(options.tasks, seed);
  const all = prepareData(options.data, options.tasks, probe.dtype, 'crossValidate data');
  if (!Number.isInteger(k) || k < 2 || k > all.n)
    throw new ValueError(`crossValidate: folds must be an integer in [2, ${all.n}], got ${k}`);
  const assignment = foldAssignment(all, k, seed, options.stratify);
  const score = options.score ?? 'loss';
  const folds: Record<string, TaskMetrics>[] = [];
  const scores: number[] = [];
  for (let f = 0; f < k; f++) {
    const trainIdx: number[] = [];
    const valIdx: number[] = [];
    assignment.forEach((a, i) => (a === f ? valIdx : trainIdx).push(i));
    const train = subset(all, Int32Array.from(trainIdx));
    const val = subset(all, Int32Array.from(valIdx));
    const model = build(options.tasks, seed);
    fit(model, toData(train), { ...options.fit, tasks: options.tasks, seed: options.fit?.seed ?? seed });
    const metrics = evaluatePrepared(model, val);
    folds.push(metrics);
    const v = scoreOf(score, metrics);
    if (!Number.isFinite(v)) {
      throw new FoldScoreError(
        `crossValidate: fold ${f} of ${k} (${valIdx.length} validation rows) scores ${v} on '${score}'${nonFiniteWhy(score, metrics)}`,
        f,
      );
    }
    scores.push(v);
  }
  const metrics: CrossValidateResult['metrics'] = {};
  for (const task of options.tasks) {
    metrics[task.name] = {};
    for (const key of Object.keys(folds[0][task.name])) {
      const vals = folds.map((m) => (m[task.name] as Record<string, number>)[key]);
      metrics[task.name][key] = meanStd(vals);
    }
  }
  return { folds, scores, ...meanStd(scores), metrics };
}

function toData(p: PreparedData): MultiTaskData {
  const y: Record<string, Float64Array> = {};
  p.tasks.forEach((t, i) => {
    y[t.name] = p.labels[i];
  });
  return { x: p.x, y };
}

/** Fold index of every row: per stratum (class of `stratify`, or one stratum), shuffled and dealt round-robin. */
function foldAssignment(data: PreparedData, k: number, seed: number, stratify?: string): Int32Array {
  const rng = new Rng(seed);
  const groups = new Map<number, number[]>();
  let labels: Float64Array | null = null;
  if (stratify !== undefined) {
    const t = data.tasks.findIndex((task) => task.name === stratify);
    if (t < 0) throw new ValueError(`crossValidate: stratify task '${stratify}' is not one of the tasks`);
    if (data.tasks[t].kind === 'regression')
      throw new ValueError(`crossValidate: cannot stratify by regression task '${stratify}'`);
    labels = data.labels[t];
  }
  for (let i = 0; i < data.n; i++) {
    const key = labels === null || Number.isNaN(labels[i]) ? -1 : Math.round(labels[i]);
    const g = groups.get(key) ?? [];
    g.push(i);
    groups.set(key, g);
  }
  const out = new Int32Array(data.n);
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = rng.shuffle(groups.get(key)!);
    for (const i of g) out[i] = next++ % k;
  }
  return out;
}

/** Why a fold's score is not finite, for the message: which task metric is NaN, and a likely cause. */
function nonFiniteWhy(score: string, metrics: Record<string, TaskMetrics>): string {
  const bad = Object.entries(metrics)
    .filter(([, m]) => m.count > 0 && !Number.isFinite(score === 'loss' ? m.loss : Number.NaN))
    .map(([t]) => t);
  if (score === 'loss')
    return bad.length > 0 ? ` (loss of ${bad.join(', ')} is not finite: did training diverge?)` : '';
  return ' (the metric cannot be computed on this fold, e.g. AUC of a fold with one class, or the task has no labels there; try stratify or fewer folds)';
}

function scoreOf(score: string, metrics: Record<string, TaskMetrics>): number {
  // A task without labels in the fold has no loss there; a NaN loss of a labelled task is a failure.
  if (score === 'loss') return Object.values(metrics).reduce((s, m) => s + (m.count === 0 ? 0 : m.loss), 0);
  const dot = score.lastIndexOf('.');
  const v = (metrics[score.slice(0, dot)] as Record<string, number> | undefined)?.[score.slice(dot + 1)];
  if (v === undefined)
    throw new ValueError(`score '${score}': expected 'loss' or 'task.metric' for a reported metric`);
  return v;
}

/** Options of {@link gridSearch}: the cross-validation options and the grid of fit options to try. */
export interface GridSearchOptions extends Omit<CrossValidateOptions, 'fit'> {
  /** Values to try: any FitOptions fields, typically `{weightDecay: [0, 1e-4, 1e-3], lr: [1e-3, 1e-2]}`. */
  grid: Record<string, readonly unknown[]>;
  /** Options shared by every setting. */
  fit?: Omit<FitOptions, 'tasks' | 'validation'>;
}

/** One setting of a {@link gridSearch}: its parameters and its cross-validated score. */
export interface GridRow {
  params: Record<string, unknown>;
  mean: number;
  std: number;
  result: CrossValidateResult;
}

/** A setting left out of the ranking because a fold's score was NaN or ±Infinity. */
export interface FailedGridRow {
  params: Record<string, unknown>;
  /** The fold that failed (from 0) and the message naming it. */
  fold: number;
  error: string;
}

/**
 * Cross-validates every combination of the grid; `best` minimises the score ('loss') or maximises a
 * higher-is-better metric. A setting with a fold whose score is NaN or ±Infinity is not ranked: it is
 * listed in `failed` with the fold.
 *
 * @throws ValueError for an unknown grid key, and when no setting has a finite score.
 */
export function gridSearch(options: GridSearchOptions): {
  rows: GridRow[];
  best: GridRow;
  failed: FailedGridRow[];
} {
  checkOptionKeys('gridSearch', options, [...CROSS_VALIDATE_KEYS, 'grid']);
  const { grid, ...cvOptions } = options;
  const rows: GridRow[] = [];
  const failed: FailedGridRow[] = [];
  for (const params of gridCombinations(grid)) {
    try {
      const result = crossValidate({
        ...cvOptions,
        fit: { ...options.fit, ...params } as CrossValidateOptions['fit'],
      });
      rows.push({ params, mean: result.mean, std: result.std, result });
    } catch (err) {
      if (!(err instanceof FoldScoreError)) throw err;
      failed.push({ params, fold: err.fold, error: err.message });
    }
  }
  if (rows.length === 0) {
    const why = failed.map((r) => `${JSON.stringify(r.params)}: ${r.error}`).join('; ');
    throw new ValueError(`gridSearch: no setting has a finite score in every fold: ${why}`);
  }
  const score = options.score ?? 'loss';
  const higher = score !== 'loss' && higherIsBetter(score.slice(score.lastIndexOf('.') + 1) as MetricName);
  const best = rows.reduce((b, r) => ((higher ? r.mean > b.mean : r.mean < b.mean) ? r : b));
  return { rows, best, failed };
}

/** Every combination of the grid's values, after checking its keys and value lists. */
function gridCombinations(grid: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid))
    throw new ValueError('gridSearch: grid must be an object {option: [values to try]}');
  checkOptionKeys('gridSearch: grid', grid, GRID_KEYS);
  const keys = Object.keys(grid);
  if (keys.length === 0)
    throw new ValueError('gridSearch: grid must name at least one option with values to try');
  for (const key of keys) {
    if (!Array.isArray(grid[key]) || grid[key].length === 0) {
      throw new ValueError(`gridSearch: grid.${key} must be a non-empty array`);
    }
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const key of keys) combos = combos.flatMap((c) => grid[key].map((v) => ({ ...c, [key]: v })));
  return combos;
}

/**
 * Pairwise cosine similarity of the task gradients on the shared parameters, at the model's current
 * weights, on `data` (or its first `maxRows` rows). Negative entries are conflicting tasks.
 * Gradients of the model are left cleared.
 */
export function gradientConflict(
  model: MultiTaskModel,
  data: MultiTaskData,
  options: { tasks: readonly TaskSpec[]; maxRows?: number },
): { tasks: string[]; cosine: number[][] } {
  checkOptionKeys('gradientConflict', options, ['tasks', 'maxRows']);
  validateTasks(options.tasks);
  let prepared = prepareData(data, options.tasks, model.dtype, 'gradientConflict data');
  const { maxRows } = options;
  if (maxRows !== undefined && !(Number.isInteger(maxRows) && maxRows >= 1))
    throw new ValueError(`gradientConflict: maxRows must be a positive integer, got ${String(maxRows)}`);
  if (maxRows !== undefined && prepared.n > maxRows) {
    prepared = subset(
      prepared,
      Int32Array.from({ length: maxRows }, (_, i) => i),
    );
  }
  model.zeroGrad();
  // One forward; each task's gradient through its own head, then J over the shared parameters.
  const { z, zHat } = cutRepresentation(model, prepared.x);
  const out = model.decode(zHat, prepared.x);
  const losses = options.tasks.map((task, t) => taskLoss(task, out[task.name], prepared.labels[t]));
  const J = sharedJacobian(z, representationGradients(zHat, losses), model.sharedParameters());
  model.zeroGrad();
  return { tasks: options.tasks.map((t) => t.name), cosine: gradientCosine(J).map((r) => Array.from(r)) };
}
