import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { ScalarAdam } from './adam-state.js';
import { weightedSum } from './ew.js';
import type { LookaheadContext, LossWeighting, WeightingInfo } from './types.js';

/** Options of {@link AutoLambda}. */
export interface AutoLambdaOptions {
  /** Learning rate of the task weights' own Adam (the official `autol_lr`, default 1e-4). */
  lr?: number;
  /** Initial weight of every task (the official `weight_init`, default 0.1). */
  init?: number;
  /** The tasks whose validation loss the weights should lower (default: all). */
  primary?: readonly string[];
}

/**
 * The gradient of the primary tasks' validation loss after one virtual SGD step, with respect to the
 * task weights λ, as the official Auto-Lambda code approximates it. With α the learning rate:
 *   θ' = θ − α·∇_θ Σ_t λ_t L_t^train(θ),    d = ∇_θ' Σ_{p primary} L_p^val(θ'),
 *   ∂L^val(θ')/∂λ_t = −α·∇_θ L_t^train(θ)·d ≈ −α·(L_t^train(θ + εd) − L_t^train(θ − εd)) / (2ε),
 * ε = 0.01/‖d‖ (a central difference, exact when the loss is quadratic in θ). Costs two gradients
 * and two forwards; the parameters are restored exactly. 0 for a task without training labels in
 * the batch, and all 0 when d = 0.
 */
export function autoLambdaGradient(
  context: LookaheadContext,
  lambda: ArrayLike<number>,
  primary: readonly boolean[],
): Float64Array {
  const { parameters, lr } = context;
  const out = new Float64Array(lambda.length);
  const saved = parameters.map((p) => p.data.slice());
  const set = (dir: Float64Array[], scale: number) =>
    parameters.forEach((p, k) => {
      for (let i = 0; i < p.size; i++) p.data[i] = saved[k][i] + scale * dir[k][i];
    });
  try {
    set(context.gradient('train', Array.from(lambda)), -lr);
    const d = context.gradient(
      'validation',
      primary.map((p) => (p ? 1 : 0)),
    );
    const norm = Math.sqrt(d.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));
    if (!(norm > 0 && Number.isFinite(norm))) return out;
    const eps = 0.01 / norm;
    set(d, eps);
    const plus = context.losses('train');
    set(d, -eps);
    const minus = context.losses('train');
    for (let t = 0; t < out.length; t++) {
      const h = (plus[t] - minus[t]) / (2 * eps);
      out[t] = Number.isFinite(h) ? -lr * h : 0;
    }
    return out;
  } finally {
    parameters.forEach((p, k) => p.data.set(saved[k]));
  }
}

/**
 * Auto-Lambda (Liu, James, Davison & Johns, TMLR 2022; github.com/lorenmt/auto-lambda): task weights
 * λ learned to lower the primary tasks' validation loss one step ahead. Before each training step
 * λ takes one Adam step (lr 1e-4, from λ = 0.1) along {@link autoLambdaGradient} on that step's
 * training batch and a validation batch; the step then trains Σ_t λ_t L_t. As the official code, the
 * virtual step is plain SGD with `fit`'s learning rate whatever the optimiser (no momentum; unlike
 * it, no weight decay in the virtual step), and λ is not constrained. Validation batches come from
 * `fit`'s `validation` data, or from the training data without it. lastWeights() reports λ.
 */
export class AutoLambda implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'Auto-Lambda';
  readonly lr: number;
  readonly initial: number;
  private readonly primaryNames: readonly string[] | undefined;
  private primary: boolean[] = [];
  private lambda = new Float64Array(0);
  private opt: ScalarAdam | null = null;
  constructor(options: AutoLambdaOptions = {}) {
    this.lr = options.lr ?? 1e-4;
    this.initial = options.init ?? 0.1;
    if (!(Number.isFinite(this.lr) && this.lr >= 0))
      throw new ValueError(`AutoLambda: lr must be a finite number ≥ 0, got ${this.lr}`);
    if (!Number.isFinite(this.initial))
      throw new ValueError(`AutoLambda: init must be a finite number, got ${this.initial}`);
    this.primaryNames = options.primary?.slice();
  }
  init(info: WeightingInfo): void {
    const names = this.primaryNames;
    for (const n of names ?? []) {
      if (!info.tasks.includes(n))
        throw new ValueError(
          `AutoLambda: primary task '${n}' is not a task; tasks are ${info.tasks.join(', ')}`,
        );
    }
    this.primary = info.tasks.map((t) => names === undefined || names.includes(t));
    this.lambda = new Float64Array(info.tasks.length);
    this.reset();
  }
  reset(): void {
    this.lambda.fill(this.initial);
    this.opt = new ScalarAdam(this.lambda.length, this.lr);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return Array.from(this.lambda);
  }
  lookahead(context: LookaheadContext): void {
    this.opt!.step(this.lambda, autoLambdaGradient(context, this.lambda, this.primary));
  }
  combine(losses: readonly Tensor[]): Tensor {
    return weightedSum(losses, Array.from(this.lambda));
  }
}
