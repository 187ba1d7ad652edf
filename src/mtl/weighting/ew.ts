import { add, mul } from '../../autograd/ops/binary.js';
import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import type { LossWeighting, WeightingInfo } from './types.js';

/** Σ_t w_t·L_t with fixed weights (shared by EW and Static). */
export function weightedSum(losses: readonly Tensor[], weights: readonly number[]): Tensor {
  let total = mul(losses[0], weights[0]);
  for (let t = 1; t < losses.length; t++) total = add(total, mul(losses[t], weights[t]));
  return total;
}

/**
 * Equal weighting: L = Σ_t w_t·L_t with w_t the task spec's weight (1 by default), the reference
 * formulation's plain sum of task losses. (LibMTL's EW also sums.)
 */
export class EW implements LossWeighting {
  readonly type = 'loss';
  readonly name: string = 'EW';
  protected weights: number[] = [];
  init(info: WeightingInfo): void {
    this.weights = info.taskWeights.slice();
  }
  reset(): void {}
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  combine(losses: readonly Tensor[]): Tensor {
    return weightedSum(losses, this.weights);
  }
}

/** Fixed weights given by the user, by task name or in task order. */
export class Static extends EW {
  override readonly name = 'Static';
  private readonly given: Record<string, number> | readonly number[];
  constructor(weights: Record<string, number> | readonly number[]) {
    super();
    this.given = weights;
  }
  override init(info: WeightingInfo): void {
    const w = Array.isArray(this.given)
      ? (this.given as number[]).slice()
      : info.tasks.map((t) => (this.given as Record<string, number>)[t]);
    if (w.length !== info.tasks.length) {
      throw new ValueError(
        `Static: ${w.length} weights for ${info.tasks.length} tasks (${info.tasks.join(', ')})`,
      );
    }
    w.forEach((v, i) => {
      if (!(Number.isFinite(v) && v >= 0))
        throw new ValueError(
          `Static: weight of task '${info.tasks[i]}' must be a finite number ≥ 0, got ${v}`,
        );
    });
    this.weights = w;
  }
}
