import { type DualConeOptions, dualConeConfig, normalizedGramian, projectWeights } from './dual-cone.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { preference } from './preference.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * DualProj: the preference-weighted combination (the mean gradient by default) projected onto the
 * dual cone {x : J x ≥ 0} of the task gradients.
 *
 * Paper: D. Lopez-Paz, M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS 2017
 * (Equation 11); torchjd `aggregation/_dualproj.py`. direction = Jᵀv with v = argmin_{v ≥ u} vᵀ Ĝ v.
 * It conflicts with no task (J·d ≥ 0, up to the regularisation as for {@link upgrad}) and is the
 * closest such direction to the mean; with no conflict it is the mean itself.
 *
 * Normalisation as torchjd and {@link upgrad}: Ĝ = G / trace(G) + 1e-4·I.
 */
export function dualProj(J: GradientMatrix, options: DualConeOptions = {}): AggregatorResult {
  return aggregate(J, dualProjWeighting(options));
}

/** DualProj's weights from the Gramian (see {@link dualProj}); options are checked here, once. */
export function dualProjWeighting(options: DualConeOptions = {}): GramianWeighting {
  const config = dualConeConfig('dualProj', options);
  return {
    name: 'dualProj',
    weights(gramian) {
      const u = preference('dualProj', config.pref, gramian.G.length, 1 / gramian.G.length);
      return { weights: projectWeights(normalizedGramian(gramian, config), u, 'dualProj') };
    },
  };
}
