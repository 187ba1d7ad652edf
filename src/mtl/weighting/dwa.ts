import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { weightedSum } from './ew.js';
import type { LossWeighting, WeightingInfo } from './types.js';

/**
 * Dynamic Weight Average (Liu, Johns & Davison, CVPR 2019): with r_t = L_t(e−1)/L_t(e−2), the
 * ratio of a task's mean training loss over the last two epochs,
 *   w_t = T·exp(r_t/τ) / Σ_k exp(r_k/τ),   τ = 2,
 * so weights sum to T; the first two epochs use w_t = 1. Losses are epoch averages, as in the paper.
 * A ratio that cannot be formed (a task without labels in one of the two epochs, so its mean is
 * NaN, or a previous mean of 0) is taken as r_t = 1, the ratio of a loss that did not move.
 */
export class DWA implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'DWA';
  readonly temperature: number;
  private history: number[][] = [];
  private weights: number[] = [];
  constructor(options: { temperature?: number } = {}) {
    this.temperature = options.temperature ?? 2;
    if (!(this.temperature > 0))
      throw new ValueError(`DWA: temperature must be > 0, got ${this.temperature}`);
  }
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1);
    this.history = [];
  }
  reset(): void {
    this.history = [];
    this.weights = this.weights.map(() => 1);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  onEpochEnd(meanLosses: readonly number[]): void {
    this.history.push(meanLosses.slice());
    if (this.history.length > 2) this.history.shift();
    if (this.history.length < 2) return;
    const [prev2, prev1] = this.history;
    const T = meanLosses.length;
    const r = prev1.map((l, t) => {
      const ratio = l / prev2[t];
      return Number.isFinite(ratio) && prev2[t] > 0 ? ratio : 1;
    });
    this.weights = softmaxVector(r.map((v) => v / this.temperature)).map((w) => T * w);
  }
  combine(losses: readonly Tensor[]): Tensor {
    return weightedSum(losses, this.weights);
  }
}
