import { add, mul } from '../../autograd/ops/binary.js';
import { slice } from '../../autograd/ops/shape.js';
import { exp, neg } from '../../autograd/ops/unary.js';
import { Tensor } from '../../autograd/tensor.js';
import type { LossWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * Uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018). One learned s_t = log σ_t² per task:
 *   regression:      L_t / (2σ_t²) + log σ_t  = ½·e^{−s_t}·L_t + ½·s_t
 *   classification:  L_t / σ_t²    + log σ_t  =    e^{−s_t}·L_t + ½·s_t
 * (binary tasks use the classification form). Learning s_t instead of σ_t keeps σ positive and the
 * loss stable. The s_t are trained with the model's optimiser but are never weight-decayed.
 * lastWeights() reports the effective weights (½)e^{−s_t} or e^{−s_t}. A task without labels in the
 * batch has no term at all (not even ½·s_t, which would otherwise drive its s_t down unopposed).
 */
export class UW implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'UW';
  /** The learned log-variances s_t, one per task. */
  logVars: Tensor = new Tensor(new Float32Array(0), [0]);
  private factors: number[] = [];
  init(info: WeightingInfo): void {
    this.factors = info.kinds.map((k) => (k === 'regression' ? 0.5 : 1));
    this.logVars = new Tensor(new Float32Array(info.tasks.length), [info.tasks.length], true);
  }
  reset(): void {
    this.logVars.data.fill(0);
  }
  parameters(): Tensor[] {
    return [this.logVars];
  }
  lastWeights(): number[] {
    return this.factors.map((f, t) => f * Math.exp(-this.logVars.data[t]));
  }
  combine(losses: readonly Tensor[], step?: StepInfo): Tensor {
    const s = losses[0].dtype === this.logVars.dtype ? this.logVars : this.logVars.to(losses[0].dtype);
    let total: Tensor = mul(losses[0], 0);
    for (let t = 0; t < losses.length; t++) {
      if (step?.present?.[t] === false) continue;
      const st = slice(s, [[t, t + 1]]).reshape([]);
      total = add(total, add(mul(mul(exp(neg(st)), losses[t]), this.factors[t]), mul(st, 0.5)));
    }
    return total;
  }
}
