/**
 * The multi-task trainer: L = Σ_t w_t·L_t + λ·L_wd, one shared forward per batch.
 *
 * `fit` resolves its options once (config.ts), picks the step strategy of the weighting's mode once
 * (steps.ts: loss-based, representation-based or parameter-Jacobian; the Jacobian itself comes from
 * jacobian.ts), then per batch: step → checks → clip → decay → optimiser step. Weight decay comes
 * after aggregation and is never projected with the task gradients: an L2 term λ·½Σw²
 * backpropagated on its own (decay 'l2', the reference formulation), or the optimiser's coupled
 * (Adam weight_decay) or decoupled (AdamW) decay. The weighting's own parameters are never decayed.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { backward } from '../autograd/graph.js';
import type { Tensor } from '../autograd/tensor.js';
import { MtlgradError } from '../errors.js';
import { Adam, AdamW, clipGradNorm, l2Penalty, SGD } from '../optim/index.js';
import { Rng } from '../tensor/rng.js';
import { gradientCosine } from './aggregators/cosine.js';
import type { MultiTaskModel } from './architectures.js';
import {
  type EpochRecord,
  type FitConfig,
  type FitOptions,
  type History,
  type OptimizerLike,
  resolveFitConfig,
  type StepRecord,
  type TrainerParamGroup,
} from './config.js';
import { type MultiTaskData, type PreparedData, prepareData, subset, taskLoss } from './data.js';
import { EarlyStopper } from './early-stopping.js';
import { evaluatePrepared } from './evaluate.js';
import { BatchStream, lookaheadContext } from './lookahead.js';
import { chooseStep, type StepOutcome, type StepStrategy } from './steps.js';

export type {
  EarlyStopping,
  EpochRecord,
  FitOptions,
  FitReporter,
  History,
  OptimizerLike,
  StepRecord,
  TrainerParamGroup,
} from './config.js';

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

/** Everything one batch needs, built once per `fit`. */
interface Run {
  model: MultiTaskModel;
  cfg: FitConfig;
  optimizer: OptimizerLike;
  decayed: Tensor[];
  shared: Tensor[];
  step: StepStrategy;
  /** Validation batches for a weighting that looks ahead (Auto-Lambda), else null. */
  lookahead: BatchStream | null;
}

/** Per-epoch sums of losses and conflict. */
class EpochStats {
  readonly lossSums: Float64Array;
  readonly lossCounts: Float64Array;
  cosSum: number[][] | null = null;
  cosCount = 0;
  skipped = 0;
  constructor(tasks: number) {
    this.lossSums = new Float64Array(tasks);
    this.lossCounts = new Float64Array(tasks);
  }
  add(losses: readonly (number | null)[], J: Float64Array[] | undefined): void {
    losses.forEach((l, t) => {
      if (l !== null) {
        this.lossSums[t] += l;
        this.lossCounts[t]++;
      }
    });
    if (J === undefined) return;
    const cos = gradientCosine(J);
    this.cosSum ??= cos.map((row) => Array.from(row, () => 0));
    const sum = this.cosSum;
    cos.forEach((row, i) => row.forEach((c, j) => (sum[i][j] += c)));
    this.cosCount++;
  }
  means(): number[] {
    return Array.from(this.lossSums, (s, t) =>
      this.lossCounts[t] > 0 ? s / this.lossCounts[t] : Number.NaN,
    );
  }
  conflict(): number[][] | undefined {
    const n = this.cosCount;
    return this.cosSum?.map((row) => row.map((c) => c / n));
  }
}

/** Trains `model` on `data` and returns the per-epoch history. */
export function fit(model: MultiTaskModel, data: MultiTaskData, options: FitOptions): History {
  const cfg = resolveFitConfig(model, options);
  const { tasks, names, weighting, callbacks } = cfg;
  const train = prepareData(data, tasks, model.dtype, 'fit data');
  const val = options.validation
    ? prepareData(options.validation, tasks, model.dtype, 'validation data')
    : null;
  weighting.init({
    tasks: names,
    taskWeights: tasks.map((t) => t.weight ?? 1),
    kinds: tasks.map((t) => t.kind),
  });
  const run: Run = {
    model,
    cfg,
    ...buildOptimizer(model, cfg),
    shared: model.sharedParameters(),
    step: chooseStep(model, tasks, weighting, cfg.recordConflict),
    // Its own seed, so that looking ahead leaves the training order as it is.
    lookahead: weighting.lookahead
      ? new BatchStream(val ?? train, cfg.batchSize, new Rng(cfg.seed + 1))
      : null,
  };
  const stopper = cfg.earlyStopping ? new EarlyStopper(cfg.earlyStopping) : null;
  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false, weighting: weighting.name };
  const rng = new Rng(cfg.seed);
  let globalStep = 0;
  callbacks.reporter.start?.({ epochs: cfg.epochs, tasks: names });
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    const t0 = now();
    model.train();
    const order = rng.permutation(train.n);
    const stats = new EpochStats(tasks.length);
    for (let start = 0; start < train.n; start += cfg.batchSize) {
      const batch = subset(train, order.subarray(start, Math.min(train.n, start + cfg.batchSize)));
      trainBatch(run, batch, epoch, globalStep++, stats);
    }
    const meanLosses = stats.means();
    weighting.onEpochEnd?.(meanLosses);
    const rec: EpochRecord = {
      epoch,
      trainLoss: byTask(names, meanLosses),
      weights: byTask(names, weighting.lastWeights()),
      skippedBatches: stats.skipped,
      seconds: (now() - t0) / 1000,
    };
    const conflict = stats.conflict();
    if (conflict) rec.conflict = conflict;
    if (val) rec.validation = evaluatePrepared(model, val);
    history.epochs.push(rec);
    callbacks.reporter.epoch?.(rec);
    if (stopper && rec.validation && stopper.update(epoch, rec.validation, model)) {
      history.stoppedEarly = true;
      break;
    }
    if (callbacks.onEpoch?.(rec) === 'stop') break;
  }
  const last = history.epochs.length - 1;
  history.bestEpoch = stopper ? stopper.finish(model, last) : last;
  model.train();
  callbacks.reporter.end?.(history);
  return history;
}

