/**
 * The stateless gradient-aggregation methods as weightings: thin wrappers over the pure functions
 * in ../aggregators (where each method's formula and normalisation are documented).
 */
import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { cagrad, imtl, mgda, nashMTL, pcgrad } from '../aggregators/index.js';
import type { GradientWeighting, WeightingInfo } from './types.js';

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
  aggregate(J: Float64Array[]): { direction: Float64Array; weights: Float64Array } {
    const r = this.solve(J);
    this.weights = Array.from(r.weights);
    return r;
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
 * Nash-MTL (Navon et al. 2022): the bargaining solution α ⊙ Gα = 1, direction Σ α_t g_t. As in the
 * official code, the shared gradient is then clipped to norm `maxNorm` (default 1; 0 disables): α
 * scales like 1/‖g‖, so without the clip the step would not shrink as the gradients do.
 */
export class NashMTL extends Stateless {
  readonly name = 'NashMTL';
  private readonly maxNorm: number;
  constructor(private readonly options: { maxIter?: number; maxNorm?: number } = {}) {
    super();
    this.maxNorm = options.maxNorm ?? 1;
    if (!(this.maxNorm >= 0)) throw new ValueError(`NashMTL: maxNorm must be ≥ 0, got ${options.maxNorm}`);
  }
  protected solve(J: Float64Array[]) {
    const { direction, weights } = nashMTL(J, { maxIter: this.options.maxIter });
    let sq = 0;
    for (let i = 0; i < direction.length; i++) sq += direction[i] * direction[i];
    const norm = Math.sqrt(sq);
    if (this.maxNorm > 0 && norm > this.maxNorm) {
      // The same scale on the weights keeps direction = Σ weights_t·J_t.
      const s = this.maxNorm / norm;
      for (let i = 0; i < direction.length; i++) direction[i] *= s;
      for (let t = 0; t < weights.length; t++) weights[t] *= s;
    }
    return { direction, weights };
  }
}
