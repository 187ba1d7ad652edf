/**
 * Types shared by the gradient aggregators.
 *
 * Every aggregator is a pure function of the per-task gradient matrix J: T rows (one per task),
 * D columns (the shared parameters, flattened). Row t is ∇θ L_t, a gradient, not a descent
 * direction: an optimiser steps along −direction.
 */

/** A [T, D] tensor seen through its shape and contiguous row-major data (no views, no strides). */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/**
 * The per-task gradient matrix J: an array of T rows of length D (plain arrays or typed arrays),
 * or a [T, D] tensor. It is never modified; all the math runs on float64 copies.
 */
export type GradientMatrix = readonly ArrayLike<number>[] | TensorLike;

/** What every aggregator returns. */
export interface AggregatorResult {
  /** The aggregated gradient, length D (the update is a step along −direction). */
  direction: Float64Array;
  /**
   * Per-task coefficients, length T, with direction = Σ_t weights[t] · J[t] for every method
   * (up to rounding). What they sum to depends on the method; see each function.
   */
  weights: Float64Array;
}
