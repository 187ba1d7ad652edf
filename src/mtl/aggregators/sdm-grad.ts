import { checkNonNegative } from '../../options.js';
import { combine, dot, matVec } from './linalg.js';
import { checkInt, toRows } from './rows.js';
import { checkVector, samePair } from './samples.js';
import { projectSimplex } from './simplex.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link sdmGrad}. */
export interface SdmGradOptions {
  /** λ ≥ 0, the pull toward the mean gradient (default 0.3, LibMTL's `SDMGrad_lamda`). */
  lambda?: number;
  /** Inner projected-SGD iterations on w (default 20, LibMTL's `SDMGrad_niter`). */
  iterations?: number;
  /** The simplex weights w before this step, T finite numbers (default 1/T each, LibMTL's start). */
  simplexWeights?: ArrayLike<number>;
  /**
   * Two further Jacobians [ξ₁, ξ₂] of J's shape, from independent batches, for w's update (the
   * paper's double sampling); default [J, J].
   */
  pair?: readonly [GradientMatrix, GradientMatrix];
}

/** Result of {@link sdmGrad}: weights = (w + λ/T) / (1 + λ). */
export interface SdmGradResult extends AggregatorResult {
  /** w after this step, on the simplex (pass it to the next step). */
  simplexWeights: Float64Array;
}

/**
 * SDMGrad, stochastic direction-oriented multi-objective gradient descent.
 *
 * Paper: P. Xiao, H. Ban, K. Ji, "Direction-oriented Multi-objective Learning: Simple and Provable
 * Stochastic Algorithms", NeurIPS 2023 (official code OptMN-Lab/sdmgrad); we match LibMTL
 * weighting/SDMGrad.py (torchjd has no SDMGrad). With G = ξ₁ξ₂ᵀ divided by s², s the mean of
 * √G_tt, w takes `iterations` steps of SGD (learning rate 5, momentum 0.5, a fresh buffer each call,
 * as LibMTL's `torch.optim.SGD`) on ½wᵀGw + λ wᵀ(G1/T), each followed by the projection onto the
 * simplex; then
 *
 *     direction = (Σ_t w_t g_t + λ · mean_t g_t) / (1 + λ),
 *
 * g_t the rows of J (the paper's ζ sample; `fit` has one batch per step, so its SDMGrad uses J for
 * all three). Stateful through w (warm start): the {@link SDMGrad} weighting keeps it. Difference
 * from LibMTL: it divides G by s² + 1e-8; we divide by s² (when s > 0), so the weights do not depend
 * on the scale of the gradients.
 */
export function sdmGrad(J: GradientMatrix, options: SdmGradOptions = {}): SdmGradResult {
  const rows = toRows(J, 'sdmGrad');
  const T = rows.length;
  const lambda = checkNonNegative('sdmGrad', 'lambda', options.lambda ?? 0.3);
  const iterations = checkInt('sdmGrad', 'iterations', options.iterations ?? 20, 0);
  let w: Float64Array = checkVector('sdmGrad', 'simplexWeights', options.simplexWeights, T);
  const [a, b] = options.pair ? samePair('sdmGrad', options.pair, rows) : [rows, rows];
  const G = a.map((x) => Float64Array.from(b, (y) => dot(x, y)));
  let s = 0;
  for (let t = 0; t < T; t++) s += Math.sqrt(Math.max(G[t][t], 0)) / T;
  if (s > 0) for (const row of G) for (let t = 0; t < T; t++) row[t] /= s * s;
  const meanRow = G.map((row) => row.reduce((acc, v) => acc + v, 0) / T);
  const buffer = new Float64Array(T);
  for (let k = 0; k < iterations; k++) {
    const Gw = matVec(G, w);
    for (let t = 0; t < T; t++) buffer[t] = (k === 0 ? 0 : 0.5 * buffer[t]) + Gw[t] + lambda * meanRow[t];
    w = projectSimplex(w.map((x, t) => x - 5 * buffer[t]));
  }
  const weights = w.map((x) => (x + lambda / T) / (1 + lambda));
  return { direction: combine(rows, weights), weights, simplexWeights: w };
}
