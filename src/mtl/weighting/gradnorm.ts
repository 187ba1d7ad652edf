import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { ScalarAdam } from './adam-state.js';
import type { GradientWeighting, WeightingInfo } from './types.js';

/**
 * GradNorm (Chen et al., ICML 2018) on the shared parameters. Weights w = T·softmax(v), so they stay
 * positive and sum to T (the paper renormalises to T after each step). Each step, with g_t the task
 * gradient, G_t = w_t‖g_t‖, Ḡ = mean G, r_t = (L_t/L_t(0)) / mean_k(L_k/L_k(0)):
 *   L_grad = Σ_t |G_t − Ḡ·r_t^α|   (the target is a constant),
 * v takes one Adam step (lr 0.025) on ∂L_grad/∂v, and the shared direction is Σ_t w_t g_t with the
 * weights used in that step. L_t(0) are the losses of the first step. The weights live here and are
 * never decayed.
 */
export class GradNorm implements GradientWeighting {
  readonly type = 'gradient';
  readonly level = 'parameters';
  readonly name = 'GradNorm';
  readonly alpha: number;
  private readonly lr: number;
  private v = new Float64Array(0);
  private opt: ScalarAdam | null = null;
  private initial: number[] | null = null;
  private weights: number[] = [];
  constructor(options: { alpha?: number; lr?: number } = {}) {
    this.alpha = options.alpha ?? 1.5;
    this.lr = options.lr ?? 0.025;
    if (!(this.alpha >= 0)) throw new ValueError(`GradNorm: alpha must be ≥ 0, got ${this.alpha}`);
  }
  init(info: WeightingInfo): void {
    this.v = new Float64Array(info.tasks.length);
    this.opt = new ScalarAdam(info.tasks.length, this.lr);
    this.initial = null;
    this.weights = info.tasks.map(() => 1);
  }
  reset(): void {
    this.v.fill(0);
    this.opt = new ScalarAdam(this.v.length, this.lr);
    this.initial = null;
    this.weights = this.weights.map(() => 1);
  }
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  aggregate(
    J: Float64Array[],
    losses: readonly number[],
  ): { direction: Float64Array; weights: Float64Array } {
    const result = gradNorm(J, losses, this.v, this.initial ?? losses, this.alpha);
    if (this.initial === null) this.initial = losses.slice();
    this.opt!.step(this.v, result.gradV);
    this.weights = Array.from(result.weights);
    return { direction: result.direction, weights: result.weights };
  }
}

/**
 * One GradNorm evaluation as a pure function: given J, the current losses, the weight logits v and
 * the initial losses, returns the weights w = T·softmax(v), the direction Σ w_t g_t, the balancing
 * loss L_grad and its gradient with respect to v.
 */
export function gradNorm(
  J: readonly Float64Array[],
  losses: readonly number[],
  v: ArrayLike<number>,
  initialLosses: readonly number[],
  alpha = 1.5,
): { direction: Float64Array; weights: Float64Array; gradV: Float64Array; lossGrad: number } {
  const T = J.length;
  const s = softmaxVector(v);
  const w = Float64Array.from(s, (x) => T * x);
  const norms = J.map((g) => Math.sqrt(g.reduce((a, x) => a + x * x, 0)));
  const G = norms.map((n, t) => w[t] * n);
  const Gbar = G.reduce((a, b) => a + b, 0) / T;
  const ratios = losses.map((l, t) => l / initialLosses[t]);
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / T;
  const target = ratios.map((r) => Gbar * (r / meanRatio) ** alpha);
  let lossGrad = 0;
  const dw = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    lossGrad += Math.abs(G[t] - target[t]);
    dw[t] = Math.sign(G[t] - target[t]) * norms[t];
  }
  // Through w = T·softmax(v): ∂L/∂v_j = T·s_j·(dw_j − Σ_i s_i dw_i).
  let sd = 0;
  for (let i = 0; i < T; i++) sd += s[i] * dw[i];
  const gradV = Float64Array.from(s, (sj, j) => T * sj * (dw[j] - sd));
  const D = J[0].length;
  const direction = new Float64Array(D);
  for (let t = 0; t < T; t++) {
    const g = J[t];
    for (let i = 0; i < D; i++) direction[i] += w[t] * g[i];
  }
  return { direction, weights: w, gradV, lossGrad };
}
