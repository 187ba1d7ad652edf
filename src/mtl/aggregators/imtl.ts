import { aggregate, type GramianWeighting } from './gramian.js';
import { diagNorms, ridgeLeastSquares, solveLinear } from './linalg.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Result of {@link imtl}. */
export interface ImtlResult extends AggregatorResult {
  /**
   * False when the linear system was singular (e.g. identical or affinely dependent gradients,
   * or T − 1 > D) and the least-squares fallback was used.
   */
  exact: boolean;
}

/**
 * IMTL-G, the gradient half of impartial multi-task learning.
 *
 * Paper: L. Liu, Y. Li, Z. Kuang, J.-H. Xue, Y. Chen, W. Yang, Q. Liao, W. Zhang, "Towards
 * Impartial Multi-task Learning", ICLR 2021; LibMTL weighting/IMTL.py. It finds the combination
 * d = Σ_t α_t g_t with Σ_t α_t = 1 whose projections onto every unit gradient u_t = g_t/||g_t||
 * are equal (d·u_1 = d·u_t for all t). With D_t = g_1 − g_t and U_t = u_1 − u_t (t = 2..T, as rows)
 *
 *     α_{2..T} = g_1 Uᵀ (D Uᵀ)^{-1},    α_1 = 1 − Σ_{t≥2} α_t,    direction = Σ_t α_t g_t.
 *
 * Normalisation: α sums to 1 (no rescaling), as LibMTL; entries may be negative. IMTL-L (LibMTL
 * also learns loss scales e^{s_t}) is stateful and not part of this function.
 *
 * Solving and fallbacks (LibMTL calls torch.inverse and yields NaN or garbage instead):
 * - (D Uᵀ)ᵀ x = (g_1 Uᵀ)ᵀ is solved by Gaussian elimination with partial pivoting. If it is
 *   singular (a pivot ≤ 1e-12 × its largest entry), we take the least-squares solution closest
 *   to equal weights 1/T (a vanishing ridge toward 1/T); identical gradients then get equal
 *   weights, and `exact` is false.
 * - Zero gradients have no direction u_t: they get weight 0 and the rest is solved without them;
 *   if every gradient is zero the weights are 1/T and direction 0.
 */
export function imtl(J: GradientMatrix): ImtlResult {
  return aggregate(J, imtlWeighting());
}

/** IMTL-G's weights from the Gramian (see {@link imtl}); they do not depend on its scale. */
export function imtlWeighting(): GramianWeighting<{ exact: boolean }> {
  return { name: 'imtl', weights: ({ G }) => imtlWeights(G) };
}

function imtlWeights(G: Float64Array[]): { weights: Float64Array; exact: boolean } {
  const T = G.length;
  const norms = diagNorms(G);
  const active: number[] = [];
  for (let t = 0; t < T; t++) if (norms[t] > 0) active.push(t);

  const weights = new Float64Array(T);
  let exact = true;
  if (active.length === 0) {
    weights.fill(1 / T);
  } else if (active.length === 1) {
    weights[active[0]] = 1;
  } else {
    const k = active.length;
    const f = active[0];
    // N[s][t] = g_s · u_t, so D_i·U_j and g_1·U_j come from the Gram matrix without the rows.
    const N = (s: number, t: number): number => G[s][t] / norms[t];
    const n = k - 1;
    // A = (D Uᵀ)ᵀ, i.e. A[j][i] = D_i · U_j; b[j] = g_1 · U_j.
    const A: Float64Array[] = [];
    const b = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const tj = active[j + 1];
      const row = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ti = active[i + 1];
        row[i] = N(f, f) - N(f, tj) - N(ti, f) + N(ti, tj);
      }
      A.push(row);
      b[j] = N(f, f) - N(f, tj);
    }
    let x = solveLinear(A, b);
    if (x === null) {
      exact = false;
      x = ridgeLeastSquares(A, b, new Float64Array(n).fill(1 / k));
    }
    let rest = 0;
    for (let i = 0; i < n; i++) {
      weights[active[i + 1]] = x[i];
      rest += x[i];
    }
    weights[f] = 1 - rest;
  }
  return { weights, exact };
}
