import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { ScalarAdam } from './adam-state.js';
import type { GradientWeighting, StepInfo, WeightingInfo } from './types.js';

/**
 * GradNorm (Chen et al., ICML 2018) on the shared parameters. Weights w = T·softmax(v), so they stay
 * positive and sum to T (the paper renormalises to T after each step). Each step, with g_t the task
 * gradient, G_t = w_t‖g_t‖, Ḡ = mean G, r_t = (L_t/L_t(0)) / mean_k(L_k/L_k(0)):
 *   L_grad = Σ_t |G_t − Ḡ·r_t^α|   (the target is a constant),
 * v takes one Adam step (lr 0.025) on ∂L_grad/∂v, and the shared direction is Σ_t w_t g_t with the
 * weights used in that step. L_t(0) is task t's loss in the first batch where it HAS labels (and a
 * loss > 0); until then, and in batches without its labels, the task stays out of the balance (see
 * {@link gradNorm}). The weights live here and are never decayed.
 */
export class GradNorm implements GradientWeighting {
  readonly type = 'gradient';
  readonly level = 'parameters';
  readonly name = 'GradNorm';
  readonly alpha: number;
  private readonly lr: number;
  private v = new Float64Array(0);
  private opt: ScalarAdam | null = null;
  private initial = new Float64Array(0);
  private weights: number[] = [];
  constructor(options: { alpha?: number; lr?: number } = {}) {
    this.alpha = options.alpha ?? 1.5;
    this.lr = options.lr ?? 0.025;
    if (!(this.alpha >= 0)) throw new ValueError(`GradNorm: alpha must be ≥ 0, got ${this.alpha}`);
  }
  init(info: WeightingInfo): void {
    this.v = new Float64Array(info.tasks.length);
    this.reset();
  }
  reset(): void {
    this.v.fill(0);
    this.opt = new ScalarAdam(this.v.length, this.lr);
    this.initial = new Float64Array(this.v.length).fill(Number.NaN);
    this.weights = Array.from(this.v, () => 1);
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
    step?: StepInfo,
  ): { direction: Float64Array; weights: Float64Array } {
    // A task without labels in the batch has no loss: NaN keeps it out of the balance.
    const current = losses.map((l, t) => (step?.present?.[t] === false ? Number.NaN : l));
    current.forEach((l, t) => {
      if (Number.isNaN(this.initial[t]) && Number.isFinite(l) && l > 0) this.initial[t] = l;
    });
    const result = gradNorm(J, current, this.v, this.initial, this.alpha);
    this.opt!.step(this.v, result.gradV);
    this.weights = Array.from(result.weights);
    return { direction: result.direction, weights: result.weights };
  }
}

/**
 * One GradNorm evaluation as a pure function: given J, the current losses, the weight logits v and
 * the initial losses, returns the weights w = T·softmax(v), the direction Σ w_t g_t, the balancing
 * loss L_grad and its gradient with respect to v. Only the tasks whose loss and initial loss are
 * finite and > 0 take part in the balance (means over them; the others get no gradient), so a
 * task missing from a batch never makes a ratio 0/0 or x/0; with none, gradV is 0.
 */
export function gradNorm(
  J: readonly Float64Array[],
  losses: readonly number[],
  v: ArrayLike<number>,
  initialLosses: ArrayLike<number>,
  alpha = 1.5,
): { direction: Float64Array; weights: Float64Array; gradV: Float64Array; lossGrad: number } {
  const T = J.length;
  const s = softmaxVector(v);
  const w = Float64Array.from(s, (x) => T * x);
  const valid = (x: number) => Number.isFinite(x) && x > 0;
  const active = losses.map((l, t) => valid(l) && valid(initialLosses[t]));
  const n = active.filter(Boolean).length;
  const norms = J.map((g) => Math.sqrt(g.reduce((a, x) => a + x * x, 0)));
  const G = norms.map((nt, t) => w[t] * nt);
  const ratios = losses.map((l, t) => (active[t] ? l / initialLosses[t] : 0));
  const Gbar = G.reduce((a, g, t) => a + (active[t] ? g : 0), 0) / Math.max(n, 1);
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  let lossGrad = 0;
  const dw = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    if (!active[t]) continue;
    const target = Gbar * (ratios[t] / meanRatio) ** alpha;
    lossGrad += Math.abs(G[t] - target);
    dw[t] = Math.sign(G[t] - target) * norms[t];
  }
  // Through w = T·softmax(v): ∂L/∂v_j = T·s_j·(dw_j − Σ_i s_i dw_i).
  let sd = 0;
  for (let i = 0; i < T; i++) sd += s[i] * dw[i];
  const gradV = Float64Array.from(s, (sj, j) => T * sj * (dw[j] - sd));
  const direction = new Float64Array(J[0].length);
  for (let t = 0; t < T; t++) {
    const g = J[t];
    for (let i = 0; i < direction.length; i++) direction[i] += w[t] * g[i];
  }
  return { direction, weights: w, gradV, lossGrad };
}
