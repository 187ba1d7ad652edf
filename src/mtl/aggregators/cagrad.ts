import { ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { matVec, quadForm } from './linalg.js';
import { minNormSolve } from './mgda.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link cagrad}. */
export interface CagradOptions {
  /** The radius factor c (the official code's `alpha`, LibMTL's `calpha`); default 0.5. c = 0 is plain averaging. */
  c?: number;
  /** 0: no rescaling; 1 (default): divide by 1 + c²; 2: divide by 1 + c (the official `rescale`). */
  rescale?: 0 | 1 | 2;
}

/** Result of {@link cagrad}. */
export interface CagradResult extends AggregatorResult {
  /** The dual weights w on the simplex (what the official code and LibMTL return). */
  simplexWeights: Float64Array;
}

/**
 * CAGrad, conflict-averse gradient descent.
 *
 * Paper: B. Liu, X. Liu, X. Jin, P. Stone, Q. Liu, "Conflict-Averse Gradient Descent for
 * Multi-task Learning", NeurIPS 2021 (official code: Cranial-XIX/CAGrad, function `cagrad`;
 * LibMTL weighting/CAGrad.py). The update maximises the worst task's improvement in a ball
 * around the average gradient,
 *
 *     max_d min_t g_t·d   subject to   ||d − g0|| ≤ c ||g0||,   g0 = (1/T) Σ_t g_t  (the MEAN),
 *
 * solved through its dual over the simplex
 *
 *     w* = argmin_{w ∈ simplex}  g_wᵀ g0 + c ||g0|| · ||g_w||,     g_w = Σ_t w_t g_t,
 *
 * giving d = g0 + (c ||g0|| / ||g_w||) g_w. Then rescale 0 returns d, 1 returns d / (1 + c²),
 * 2 returns d / (1 + c), exactly as the official code. Like it, g0 is the mean (not the sum).
 *
 * weights: direction = Σ_t weights[t] g_t with weights[t] = (1/T + λ w_t) / s, λ = c||g0||/||g_w||,
 * s the rescale divisor; `simplexWeights` holds w.
 *
 * Solver (ours; the official code calls scipy SLSQP from uniform weights): for μ ≥ 0 let
 * d(μ) = g0 + μ g_w(μ) be the min-norm point of the hull of the shifted rows g0 + μ g_t (an MGDA
 * problem, solved exactly by {@link minNormWeights}' algorithm). Its optimality conditions give
 * d(μ)·g_t ≥ d(μ)·g_w with equality on the support, so for any d' in the ball of radius
 * ρ(μ) = μ ||g_w(μ)||, min_t g_t·d' ≤ g_w·d' ≤ g_w·d(μ) = min_t g_t·d(μ): d(μ) solves the problem
 * for radius ρ(μ), which grows with μ. We bracket and bisect μ until ρ(μ) = c||g0|| and then apply
 * the official formula with that w (||g0||² = (1/T²) Σ G and ||g_w||² = wᵀGw, from the Gramian
 * like every other quantity here). The official code adds 1e-8 to ||g0|| and ||g_w||; we do not.
 *
 * Degenerate cases: c = 0 or g0 = 0 gives d = g0, with w the vertex (or the uniform split over
 * tied vertices) minimising g_t·g0, the minimiser of the then linear dual. When the hull of the
 * gradients contains 0 (a Pareto-stationary point; numerically min ||g_w|| ≤ ~3e-7 max ||g_t||)
 * no d does better than min_t g_t·d = 0; once some d(μ) inside the ball reaches that, the ball
 * is not binding and d = d(μ) is returned (where the official code divides by ||g_w|| + 1e-8).
 */
export function cagrad(J: GradientMatrix, options: CagradOptions = {}): CagradResult {
  return aggregate(J, cagradWeighting(options));
}

/** CAGrad's weights from the Gramian (see {@link cagrad}); they do not depend on its scale. */
export function cagradWeighting(
  options: CagradOptions = {},
): GramianWeighting<{ simplexWeights: Float64Array }> {
  const c = checkNonNegative('cagrad', 'c', options.c ?? 0.5);
  const rescale = options.rescale ?? 1;
  if (rescale !== 0 && rescale !== 1 && rescale !== 2) {
    throw new ValueError(`cagrad: rescale must be 0, 1 or 2, got ${String(rescale)}`);
  }
  const divisor = rescale === 0 ? 1 : rescale === 1 ? 1 + c * c : 1 + c;
  return { name: 'cagrad', weights: ({ G }) => cagradWeights(G, c, divisor) };
}

function cagradWeights(G: Float64Array[], c: number, divisor: number) {
  const T = G.length;
  const uniform = new Float64Array(T).fill(1 / T);
  // a_t = g_t·g0 and ||g0||² = (1/T) Σ_t a_t, both from the Gram matrix.
  const a = new Float64Array(T);
  for (let s = 0; s < T; s++) {
    let acc = 0;
    for (let t = 0; t < T; t++) acc += G[s][t];
    a[s] = acc / T;
  }
  let g0sq = 0;
  for (let t = 0; t < T; t++) g0sq += a[t] / T;
  g0sq = Math.max(g0sq, 0);
  const radius = c * Math.sqrt(g0sq);

  let w: Float64Array;
  let lambda = 0;
  if (radius > 0) {
    const sol = solveBall(G, a, g0sq, radius);
    w = sol.w;
    // The official λ = c||g0|| / ||g_w|| puts d on the sphere; when the ball is not binding,
    // d(μ) = g0 + μ g_w (kept inside the ball despite rounding).
    const gwNorm = Math.sqrt(Math.max(quadForm(G, w), 0));
    if (gwNorm > 0) lambda = sol.binding ? radius / gwNorm : Math.min(sol.mu, radius / gwNorm);
  } else {
    // No ball: the dual is linear, minimised at the vertices with the smallest g_t·g0.
    let min = Number.POSITIVE_INFINITY;
    for (let t = 0; t < T; t++) min = Math.min(min, a[t]);
    w = new Float64Array(T);
    let ties = 0;
    for (let t = 0; t < T; t++) if (a[t] === min) ties++;
    for (let t = 0; t < T; t++) if (a[t] === min) w[t] = 1 / ties;
  }
  const weights = new Float64Array(T);
  for (let t = 0; t < T; t++) weights[t] = (uniform[t] + lambda * w[t]) / divisor;
  return { weights, simplexWeights: w };
}

/**
 * Finds μ with ρ(μ) = μ ||g_w(μ)|| = r (see {@link cagrad}), or a μ where the ball is not
 * binding, and returns w(μ) and μ.
 */
function solveBall(
  G: Float64Array[],
  a: Float64Array,
  g0sq: number,
  r: number,
): { w: Float64Array; mu: number; binding: boolean } {
  const T = G.length;
  let maxDiag = 0;
  for (let t = 0; t < T; t++) maxDiag = Math.max(maxDiag, G[t][t]);
  const inner = { maxIter: 1000, tol: 1e-15 };
  // Gram matrix of g0 + μ g_t, divided by (1 + μ)² to keep its scale near that of G.
  const solveAt = (mu: number): { w: Float64Array; rho: number; worst: number } => {
    const k = 1 / ((1 + mu) * (1 + mu));
    const K = G.map((row, s) => row.map((v, t) => k * (g0sq + mu * (a[s] + a[t]) + mu * mu * v)));
    const w = minNormSolve(K, inner, 'cagrad');
    const Gw = matVec(G, w);
    let worst = Number.POSITIVE_INFINITY; // min_t g_t·d(μ), with g_t·d(μ) = a_t + μ (Gw)_t
    for (let t = 0; t < T; t++) worst = Math.min(worst, a[t] + mu * Gw[t]);
    return { w, rho: mu * Math.sqrt(Math.max(quadForm(G, w), 0)), worst };
  };

  // ρ(μ) is non-decreasing but may stay flat for a while (so a flat stretch proves nothing);
  // if min_w ||g_w|| = m > 0 it exceeds r by μ = r/m. If instead the hull of the gradients
  // contains 0, no d does better than min_t g_t·d = 0, so a d(μ) inside the ball that reaches 0
  // is optimal: the ball is not binding, and ρ may never reach r. Gram-based norms of short
  // combinations carry rounding of order 1e-16 · max_t ||g_t||², hence the thresholds:
  // "contains 0" is min ||g_w|| ≤ ~3e-7 max ||g_t||, "reaches 0" allows −1e-10 max ||g_t||².
  const w0 = minNormSolve(G, inner, 'cagrad');
  const hullHasZero = quadForm(G, w0) <= 1e-13 * maxDiag;

  // Bracket by doubling μ until ρ(μ) ≥ r.
  let lo = 0;
  let hi = 1;
  let at = solveAt(hi);
  while (at.rho < r) {
    if ((hullHasZero && at.worst >= -1e-10 * maxDiag) || hi > 1e15)
      return { w: at.w, mu: hi, binding: false };
    lo = hi;
    hi *= 2;
    at = solveAt(hi);
  }
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    const m = solveAt(mid);
    if (m.rho >= r) {
      hi = mid;
      at = m;
    } else {
      lo = mid;
    }
  }
  return { w: at.w, mu: hi, binding: true };
}
