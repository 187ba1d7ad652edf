/**
 * The multi-task trainer: L = Σ_t w_t·L_t + λ·L_wd, one shared forward per batch.
 *
 * Each step runs the shared part once, cuts the graph at the representation z (a leaf ẑ that shares
 * z's data), and runs the heads on ẑ. Then:
 *  - loss-based weightings: one backward of Σ w_t L_t through the heads gives the heads' gradients
 *    and ∂/∂ẑ, which seeds one backward through the shared part;
 *  - gradient-based weightings: each task's loss is backpropagated through its own head only (heads
 *    receive only their own task's gradient) giving G_t = ∂L_t/∂z; the shared part is then
 *    backpropagated once per task from G_t (no forward recomputation) to form the T×D matrix J,
 *    which the method aggregates into the shared gradient. MGDA-UB aggregates the G_t themselves.
 * Weight decay comes after aggregation and is never projected with the task gradients: an L2 term
 * λ·½Σw² backpropagated on its own (decay 'l2', the reference formulation), or the optimiser's coupled
 * (Adam weight_decay) or decoupled (AdamW) decay. The weighting's own parameters are never decayed.
 */
import { zeros } from '../autograd/create.js';
import { noGrad } from '../autograd/grad-mode.js';
import { backward, release } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { MtlgradError, ValueError } from '../errors.js';
import { Adam, AdamW, l2Penalty, SGD } from '../optim/index.js';
import { Rng } from '../tensor/rng.js';
import { gradientCosine } from './aggregators/index.js';
import type { MultiTaskModel } from './architectures.js';
import { type MultiTaskData, type PreparedData, prepareData, subset, taskLoss } from './data.js';
import { evaluatePrepared, type TaskMetrics } from './evaluate.js';
import { higherIsBetter } from './metrics.js';
import { type TaskSpec, validateTasks } from './tasks.js';
import { EW } from './weighting/ew.js';
import type { StepInfo, Weighting } from './weighting/types.js';

/** Thrown when a loss becomes NaN or ±Infinity (and `nonFinite` is 'error'). */
export class NonFiniteLossError extends MtlgradError {
  constructor(
    message: string,
    readonly task: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(message);
  }
}

export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
}

export interface TrainerParamGroup {
  params: Tensor[];
  weightDecay: number;
}

export interface EarlyStopping {
  /** 'loss' (sum of validation task losses, default) or 'task.metric', e.g. 'species.accuracy'. */
  monitor?: string;
  /** Epochs without improvement before stopping (default 10). */
  patience?: number;
  /** Smallest change that counts as improvement (default 0). */
  minDelta?: number;
  /** Restore the best epoch's weights at the end (default true). */
  restoreBest?: boolean;
}

export interface FitOptions {
  tasks: readonly TaskSpec[];
  /** 'adam' (default), 'adamw', 'sgd', or a factory receiving the parameter groups. */
  optimizer?: 'adam' | 'adamw' | 'sgd' | ((groups: TrainerParamGroup[]) => OptimizerLike);
  /** Learning rate for the built-in optimisers (default 1e-3). */
  lr?: number;
  /** λ, the weight-decay strength (default 0). */
  weightDecay?: number;
  /**
   * How λ is applied: 'l2' adds λ·½Σw² to the loss (the reference formulation; equals Adam's coupled decay),
   * 'coupled' passes it to the optimiser as weight_decay, 'decoupled' uses AdamW's decay.
   */
  decay?: 'l2' | 'coupled' | 'decoupled';
  /** Decay biases and norm parameters too (default false: weight matrices only). */
  decayAll?: boolean;
  weighting?: Weighting;
  epochs?: number;
  batchSize?: number;
  /** Validation data, evaluated after every epoch. */
  validation?: MultiTaskData;
  earlyStopping?: EarlyStopping | boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** 'error' (default) stops with a NonFiniteLossError naming task, epoch and step; 'skip' drops the batch. */
  nonFinite?: 'error' | 'skip';
  /** Record pairwise cosine similarity of the task gradients on the shared parameters each epoch. */
  recordConflict?: boolean;
  /** Progress line on stderr (default: only when stderr is a TTY). */
  verbose?: boolean;
  onEpoch?: (record: EpochRecord) => void | 'stop';
  onStep?: (record: StepRecord) => void;
}

