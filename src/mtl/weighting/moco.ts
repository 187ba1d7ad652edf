import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { combine, dot } from '../aggregators/linalg.js';
import type { GradientWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * MoCo (Fernando et al., ICLR 2023, "Mitigating Gradient Bias in Multi-objective Learning"), as
 * LibMTL's MoCo.py. It tracks each task's gradient to remove the bias of stochastic MGDA. With k
 * the step (from 1) and h_t = L_t·g_t/(‖g_t‖ + 1e-8):
 *   y_t ← y_t − β_k (y_t − h_t),                β_k = β/k^{σ_β}   (β = 0.5, σ_β = 0.5),
 *   λ ← softmax(λ − γ_k (Y Yᵀ + ρI) λ),         γ_k = γ/k^{σ_γ}   (γ = 0.1, σ_γ = 0.5, ρ = 0),
 *   direction = Yᵀλ,
 * starting from y = 0 and λ = 1/T. `weights` is λ (direction = Σ λ_t y_t, not Σ λ_t J_t); each head
 * gets its own task's gradient. A task without labels in the batch keeps its tracked y_t.
 */
export class MoCo implements GradientWeighting {
  readonly type = 'gradient';
  readonly level = 'parameters';
  readonly name = 'MoCo';
  readonly beta: number;
  readonly betaSigma: number;
  readonly gamma: number;
  readonly gammaSigma: number;
  readonly rho: number;
  private y: Float64Array[] = [];
  private lambda = new Float64Array(0);
  private k = 0;
  constructor(
    options: { beta?: number; betaSigma?: number; gamma?: number; gammaSigma?: number; rho?: number } = {},
  ) {
    this.beta = check('beta', options.beta ?? 0.5);
    this.betaSigma = check('betaSigma', options.betaSigma ?? 0.5);
    this.gamma = check('gamma', options.gamma ?? 0.1);
    this.gammaSigma = check('gammaSigma', options.gammaSigma ?? 0.5);
    this.rho = check('rho', options.rho ?? 0);
  }
  init(info: WeightingInfo): void {
    this.lambda = new Float64Array(info.tasks.length);
    this.reset();
  }
  reset(): void {
    this.lambda.fill(1 / this.lambda.length);
    this.y = [];
    this.k = 0;
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return Array.from(this.lambda);
  }
  aggregate(J: Float64Array[], losses: readonly number[], step?: StepInfo) {
    const T = J.length;
    const D = J[0].length;
    if (this.y.length !== T) this.y = J.map(() => new Float64Array(D));
    this.k++;
    const b = this.beta / this.k ** this.betaSigma;
    for (let t = 0; t < T; t++) {
      if (step?.present?.[t] === false) continue;
      const g = J[t];
      const scale = losses[t] / (Math.sqrt(dot(g, g)) + 1e-8);
      const y = this.y[t];
      for (let i = 0; i < D; i++) y[i] -= b * (y[i] - g[i] * scale);
    }
    const c = this.gamma / this.k ** this.gammaSigma;
    const moved = this.lambda.map((l, s) => {
      let q = this.rho * this.lambda[s];
      for (let t = 0; t < T; t++) q += dot(this.y[s], this.y[t]) * this.lambda[t];
      return l - c * q;
    });
    this.lambda = Float64Array.from(softmaxVector(moved));
    return { direction: combine(this.y, this.lambda), weights: this.lambda.slice() };
  }
}

function check(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0))
    throw new ValueError(`MoCo: ${name} must be a finite number ≥ 0, got ${v}`);
  return v;
}
