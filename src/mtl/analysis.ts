/**
 * The questions of the reference formulation, answered by code:
 *  - what does sharing buy?      compareWithSingleTask → per-task metrics of both, and Δm;
 *  - how to choose λ (and lr)?   crossValidate / gridSearch with k folds, mean ± std;
 *  - do the tasks conflict?      gradientConflict → pairwise cosine of the task gradients.
 */
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { Rng } from '../tensor/rng.js';
import { gradientCosine } from './aggregators/index.js';
import { HardSharing, type MultiTaskModel } from './architectures.js';
import { type MultiTaskData, type PreparedData, prepareData, subset, taskLoss } from './data.js';
import { evaluatePrepared, type TaskMetrics } from './evaluate.js';
import { cutRepresentation, representationGradients, sharedJacobian } from './jacobian.js';
import { higherIsBetter, type MetricValues } from './metrics.js';
import { type MetricName, type TaskSpec, validateTasks } from './tasks.js';
import { type FitOptions, fit, type History } from './trainer.js';

/** Builds a fresh model for the given tasks (called once per model trained). */
export type ModelBuilder = (tasks: readonly TaskSpec[], seed: number) => MultiTaskModel;

export interface ModelRecipe {
  /** A builder, or the shape of a hard-sharing MLP: `{inputs, hidden}`. */
  build?: ModelBuilder;
  inputs?: number;
  hidden?: readonly number[];
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

/**
 * Multi-task improvement Δm in percent (Maninis et al. 2019; LibMTL's convention with trained
 * single-task baselines):  Δm = 100·(1/T)·Σ_t (1/M_t)·Σ_m (−1)^{h_m}·(M_mtl − M_stl)/M_stl,
 * h_m = 1 when higher is better. NEGATIVE Δm means the multi-task model is better.
 */
export function deltaM(
  tasks: readonly TaskSpec[],
  mtl: Record<string, MetricValues>,
  stl: Record<string, MetricValues>,
): number {
  let total = 0;
  for (const task of tasks) {
    const metrics = deltaMetrics(task);
    let s = 0;
    for (const m of metrics) {
      const a = mtl[task.name]?.[m];
      const b = stl[task.name]?.[m];
      if (a === undefined || b === undefined)
        throw new ValueError(`deltaM: metric '${m}' missing for task '${task.name}'`);
      const sign = higherIsBetter(m) ? -1 : 1;
      s += (sign * (a - b)) / b;
    }
    total += s / metrics.length;
  }
  return (100 * total) / tasks.length;
}

export interface CompareOptions extends ModelRecipe {
  tasks: readonly TaskSpec[];
  train: MultiTaskData;
  test: MultiTaskData;
  /** Training options shared by every model (same budget and seed). */
  fit?: Omit<FitOptions, 'tasks'>;
  seed?: number;
}

export interface CompareResult {
  /** Test metrics per task: the multi-task model vs its single-task baseline. */
  tasks: Record<string, { mtl: TaskMetrics; stl: TaskMetrics }>;
  /** Δm in percent; negative means multi-task is better. */
  deltaM: number;
  /** Trainable parameters: the one multi-task model vs all single-task models together. */
  parameters: { mtl: number; stl: number };
  histories: { mtl: History; stl: Record<string, History> };
}

/**
 * Trains one multi-task model and one single-task model per task (same trunk shape, optimiser,
 * epochs, batch size and seed) and compares them on the test data.
 */
export function compareWithSingleTask(options: CompareOptions): CompareResult {
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
  return {
    tasks: result,
    deltaM: deltaM(options.tasks, mtl, stl),
    parameters: { mtl: mtlModel.numParameters(), stl: stlParams },
    histories: { mtl: mtlHistory, stl: stlHistories },
  };
}

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
    scores.push(scoreOf(score, metrics));
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

function scoreOf(score: string, metrics: Record<string, TaskMetrics>): number {
  if (score === 'loss')
    return Object.values(metrics).reduce((s, m) => s + (Number.isNaN(m.loss) ? 0 : m.loss), 0);
  const dot = score.lastIndexOf('.');
  const v = (metrics[score.slice(0, dot)] as Record<string, number> | undefined)?.[score.slice(dot + 1)];
  if (v === undefined)
    throw new ValueError(`score '${score}': expected 'loss' or 'task.metric' for a reported metric`);
  return v;
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

export interface GridSearchOptions extends Omit<CrossValidateOptions, 'fit'> {
  /** Values to try: any FitOptions fields, typically `{weightDecay: [0, 1e-4, 1e-3], lr: [1e-3, 1e-2]}`. */
  grid: Record<string, readonly unknown[]>;
  /** Options shared by every setting. */
  fit?: Omit<FitOptions, 'tasks' | 'validation'>;
}

export interface GridRow {
  params: Record<string, unknown>;
  mean: number;
  std: number;
  result: CrossValidateResult;
}

/** Cross-validates every combination of the grid; `best` minimises the score ('loss') or maximises a higher-is-better metric. */
export function gridSearch(options: GridSearchOptions): { rows: GridRow[]; best: GridRow } {
  const keys = Object.keys(options.grid);
  if (keys.length === 0)
    throw new ValueError('gridSearch: grid must name at least one option with values to try');
  for (const key of keys) {
    if (!Array.isArray(options.grid[key]) || options.grid[key].length === 0) {
      throw new ValueError(`gridSearch: grid.${key} must be a non-empty array`);
    }
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const key of keys) combos = combos.flatMap((c) => options.grid[key].map((v) => ({ ...c, [key]: v })));
  const rows = combos.map((params) => {
    const result = crossValidate({
      ...options,
      fit: { ...options.fit, ...params } as CrossValidateOptions['fit'],
    });
    return { params, mean: result.mean, std: result.std, result };
  });
  const score = options.score ?? 'loss';
  const higher = score !== 'loss' && higherIsBetter(score.slice(score.lastIndexOf('.') + 1) as MetricName);
  const best = rows.reduce((b, r) => ((higher ? r.mean > b.mean : r.mean < b.mean) ? r : b));
  return { rows, best };
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
