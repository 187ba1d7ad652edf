/**
 * Learning-rate schedulers: PyTorch's torch.optim.lr_scheduler, evaluated with their closed forms.
 *
 * As in PyTorch, constructing a scheduler records each group's `initialLr` (the base lr), sets the
 * lr for epoch 0, and every `step()` (call it after `optimizer.step()`) advances one epoch and writes
 * the new lr into `optimizer.paramGroups[i].lr`. The lr is always computed from the base lr
 * (PyTorch's `_get_closed_form_lr`), so it can differ from PyTorch's chained `step()` by rounding
 * in the last bits, and changes made to `group.lr` by hand are overwritten on the next step.
 */
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';

/** What a scheduler needs from an optimiser (every Optimizer fits). */
export interface SchedulableOptimizer {
  paramGroups: { lr: number; initialLr?: number }[];
}

/** A scheduler's JSON-serialisable state. */
export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
}

/**
 * The base of the learning-rate schedulers (PyTorch's `lr_scheduler`): `step()` once per epoch sets each group's
 * lr from its base lr.
 */
export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  /** The lr of each group before any scheduling (the groups' initialLr). */
  baseLrs: number[];
  /** The epoch of the lr now set: 0 after construction, +1 per step(). */
  lastEpoch = -1;
  /** @internal The lrs of `lastEpoch`; read them with getLastLr(). */
  _lastLr: number[] = [];

  protected constructor(optimizer: SchedulableOptimizer) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new ValueError(`${new.target.name}: expected an optimizer with paramGroups`);
    }
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** The lr of group `group` (base lr `baseLr`) at `epoch`: the closed form. */
  abstract lrAt(epoch: number, baseLr: number, group: number): number;

  /** Subclasses call this at the end of their constructor (PyTorch's initial step to epoch 0). */
  protected initialStep(): void {
    this.lastEpoch = -1;
    this.step();
  }

  /** Advances one epoch and sets every group's lr. */
  step(): void {
    this.lastEpoch++;
    try {
      this.apply();
    } catch (err) {
      this.lastEpoch--;
      throw err;
    }
  }

  /** @internal Writes the lrs of `lastEpoch` into the optimiser. */
  apply(): void {
    const groups = this.optimizer.paramGroups;
    const lrs = groups.map((_, i) => this.lrAt(this.lastEpoch, this.baseLrs[i], i));
    // Checked before any group changes: a NaN or infinite lr would poison every parameter.
    lrs.forEach((lr, i) => {
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
        throw new ValueError(
          `${this.constructor.name}.step: epoch ${this.lastEpoch} gives parameter group ${i} the lr ${String(lr)}, expected a finite number ≥ 0`,
        );
      }
    });
    lrs.forEach((lr, i) => {
      groups[i].lr = lr;
    });
    this._lastLr = lrs;
  }

  /** The lrs set by the last step (one per group). */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** The scheduler's state (epoch and base lrs), for resuming with loadStateDict. */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: this.baseLrs.slice() };
  }

  /** Restores the epoch and base lrs (the optimiser's lr comes from its own state dict, as in PyTorch). */
  loadStateDict(state: SchedulerStateDict): void {
    const n = this.optimizer.paramGroups.length;
    if (
      state === null ||
      typeof state !== 'object' ||
      !Number.isInteger(state.lastEpoch) ||
      state.lastEpoch < -1 ||
      !Array.isArray(state.baseLrs) ||
      state.baseLrs.length !== n ||
      !state.baseLrs.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new ValueError(
        `${this.constructor.name}.loadStateDict: expected {lastEpoch, baseLrs: ${n} numbers}`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = state.baseLrs.slice();
    this._lastLr = this.baseLrs.map((b, i) => this.lrAt(this.lastEpoch, b, i));
  }
}

function checkPositiveInt(where: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ValueError(`${where}: ${key} must be an integer ≥ 1, got ${String(v)}`);
  }
  return v;
}

function checkFinite(where: string, key: string, v: unknown, min = Number.NEGATIVE_INFINITY): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new ValueError(
      `${where}: ${key} must be a finite number${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}, got ${String(v)}`,
    );
  }
  return v;
}

/** lr = base · gamma^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    checkOptionKeys('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkPositiveInt('StepLR', 'stepSize', options?.stepSize);
    this.gamma = checkFinite('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** lr = base · gamma^(number of milestones ≤ epoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    checkOptionKeys('MultiStepLR', options, ['milestones', 'gamma']);
    const ms = options?.milestones;
    if (!Array.isArray(ms) || !ms.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new ValueError('MultiStepLR: milestones must be a list of integers ≥ 0');
    }
    this.milestones = ms.slice().sort((a, b) => a - b);
    this.gamma = checkFinite('MultiStepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** bisectRight(this.milestones, epoch);
  }
}

/** lr = base · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: SchedulableOptimizer, options: { gamma: number }) {
    super(optimizer);
    checkOptionKeys('ExponentialLR', options, ['gamma']);
    this.gamma = checkFinite('ExponentialLR', 'gamma', options?.gamma, 0);
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }
}

/** lr = etaMin + (base − etaMin)·(1 + cos(π·epoch / tMax)) / 2 (periodic beyond tMax, as PyTorch's closed form). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: SchedulableOptimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    checkOptionKeys('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = checkPositiveInt('CosineAnnealingLR', 'tMax', options?.tMax);
    this.etaMin = checkFinite('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs to go from startFactor to endFactor (default 5). */
  totalIters?: number;
}

