import { checkNonNegative } from '../../options.js';
import { aggregateRows, type GramianWeighting } from './gramian.js';
import { diagNorms, dot, matVec, solveLinear } from './linalg.js';
import { checkInt, toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link nashMTL}. */
export interface NashMtlOptions {
  /** Most Newton steps (default 20, the official `optim_niter`; ours are Newton, not SCA, steps). */
  maxIter?: number;
  /** Stop once max_t |α_t (Gα)_t − 1| ≤ tol (default 1e-9; the condition is scale free). */
  tol?: number;
}

/** Result of {@link nashMTL}. */
export interface NashMtlResult extends AggregatorResult {
  /**
   * Whether the solver reached max_t |α_t (Gα)_t − 1| ≤ tol and the check on the returned direction,
   * |α_t (g_t·d) − 1|, is within max(tol, 1e-6) (it only fails when rounding dominates d).
   */
  converged: boolean;
  /**
   * max_t |α_t (Gα)_t − 1| over the tasks with non-zero gradients, at the returned α: the larger
   * of the solver's value and the value recomputed as α_t (g_t·d) from the returned direction d.
   */
  residual: number;
  /** Newton steps taken. */
  iterations: number;
}

/**
 * Nash-MTL, multi-task learning as a bargaining game.
 *
 * Paper: A. Navon, A. Shamsian, I. Achituve, H. Maron, K. Kawaguchi, G. Chechik, E. Fetaya,
 * "Multi-Task Learning as a Bargaining Game", ICML 2022 (official code: AvivNavon/nash-mtl,
 * methods/weight_methods.py `NashMTL`; LibMTL weighting/Nash_MTL.py). The Nash bargaining
 * update is d = Σ_t α_t g_t with α > 0 solving
 *
 *     G α = 1/α  (elementwise),   G = J Jᵀ,   i.e.   α_t · (g_t·d) = 1 for every task.
 *
 * Normalisation: none; α is the solution of this system for the unnormalised G, so it scales
 * as 1/||g|| and d is invariant to a common rescaling of the gradients. The official code
 * divides G by its Frobenius norm inside the solver but multiplies that factor back into the
 * constraint α_t · (Gα)_t ≥ 1, so its fixed point is the same α; it stops after at most
 * optim_niter = 20 convex-approximation steps (an approximate α), and after back-propagating it
 * clips the parameter gradient to max_norm = 1, which is an optimiser step not done here.
 *
 * Solver (ours): the system is the stationarity condition of the strictly convex
 * f(α) = ½ αᵀGα − Σ_t log α_t, minimised by Newton's method (Hessian G + diag(1/α²)), damped
 * far from the solution (see the loop). We substitute α_t = β_t/||g_t||, which turns G into the
 * cosine matrix and makes the problem scale free, and start from the best multiple of
 * β = 1 (exact when the gradients are orthogonal: α_t = 1/||g_t||).
 *
 * A solution exists when some d has d·g_t > 0 for all t (e.g. linearly independent gradients).
 * Otherwise f is unbounded below, Newton does not converge, `converged` is false and the
 * weights are the last iterate: do not use them as a Nash solution. Zero gradients get weight 0
 * and are left out of the system (their equation α_t·0 = 1 has no solution).
 */
export function nashMTL(J: GradientMatrix, options: NashMtlOptions = {}): NashMtlResult {
  const rows = toRows(J, 'nashMTL');
  const r = aggregateRows(rows, nashMtlWeighting(options));
  // Check the fixed point on the direction actually returned, straight from the rows: when the
  // gradients nearly cancel (no solution in exact arithmetic, e.g. g and −g up to rounding) the
  // cosine system can look solved while Σ α_t g_t is dominated by rounding.
  let checked = 0;
  rows.forEach((row, t) => {
    if (r.weights[t] !== 0) checked = Math.max(checked, Math.abs(r.weights[t] * dot(row, r.direction) - 1));
  });
  const tol = options.tol ?? 1e-9;
  return {
    ...r,
    converged: r.converged && checked <= Math.max(tol, 1e-6),
    residual: Math.max(r.residual, checked),
  };
}

