/**
 * One interface for every weighting method. Loss-based methods combine the per-task losses
 * into one differentiable total; gradient-based methods aggregate the per-task gradients of the
 * shared parameters (a T×D matrix, or T×(N·H) at the representation for MGDA-UB) into one direction.
 * Each method holds only its own state; the trainer passes what it needs (no reaching into it).
 */
import type { Tensor } from '../../autograd/tensor.js';

/** What a weighting learns about the run before the first step (its `init`). */
export interface WeightingInfo {
  /** Task names in order. */
  tasks: readonly string[];
  /** Static per-task weights from the task specs (default 1). */
  taskWeights: readonly number[];
  /** 'regression' | 'classification' | 'binary' per task (UW picks its form from this). */
  kinds: readonly string[];
}

/** Where training is when a weighting combines losses or gradients. */
export interface StepInfo {
  epoch: number;
  /** Step within the whole run (0-based). */
  step: number;
  /**
   * Which tasks have a loss in this batch (a task without labels in it has none: its loss tensor is
   * a constant 0 and its gradient row is zero). Absent means every task is present.
   */
  present?: readonly boolean[];
}

/**
 * What the trainer hands a method that looks ahead before each training step (Auto-Lambda): the
 * model's parameters, the learning rate, and losses and gradients on the step's training batch and
 * on a validation batch, at whatever values the parameters hold when called. A method may change
 * the parameters' data in place to look ahead but must put it back exactly.
 */
export interface LookaheadContext {
  /** Every trainable parameter of the model (shared and heads; not the method's own), in a fixed order. */
  readonly parameters: readonly Tensor[];
  /** `fit`'s learning rate. */
  readonly lr: number;
  /** Per-task losses on a batch at the current parameters; NaN for a task without labels in it. */
  losses(batch: 'train' | 'validation'): number[];
  /**
   * ∂(Σ_t c_t·L_t)/∂θ on a batch, one float64 array per parameter (in `parameters` order); tasks
   * without labels in the batch contribute nothing. The parameters' .grad are left cleared.
   */
  gradient(batch: 'train' | 'validation', c: readonly number[]): Float64Array[];
}

interface WeightingBase {
  readonly name: string;
  /** Called once by the trainer before training. */
  init(info: WeightingInfo): void;
  /** Clears all state (learned weights, loss history). */
  reset(): void;
  /** The method's own trainable parameters (never weight-decayed). */
  parameters(): Tensor[];
  /** The per-task weights used in the last step. */
  lastWeights(): number[];
  /** Mean per-task training losses of the finished epoch, NaN for a task with no label in it (DWA uses them). */
  onEpochEnd?(meanLosses: readonly number[]): void;
  /**
   * Called before each training step with a {@link LookaheadContext} (after the previous step, before
   * this step's forward). `fit` draws the validation batches from its `validation` data, or from the
   * training data without it.
   */
  lookahead?(context: LookaheadContext): void;
  /** The gradient clip the method's reference code applies; `fit`'s `maxGradNorm` defaults to it. */
  readonly maxGradNorm?: number;
}

/** A weighting that combines the task losses into one loss (EW, UW, DWA, RLW, ...), before a single backward. */
export interface LossWeighting extends WeightingBase {
  readonly type: 'loss';
  /** The total loss Σ w_t·L_t (plus any terms of the method), differentiable. */
  combine(losses: readonly Tensor[], step: StepInfo): Tensor;
  /**
   * Called after the optimiser step with the per-task losses recomputed on the same batch
   * (FAMO compares them with the losses before the step); NaN for a task without labels in the
   * batch. Only called when `needsLossAfterStep`.
   */
  afterStep?(lossesBefore: readonly number[], lossesAfter: readonly number[]): void;
  readonly needsLossAfterStep?: boolean;
}

/**
 * A weighting that combines the per-task gradients (the Jacobian) into one update direction (MGDA, PCGrad,
 * UPGrad, ...).
 */
export interface GradientWeighting extends WeightingBase {
  readonly type: 'gradient';
  /** 'parameters': J over the shared parameters; 'representation': over the shared representation (MGDA-UB). */
  readonly level: 'parameters' | 'representation';
  /**
   * Turns the per-task gradients into one direction and the per-task weights it used. `headWeights`
   * (level 'parameters' only) scales each task head's gradient, for a method that trains the heads on
   * a transformed loss (DB-MTL's log L_t); without it each head gets its own task's gradient.
   */
  aggregate(
    J: Float64Array[],
    losses: readonly number[],
    step: StepInfo,
  ): { direction: Float64Array; weights: Float64Array; headWeights?: Float64Array };
}

/** A loss-weighting or gradient-aggregation method, as `fit`'s `weighting` option takes it. */
export type Weighting = LossWeighting | GradientWeighting;
