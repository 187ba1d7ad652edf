/**
 * The stateless gradient-aggregation methods as weightings: thin wrappers over the pure functions
 * in ../aggregators (where each method's formula and normalisation are documented).
 */
import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { cagrad, imtl, mgda, nashMTL, pcgrad } from '../aggregators/index.js';
import type { GradientWeighting, StepInfo, WeightingInfo } from './types.js';

abstract class Stateless implements GradientWeighting {
  readonly type = 'gradient';
  abstract readonly name: string;
  readonly level: 'parameters' | 'representation' = 'parameters';
  protected weights: number[] = [];
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1);
  }
  reset(): void {}
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  /**
   * Aggregates the rows of the tasks present in the batch (`step.present`); an absent task has no
   * gradient, so it gets weight 0 instead of entering the method as a zero row (which would, e.g.,
   * make MGDA's min-norm point 0).
   */
  aggregate(
    J: Float64Array[],
    _losses?: readonly number[],
    step?: StepInfo,
  ): { direction: Float64Array; weights: Float64Array } {
    const present = step?.present;
    const keep = J.map((_, t) => present?.[t] !== false);
    const r = this.solve(J.filter((_, t) => keep[t]));
    const weights = new Float64Array(J.length);
    let k = 0;
    for (let t = 0; t < J.length; t++) if (keep[t]) weights[t] = r.weights[k++];
    this.weights = Array.from(weights);
    return { direction: r.direction, weights };
  }
  protected abstract solve(J: Float64Array[]): { direction: Float64Array; weights: Float64Array };
}

/**
 * MGDA (Sener & Koltun 2018): the min-norm point of the convex hull of the task gradients (weights ≥ 0,
 * sum 1). With `{representation: true}` it is MGDA-UB: the weights are computed from the gradients at
 * the shared representation (cheaper: one trunk backward), then applied to the task losses.
 */
export class MGDA extends Stateless {
  readonly name: string;
  override readonly level: 'parameters' | 'representation';
  constructor(options: { representation?: boolean } = {}) {
    super();
    this.level = options.representation ? 'representation' : 'parameters';
    this.name = options.representation ? 'MGDA-UB' : 'MGDA';
  }
  protected solve(J: Float64Array[]) {
    return mgda(J);
  }
}

/** PCGrad (Yu et al. 2020): project away conflicting components, random order per step (seeded), sum. */
export class PCGrad extends Stateless {
  readonly name = 'PCGrad';
  private rng: Rng;
  constructor(private readonly options: { seed?: number } = {}) {
    super();
    this.rng = new Rng(options.seed ?? 0);
  }
  override reset(): void {
    this.rng = new Rng(this.options.seed ?? 0);
  }
  protected solve(J: Float64Array[]) {
    return pcgrad(J, { rng: this.rng });
  }
}

/** CAGrad (Liu et al. 2021) with radius factor c (default 0.5). */
export class CAGrad extends Stateless {
  readonly name = 'CAGrad';
  constructor(private readonly options: { c?: number; rescale?: 0 | 1 | 2 } = {}) {
    super();
  }
  protected solve(J: Float64Array[]) {
    return cagrad(J, this.options);
  }
}

/** IMTL-G (Liu et al. 2021): equal projections of the direction onto every unit task gradient. */
export class IMTL extends Stateless {
  readonly name = 'IMTL';
  protected solve(J: Float64Array[]) {
    return imtl(J);
  }
}

/**
 * Nash-MTL (Navon et al. 2022): the bargaining solution α ⊙ Gα = 1, direction Σ α_t g_t. α scales
 * like 1/‖g‖, so the step would not shrink as the gradients do: the official code clips the shared
 * gradient to norm 1, and so does `fit` by default with this method (its `maxGradNorm`, here 1;
 * `fit({maxGradNorm})` overrides it, 0 disables).
 */
export class NashMTL extends Stateless {
  readonly name = 'NashMTL';
  readonly maxGradNorm: number;
  /** `maxNorm` is the deprecated name of `maxGradNorm`. */
  constructor(private readonly options: { maxIter?: number; maxGradNorm?: number; maxNorm?: number } = {}) {
    super();
    this.maxGradNorm = options.maxGradNorm ?? options.maxNorm ?? 1;
    if (!(Number.isFinite(this.maxGradNorm) && this.maxGradNorm >= 0))
      throw new ValueError(`NashMTL: maxGradNorm must be a finite number ≥ 0, got ${this.maxGradNorm}`);
  }
  protected solve(J: Float64Array[]) {
    return nashMTL(J, { maxIter: this.options.maxIter });
  }
}
