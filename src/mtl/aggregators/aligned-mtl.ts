import { ValueError } from '../../errors.js';
import { symmetricEigen } from './eigen.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { checkedPref, preference } from './preference.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link alignedMTL}. */
export interface AlignedMtlOptions {
  /** Preference weights on the rows (length T); default 1/T each, as torchjd. */
  pref?: ArrayLike<number>;
  /** The eigenvalue λ whose √ sets the scale: 'min' (default, the paper's), 'median' or 'rmse' (mean). */
  scaleMode?: 'min' | 'median' | 'rmse';
}

/**
 * Aligned-MTL: the gradients made orthogonal and of equal norm (the condition number of the
 * Gramian becomes 1), then combined with the preference weights.
 *
 * Paper: D. Senushkin, N. Patakin, A. Kuznetsov, A. Konushin, "Independent Component Alignment for
 * Multi-Task Learning", CVPR 2023; torchjd `aggregation/_aligned_mtl.py`. With G = V Λ Vᵀ restricted
 * to its rank r (eigenvalues above λ_max·T·2⁻²³, torchjd's float32 tolerance),
 *
 *     weights = B·pref,   B = √λ_scale · V_r Λ_r^{-1/2} V_rᵀ,   λ_scale = λ_min (of the r kept),
 *
 * so the direction Jᵀ B pref is a combination of orthogonal components of norm √λ_scale. B does not
 * depend on the scale of J; a zero J gives B = I.
 */
export function alignedMTL(J: GradientMatrix, options: AlignedMtlOptions = {}): AggregatorResult {
  return aggregate(J, alignedMtlWeighting(options));
}

/** Aligned-MTL's weights from the Gramian (see {@link alignedMTL}); options are checked here, once. */
export function alignedMtlWeighting(options: AlignedMtlOptions = {}): GramianWeighting {
  const mode = options.scaleMode ?? 'min';
  if (mode !== 'min' && mode !== 'median' && mode !== 'rmse') {
    throw new ValueError(`alignedMTL: scaleMode must be 'min', 'median' or 'rmse', got ${String(mode)}`);
  }
  const pref = checkedPref('alignedMTL', options.pref);
  return {
    name: 'alignedMTL',
    weights({ G }) {
      const T = G.length;
      const w = preference('alignedMTL', pref, T, 1 / T);
      const { values, vectors } = symmetricEigen(G);
      const tol = values[0] * T * 2 ** -23;
      let r = 0;
      while (r < T && values[r] > tol) r++;
      if (r === 0) return { weights: Float64Array.from(w) };
      const kept = values.subarray(0, r);
      // torch.median of an even count is the lower of the two middle values.
      const scale = mode === 'min' ? kept[r - 1] : mode === 'median' ? kept[Math.floor(r / 2)] : mean(kept);
      // B w = √scale · Σ_k v_k (v_k·w) / √λ_k.
      const weights = new Float64Array(T);
      for (let k = 0; k < r; k++) {
        let vw = 0;
        for (let t = 0; t < T; t++) vw += vectors[t][k] * w[t];
        const f = (Math.sqrt(scale) * vw) / Math.sqrt(kept[k]);
        for (let t = 0; t < T; t++) weights[t] += f * vectors[t][k];
      }
      return { weights };
    },
  };
}

function mean(a: Float64Array): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}
