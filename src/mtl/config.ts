/**
 * `fit`'s options resolved once into a typed configuration: every default applied, every value
 * checked (a named error that names the option), unknown keys rejected with a did-you-mean.
 */
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import type { MultiTaskModel } from './architectures.js';
import type { MultiTaskData } from './data.js';
import { higherIsBetter, type TaskMetrics } from './metrics.js';
import { defaultMetrics, type TaskSpec, validateTasks } from './tasks.js';
import { EW } from './weighting/ew.js';
import type { Weighting } from './weighting/types.js';

/** What `fit` needs of an optimiser (a custom factory's result). */
export interface OptimizerLike {
  /** Applies one update from the gradients in `.grad`. */
  step(): void;
  /** Clears the gradients of every parameter. */
  zeroGrad(): void;
}

/** A parameter group `fit` hands to an optimiser factory, with its weight decay. */
export interface TrainerParamGroup {
  params: Tensor[];
  weightDecay: number;
}

export type OptimizerChoice = 'adam' | 'adamw' | 'sgd' | ((groups: TrainerParamGroup[]) => OptimizerLike);

/** When `fit` stops before its last epoch, judged on the validation data. */
export interface EarlyStopping {
  /** 'loss' (sum of validation task losses, default) or 'task.metric', e.g. 'species.accuracy'. */
  monitor?: string;
  /** Epochs without improvement before stopping, an integer ≥ 0 (default 10). */
  patience?: number;
  /** Smallest change that counts as improvement, ≥ 0 (default 0). */
  minDelta?: number;
  /** Restore the best epoch's weights at the end (default true). */
  restoreBest?: boolean;
}

/** One training step as `fit` reports it: the task losses and the weighting's weights. */
export interface StepRecord {
  epoch: number;
  step: number;
  losses: Record<string, number>;
  weights: Record<string, number>;
}

/** One epoch as `fit` reports it (to `onEpoch`, to a reporter, and in the History). */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss per task over the epoch's batches (NaN for a task with no label in the epoch). */
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

/** What `fit` returns: a record per epoch and which epoch's weights the model holds. */
export interface History {
  epochs: EpochRecord[];
  /** Epoch whose weights the model holds at the end (the best one with early stopping). */
  bestEpoch: number;
  stoppedEarly: boolean;
  weighting: string;
}

/**
 * Receives `fit`'s progress (e.g. `terminalProgress()` from `mtlgrad/node`, which draws a progress
 * line). Every method is optional; the core itself never writes anywhere.
 */
export interface FitReporter {
  /** Before the first epoch. */
  start?(info: { epochs: number; tasks: readonly string[] }): void;
  /** After every step. */
  step?(record: StepRecord): void;
  /** After every epoch. */
  epoch?(record: EpochRecord): void;
  /** When training ends (also after early stopping). */
  end?(history: History): void;
}

/** Options of `fit`: the tasks and everything about the training run; unknown keys are an error. */
export interface FitOptions {
  tasks: readonly TaskSpec[];
  /** 'adam' (default), 'adamw', 'sgd', or a factory receiving the parameter groups. */
  optimizer?: OptimizerChoice;
  /** Learning rate for the built-in optimisers (default 1e-3). */
  lr?: number;
  /** λ, the weight-decay strength (default 0). */
  weightDecay?: number;
  /**
   * How λ is applied: 'l2' adds λ·½Σw² to the loss (the reference formulation; equals Adam's
   * coupled decay), 'coupled' passes it to the optimiser as weight_decay, 'decoupled' uses AdamW's decay.
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
  /**
   * Clip the shared parameters' gradient (the combined multi-task direction) to this 2-norm before
   * each step, as torch.nn.utils.clip_grad_norm_ (0: no clipping). Default: the weighting's own
   * `maxGradNorm` (1 for NashMTL, as its official code), else 0.
   */
  maxGradNorm?: number;
  /** Progress callbacks, e.g. `terminalProgress()` from `mtlgrad/node`. */
  reporter?: FitReporter;
  /** @deprecated has no effect: the core never writes to stderr; pass `reporter: terminalProgress()` from `mtlgrad/node`. */
  verbose?: boolean;
  /** Called after every epoch; return 'stop' to end training there. */
  onEpoch?: (record: EpochRecord) => void | 'stop';
  /** Called after every step. */
  onStep?: (record: StepRecord) => void;
}