/** lr = base · (start + (end − start) · min(epoch, totalIters) / totalIters): PyTorch's LinearLR. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    super(optimizer);
    checkOptionKeys('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    const start = options.startFactor ?? 1 / 3;
    const end = options.endFactor ?? 1;
    if (typeof start !== 'number' || !(start > 0 && start <= 1)) {
      throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${String(start)}`);
    }
    if (typeof end !== 'number' || !(end >= 0 && end <= 1)) {
      throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${String(end)}`);
    }
    this.startFactor = start;
    this.endFactor = end;
    this.totalIters = checkPositiveInt('LinearLR', 'totalIters', options.totalIters ?? 5);
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    const t = Math.min(this.totalIters, epoch);
    return baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * t) / this.totalIters);
  }
}

/**
 * Linear warm-up: lr = base · (startFactor + (1 − startFactor) · min(epoch, warmupSteps) / warmupSteps),
 * reaching the base lr at epoch `warmupSteps` and staying there. startFactor is in [0, 1]
 * (default 0: the first step runs with lr 0). Chain it with SequentialLR to decay afterwards.
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;
  constructor(optimizer: SchedulableOptimizer, options: { warmupSteps: number; startFactor?: number }) {
    super(optimizer);
    checkOptionKeys('LinearWarmup', options, ['warmupSteps', 'startFactor']);
    this.warmupSteps = checkPositiveInt('LinearWarmup', 'warmupSteps', options?.warmupSteps);
    const start = options.startFactor ?? 0;
    if (typeof start !== 'number' || !(start >= 0 && start <= 1)) {
      throw new ValueError(`LinearWarmup: startFactor must be in [0, 1], got ${String(start)}`);
    }
    this.startFactor = start;
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number): number {
    const t = Math.min(this.warmupSteps, epoch);
    return baseLr * (this.startFactor + ((1 - this.startFactor) * t) / this.warmupSteps);
  }
}

/** lr = base · lrLambda(epoch), with one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  /** One multiplier function of the epoch per parameter group. */
  readonly lrLambdas: ((epoch: number) => number)[];
  constructor(
    optimizer: SchedulableOptimizer,
    options: { lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[] },
  ) {
    super(optimizer);
    checkOptionKeys('LambdaLR', options, ['lrLambda']);
    const l = options?.lrLambda;
    const n = optimizer.paramGroups.length;
    if (typeof l === 'function') this.lrLambdas = Array.from({ length: n }, () => l);
    else if (Array.isArray(l) && l.length === n && l.every((f) => typeof f === 'function'))
      this.lrLambdas = l.slice();
    else
      throw new ValueError(
        `LambdaLR: lrLambda must be a function or a list of ${n} functions (one per group)`,
      );
    this.initialStep();
  }
  lrAt(epoch: number, baseLr: number, group: number): number {
    return baseLr * this.lrLambdas[group](epoch);
  }
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` from its epoch 0, and so on
 * (PyTorch's SequentialLR): e.g. LinearWarmup for 100 steps, then CosineAnnealingLR. All the
 * schedulers must drive this optimiser; construct them first, then this.
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  constructor(
    optimizer: SchedulableOptimizer,
    options: { schedulers: readonly LRScheduler[]; milestones: readonly number[] },
  ) {
    super(optimizer);
    checkOptionKeys('SequentialLR', options, ['schedulers', 'milestones']);
    const ss = options?.schedulers;
    const ms = options?.milestones;
    if (!Array.isArray(ss) || ss.length === 0 || !ss.every((s) => s instanceof LRScheduler)) {
      throw new ValueError('SequentialLR: schedulers must be a non-empty list of schedulers');
    }
    if (ss.some((s) => s.optimizer !== optimizer)) {
      throw new ValueError('SequentialLR: every scheduler must be attached to the same optimizer');
    }
    if (!Array.isArray(ms) || ms.length !== ss.length - 1) {
      throw new ValueError(`SequentialLR: expected ${ss.length - 1} milestones for ${ss.length} schedulers`);
    }
    for (let i = 0; i < ms.length; i++) {
      if (!Number.isInteger(ms[i]) || ms[i] < 1 || (i > 0 && ms[i] <= ms[i - 1])) {
        throw new ValueError('SequentialLR: milestones must be increasing integers ≥ 1');
      }
    }
    this.schedulers = ss.slice();
    this.milestones = ms.slice();
    // Undo the schedulers' own initial steps: back to the initial lrs, then epoch 0 of the first.
    optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.baseLrs[i];
    });
    this.initialStep();
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    const idx = bisectRight(this.milestones, epoch);
    const local = idx === 0 ? epoch : epoch - this.milestones[idx - 1];
    return this.schedulers[idx].lrAt(local, this.schedulers[idx].baseLrs[group] ?? baseLr, group);
  }

  override apply(): void {
    super.apply();
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx];
    s.lastEpoch = idx === 0 ? this.lastEpoch : this.lastEpoch - this.milestones[idx - 1];
    s._lastLr = this.getLastLr();
  }
}

/** The number of entries of sorted `xs` that are ≤ x. */
function bisectRight(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < xs[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
