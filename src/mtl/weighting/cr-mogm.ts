import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { combine } from '../aggregators/linalg.js';
import type { GradientWeighting, StepInfo, Weighting, WeightingInfo } from './types.js';

/**
 * CR-MOGM, correlation-reduced multi-objective gradient manipulation (Zhou et al., NeurIPS 2022, "On
 * the Convergence of Stochastic Multi-Objective Gradient Manipulation and Beyond"): the weights of a
 * stochastic gradient method are noisy from batch to batch, which biases the step; CR-MOGM smooths
 * them with an exponential moving average,
 *   w̄_k = decay·w̄_{k−1} + (1 − decay)·w_k,   direction = Σ_t w̄_{k,t}·J_t,
 * where w_k are the inner method's weights at step k and w̄_1 = w_1. decay 0 is the inner method
 * itself; the default 0.9 is a choice, not a published value. It wraps gradient methods whose
 * direction is Σ_t w_t J_t (MGDA, IMTL, UPGrad, ...); loss-based methods have no per-step Jacobian
 * to recombine, and DB-MTL and MoCo already average over steps.
 */
export class CRMOGM implements GradientWeighting {
  readonly type = 'gradient';
  readonly name: string;
  readonly level: 'parameters' | 'representation';
  readonly decay: number;
  readonly maxGradNorm?: number;
  private average: Float64Array | null = null;
  constructor(
    readonly inner: Weighting,
    options: { decay?: number } = {},
  ) {
    if (inner === null || typeof inner !== 'object' || inner.type !== 'gradient') {
      throw new ValueError(
        `CRMOGM: the inner weighting must be gradient-based (e.g. new MGDA()), got ${inner?.type ?? String(inner)}-based '${inner?.name}'`,
      );
    }
    this.decay = options.decay ?? 0.9;
    if (!(this.decay >= 0 && this.decay < 1))
      throw new ValueError(`CRMOGM: decay must be in [0, 1), got ${this.decay}`);
    this.name = `CR-MOGM(${inner.name})`;
    this.level = inner.level;
    if (inner.maxGradNorm !== undefined) this.maxGradNorm = inner.maxGradNorm;
  }
  private get gradient(): GradientWeighting {
    return this.inner as GradientWeighting;
  }
  init(info: WeightingInfo): void {
    this.inner.init(info);
    this.average = null;
  }
  reset(): void {
    this.inner.reset();
    this.average = null;
  }
  parameters(): Tensor[] {
    return this.inner.parameters();
  }
  lastWeights(): number[] {
    return this.average ? Array.from(this.average) : this.inner.lastWeights();
  }
  onEpochEnd(meanLosses: readonly number[]): void {
    this.inner.onEpochEnd?.(meanLosses);
  }
  aggregate(J: Float64Array[], losses: readonly number[], step?: StepInfo) {
    const r = this.gradient.aggregate(J, losses, step as StepInfo);
    const d = this.decay;
    const prev = this.average;
    this.average = prev ? r.weights.map((w, t) => d * prev[t] + (1 - d) * w) : r.weights.slice();
    const weights = this.average.slice();
    const out: { direction: Float64Array; weights: Float64Array; headWeights?: Float64Array } = {
      direction: combine(J, weights),
      weights,
    };
    if (r.headWeights) out.headWeights = r.headWeights;
    return out;
  }
}