/** One batch: step strategy, non-finite checks, clip, decay, optimiser step, callbacks. */
function trainBatch(run: Run, batch: PreparedData, epoch: number, step: number, stats: EpochStats): void {
  const { cfg, optimizer, model } = run;
  if (run.lookahead) {
    const context = lookaheadContext(model, cfg.tasks, cfg.optimizer.lr, batch, run.lookahead.next());
    cfg.weighting.lookahead?.(context);
  }
  const result = run.step(batch, { epoch, step });
  if (!result.finite || !gradientsFinite(model)) {
    // Nothing is applied: parameters and optimiser state stay as they were.
    optimizer.zeroGrad();
    if (cfg.nonFinite === 'skip') {
      stats.skipped++;
      return;
    }
    throw nonFiniteError(cfg.names, result, epoch, step);
  }
  if (result.losses.every((l) => l === null)) {
    // No row of this batch has any label: nothing to learn from, so no step (and no decay).
    optimizer.zeroGrad();
    return;
  }
  if (cfg.maxGradNorm > 0) clipGradNorm(run.shared, cfg.maxGradNorm);
  const { lambda, mode } = cfg.decay;
  if (lambda > 0 && mode === 'l2' && run.decayed.length > 0)
    backward(l2Penalty(run.decayed, lambda), undefined, {});
  optimizer.step();
  optimizer.zeroGrad();
  const w = cfg.weighting;
  if (w.type === 'loss' && w.needsLossAfterStep && w.afterStep) {
    const nan = (l: number | null) => l ?? Number.NaN;
    w.afterStep(result.losses.map(nan), recomputeLosses(model, batch, cfg).map(nan));
  }
  stats.add(result.losses, cfg.recordConflict ? result.J : undefined);
  const rec: StepRecord = {
    epoch,
    step,
    losses: byTask(
      cfg.names,
      result.losses.map((l) => l ?? Number.NaN),
    ),
    weights: byTask(cfg.names, w.lastWeights()),
  };
  cfg.callbacks.onStep?.(rec);
  cfg.callbacks.reporter.step?.(rec);
}

function gradientsFinite(model: MultiTaskModel): boolean {
  for (const p of model.parameters()) {
    const g = p.grad;
    if (g !== null) for (let i = 0; i < g.size; i++) if (!Number.isFinite(g.data[i])) return false;
  }
  return true;
}

function nonFiniteError(
  names: readonly string[],
  r: StepOutcome,
  epoch: number,
  step: number,
): NonFiniteLossError {
  const bad = r.losses.findIndex((l) => l !== null && !Number.isFinite(l));
  const what =
    bad >= 0 ? `the loss of task '${names[bad]}' is ${r.losses[bad]}` : 'a gradient is NaN or infinite';
  return new NonFiniteLossError(
    `fit: ${what} at epoch ${epoch}, step ${step}; lower the learning rate, check the labels, or pass nonFinite: 'skip'`,
    bad >= 0 ? names[bad] : '',
    epoch,
    step,
  );
}

function recomputeLosses(model: MultiTaskModel, batch: PreparedData, cfg: FitConfig): (number | null)[] {
  return noGrad(() => {
    const out = model.forward(batch.x);
    return cfg.tasks.map((task, t) => taskLoss(task, out[task.name], batch.labels[t])?.item() ?? null);
  });
}

/** Parameter groups (weight matrices decay; biases, norms and the weighting's parameters don't) and the optimiser. */
function buildOptimizer(
  model: MultiTaskModel,
  cfg: FitConfig,
): { optimizer: OptimizerLike; decayed: Tensor[] } {
  const { lambda, mode, all } = cfg.decay;
  const decayed: Tensor[] = [];
  const plain: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (all || (p.rank >= 2 && !/norm/i.test(name))) decayed.push(p);
    else plain.push(p);
  }
  const groups: TrainerParamGroup[] = [
    { params: decayed, weightDecay: mode === 'l2' ? 0 : lambda },
    { params: [...plain, ...cfg.weighting.parameters()], weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
  const { choice, lr } = cfg.optimizer;
  if (typeof choice === 'function') return { optimizer: choice(groups), decayed };
  if (choice === 'adam') return { optimizer: new Adam(groups, { lr }), decayed };
  if (choice === 'adamw') return { optimizer: new AdamW(groups, { lr, weightDecay: 0 }), decayed };
  return { optimizer: new SGD(groups, { lr }), decayed };
}

/** A per-task record: names[i] → values[i]. */
function byTask(names: readonly string[], values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    out[n] = values[i];
  });
  return out;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
