import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { combine, dot } from '../aggregators/linalg.js';
import type { GradientWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * DB-MTL, dual-balancing multi-task learning (Lin et al., 2023; LibMTL DB_MTL.py). Two balances:
 *  - loss scale: each task trains on log(L_t + 1e-8), whose gradient is g_t/(L_t + 1e-8), on the
 *    shared parameters and on its head alike;
 *  - gradient magnitude: an EMA of those gradients, ĝ_t ← h_t + β_k(ĝ_t − h_t) with
 *    β_k = β/k^σ (k the step, from 1; β = 0.9, σ = 0), is rescaled to the largest norm:
 *    direction = Σ_t α_t ĝ_t, α_t = max_s ‖ĝ_s‖ / (‖ĝ_t‖ + 1e-8).
 * The EMA starts at 0, as LibMTL's buffer. `weights` reports α (the factors on the buffered
 * gradients; LibMTL returns ones); direction = Σ α_t ĝ_t, not Σ α_t J_t. A task without labels in the
 * batch keeps its buffer unchanged and sits out this step's direction (α_t = 0).
 */
export class DBMTL implements GradientWeighting {
  readonly type = 'gradient';
  readonly level = 'parameters';
  readonly name = 'DB-MTL';
  readonly beta: number;
  readonly betaSigma: number;
  private buffer: Float64Array[] = [];
  private k = 0;
  private weights: number[] = [];
  constructor(options: { beta?: number; betaSigma?: number } = {}) {
    this.beta = options.beta ?? 0.9;
    this.betaSigma = options.betaSigma ?? 0;
    if (!(this.beta >= 0 && this.beta <= 1))
      throw new ValueError(`DBMTL: beta must be in [0, 1], got ${this.beta}`);
    if (!(Number.isFinite(this.betaSigma) && this.betaSigma >= 0))
      throw new ValueError(`DBMTL: betaSigma must be a finite number ≥ 0, got ${this.betaSigma}`);
  }
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1);
    this.reset();
  }
  reset(): void {
    this.buffer = [];
    this.k = 0;
    this.weights = this.weights.map(() => 1);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  aggregate(J: Float64Array[], losses: readonly number[], step?: StepInfo) {
    const T = J.length;
    const D = J[0].length;
    if (this.buffer.length !== T) this.buffer = J.map(() => new Float64Array(D));
    this.k++;
    const b = this.beta / this.k ** this.betaSigma;
    const present = J.map((_, t) => step?.present?.[t] !== false);
    const scales = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      if (!present[t]) continue;
      scales[t] = 1 / (losses[t] + 1e-8);
      const g = J[t];
      const e = this.buffer[t];
      for (let i = 0; i < D; i++) {
        const h = g[i] * scales[t];
        e[i] = h + b * (e[i] - h);
      }
    }
    const norms = this.buffer.map((e) => Math.sqrt(dot(e, e)));
    const top = Math.max(0, ...norms.filter((_, t) => present[t]));
    const weights = Float64Array.from(norms, (n, t) => (present[t] ? top / (n + 1e-8) : 0));
    const direction = combine(this.buffer, weights);
    this.weights = Array.from(weights);
    // The heads train on log(L_t + 1e-8) too.
    return { direction, weights, headWeights: scales };
  }
}
