import { add, mul, sub } from '../../autograd/ops/binary.js';
import { logSumExp } from '../../autograd/ops/reduce.js';
import { stack } from '../../autograd/ops/shape.js';
import { log } from '../../autograd/ops/unary.js';
import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { softmaxVector } from '../../tensor/reduce.js';
import type { LossWeighting, StepInfo, WeightingInfo } from './types.js';

/** LibMTL's guard inside the logarithms. */
const TINY = 1e-20;

/**
 * Smooth Tchebycheff scalarisation (Lin et al., ICML 2024), as LibMTL's STCH.py (from the official
 * STCH_MTL code). With l_t = log(L_t/z_t + 1e-20), z the nadir vector, and m = max_t l_t (detached):
 *   total = T·(μ·log Σ_t exp((l_t − m)/μ)),   μ = 1,
 * a smooth maximum that trains the worst (relative, in log scale) task hardest. The warm-up matches
 * LibMTL: for epochs < `warmupEpochs` (default 4) the total is Σ_t log(L_t + 1e-20); during epoch
 * `warmupEpochs` the same, while the per-task mean loss of that epoch is recorded; from the next
 * epoch on that mean is the nadir z (fixed thereafter) and the smooth maximum is used. Differences
 * from LibMTL, for batches without some task's labels: a task absent from the batch is left out
 * (T counts the present tasks), and its nadir is the mean over the batches that had it (1 if none).
 * lastWeights() reports the effective weights ∂total/∂L_t (LibMTL returns ones).
 */
export class STCH implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'STCH';
  readonly mu: number;
  readonly warmupEpochs: number;
  private sums = new Float64Array(0);
  private counts = new Float64Array(0);
  private nadir: Float64Array | null = null;
  private weights: number[] = [];
  constructor(options: { mu?: number; warmupEpochs?: number } = {}) {
    this.mu = options.mu ?? 1;
    this.warmupEpochs = options.warmupEpochs ?? 4;
    if (!(Number.isFinite(this.mu) && this.mu > 0))
      throw new ValueError(`STCH: mu must be a finite number > 0, got ${this.mu}`);
    if (!(Number.isInteger(this.warmupEpochs) && this.warmupEpochs >= 0))
      throw new ValueError(`STCH: warmupEpochs must be an integer ≥ 0, got ${this.warmupEpochs}`);
  }
  init(info: WeightingInfo): void {
    this.sums = new Float64Array(info.tasks.length);
    this.reset();
  }
  reset(): void {
    this.sums.fill(0);
    this.counts = new Float64Array(this.sums.length);
    this.nadir = null;
    this.weights = Array.from(this.sums, () => 1);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  /** The nadir vector z once fixed (after the warm-up), else null. */
  nadirVector(): number[] | null {
    return this.nadir ? Array.from(this.nadir) : null;
  }
  combine(losses: readonly Tensor[], step: StepInfo): Tensor {
    const idx = losses.map((_, t) => t).filter((t) => step?.present?.[t] !== false);
    const values = losses.map((l) => l.item());
    if (step.epoch <= this.warmupEpochs) {
      if (step.epoch === this.warmupEpochs) {
        for (const t of idx) {
          this.sums[t] += values[t];
          this.counts[t]++;
        }
      }
      this.weights = values.map((v, t) => (idx.includes(t) ? 1 / (v + TINY) : 0));
      return idx.reduce((s: Tensor, t) => add(s, log(add(losses[t], TINY))), mul(losses[0], 0));
    }
    this.nadir ??= Float64Array.from(this.sums, (s, t) => (this.counts[t] > 0 ? s / this.counts[t] : 1));
    const z = this.nadir;
    const l = idx.map((t) => log(add(mul(losses[t], 1 / z[t]), TINY)));
    const lv = idx.map((t) => Math.log(values[t] / z[t] + TINY));
    const m = Math.max(...lv);
    const n = idx.length;
    const lse = logSumExp(mul(sub(stack(l), m), 1 / this.mu));
    const soft = softmaxVector(lv.map((v) => v / this.mu));
    this.weights = values.map(() => 0);
    idx.forEach((t, k) => {
      this.weights[t] = (n * soft[k]) / (values[t] + TINY * z[t]);
    });
    return mul(lse, n * this.mu);
  }
}
