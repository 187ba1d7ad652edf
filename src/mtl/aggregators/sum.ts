import { aggregate, type GramianWeighting } from './gramian.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * Sum: the sum of the task gradients, weights 1 (torchjd `Sum`); the gradient of Σ_t L_t, so in `fit`
 * it equals `EW` with unit weights (one backward instead of T).
 */
export function sumGrad(J: GradientMatrix): AggregatorResult {
  return aggregate(J, sumWeighting());
}

/** Sum's weights: 1 each. */
export function sumWeighting(): GramianWeighting {
  return { name: 'sum', weights: ({ G }) => ({ weights: new Float64Array(G.length).fill(1) }) };
}
