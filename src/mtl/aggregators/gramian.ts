/**
 * Aggregation from the Gramian G = JJᵀ, as torchjd's `combine(matrix, weighting(gramian))`: a
 * method that needs only the inner products of the task gradients is a {@link GramianWeighting}
 * (G → per-task weights), and {@link aggregate} does the rest, rows → G → weights → direction.
 */
import { combine, scaledGram } from './linalg.js';
import { toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/**
 * The Gramian of J / scale: G[s][t] = (g_s·g_t) / scale², T×T, exactly symmetric. `scale` is a
 * power of two, 1 unless the entries of J would under- or overflow their products (see maxAbs);
 * a method whose weights are not scale free (Nash-MTL's α ~ 1/‖g‖) divides by it.
 */
export interface Gramian {
  readonly G: Float64Array[];
  readonly scale: number;
}

/** A method's weights as a function of the Gramian, with any method-specific extras. */
export interface GramianWeighting<E extends object = object> {
  readonly name: string;
  /** direction = Σ_t weights[t] · J[t]. */
  weights(gramian: Gramian): { weights: Float64Array } & E;
}

/** The Gramian of validated rows. */
export function gramianOf(rows: readonly Float64Array[]): Gramian {
  return scaledGram(rows);
}

/** Aggregates J with `weighting`: validates J, forms G, asks for the weights, combines the rows. */
export function aggregate<E extends object>(
  J: GradientMatrix,
  weighting: GramianWeighting<E>,
): AggregatorResult & E {
  return aggregateRows(toRows(J, weighting.name), weighting);
}

/** {@link aggregate} on rows already validated by toRows. */
export function aggregateRows<E extends object>(
  rows: readonly Float64Array[],
  weighting: GramianWeighting<E>,
): AggregatorResult & E {
  const result = weighting.weights(gramianOf(rows));
  return { ...result, direction: combine(rows, result.weights) };
}
