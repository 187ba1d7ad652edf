import { aggregate, type GramianWeighting } from './gramian.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * Mean: the average of the task gradients, weights 1/T (torchjd `Mean`). In `fit` it gives the same
 * step as `EW` with unit weights divided by T, which needs one backward instead of T; it is here as
 * the baseline of the Jacobian methods and for use with `aggregate`.
 */
export function meanGrad(J: GradientMatrix): AggregatorResult {
  return aggregate(J, meanWeighting());
}

/** Mean's weights: 1/T each. */
export function meanWeighting(): GramianWeighting {
  return { name: 'mean', weights: ({ G }) => ({ weights: new Float64Array(G.length).fill(1 / G.length) }) };
}
