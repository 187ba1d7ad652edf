import { ShapeError, ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { diagNorms, matVec, solveLinear } from './linalg.js';
import { checkInt } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link minNormWeights}. */
export interface MinNormOptions {
  /** Most Frank–Wolfe steps (default 250, as the official code's MAX_ITER). */
  maxIter?: number;
  /**
   * Stop once the Frank–Wolfe duality gap ||d||² − min_t g_t·d is at most tol · max_t ||g_t||²
   * (default 1e-12). The gap bounds ||d − d*||², d* the exact min-norm point; as each step is
   * exact on its active set, a tight default costs little.
   */
  tol?: number;
  /**
   * 'auto' (default) solves T = 2 in closed form and runs Frank–Wolfe for T ≥ 3;
   * 'frank-wolfe' runs Frank–Wolfe for every T ≥ 2 (useful to cross-check the closed form).
   */
  solver?: 'auto' | 'frank-wolfe';
}

/** Options of {@link mgda}. */
export interface MgdaOptions extends MinNormOptions {
  /**
   * Gradient normalisation before the min-norm solve (the official code's `normalization_type`):
   * 'none' (default) uses the rows as they are; 'l2' divides each row by its norm first.
   */
  normalize?: 'none' | 'l2';
}

/** Result of {@link mgda}. */
export interface MgdaResult extends AggregatorResult {
  /**
   * The min-norm weights λ on the (normalised) rows: λ ≥ 0, Σλ = 1. These are the weights the
   * official code and LibMTL return. With normalize 'none' they equal `weights`; with 'l2',
   * weights[t] = λ_t / ||g_t|| (0 for a zero row) so that direction = Σ weights[t] J[t] still holds.
   */
  simplexWeights: Float64Array;
}

/**
 * MGDA: the minimum-norm element of the convex hull of the task gradients.
 *
 * Paper: O. Sener, V. Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018
 * (official code: intel-isl/MultiObjectiveOptimization, min_norm_solvers.py; LibMTL
 * weighting/MGDA.py). It solves
 *
 *     λ* = argmin_{λ ∈ simplex} || Σ_t λ_t g_t ||²,      direction = Σ_t λ*_t g_t,
 *
 * whose solution d is a common descent direction: d·g_t ≥ ||d||² ≥ 0 for every task (and d = 0
 * exactly when some convex combination of the gradients vanishes: a Pareto-stationary point).
 *
 * Normalisation convention: the weights lie on the simplex (sum 1, like LibMTL); the
 * Nash-MTL repository's MGDA wrapper multiplies them by T, which only rescales the step. With
 * normalize 'l2' the solve runs on g_t/||g_t|| and direction = Σ λ_t g_t/||g_t|| (as LibMTL, which
 * back-propagates the weights through the normalised gradients); `weights` then holds λ_t/||g_t||.
 * The solver works on the Gram matrix only; see {@link minNormWeights}.
 */
export function mgda(J: GradientMatrix, options: MgdaOptions = {}): MgdaResult {
  return aggregate(J, mgdaWeighting(options));
}

/** MGDA's weights from the Gramian (see {@link mgda}); options are checked here, once. */
export function mgdaWeighting(options: MgdaOptions = {}): GramianWeighting<{ simplexWeights: Float64Array }> {
  const normalize = options.normalize ?? 'none';
  if (normalize !== 'none' && normalize !== 'l2') {
    throw new ValueError(`mgda: normalize must be 'none' or 'l2', got ${String(normalize)}`);
  }
  minNormSolve([Float64Array.of(1)], options, 'mgda'); // validates maxIter, tol and solver
  return {
    name: 'mgda',
    weights({ G, scale }) {
      // G and the norms are those of J / scale; λ does not depend on the scale.
      const T = G.length;
      const norms = diagNorms(G);
      let Gn = G;
      if (normalize === 'l2') {
        // Ĝ_st = G_st / (||g_s|| ||g_t||); a zero row stays a zero row instead of becoming NaN.
        Gn = G.map((row, s) =>
          row.map((v, t) => (norms[s] > 0 && norms[t] > 0 ? v / (norms[s] * norms[t]) : 0)),
        );
      }
      const lambda = minNormSolve(Gn, options, 'mgda');
      const weights = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        weights[t] = normalize === 'l2' ? (norms[t] > 0 ? lambda[t] / norms[t] / scale : 0) : lambda[t];
      }
      return { weights, simplexWeights: lambda };
    },
  };
}

