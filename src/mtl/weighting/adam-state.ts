/**
 * A tiny Adam for the few scalars some weighting methods learn on their own (FAMO's logits,
 * GradNorm's task weights), kept apart from the model's optimiser so they are never decayed by it.
 * PyTorch's update order; optional coupled weight decay (FAMO's γ).
 */
export class ScalarAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    size: number,
    private readonly lr: number,
    private readonly weightDecay = 0,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(param: Float64Array, grad: ArrayLike<number>): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i] + this.weightDecay * param[i];
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
      param[i] -= (this.lr / bc1) * (this.m[i] / (Math.sqrt(this.v[i]) / Math.sqrt(bc2) + this.eps));
    }
  }
}
