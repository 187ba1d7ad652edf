import { ValueError } from '../../errors.js';
import { checkInt, toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Result of {@link trimmedMean}. */
export interface TrimmedMeanResult extends AggregatorResult {
  /**
   * Per row, its average weight over the coordinates: (coordinates where the row is kept) / (D·(T − 2k)).
   * The trim acts per coordinate, so here, unlike every other aggregator, direction is NOT Σ_t weights_t·J_t
   * in general (it is when the same rows are kept in every coordinate).
   */
  weights: Float64Array;
}

/**
 * Coordinate-wise trimmed mean, a Byzantine-robust aggregator: in each coordinate the k largest and
 * k smallest values are dropped and the other T − 2k averaged (torchjd `TrimmedMean(trim_number)`;
 * Yin et al., "Byzantine-Robust Distributed Learning", ICML 2018). Row based, not a Gramian method:
 * it needs the entries of J, not only their inner products. Needs T ≥ 2k + 1; k = 0 is the mean.
 */
export function trimmedMean(J: GradientMatrix, options: { trim: number }): TrimmedMeanResult {
  if (options === null || typeof options !== 'object') {
    throw new ValueError('trimmedMean: options {trim} are required');
  }
  const k = checkInt('trimmedMean', 'trim', options.trim, 0);
  const rows = toRows(J, 'trimmedMean');
  const T = rows.length;
  const D = rows[0].length;
  if (T < 2 * k + 1) {
    throw new ValueError(`trimmedMean: trim ${k} needs at least 2·trim + 1 = ${2 * k + 1} rows, got ${T}`);
  }
  const kept = T - 2 * k;
  const direction = new Float64Array(D);
  const weights = new Float64Array(T);
  const order = Array.from(rows, (_, t) => t);
  for (let i = 0; i < D; i++) {
    // Ties keep the row order, so the kept set is well defined.
    order.sort((a, b) => rows[a][i] - rows[b][i] || a - b);
    let s = 0;
    for (let r = k; r < T - k; r++) {
      s += rows[order[r]][i];
      weights[order[r]] += 1 / (D * kept);
    }
    direction[i] = s / kept;
  }
  return { direction, weights };
}
