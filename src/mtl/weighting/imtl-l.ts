import { add, mul, sub } from '../../autograd/ops/binary.js';
import { slice } from '../../autograd/ops/shape.js';
import { exp } from '../../autograd/ops/unary.js';
import { Tensor } from '../../autograd/tensor.js';
import { aggregate, imtlWeighting } from '../aggregators/index.js';
import type { GradientWeighting, LossWeighting, StepInfo, WeightingInfo } from './types.js';

/** The learned loss scales s_t of IMTL-L, a float32 vector trained by the model's optimiser (never decayed). */
class LossScales {
  s: Tensor = new Tensor(new Float32Array(0), [0]);
  init(info: WeightingInfo): void {
    this.s = new Tensor(new Float32Array(info.tasks.length), [info.tasks.length], true);
  }
  reset(): void {
    this.s.data.fill(0);
  }
  /** e^{s_t} per task. */
  factors(): number[] {
    return Array.from(this.s.data, Math.exp);
  }
}

/**
 * IMTL-L, the loss half of impartial multi-task learning (Liu et al., ICLR 2021; LibMTL IMTL.py):
 * one learned s_t per task and the total Σ_t (e^{s_t}·L_t − s_t). Its minimum over s_t is at
 * e^{s_t}·L_t = 1, so every scaled loss is pushed towards 1: scale-invariant loss balancing. The s_t
 * start at 0 and are trained with the model's optimiser, never decayed. lastWeights() reports e^{s_t}.
 * A task without labels in the batch has no term. For IMTL-L with IMTL-G see {@link IMTLFull}.
 */
export class IMTLL implements LossWeighting {
  readonly type = 'loss';
  readonly name = 'IMTL-L';
  private readonly scales = new LossScales();
  /** The learned log loss scales s_t. */
  get logScales(): Tensor {
    return this.scales.s;
  }
  init(info: WeightingInfo): void {
    this.scales.init(info);
  }
  reset(): void {
    this.scales.reset();
  }
  parameters(): Tensor[] {
    return [this.scales.s];
  }
  lastWeights(): number[] {
    return this.scales.factors();
  }
  combine(losses: readonly Tensor[], step?: StepInfo): Tensor {
    const all = this.scales.s;
    const s = losses[0].dtype === all.dtype ? all : all.to(losses[0].dtype);
    let total: Tensor = mul(losses[0], 0);
    for (let t = 0; t < losses.length; t++) {
      if (step?.present?.[t] === false) continue;
      const st = slice(s, [[t, t + 1]]).reshape([]);
      total = add(total, sub(mul(exp(st), losses[t]), st));
    }
    return total;
  }
}

/**
 * IMTL in full, as LibMTL's IMTL.py: IMTL-L's scaled losses e^{s_t}·L_t − s_t, and IMTL-G on their
 * gradients. Each step the shared gradients become r_t = e^{s_t}·g_t, IMTL-G's α (Σα = 1, equal
 * projections onto every unit r_t) gives direction = Σ_t α_t r_t, so `weights` = α_t·e^{s_t}; each
 * head gets e^{s_t}·∂L_t; and s_t gets the gradient of its scaled loss, e^{s_t}·L_t − 1, for the
 * model's optimiser (never decayed). Costs one backward through the shared part per task.
 */
export class IMTLFull implements GradientWeighting {
  readonly type = 'gradient';
  readonly level = 'parameters';
  readonly name = 'IMTL-full';
  private readonly scales = new LossScales();
  private weights: number[] = [];
  /** The learned log loss scales s_t. */
  get logScales(): Tensor {
    return this.scales.s;
  }
  init(info: WeightingInfo): void {
    this.scales.init(info);
    this.weights = info.tasks.map(() => 1 / info.tasks.length);
  }
  reset(): void {
    this.scales.reset();
    this.weights = this.weights.map(() => 1 / this.weights.length);
  }
  parameters(): Tensor[] {
    return [this.scales.s];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  aggregate(J: Float64Array[], losses: readonly number[], step?: StepInfo) {
    const e = this.scales.factors();
    const keep = J.map((_, t) => step?.present?.[t] !== false).flatMap((p, t) => (p ? [t] : []));
    const rows = keep.map((t) => J[t].map((v) => v * e[t]));
    const r = aggregate(rows, imtlWeighting());
    const weights = new Float64Array(J.length);
    const headWeights = new Float64Array(J.length);
    const grad = new Float32Array(J.length);
    keep.forEach((t, k) => {
      weights[t] = r.weights[k] * e[t];
      headWeights[t] = e[t];
      grad[t] = e[t] * losses[t] - 1;
    });
    this.scales.s.grad = new Tensor(grad, [J.length]);
    this.weights = Array.from(weights);
    return { direction: r.direction, weights, headWeights };
  }
}
