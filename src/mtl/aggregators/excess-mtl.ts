import { ShapeError, ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import { combine } from './linalg.js';
import { toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** ExcessMTL's state between steps (start from none). */
export interface ExcessMtlState {
  /** Per task, the running sums of its squared gradient entries (AdaGrad's accumulator), T × D. */
  readonly squares: readonly Float64Array[];
  /** Per task, its first non-zero excess-risk estimate (the normaliser); NaN until there is one. */
  readonly initial: Float64Array;
  /** The task weights, summing to T. */
  readonly weights: Float64Array;
}

/** Options of {@link excessMTL}. */
export interface ExcessMtlOptions {
  /** η ≥ 0, the step size of the exponentiated weight update (default 1e-2, LibMTL's `robust_step_size`). */
  stepSize?: number;
  /** The state after the previous step (default: none, the first step). Never modified. */
  state?: ExcessMtlState;
}

/** Result of {@link excessMTL}: direction = Σ_t weights_t · J[t]. */
export interface ExcessMtlResult extends AggregatorResult {
  /** The state to pass to the next step. */
  state: ExcessMtlState;
}

/**
 * ExcessMTL, robust multi-task learning by excess risks.
 *
 * Paper: Y. He, S. Zhou, G. Zhang, H. Yun, Y. Xu, B. Zeng, T. Chilimbi, H. Zhao, "Robust Multi-Task
 * Learning with Excess Risks", ICML 2024; we match LibMTL weighting/ExcessMTL.py (torchjd has none).
 * Each task's excess risk is estimated by a diagonal second-order (AdaGrad) model:
 *
 *     h_t ← h_t + g_t²  (entrywise),   e_t = Σ_i g_ti² / √(h_ti + 1e-7),
 *
 * and the weights follow exponentiated gradient ascent on the ratio to the first estimate,
 * w_t ← w_t · exp(η e_t / e_t⁽⁰⁾), renormalised to sum T (they start at 1; the first step only
 * records e⁽⁰⁾). A task whose gradient is zero (e.g. absent from the batch) keeps its weight and, until
 * it has a non-zero e⁽⁰⁾, stays unnormalised: LibMTL would divide by 0 there. Row based (the
 * accumulator needs the entries of J), stateful: the {@link ExcessMTL} weighting keeps the state.
 */
export function excessMTL(J: GradientMatrix, options: ExcessMtlOptions = {}): ExcessMtlResult {
  const rows = toRows(J, 'excessMTL');
  const eta = checkNonNegative('excessMTL', 'stepSize', options.stepSize ?? 1e-2);
  const T = rows.length;
  const D = rows[0].length;
  const prev = options.state;
  if (prev !== undefined && (prev.weights.length !== T || prev.squares.some((h) => h.length !== D))) {
    throw new ShapeError(
      `excessMTL: the state is for ${prev.weights.length} tasks and ${prev.squares[0]?.length} parameters, J is [${T}, ${D}]`,
    );
  }
  const squares = rows.map((g, t) => {
    const h = prev ? Float64Array.from(prev.squares[t]) : new Float64Array(D);
    for (let i = 0; i < D; i++) h[i] += g[i] * g[i];
    return h;
  });
  const initial = prev ? Float64Array.from(prev.initial) : new Float64Array(T).fill(Number.NaN);
  const weights = prev ? Float64Array.from(prev.weights) : new Float64Array(T).fill(1);
  for (let t = 0; t < T; t++) {
    let e = 0;
    for (let i = 0; i < D; i++) e += (rows[t][i] * rows[t][i]) / Math.sqrt(squares[t][i] + 1e-7);
    if (Number.isNaN(initial[t])) {
      if (e > 0) initial[t] = e;
    } else {
      weights[t] *= Math.exp((eta * e) / initial[t]);
    }
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!(sum > 0 && Number.isFinite(sum))) {
    throw new ValueError(`excessMTL: the weights over- or underflowed (sum ${sum}); lower stepSize`);
  }
  for (let t = 0; t < T; t++) weights[t] *= T / sum;
  return {
    direction: combine(rows, weights),
    weights,
    state: { squares, initial, weights: weights.slice() },
  };
}
