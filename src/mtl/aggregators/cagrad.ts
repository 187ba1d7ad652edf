import { ValueError } from '../../errors.js';
import { combine, scaledGram, quadForm } from './linalg.js';
import { minNormSolve } from './mgda.js';
import { checkNonNegative, toRows } from './rows.js';
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
 * the official formula with that w. If ρ(μ) stops growing below the radius (possible only when
 * the hull of the gradients contains 0), the ball constraint is inactive and d = d(μ) is returned
 * as is (the official code divides by ||g_w|| + 1e-8 ≈ 1e-8 there). The official code also adds
 * 1e-8 to ||g0||; we do not. c = 0 or g0 = 0 gives d = g0, with w the vertex (or the uniform
 * split over tied vertices) minimising g_t·g0, the minimiser of the then linear dual.
 */
export function cagrad(J: GradientMatrix, options: CagradOptions = {}): CagradResult {
  const rows = toRows(J, 'cagrad');
  const c = checkNonNegative('cagrad', 'c', options.c ?? 0.5);
  const rescale = options.rescale ?? 1;
  if (rescale !== 0 && rescale !== 1 && rescale !== 2) {
    throw new ValueError(`cagrad: rescale must be 0, 1 or 2, got ${String(rescale)}`);
  }
  const T = rows.length;
  const { G } = scaledGram(rows);

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
    ({ w, lambda } = solveBall(G, a, g0sq, radius));
  } else {
    // No ball: the dual is linear, minimised at the vertices with the smallest g_t·g0.
    let min = Number.POSITIVE_INFINITY;
    for (let t = 0; t < T; t++) min = Math.min(min, a[t]);
    w = new Float64Array(T);
    let ties = 0;
    for (let t = 0; t < T; t++) if (a[t] === min) ties++;
    for (let t = 0; t < T; t++) if (a[t] === min) w[t] = 1 / ties;
  }

  const divisor = rescale === 0 ? 1 : rescale === 1 ? 1 + c * c : 1 + c;
  const weights = new Float64Array(T);
  for (let t = 0; t < T; t++) weights[t] = (1 / T + lambda * w[t]) / divisor;
  return { direction: combine(rows, weights), weights, simplexWeights: w };
}

/**
 * Finds μ with ρ(μ) = μ ||g_w(μ)|| = r (see {@link cagrad}) and returns w(μ) and the multiplier
 * λ of g_w in the direction: r / ||g_w|| (the official formula), or μ itself when ρ saturates
 * below r.
 */
function solveBall(
  G: Float64Array[],
  a: Float64Array,
  g0sq: number,
  r: number,
): { w: Float64Array; lambda: number } {
  const inner = { maxIter: 1000, tol: 1e-15 };
  // Gram matrix of g0 + μ g_t, divided by (1 + μ)² to keep its scale near that of G.
  const solveAt = (mu: number): { w: Float64Array; rho: number } => {
    const k = 1 / ((1 + mu) * (1 + mu));
    const K = G.map((row, s) => row.map((v, t) => k * (g0sq + mu * (a[s] + a[t]) + mu * mu * v)));
    const w = minNormSolve(K, inner, 'cagrad');
    return { w, rho: mu * Math.sqrt(Math.max(quadForm(G, w), 0)) };
  };

  // Bracket: double μ until ρ(μ) ≥ r. ρ grows at least like μ·min_w ||g_w||; if it stops
  // growing, the hull contains 0 and the ball is not binding.
  let lo = 0;
  let hi = 1;
  let at = solveAt(hi);
  while (at.rho < r) {
    const next = solveAt(2 * hi);
    if (hi > 1e12 || next.rho <= at.rho * (1 + 1e-12)) return { w: at.w, lambda: hi };
    lo = hi;
    hi *= 2;
    at = next;
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
  const gwNorm = Math.sqrt(Math.max(quadForm(G, at.w), 0));
  return { w: at.w, lambda: gwNorm > 0 ? r / gwNorm : 0 };
}