/** Every key of FitOptions (fit rejects any other). */
export const FIT_KEYS = [
  'tasks',
  'optimizer',
  'lr',
  'weightDecay',
  'decay',
  'decayAll',
  'weighting',
  'epochs',
  'batchSize',
  'validation',
  'earlyStopping',
  'seed',
  'nonFinite',
  'recordConflict',
  'maxGradNorm',
  'reporter',
  'verbose',
  'onEpoch',
  'onStep',
] as const satisfies readonly (keyof FitOptions)[];

const EARLY_KEYS = ['monitor', 'patience', 'minDelta', 'restoreBest'] as const;
const REPORTER_KEYS = ['start', 'step', 'epoch', 'end'] as const;

/** Early stopping with its defaults applied; `higher` tells which way the monitored value improves. */
export interface EarlyConfig {
  monitor: string;
  patience: number;
  minDelta: number;
  restoreBest: boolean;
  higher: boolean;
}

/** The resolved options of one `fit` call. */
export interface FitConfig {
  tasks: readonly TaskSpec[];
  names: readonly string[];
  epochs: number;
  batchSize: number;
  seed: number;
  weighting: Weighting;
  nonFinite: 'error' | 'skip';
  recordConflict: boolean;
  maxGradNorm: number;
  optimizer: { choice: OptimizerChoice; lr: number };
  decay: { lambda: number; mode: 'l2' | 'coupled' | 'decoupled'; all: boolean };
  earlyStopping: EarlyConfig | null;
  callbacks: Pick<FitOptions, 'onEpoch' | 'onStep'> & { reporter: FitReporter };
}