export interface StepRecord {
  epoch: number;
  step: number;
  losses: Record<string, number>;
  weights: Record<string, number>;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss per task over the epoch's batches. */
  trainLoss: Record<string, number>;
  /** Validation metrics per task (with loss), when validation data was given. */
  validation?: Record<string, TaskMetrics>;
  /** The weighting's per-task weights at the end of the epoch. */
  weights: Record<string, number>;
  /** Mean pairwise cosine of task gradients on the shared parameters (when recordConflict). */
  conflict?: number[][];
  skippedBatches: number;
  seconds: number;
}

export interface History {
  epochs: EpochRecord[];
  /** Epoch whose weights the model holds at the end (the best one with early stopping). */
  bestEpoch: number;
  stoppedEarly: boolean;
  weighting: string;
}

/** Trains `model` on `data` and returns the per-epoch history. */
export function fit(model: MultiTaskModel, data: MultiTaskData, options: FitOptions): History {
  validateTasks(options.tasks);
  const tasks = options.tasks;
  const names = tasks.map((t) => t.name);
  for (const name of names) {
    if (!model.taskNames.includes(name))
      throw new ValueError(
        `fit: the model has no head for task '${name}' (heads: ${model.taskNames.join(', ')})`,
      );
  }
  const epochs = options.epochs ?? 100;
  const batchSize = options.batchSize ?? 32;
  const lambda = options.weightDecay ?? 0;
  const decay = options.decay ?? 'l2';
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new ValueError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isFinite(lambda) && lambda >= 0))
    throw new ValueError(`fit: weightDecay must be a finite number ≥ 0, got ${lambda}`);
  if (decay !== 'l2' && decay !== 'coupled' && decay !== 'decoupled') {
    throw new ValueError(`fit: decay must be 'l2', 'coupled' or 'decoupled', got '${decay}'`);
  }
  const dtype = model.dtype;
  const train = prepareData(data, tasks, dtype, 'fit data');
  const val = options.validation ? prepareData(options.validation, tasks, dtype, 'validation data') : null;
  const weighting: Weighting = options.weighting ?? new EW();
  weighting.init({
    tasks: names,
    taskWeights: tasks.map((t) => t.weight ?? 1),
    kinds: tasks.map((t) => t.kind),
  });

  // Parameter groups: weight matrices decay; biases, norms and the weighting's own parameters don't.
  const decayed: Tensor[] = [];
  const plain: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (options.decayAll || (p.rank >= 2 && !/norm/i.test(name))) decayed.push(p);
    else plain.push(p);
  }
  const optLambda = decay === 'l2' ? 0 : lambda;
  const groups: TrainerParamGroup[] = [
    { params: decayed, weightDecay: optLambda },
    { params: [...plain, ...weighting.parameters()], weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
  const optimizer = makeOptimizer(options, groups, decay);

  const shared = model.sharedParameters();
  const sharedSize = shared.reduce((n, p) => n + p.size, 0);
  const rng = new Rng(options.seed ?? 0);
  const early = normaliseEarly(options.earlyStopping, val !== null);
  const verbose = options.verbose ?? isTTY();
  const history: History = {
    epochs: [],
    bestEpoch: epochs - 1,
    stoppedEarly: false,
    weighting: weighting.name,
  };
  let best = Number.NaN;
  let bestState: Float64Array[] | null = null;
  let sinceBest = 0;
  let globalStep = 0;
  const started = now();

  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = now();
    model.train();
    const order = rng.permutation(train.n);
    const lossSums = new Float64Array(tasks.length);
    const lossCounts = new Float64Array(tasks.length);
    const cosSum: number[][] = names.map(() => names.map(() => 0));
    let cosCount = 0;
    let skipped = 0;
    for (let start = 0; start < train.n; start += batchSize) {
      const batch = subset(train, order.subarray(start, Math.min(train.n, start + batchSize)));
      const stepInfo: StepInfo = { epoch, step: globalStep };
      const result = trainStep(
        model,
        batch,
        weighting,
        stepInfo,
        shared,
        sharedSize,
        options.recordConflict === true,
      );
      const bad = result.losses.findIndex((l) => l !== null && !Number.isFinite(l));
      if (bad >= 0) {
        optimizer.zeroGrad();
        if (options.nonFinite === 'skip') {
          skipped++;
          globalStep++;
          continue;
        }
        throw new NonFiniteLossError(
          `fit: the loss of task '${names[bad]}' is ${result.losses[bad]} at epoch ${epoch}, step ${globalStep}; ` +
            "lower the learning rate, check the labels, or pass nonFinite: 'skip'",
          names[bad],
          epoch,
          globalStep,
        );
      }
      if (result.losses.every((l) => l === null)) {
        // No row of this batch has any label: nothing to learn from, so no step (and no decay).
        optimizer.zeroGrad();
        globalStep++;
        continue;
      }
      if (lambda > 0 && decay === 'l2' && decayed.length > 0)
        backward(l2Penalty(decayed, lambda), undefined, {});
      optimizer.step();
      optimizer.zeroGrad();
      if (weighting.type === 'loss' && weighting.needsLossAfterStep && weighting.afterStep) {
        const after = recomputeLosses(model, batch);
        weighting.afterStep(
          result.losses.map((l) => l ?? 0),
          after.map((l) => l ?? 0),
        );
      }
      result.losses.forEach((l, t) => {
        if (l !== null) {
          lossSums[t] += l;
          lossCounts[t]++;
        }
      });
      if (result.cosine) {
        result.cosine.forEach((row, i) => row.forEach((c, j) => (cosSum[i][j] += c)));
        cosCount++;
      }
      const weights = record(names, weighting.lastWeights());
      options.onStep?.({
        epoch,
        step: globalStep,
        losses: record(
          names,
          result.losses.map((l) => l ?? Number.NaN),
        ),
        weights,
      });
      globalStep++;
      if (verbose) progress(epoch, epochs, globalStep, started, names, result.losses);
    }
    const meanLosses = Array.from(lossSums, (s, t) => (lossCounts[t] > 0 ? s / lossCounts[t] : Number.NaN));
    weighting.onEpochEnd?.(meanLosses);
    const rec: EpochRecord = {
      epoch,
      trainLoss: record(names, meanLosses),
      weights: record(names, weighting.lastWeights()),
      skippedBatches: skipped,
      seconds: (now() - t0) / 1000,
    };
    if (cosCount > 0) rec.conflict = cosSum.map((row) => row.map((c) => c / cosCount));
    if (val) rec.validation = evaluatePrepared(model, val);
    history.epochs.push(rec);
    if (verbose) progressEnd(rec);

    if (early && rec.validation) {
      const score = monitorValue(early.monitor, rec.validation);
      const sign = early.higher ? 1 : -1;
      if (Number.isNaN(best) || sign * (score - best) > early.minDelta) {
        best = score;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (early.restoreBest) bestState = snapshot(model);
      } else if (++sinceBest >= early.patience) {
        history.stoppedEarly = true;
        break;
      }
    }
    if (options.onEpoch?.(rec) === 'stop') break;
  }
  if (early?.restoreBest && bestState) restore(model, bestState);
  else history.bestEpoch = history.epochs.length - 1;
  model.train();
  return history;
}