/**
 * Nash-MTL's α from the Gramian (see {@link nashMTL}); α scales as 1/‖g‖, so it divides by the
 * Gramian's scale. `converged` and `residual` here are the solver's, before the check on the rows.
 */
export function nashMtlWeighting(
  options: NashMtlOptions = {},
): GramianWeighting<{ converged: boolean; residual: number; iterations: number }> {
  const maxIter = checkInt('nashMTL', 'maxIter', options.maxIter ?? 20, 0);
  const tol = checkNonNegative('nashMTL', 'tol', options.tol ?? 1e-9);
  return { name: 'nashMTL', weights: ({ G, scale }) => nashWeights(G, scale, maxIter, tol) };
}

function nashWeights(G: Float64Array[], scale: number, maxIter: number, tol: number) {
  const T = G.length;
  // Norms of J / scale; the weights are divided by scale at the end.
  const norms = diagNorms(G);
  const active: number[] = [];
  for (let t = 0; t < T; t++) if (norms[t] > 0) active.push(t);
  const k = active.length;
  const weights = new Float64Array(T);
  if (k === 0) return { weights, converged: true, residual: 0, iterations: 0 };

  // Cosine matrix of the active rows.
  const C: Float64Array[] = active.map((s) => {
    const row = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const t = active[j];
      row[j] = s === t ? 1 : G[s][t] / (norms[s] * norms[t]);
    }
    return row;
  });

  // Start at β = s·1 with s minimising f along that ray: s² · 1ᵀC1 = k.
  let beta: Float64Array = new Float64Array(k);
  let sumC = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sumC += C[i][j];
  beta.fill(sumC > 0 ? Math.sqrt(k / sumC) : 1);

  const objective = (b: Float64Array): number => {
    const Cb = matVec(C, b);
    let v = 0;
    for (let i = 0; i < k; i++) v += 0.5 * b[i] * Cb[i] - Math.log(b[i]);
    return v;
  };
  const residualOf = (b: Float64Array): number => {
    const Cb = matVec(C, b);
    let r = 0;
    for (let i = 0; i < k; i++) r = Math.max(r, Math.abs(b[i] * Cb[i] - 1));
    return r;
  };

  let residual = residualOf(beta);
  let iterations = 0;
  while (residual > tol && iterations < maxIter) {
    iterations++;
    const Cb = matVec(C, beta);
    const grad = new Float64Array(k);
    const H: Float64Array[] = [];
    for (let i = 0; i < k; i++) {
      grad[i] = Cb[i] - 1 / beta[i];
      const row = Float64Array.from(C[i]);
      row[i] += 1 / (beta[i] * beta[i]);
      H.push(row);
    }
    const negGrad = grad.map((g) => -g);
    // H is symmetric positive definite (C is PSD), so the solve only fails on overflow.
    const step = solveLinear(H, negGrad, 0);
    if (step === null) break;
    // Newton decrement λ² = −grad·step. f is self-concordant (a quadratic plus −Σ log): the
    // damped step 1/(1 + λ) stays inside α > 0 and decreases f by a fixed amount, and once
    // λ < 1/4 the full step is safe and converges quadratically. Near the solution f is not
    // evaluated at all, as its changes there are below rounding and would stall a line search.
    let dec2 = 0;
    for (let i = 0; i < k; i++) dec2 -= grad[i] * step[i];
    const dec = Math.sqrt(Math.max(dec2, 0));
    const moved = (t: number): Float64Array | null => {
      const cand = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        cand[i] = beta[i] + t * step[i];
        if (!(cand[i] > 0)) return null;
      }
      return cand;
    };
    let next = moved(1);
    // Far from the solution, take the full step only if it decreases f enough (Armijo), else
    // the damped one (halved further only if rounding pushed an entry out of α > 0).
    if (dec >= 0.25 && (next === null || objective(next) > objective(beta) - 0.25 * dec2)) {
      next = null;
      for (let t = 1 / (1 + dec), h = 0; h < 60 && next === null; h++, t *= 0.5) next = moved(t);
    }
    if (next === null) break;
    beta = next;
    residual = residualOf(beta);
  }

  for (let i = 0; i < k; i++) weights[active[i]] = beta[i] / norms[active[i]] / scale;
  return { weights, converged: residual <= tol, residual, iterations };
}
