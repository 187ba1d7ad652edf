import { softmaxVector } from '../../tensor/reduce.js';
import { defaultRng, type Rng } from '../../tensor/rng.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * Random: Σ_t w_t g_t with w = softmax(z), z ~ N(0, I_T) drawn anew at each call (torchjd `Random`,
 * the gradient form of Lin et al.'s random loss weighting; the loss-based `RLW` gives the same step
 * with one backward). Weights are positive and sum to 1. `rng` defaults to the global generator.
 */
export function randomGrad(J: GradientMatrix, options: { rng?: Rng } = {}): AggregatorResult {
  return aggregate(J, randomWeighting(options.rng ?? defaultRng()));
}

/** Random's weights, drawn from `rng` at each call. */
export function randomWeighting(rng: Rng): GramianWeighting {
  return {
    name: 'random',
    weights({ G }) {
      const z = Array.from(G, () => rng.normal());
      return { weights: Float64Array.from(softmaxVector(z)) };
    },
  };
}
