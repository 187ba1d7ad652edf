import { add, mul } from '../../autograd/ops/binary.js';
import { exp, log } from '../../autograd/ops/unary.js';
import type { Tensor } from '../../autograd/tensor.js';
import type { LossWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * Geometric Loss Strategy (Chennupati et al., CVPR workshops 2019; LibMTL GLS.py): the total is the
 * geometric mean of the task losses, (Π_t L_t)^{1/T}, computed as exp(mean_t log L_t) (the same value
 * and gradient, without the product under- or overflowing). Its gradient on L_t is total/(T·L_t), so a
 * task whose loss is small gets a large weight: the geometric mean rewards relative, not absolute,
 * progress and needs no tuning. lastWeights() reports these effective weights ∂total/∂L_t (LibMTL
 * returns L_t/(T·ΠL) instead). A task without labels in the batch is left out (T counts the present
 * tasks). A loss of exactly 0 gives a non-finite gradient, which `fit` reports (or skips).
 */
export class GLS implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'GLS';
  private weights: number[] = [];
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1 / info.tasks.length);
  }
  reset(): void {
    this.weights = this.weights.map(() => 1 / this.weights.length);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  combine(losses: readonly Tensor[], step?: StepInfo): Tensor {
    const present = losses.map((_, t) => step?.present?.[t] !== false);
    const n = present.filter(Boolean).length;
    let sumLog: Tensor = mul(losses[0], 0);
    for (let t = 0; t < losses.length; t++) if (present[t]) sumLog = add(sumLog, log(losses[t]));
    const total = exp(mul(sumLog, 1 / n));
    const value = total.item();
    this.weights = losses.map((l, t) => (present[t] ? value / (n * l.item()) : 0));
    return total;
  }
}
