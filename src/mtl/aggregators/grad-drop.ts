import { ValueError } from '../../errors.js';
import { defaultRng, Rng } from '../../tensor/rng.js';
import { toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link gradDrop}. */
export interface GradDropOptions {
  /**
   * Leak ℓ ∈ [0, 1]: how much of each gradient passes whatever its sign (default 0, as torchjd and
   * LibMTL). One number for every task, or one per task (torchjd's `leak` tensor).
   */
  leak?: number | ArrayLike<number>;
  /** Seed of the dropout draws (ignored when `rng` is given). */
  seed?: number;
  /** Generator for the draws; default: a new Rng(seed), or the global one without a seed. */
  rng?: Rng;
}

/** Result of {@link gradDrop}. */
export interface GradDropResult extends AggregatorResult {
  /**
   * Per row, its multiplier ℓ_t + (1 − ℓ_t)·M_ti averaged over the D coordinates. The mask acts per
   * coordinate, so, as for trimmedMean, direction is NOT Σ_t weights_t·J_t in general.
   */
  weights: Float64Array;
}

/**
 * GradDrop, gradient sign dropout: in each coordinate keep only the gradients of one sign, chosen at
 * random with the probability of the sign's share.
 *
 * Paper: Z. Chen, J. Ngiam, Y. Huang, T. Luong, H. Kretzschmar, Y. Chai, D. Anguelov, "Just Pick a
 * Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout", NeurIPS 2020 (Algorithm 1,
 * lines 10–15); torchjd `GradDrop` (with f the identity). In coordinate i, the positive sign purity
 * P_i = ½ (1 + Σ_t g_ti / Σ_t |g_ti|) and U_i ~ U[0, 1); the mask keeps the positive entries when
 * P_i > U_i and the negative ones otherwise, and
 *
 *     direction_i = Σ_t (ℓ_t + (1 − ℓ_t) M_ti) g_ti.
 *
 * So gradients that agree in sign are kept whole, and a coordinate's sign is + with probability P_i.
 * Differences from torchjd: a tie U_i = P_i (probability 0) keeps the negative entries, where torchjd
 * keeps neither; an all-zero column has P = ½ (torchjd divides 0 by 0). LibMTL applies GradDrop at
 * the shared representation; here, as torchjd, it acts on any J (in `fit`, the shared parameters).
 */
export function gradDrop(J: GradientMatrix, options: GradDropOptions = {}): GradDropResult {
  const rows = toRows(J, 'gradDrop');
  const T = rows.length;
  const D = rows[0].length;
  const leak = leakOf(options.leak, T);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new ValueError(`gradDrop: seed must be a finite number, got ${String(options.seed)}`);
  }
  const rng = options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : defaultRng());
  const direction = new Float64Array(D);
  const weights = new Float64Array(T);
  for (let i = 0; i < D; i++) {
    let sum = 0;
    let abs = 0;
    for (let t = 0; t < T; t++) {
      sum += rows[t][i];
      abs += Math.abs(rows[t][i]);
    }
    const P = abs > 0 ? 0.5 * (1 + sum / abs) : 0.5;
    const positive = P > rng.uniform();
    for (let t = 0; t < T; t++) {
      const g = rows[t][i];
      const kept = positive ? g > 0 : g < 0;
      const m = kept ? 1 : leak[t];
      direction[i] += m * g;
      weights[t] += m / D;
    }
  }
  return { direction, weights };
}

/** The leak per task, checked: a number or T numbers in [0, 1]. */
export function leakOf(leak: GradDropOptions['leak'], T: number): Float64Array {
  const values = typeof leak === 'number' || leak === undefined ? new Float64Array(T).fill(leak ?? 0) : leak;
  if (values === null || typeof values !== 'object' || values.length !== T) {
    throw new ValueError(
      `gradDrop: leak must be a number or ${T} numbers (one per task), got ${String(leak)}`,
    );
  }
  return Float64Array.from(values, (v, t) => {
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) {
      throw new ValueError(`gradDrop: leak[${t}] is ${String(v)}; must be in [0, 1]`);
    }
    return v;
  });
}
