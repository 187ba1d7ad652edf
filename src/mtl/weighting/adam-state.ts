/**
 * Adam state for the few scalars some weighting methods learn on their own (FAMO's logits,
 * GradNorm's task weights), kept apart from the model's optimiser so they are never decayed by it.
 * The update is the optimiser's own float64 Adam rule; `weightDecay` is coupled (FAMO's γ).
 */
import { adamF64 } from '../../optim/adam.js';
import { powInt } from '../../optim/exact.js';

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
    const stepSize = this.lr / (1 - powInt(this.beta1, this.t));
    const bc2Sqrt = Math.sqrt(1 - powInt(this.beta2, this.t));
    const g = Float64Array.from(grad);
    adamF64(
      param,
      g,
      this.m,
      this.v,
      null,
      this.beta1,
      this.beta2,
      this.eps,
      this.weightDecay,
      false,
      1,
      stepSize,
      bc2Sqrt,
      false,
    );
  }
}