interface StepResult {
  losses: (number | null)[];
  cosine?: number[][];
}

/** Forward, per-task losses, and the gradients for one batch (the optimiser steps outside). */
function trainStep(
  model: MultiTaskModel,
  batch: PreparedData,
  weighting: Weighting,
  step: StepInfo,
  shared: Tensor[],
  sharedSize: number,
  wantCosine: boolean,
): StepResult {
  const z = model.encode(batch.x);
  // The heads run on a leaf that shares z's data: their backward stops there.
  const zHat = new Tensor(z.data, z.shape, true);
  const outputs = model.decode(zHat, batch.x);
  const lossTensors = batch.tasks.map((task, t) => taskLoss(task, outputs[task.name], batch.labels[t]));
  const losses = lossTensors.map((l) => (l === null ? null : l.item()));
  if (losses.some((l) => l !== null && !Number.isFinite(l))) return { losses };
  const T = lossTensors.length;
  // A task without labels in this batch enters the weighting as a constant zero loss.
  const zero = () => zeros([], { dtype: z.dtype });

  const needJ = weighting.type === 'gradient' || wantCosine;
  if (!needJ && weighting.type === 'loss') {
    const total = weighting.combine(
      lossTensors.map((l) => l ?? zero()),
      step,
    );
    if (total.requiresGrad) backward(total, undefined, {});
    if (zHat.grad && z.requiresGrad) backward(z, zHat.grad, {});
    return { losses };
  }

  // Per-task gradients at the representation, each through its own head only.
  const G: (Tensor | null)[] = [];
  for (let t = 0; t < T; t++) {
    const l = lossTensors[t];
    zHat.grad = null;
    if (l === null || !l.requiresGrad) {
      G.push(null);
      continue;
    }
    // A loss-based weighting recording conflict backpropagates the weighted total afterwards.
    backward(l, undefined, { retainGraph: weighting.type === 'loss' });
    G.push(zHat.grad);
  }

  if (weighting.type === 'gradient' && weighting.level === 'representation') {
    const J = G.map((g) => (g === null ? new Float64Array(z.size) : Float64Array.from(g.data)));
    const { weights } = weighting.aggregate(
      J,
      losses.map((l) => l ?? 0),
      step,
    );
    scaleHeadGrads(model, batch.tasks, weights);
    const seed = zeros(z.shape, { dtype: z.dtype });
    for (let t = 0; t < T; t++) {
      const g = G[t];
      if (g !== null) for (let i = 0; i < seed.size; i++) seed.data[i] += weights[t] * g.data[i];
    }
    if (z.requiresGrad) backward(z, seed, {});
    return { losses };
  }

  // J: one row per task over the shared parameters (T backward passes through the shared part).
  const J: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const row = new Float64Array(sharedSize);
    const g = G[t];
    if (g !== null && z.requiresGrad) {
      for (const p of shared) p.grad = null;
      backward(z, g, { retainGraph: true });
      let off = 0;
      for (const p of shared) {
        if (p.grad) row.set(p.grad.data, off);
        off += p.size;
      }
    }
    J.push(row);
  }
  const cosine = wantCosine ? gradientCosine(J).map((r) => Array.from(r)) : undefined;
  let direction: Float64Array;
  if (weighting.type === 'gradient') {
    direction = weighting.aggregate(
      J,
      losses.map((l) => l ?? 0),
      step,
    ).direction;
  } else {
    // A loss-based weighting with conflict recording: redo its combination on the rows.
    const total = weighting.combine(
      lossTensors.map((l) => l ?? zero()),
      step,
    );
    // The rows were only measured: clear them, then train on the weighted total as usual.
    for (const p of model.parameters()) p.grad = null;
    zHat.grad = null;
    backward(total, undefined, {});
    if (zHat.grad && z.requiresGrad) backward(z, zHat.grad, {});
    return { losses, cosine };
  }
  release(z); // the shared graph was kept for the per-task passes
  let off = 0;
  for (const p of shared) {
    const gd = p.grad ? p.grad : new Tensor(p.data.slice().fill(0), p.shape);
    for (let i = 0; i < p.size; i++) gd.data[i] = direction[off + i];
    p.grad = gd;
    off += p.size;
  }
  return { losses, cosine };
}

