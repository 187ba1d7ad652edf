import { type DualConeOptions, dualConeConfig, normalizedGramian, projectWeights } from './dual-cone.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { preference } from './preference.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * UPGrad, the unconflicting projection of gradients, torchjd's recommended aggregator.
 *
 * Paper: P. Quinton, V. Rey, "Jacobian Descent for Multi-Objective Optimization", 2024
 * (arXiv:2406.16232; torchjd `aggregation/_upgrad.py`). Each task gradient, scaled by its preference
 * u_t (1/T by default), is projected onto the dual cone {x : J x ≥ 0} of all the rows, and the
 * projections are summed:
 *
 *     direction = Σ_t π_J(u_t g_t),   π_J(Jᵀ e_t u_t) = Jᵀ v⁽ᵗ⁾,  v⁽ᵗ⁾ = argmin_{v ≥ u_t e_t} vᵀ Ĝ v,
 *
 * so weights = Σ_t v⁽ᵗ⁾. Each projection conflicts with no task, hence neither does their sum: J·d ≥ 0
 * (exactly when regEps = 0; with regEps the bound is J·d ≥ −regEps · ‖J‖²_F · weights, entrywise).
 * When no gradients conflict the weights are the preference (the mean gradient).
 *
 * Normalisation, as torchjd: Ĝ = G / trace(G) + 1e-4·I (see {@link DualConeOptions}), so the weights
 * do not depend on the scale of J and the direction scales with it, except that J with ‖J‖²_F < normEps
 * gets the preference weights (torchjd zeroes such a Gramian).
 */
export function upgrad(J: GradientMatrix, options: DualConeOptions = {}): AggregatorResult {
  return aggregate(J, upgradWeighting(options));
}

/** UPGrad's weights from the Gramian (see {@link upgrad}); options are checked here, once. */
export function upgradWeighting(options: DualConeOptions = {}): GramianWeighting {
  const config = dualConeConfig('upgrad', options);
  return {
    name: 'upgrad',
    weights(gramian) {
      const T = gramian.G.length;
      const u = preference('upgrad', config.pref, T, 1 / T);
      const G = normalizedGramian(gramian, config);
      const weights = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        const e = new Float64Array(T);
        e[t] = u[t];
        const v = projectWeights(G, e, 'upgrad');
        for (let s = 0; s < T; s++) weights[s] += v[s];
      }
      return { weights };
    },
  };
}