/** `value` (or `fallback` when undefined) as a positive integer, else a ValueError naming the option. */
export function checkPositiveInt(where: string, name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function finiteAtLeast0(where: string, name: string, v: unknown, fallback: number): number {
  const value = v ?? fallback;
  if (typeof value !== 'number' || !(Number.isFinite(value) && value >= 0))
    throw new ValueError(`${where}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  return value;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(v))
    throw new ValueError(`fit: ${name} must be ${allowed.map((a) => `'${a}'`).join(', ')}; got ${String(v)}`);
  return v as T;
}

function bool(name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean')
    throw new ValueError(`fit: ${name} must be true or false, got ${String(v)}`);
  return v === true;
}

function callback<F>(name: string, v: F | undefined): F | undefined {
  if (v !== undefined && typeof v !== 'function')
    throw new ValueError(`fit: ${name} must be a function, got ${typeof v}`);
  return v;
}

/** Resolves and checks `fit`'s options for `model` (whose heads must cover the tasks). */
export function resolveFitConfig(model: MultiTaskModel, options: FitOptions): FitConfig {
  if (options === undefined || options === null)
    throw new ValueError('fit: options with `tasks` are required');
  checkOptionKeys('fit', options, FIT_KEYS);
  validateTasks(options.tasks);
  const tasks = options.tasks;
  for (const t of tasks) {
    if (!model.taskNames.includes(t.name))
      throw new ValueError(
        `fit: the model has no head for task '${t.name}' (heads: ${model.taskNames.join(', ')})`,
      );
  }
  const weighting: Weighting = options.weighting ?? new EW();
  if (
    weighting === null ||
    typeof weighting !== 'object' ||
    (weighting.type !== 'loss' && weighting.type !== 'gradient')
  )
    throw new ValueError(
      "fit: weighting must be a Weighting (e.g. new EW()), with type 'loss' or 'gradient'",
    );
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new ValueError(`fit: seed must be a finite number, got ${String(seed)}`);
  const choice = options.optimizer ?? (options.decay === 'decoupled' ? 'adamw' : 'adam');
  if (typeof choice !== 'function') oneOf('optimizer', choice, ['adam', 'adamw', 'sgd'] as const);
  const mode = oneOf('decay', options.decay ?? 'l2', ['l2', 'coupled', 'decoupled'] as const);
  if (mode === 'decoupled' && choice !== 'adamw' && typeof choice !== 'function')
    throw new ValueError(`fit: decay 'decoupled' needs optimizer 'adamw' (got '${choice}')`);
  return {
    tasks,
    names: tasks.map((t) => t.name),
    epochs: checkPositiveInt('fit', 'epochs', options.epochs, 100),
    batchSize: checkPositiveInt('fit', 'batchSize', options.batchSize, 32),
    seed,
    weighting,
    nonFinite: oneOf('nonFinite', options.nonFinite ?? 'error', ['error', 'skip'] as const),
    recordConflict: bool('recordConflict', options.recordConflict),
    maxGradNorm: finiteAtLeast0('fit', 'maxGradNorm', options.maxGradNorm, weighting.maxGradNorm ?? 0),
    optimizer: { choice, lr: finiteAtLeast0('fit', 'lr', options.lr, 1e-3) },
    decay: {
      lambda: finiteAtLeast0('fit', 'weightDecay', options.weightDecay, 0),
      mode,
      all: bool('decayAll', options.decayAll),
    },
    earlyStopping: resolveEarly(options.earlyStopping, tasks, options.validation !== undefined),
    callbacks: {
      onEpoch: callback('onEpoch', options.onEpoch),
      onStep: callback('onStep', options.onStep),
      reporter: checkOptionKeys('fit: reporter', options.reporter ?? {}, REPORTER_KEYS),
    },
  };
}

function resolveEarly(
  e: EarlyStopping | boolean | undefined,
  tasks: readonly TaskSpec[],
  hasValidation: boolean,
) {
  if (e === undefined || e === false) return null;
  if (e !== true && (e === null || typeof e !== 'object'))
    throw new ValueError(`fit: earlyStopping must be true, false or an object, got ${String(e)}`);
  if (!hasValidation) throw new ValueError('fit: earlyStopping needs validation data');
  const c = checkOptionKeys('fit: earlyStopping', e === true ? {} : e, EARLY_KEYS);
  const monitor = c.monitor ?? 'loss';
  if (typeof monitor !== 'string') throw new ValueError(`fit: earlyStopping.monitor must be a string`);
  const metric = monitor === 'loss' ? 'loss' : monitorMetric(monitor, tasks);
  const patience = c.patience ?? 10;
  if (typeof patience !== 'number' || !Number.isInteger(patience) || patience < 0)
    throw new ValueError(`fit: earlyStopping.patience must be an integer ≥ 0, got ${String(patience)}`);
  if (c.restoreBest !== undefined && typeof c.restoreBest !== 'boolean')
    throw new ValueError(
      `fit: earlyStopping.restoreBest must be true or false, got ${String(c.restoreBest)}`,
    );
  return {
    monitor,
    patience,
    minDelta: finiteAtLeast0('fit: earlyStopping', 'minDelta', c.minDelta, 0),
    restoreBest: c.restoreBest !== false,
    higher: higherIsBetter(metric as 'loss'),
  };
}

/** The metric of a 'task.metric' monitor, checked against the task's reported metrics. */
function monitorMetric(monitor: string, tasks: readonly TaskSpec[]): string {
  const dot = monitor.lastIndexOf('.');
  const task = tasks.find((t) => t.name === monitor.slice(0, dot));
  const metric = monitor.slice(dot + 1);
  if (
    dot < 0 ||
    task === undefined ||
    !(metric === 'loss' || (defaultMetrics(task) as string[]).includes(metric))
  ) {
    throw new ValueError(
      `fit: cannot monitor '${monitor}': expected 'loss' or 'task.metric' with a task of this fit and a metric it reports`,
    );
  }
  return metric;
}