/**
 * MGDA-UB applies its weights to whole task losses, heads included: scale each head's gradient
 * (computed unweighted) by its task's weight.
 */
function scaleHeadGrads(model: MultiTaskModel, tasks: readonly TaskSpec[], weights: Float64Array): void {
  tasks.forEach((task, t) => {
    for (const p of model.taskParameters(task.name)) {
      if (p.grad) for (let i = 0; i < p.grad.size; i++) p.grad.data[i] *= weights[t];
    }
  });
}

function recomputeLosses(model: MultiTaskModel, batch: PreparedData): (number | null)[] {
  return noGrad(() => {
    const out = model.forward(batch.x);
    return batch.tasks.map((task, t) => taskLoss(task, out[task.name], batch.labels[t])?.item() ?? null);
  });
}

function makeOptimizer(options: FitOptions, groups: TrainerParamGroup[], decay: string): OptimizerLike {
  const lr = options.lr ?? 1e-3;
  const opt = options.optimizer ?? (decay === 'decoupled' ? 'adamw' : 'adam');
  if (typeof opt === 'function') return opt(groups);
  if (decay === 'decoupled' && opt !== 'adamw') {
    throw new ValueError(`fit: decay 'decoupled' needs optimizer 'adamw' (got '${opt}')`);
  }
  if (opt === 'adam') return new Adam(groups, { lr });
  if (opt === 'adamw') return new AdamW(groups, { lr, weightDecay: 0 });
  if (opt === 'sgd') return new SGD(groups, { lr });
  throw new ValueError(`fit: optimizer must be 'adam', 'adamw', 'sgd' or a factory, got '${String(opt)}'`);
}