/**
 * The min-norm weights for a Gram matrix G = J Jᵀ (T×T, symmetric positive semi-definite, not
 * checked): argmin_{λ ∈ simplex} λᵀ G λ. Works for any inner-product matrix, e.g. the Gram matrix
 * of gradients with respect to a shared representation (MGDA-UB).
 *
 * T = 1 gives [1]. T = 2 uses the exact closed form λ_1 = clip((G_22 − G_12)/(G_11 + G_22 − 2G_12),
 * 0, 1) (the official code clips to [0.001, 0.999] instead; we keep the exact endpoints), and 1/2
 * each when the two gradients are identical. T ≥ 3 (or any T ≥ 2 with solver 'frank-wolfe') runs
 * fully-corrective Frank–Wolfe (Wolfe's min-norm point algorithm), which reaches the exact
 * minimiser in finitely many steps, where the paper's plain Frank–Wolfe converges sublinearly.
 * maxIter counts Frank–Wolfe (major) steps; tol is relative to max_t G_tt. An all-zero G gives
 * uniform weights (every λ is optimal). With more tasks than dimensions the minimiser d is unique
 * but λ may not be; any optimal λ is returned.
 */
export function minNormWeights(G: readonly ArrayLike<number>[], options: MinNormOptions = {}): Float64Array {
  const fn = 'minNormWeights';
  if (!Array.isArray(G) || G.length === 0) {
    throw new ShapeError(`${fn}: G must be a non-empty T×T Gram matrix given as rows`);
  }
  const T = G.length;
  const M: Float64Array[] = [];
  for (let s = 0; s < T; s++) {
    const row = G[s];
    if (row === null || typeof row !== 'object' || row.length !== T) {
      throw new ShapeError(
        `${fn}: G must be square (T×T with T = ${T}), but row ${s} has length ${row?.length}`,
      );
    }
    const copy = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      if (!Number.isFinite(row[t]))
        throw new ValueError(`${fn}: G[${s}][${t}] is ${String(row[t])}; must be finite`);
      copy[t] = row[t];
    }
    M.push(copy);
  }
  return minNormSolve(M, options, fn);
}

/** minNormWeights on an already validated Gram matrix (shared with CAGrad); `fn` names errors. */
export function minNormSolve(G: Float64Array[], options: MinNormOptions, fn: string): Float64Array {
  const maxIter = checkInt(fn, 'maxIter', options.maxIter ?? 250, 0);
  const tol = checkNonNegative(fn, 'tol', options.tol ?? 1e-12);
  const solver = options.solver ?? 'auto';
  if (solver !== 'auto' && solver !== 'frank-wolfe') {
    throw new ValueError(`${fn}: solver must be 'auto' or 'frank-wolfe', got ${String(solver)}`);
  }
  const T = G.length;
  if (T === 1) return Float64Array.of(1);
  let scale = 0;
  for (let t = 0; t < T; t++) scale = Math.max(scale, G[t][t]);
  // All gradients zero: every λ gives d = 0; uniform keeps the answer symmetric in the tasks.
  if (!(scale > 0)) return new Float64Array(T).fill(1 / T);
  if (T === 2 && solver === 'auto') {
    const g = minNormPair(G[0][0], G[0][1], G[1][1]);
    return Float64Array.of(g, 1 - g);
  }
  // Work on G / max_t G_tt so that tolerances (and the singularity test of the small linear
  // systems, whose border entries are 1) do not depend on the scale of the gradients.
  const Gs = G.map((row) => row.map((v) => v / scale));
  return fullyCorrectiveFrankWolfe(Gs, maxIter, tol);
}

/**
 * Closed form of min_{γ∈[0,1]} ||γ a + (1−γ) b||² from aa = a·a, ab = a·b, bb = b·b: the weight γ
 * on a. Setting the derivative to zero gives γ = (bb − ab) / ||a − b||², then clip to [0, 1].
 */
function minNormPair(aa: number, ab: number, bb: number): number {
  const den = aa + bb - 2 * ab; // ||a − b||²
  if (!(den > 1e-15 * (aa + bb))) return 0.5; // a = b (to rounding): every γ is optimal.
  const g = (bb - ab) / den;
  return Math.min(1, Math.max(0, g));
}

