import { add, mul } from '../../autograd/ops/binary.js';
import { log } from '../../autograd/ops/unary.js';
import type { Tensor } from '../../autograd/tensor.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { ScalarAdam } from './adam-state.js';
import type { LossWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * FAMO, Fast Adaptive Multitask Optimization (Liu et al., NeurIPS 2023), as in the official code:
 * task weights z = softmax(ξ); the model minimises Σ_t (z_t/c)·log(L_t − ℓ_t + ε) with
 * c = Σ_t z_t/(L_t − ℓ_t + ε) (detached), which balances the rate at which each loss falls; after each
 * step ξ moves by Adam (lr β = 0.025, weight decay γ = 0.001) along the gradient of softmax(ξ)
 * with the observed log-loss decrease δ_t = log(L_t^before) − log(L_t^after) on the same batch.
 * ℓ_t (the minimum loss) is 0. lastWeights() reports z (sums to 1). A task without labels in the
 * batch has no loss: it is left out of the total and of c, and its logit gets no gradient.
 */
export class FAMO implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'FAMO';
  readonly needsLossAfterStep = true;
  private logits = new Float64Array(0);
  private opt: ScalarAdam | null = null;
  private readonly lr: number;
  private readonly gamma: number;
  private readonly eps = 1e-8;
  constructor(options: { lr?: number; gamma?: number } = {}) {
    this.lr = options.lr ?? 0.025;
    this.gamma = options.gamma ?? 0.001;
  }
  init(info: WeightingInfo): void {
    this.logits = new Float64Array(info.tasks.length);
    this.opt = new ScalarAdam(info.tasks.length, this.lr, this.gamma);
  }
  reset(): void {
    this.init({ tasks: Array.from(this.logits, () => ''), taskWeights: [], kinds: [] });
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return softmaxVector(this.logits);
  }
  combine(losses: readonly Tensor[], step?: StepInfo): Tensor {
    const z = softmaxVector(this.logits);
    const present = losses.map((_, t) => step?.present?.[t] !== false);
    const vals = losses.map((l) => l.item() + this.eps);
    const c = z.reduce((s, zt, t) => (present[t] ? s + zt / vals[t] : s), 0);
    let total: Tensor = mul(losses[0], 0);
    for (let t = 0; t < losses.length; t++) {
      if (present[t]) total = add(total, mul(log(add(losses[t], this.eps)), z[t] / c));
    }
    return total;
  }
  afterStep(before: readonly number[], after: readonly number[]): void {
    // δ_t = 0 for a task without a loss before or after the step (NaN): no evidence either way.
    const delta = before.map((b, t) => {
      const d = Math.log(b + this.eps) - Math.log(Math.max(after[t], 0) + this.eps);
      return Number.isFinite(d) ? d : 0;
    });
    // Gradient of softmax(ξ) with output-gradient δ: z ⊙ (δ − Σ_k z_k δ_k).
    const z = softmaxVector(this.logits);
    const dot = z.reduce((s, zt, t) => s + zt * delta[t], 0);
    const grad = z.map((zt, t) => zt * (delta[t] - dot));
    this.opt!.step(this.logits, grad);
  }
}