interface EarlyConfig {
  monitor: string;
  patience: number;
  minDelta: number;
  restoreBest: boolean;
  higher: boolean;
}

function normaliseEarly(e: EarlyStopping | boolean | undefined, hasValidation: boolean): EarlyConfig | null {
  if (!e) return null;
  if (!hasValidation) throw new ValueError('fit: earlyStopping needs validation data');
  const c = e === true ? {} : e;
  const monitor = c.monitor ?? 'loss';
  const metric = monitor.includes('.') ? monitor.slice(monitor.lastIndexOf('.') + 1) : 'loss';
  return {
    monitor,
    patience: c.patience ?? 10,
    minDelta: c.minDelta ?? 0,
    restoreBest: c.restoreBest !== false,
    higher: higherIsBetter(metric as 'loss'),
  };
}

function monitorValue(monitor: string, v: Record<string, TaskMetrics>): number {
  if (monitor === 'loss')
    return Object.values(v).reduce((s, m) => s + (Number.isNaN(m.loss) ? 0 : m.loss), 0);
  const dot = monitor.lastIndexOf('.');
  const task = monitor.slice(0, dot);
  const metric = monitor.slice(dot + 1) as keyof TaskMetrics;
  const value = v[task]?.[metric];
  if (value === undefined) {
    throw new ValueError(
      `fit: cannot monitor '${monitor}': expected 'loss' or 'task.metric' with a metric the task reports`,
    );
  }
  return value as number;
}

function snapshot(model: MultiTaskModel): Float64Array[] {
  return Object.values(model.stateDict()).map((t) => Float64Array.from(t.data));
}

function restore(model: MultiTaskModel, state: Float64Array[]): void {
  Object.values(model.stateDict()).forEach((t, i) => t.data.set(state[i]));
}

function record(names: readonly string[], values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    out[n] = values[i];
  });
  return out;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

interface MaybeProcess {
  stderr?: { isTTY?: boolean; write(s: string): boolean };
}
function stderr(): MaybeProcess['stderr'] {
  return (globalThis as { process?: MaybeProcess }).process?.stderr;
}
function isTTY(): boolean {
  return stderr()?.isTTY === true;
}

function progress(
  epoch: number,
  epochs: number,
  step: number,
  started: number,
  names: string[],
  losses: (number | null)[],
): void {
  const rate = step / Math.max((now() - started) / 1000, 1e-9);
  const parts = names.map((n, i) => `${n} ${losses[i] === null ? '-' : (losses[i] as number).toFixed(4)}`);
  stderr()?.write(`\repoch ${epoch + 1}/${epochs}  ${rate.toFixed(1)} steps/s  ${parts.join('  ')}   `);
}

function progressEnd(rec: EpochRecord): void {
  const parts = Object.entries(rec.trainLoss).map(([n, l]) => `${n} ${l.toFixed(4)}`);
  stderr()?.write(`\repoch ${rec.epoch + 1} done in ${rec.seconds.toFixed(2)}s  ${parts.join('  ')}\n`);
}
