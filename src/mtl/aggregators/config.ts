import { symmetricEigen } from './eigen.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { diagNorms } from './linalg.js';
import { checkedPref, preference } from './preference.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * ConFIG, conflict-free inverse gradients: the direction whose cosines with the task gradients are
 * proportional to the preference (all equal by default), scaled to the sum of the projections.
 *
 * Paper: Q. Liu, M. Chu, N. Thuerey, "ConFIG: Towards Conflict-free Training of Physics Informed
 * Neural Networks", ICLR 2025; torchjd `aggregation/_config.py`. With unit rows U (u_t = g_t/‖g_t‖, a
 * zero row stays 0) and preference p (default all ones, as torchjd's Sum),
 *
 *     x = U⁺ p,   e = x/‖x‖,   direction = (Σ_t g_t·e) · e.
 *
 * Computed from the Gramian: U⁺ = Uᵀ(UUᵀ)⁺ and UUᵀ is the cosine matrix C, so x = Σ_t c_t u_t with
 * c = C⁺p; C⁺ drops the eigenvalues λ with √λ ≤ T·2⁻²³·√λ_max (torch.linalg.pinv's float32 rtol, with
 * T for max(T, D)). The weights do not depend on the scale of J; torchjd clamps ‖x‖ at 1e-12 and so do we.
 */
export function conFIG(J: GradientMatrix, options: { pref?: ArrayLike<number> } = {}): AggregatorResult {
  return aggregate(J, conFigWeighting(options));
}

/** ConFIG's weights from the Gramian (see {@link conFIG}); options are checked here, once. */
export function conFigWeighting(options: { pref?: ArrayLike<number> } = {}): GramianWeighting {
  const pref = checkedPref('conFIG', options.pref);
  return {
    name: 'conFIG',
    weights({ G }) {
      const T = G.length;
      const p = preference('conFIG', pref, T, 1);
      const n = diagNorms(G);
      const C = G.map((row, s) => row.map((v, t) => (n[s] > 0 && n[t] > 0 ? v / (n[s] * n[t]) : 0)));
      const c = pseudoInverseTimes(C, p);
      // With β_t = c_t/‖g_t‖: x = Σ β_t g_t, ‖x‖² = cᵀCc, Σ_t g_t·x = Σ_t (Gβ)_t.
      const beta = c.map((v, t) => (n[t] > 0 ? v / n[t] : 0));
      let xx = 0;
      let sumProj = 0;
      for (let s = 0; s < T; s++) {
        for (let t = 0; t < T; t++) {
          xx += c[s] * C[s][t] * c[t];
          sumProj += G[s][t] * beta[t];
        }
      }
      const norm = Math.sqrt(Math.max(xx, 0));
      // direction = (Σ g_t·x/‖x‖) · x/max(‖x‖, 1e-12) = Σ_t [sumProj/(‖x‖·max(‖x‖, 1e-12))] β_t g_t.
      const f = norm > 0 ? sumProj / (norm * Math.max(norm, 1e-12)) : 0;
      return { weights: beta.map((b) => f * b) };
    },
  };
}

/** C⁺p for a symmetric positive semi-definite C, dropping eigenvalues below the pinv tolerance. */
function pseudoInverseTimes(C: Float64Array[], p: Float64Array): Float64Array {
  const T = C.length;
  const { values, vectors } = symmetricEigen(C);
  const cutoff = (T * 2 ** -23) ** 2 * values[0];
  const out = new Float64Array(T);
  for (let k = 0; k < T; k++) {
    if (!(values[k] > cutoff)) break;
    let vp = 0;
    for (let t = 0; t < T; t++) vp += vectors[t][k] * p[t];
    for (let t = 0; t < T; t++) out[t] += (vectors[t][k] * vp) / values[k];
  }
  return out;
}
