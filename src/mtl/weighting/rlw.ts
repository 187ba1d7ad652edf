import type { Tensor } from '../../autograd/tensor.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { Rng } from '../../tensor/rng.js';
import { weightedSum } from './ew.js';
import type { LossWeighting, WeightingInfo } from './types.js';

/**
 * Random Loss Weighting (Lin et al., TMLR 2022): each step draws w = softmax(z), z ~ N(0, I_T),
 * so weights are positive and sum to 1 (LibMTL's RLW). Seeded for reproducibility.
 */
export class RLW implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'RLW';
  private rng: Rng;
  private readonly seed: number;
  private weights: number[] = [];
  constructor(options: { seed?: number } = {}) {
    this.seed = options.seed ?? 0;
    this.rng = new Rng(this.seed);
  }
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1 / info.tasks.length);
  }
  reset(): void {
    this.rng = new Rng(this.seed);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  combine(losses: readonly Tensor[]): Tensor {
    const z = losses.map(() => this.rng.normal());
    this.weights = softmaxVector(z);
    return weightedSum(losses, this.weights);
  }
}
