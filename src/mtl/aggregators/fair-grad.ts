import { ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { diagNorms, dot, matVec, quadForm, solveLinear } from './linalg.js';
import { checkInt } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link fairGrad}. */
export interface FairGradOptions {
  /**
   * α > 0, the fairness of the α-fair utility (default 1, LibMTL's `FairGrad_alpha` and the official
   * code's): 1 is proportional fairness (Nash-MTL's equation), small α tends to the plain sum's
   * utility, large α to max-min fairness.
   */
  alpha?: number;
  /** Most Newton steps (default 100). */
  maxIter?: number;
  /** Stop once max_t |w_t^(1/α) (Gw)_t − 1| ≤ tol (default 1e-9; the condition is scale free). */
  tol?: number;
}

/** What the solver reports beside the weights. */
export interface FairGradInfo {
  /** Whether max_t |w_t^(1/α) (Gw)_t − 1| ≤ tol was reached. */
  converged: boolean;
  /** max_t |w_t^(1/α) (Gw)_t − 1| at the returned weights (tasks with non-zero gradients). */
  residual: number;
  /** Newton steps taken. */
  iterations: number;
}

/** Result of {@link fairGrad}. */
export interface FairGradResult extends AggregatorResult, FairGradInfo {}

/**
 * FairGrad, multi-task learning as α-fair resource allocation.
 *
 * Paper: H. Ban, K. Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024 (official code
 * OptMN-Lab/fairgrad; LibMTL weighting/FairGrad.py; torchjd has no FairGrad). The direction
 * d = Σ_t w_t g_t maximises Σ_t (g_t·d)^(1−α)/(1−α) over a ball, which gives w > 0 solving
 *
 *     (G w)_t = w_t^(−1/α)   for every task,   G = J Jᵀ.
 *
 * LibMTL and the official code solve this with scipy's `least_squares` from w = 1/T (bounds w ≥ 0);
 * we minimise the strictly convex f(w) = ½ wᵀGw − Σ_t φ(w_t), φ' = w^(−1/α), whose stationary point
 * is that solution, by Newton's method with a line search. Normalisation: none (as the references),
 * so w scales as ‖g‖^(−2α/(1+α)) and d as ‖g‖^((1−α)/(1+α)): with α = 1 d does not shrink with the
 * gradients, which is why the official code clips the step to norm 1 (the FairGrad weighting of
 * `fit` does too, see its maxGradNorm). A solution exists when some d has g_t·d > 0 for all t;
 * otherwise `converged` is false and the weights are the last iterate. Zero gradients get weight 0.
 */
export function fairGrad(J: GradientMatrix, options: FairGradOptions = {}): FairGradResult {
  return aggregate(J, fairGradWeighting(options));
}

/** FairGrad's weights from the Gramian (see {@link fairGrad}); options are checked here, once. */
export function fairGradWeighting(options: FairGradOptions = {}): GramianWeighting<FairGradInfo> {
  const alpha = options.alpha ?? 1;
  if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0)) {
    throw new ValueError(`fairGrad: alpha must be a finite number > 0, got ${String(alpha)}`);
  }
  const maxIter = checkInt('fairGrad', 'maxIter', options.maxIter ?? 100, 0);
  const tol = checkNonNegative('fairGrad', 'tol', options.tol ?? 1e-9);
  const p = 1 / alpha;
  return {
    name: 'fairGrad',
    weights({ G, scale }) {
      const T = G.length;
      const active: number[] = [];
      diagNorms(G).forEach((n, t) => {
        if (n > 0) active.push(t);
      });
      const A = active.map((s) => Float64Array.from(active, (t) => G[s][t]));
      const r = solveFair(A, p, maxIter, tol);
      // G is the Gramian of J / scale: undo it, w(scale² G) = scale^(−2/(1+p)) · w(G).
      const k = scale ** (-2 / (1 + p));
      const weights = new Float64Array(T);
      active.forEach((t, i) => {
        weights[t] = r.w[i] * k;
      });
      return { weights, converged: r.residual <= tol, residual: r.residual, iterations: r.iterations };
    },
  };
}

/** Newton's method on f(w) = ½ wᵀAw − Σ φ(w_i), φ' = w^(−p), for A with a positive diagonal. */
function solveFair(A: Float64Array[], p: number, maxIter: number, tol: number) {
  const k = A.length;
  const phi = (x: number) => (p === 1 ? Math.log(x) : x ** (1 - p) / (1 - p));
  const objective = (w: Float64Array) => 0.5 * quadForm(A, w) - w.reduce((s, x) => s + phi(x), 0);
  const residualOf = (w: Float64Array) => {
    const Aw = matVec(A, w);
    return w.reduce((r, x, i) => Math.max(r, Math.abs(x ** p * Aw[i] - 1)), 0);
  };
  // Start on the ray of the orthogonal case's solution, w_t = A_tt^(−1/(1+p)), at its best multiple.
  let w: Float64Array = Float64Array.from(A, (row, i) => row[i] ** (-1 / (1 + p)));
  if (k === 0) return { w, residual: 0, iterations: 0 };
  const quad = quadForm(A, w);
  const c = quad > 0 ? (w.reduce((s, x) => s + x ** (1 - p), 0) / quad) ** (1 / (1 + p)) : 1;
  w = w.map((x) => c * x);
  let residual = residualOf(w);
  let iterations = 0;
  while (residual > tol && iterations < maxIter) {
    iterations++;
    const Aw = matVec(A, w);
    const grad = w.map((x, i) => Aw[i] - x ** -p);
    const H = A.map((row, i) => {
      const h = Float64Array.from(row);
      h[i] += p * w[i] ** (-p - 1);
      return h;
    });
    // H is symmetric positive definite (A is PSD), so the solve only fails on overflow.
    const step = solveLinear(
      H,
      grad.map((g) => -g),
      0,
    );
    if (step === null) break;
    const next = lineSearch(w, step, dot(grad, step), objective, residualOf, residual);
    if (next === null) break;
    w = next.w;
    residual = next.residual;
  }
  return { w, residual, iterations };
}

/**
 * A step w + t·step that stays in w > 0 and either decreases f enough (Armijo) or halves the
 * residual (near the solution f changes by less than its rounding, which would stall the search).
 */
function lineSearch(
  w: Float64Array,
  step: Float64Array,
  slope: number,
  objective: (w: Float64Array) => number,
  residualOf: (w: Float64Array) => number,
  residual: number,
): { w: Float64Array; residual: number } | null {
  let t = 1;
  step.forEach((s, i) => {
    if (s < 0) t = Math.min(t, (-0.99 * w[i]) / s);
  });
  const f0 = objective(w);
  for (let h = 0; h < 60; h++, t *= 0.5) {
    const cand = w.map((x, i) => x + t * step[i]);
    if (!cand.every((x) => x > 0)) continue;
    const r = residualOf(cand);
    if (objective(cand) <= f0 + 1e-4 * t * slope || r <= 0.5 * residual) return { w: cand, residual: r };
  }
  return null;
}
