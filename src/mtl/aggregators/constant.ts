import { ValueError } from '../../errors.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * Constant: Σ_t w_t g_t with fixed weights w (torchjd `Constant`), one per row of J. The loss-based
 * `Static` gives the same step with one backward.
 */
export function constantGrad(J: GradientMatrix, options: { weights: ArrayLike<number> }): AggregatorResult {
  return aggregate(J, constantWeighting(options.weights));
}

/** The given weights (finite, checked here; their count is checked against T at each call). */
export function constantWeighting(weights: ArrayLike<number>): GramianWeighting {
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw new ValueError(`constant: weights must be an array of numbers, got ${String(weights)}`);
  }
  const w = Float64Array.from(weights);
  w.forEach((v, t) => {
    if (!Number.isFinite(v)) throw new ValueError(`constant: weights[${t}] is ${v}; must be finite`);
  });
  return {
    name: 'constant',
    weights({ G }) {
      if (G.length !== w.length) {
        throw new ValueError(`constant: ${w.length} weights given, but J has ${G.length} rows (tasks)`);
      }
      return { weights: w.slice() };
    },
  };
}