/**
 * Fully-corrective Frank–Wolfe on f(λ) = λᵀGλ over the simplex, i.e. Wolfe's (1976) min-norm
 * point algorithm. With d = Σ λ_t g_t, (Gλ)_t = g_t·d, so the Frank–Wolfe vertex is the task j
 * with the smallest g_j·d and the duality gap is ||d||² − g_j·d. Each major step adds j to the
 * active set S and then re-optimises exactly over the hull of S (minor steps): the min-norm point
 * of the affine hull of S, or, when that leaves the simplex, the furthest feasible point towards
 * it, dropping the tasks whose weight reaches 0. Unlike plain Frank–Wolfe (the paper's
 * Algorithm 2, sublinear and very slow when the hull nearly contains 0) this ends with exact
 * weights after finitely many steps.
 */
function fullyCorrectiveFrankWolfe(G: Float64Array[], maxIter: number, absTol: number): Float64Array {
  const T = G.length;
  let first = 0; // start at the shortest gradient
  for (let t = 1; t < T; t++) if (G[t][t] < G[first][first]) first = t;
  const lam = new Float64Array(T);
  lam[first] = 1;
  let S = [first];
  let previous = Number.POSITIVE_INFINITY;
  for (let it = 0; it < maxIter; it++) {
    const Gw = matVec(G, lam);
    let wGw = 0;
    let j = 0;
    for (let t = 0; t < T; t++) {
      wGw += lam[t] * Gw[t];
      if (Gw[t] < Gw[j]) j = t;
    }
    // Optimal within tol; or no progress, which exact arithmetic rules out: a rounding stall.
    if (wGw - Gw[j] <= absTol || !(wGw < previous) || S.includes(j)) break;
    previous = wGw;
    S.push(j);
    // Minor steps: each removes at least one task from S, so at most |S| of them.
    for (let minor = 0; minor <= T; minor++) {
      const mu = affineMinNorm(G, S);
      if (mu === null) {
        S = S.filter((t) => lam[t] > 0); // affinely dependent through rounding: keep the point
        break;
      }
      // Move from λ towards μ as far as the simplex allows; `block` is the task whose weight
      // reaches 0 first.
      let theta = 1;
      let block = -1;
      for (let i = 0; i < S.length; i++) {
        const t = S[i];
        if (mu[i] <= 0) {
          const ratio = lam[t] > 0 ? lam[t] / (lam[t] - mu[i]) : 0;
          if (ratio < theta) {
            theta = ratio;
            block = t;
          }
        }
      }
      if (block < 0) {
        for (let i = 0; i < S.length; i++) lam[S[i]] = Math.max(0, mu[i]);
        S = S.filter((t) => lam[t] > 0);
        break;
      }
      for (let i = 0; i < S.length; i++) {
        const t = S[i];
        lam[t] = Math.max(0, lam[t] + theta * (mu[i] - lam[t]));
      }
      // Exactly 0, not a rounding residue: a weight of 1e-16 kept in S would distort later steps.
      lam[block] = 0;
      S = S.filter((t) => lam[t] > 0);
    }
  }
  // Every step keeps Σλ = 1 in exact arithmetic; remove the rounding drift.
  let sum = 0;
  for (let t = 0; t < T; t++) sum += lam[t];
  for (let t = 0; t < T; t++) lam[t] /= sum;
  return lam;
}

/**
 * The min-norm point of the affine hull of {g_t : t ∈ S}: weights μ with Σμ = 1 and g_t·d equal
 * for all t ∈ S, i.e. [G_SS −1; 1ᵀ 0] [μ; c] = [0; 1]. Null when the system is singular.
 */
function affineMinNorm(G: Float64Array[], S: readonly number[]): Float64Array | null {
  const n = S.length;
  const A: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) row[k] = G[S[i]][S[k]];
    row[n] = -1;
    A.push(row);
  }
  const last = new Float64Array(n + 1).fill(1);
  last[n] = 0;
  A.push(last);
  const rhs = new Float64Array(n + 1);
  rhs[n] = 1;
  const x = solveLinear(A, rhs);
  return x === null ? null : x.subarray(0, n);
}
