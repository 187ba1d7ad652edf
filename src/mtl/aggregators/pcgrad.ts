import { ValueError } from '../../errors.js';
import { defaultRng, Rng } from '../../tensor/rng.js';
import { dot, maxAbs, scaleRows } from './linalg.js';
import { toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link pcgrad}. */
export interface PcgradOptions {
  /** Seed of the random projection order (ignored when `rng` is given). */
  seed?: number;
  /** Generator for the projection order; default: a new Rng(seed), or the global one without a seed. */
  rng?: Rng;
  /** 'sum' (default, LibMTL and the Nash-MTL repository) or 'mean' of the projected gradients. */
  reduction?: 'sum' | 'mean';
}

/** Result of {@link pcgrad}. */
export interface PcgradResult extends AggregatorResult {
  /** The projected gradients g_i^PC, one row per task (before the sum). */
  projected: Float64Array[];
  /**
   * Coefficient matrix C (T×T): projected[i] = Σ_s C[i][s] · J[s]. `weights` is its column sum
   * (divided by T under 'mean').
   */
  coefficients: Float64Array[];
}

/**
 * PCGrad, projecting conflicting gradients ("gradient surgery").
 *
 * Paper: T. Yu, S. Kumar, A. Gupta, S. Levine, K. Hausman, C. Finn, "Gradient Surgery for
 * Multi-Task Learning", NeurIPS 2020 (Algorithm 1); LibMTL weighting/PCGrad.py. For each task i,
 * start from g_i^PC = g_i and visit the other tasks j ≠ i in a fresh random order; whenever
 * g_i^PC · g_j < 0, remove the conflicting component
 *
 *     g_i^PC ← g_i^PC − (g_i^PC · g_j / ||g_j||²) g_j,
 *
 * always against the ORIGINAL g_j (as the paper and LibMTL). direction = Σ_i g_i^PC ('sum', the
 * LibMTL convention) or its mean ('mean', Pytorch-PCGrad's default).
 *
 * weights: every projection subtracts a multiple of an original row, so each g_i^PC is a linear
 * combination Σ_s C[i][s] g_s; we track C and report weights[s] = Σ_i C[i][s] (÷ T for 'mean'),
 * so direction = Σ_s weights[s] J[s]. Without any conflict the weights are all 1 ('sum').
 *
 * Differences from the reference code: LibMTL and Pytorch-PCGrad shuffle all T tasks, i
 * included; we skip j = i as the paper does (projecting g_i^PC on its own g_i only happens if
 * earlier projections turned it against g_i). The random stream is this library's Rng, so the
 * orders differ from Python's `random.shuffle`; with T = 2 the order does not matter.
 */
export function pcgrad(J: GradientMatrix, options: PcgradOptions = {}): PcgradResult {
  const raw = toRows(J, 'pcgrad');
  const reduction = options.reduction ?? 'sum';
  if (reduction !== 'sum' && reduction !== 'mean') {
    throw new ValueError(`pcgrad: reduction must be 'sum' or 'mean', got ${String(reduction)}`);
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new ValueError(`pcgrad: seed must be a finite number, got ${String(options.seed)}`);
  }
  const rng = options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : defaultRng());
  // Work on J / scale so that no dot product under- or overflows; the coefficients do not
  // depend on the scale, and the projected rows are scaled back at the end.
  const scale = maxAbs(raw);
  const rows = scaleRows(raw, scale);
  const T = rows.length;
  const D = rows[0].length;
  const sqNorm = rows.map((g) => dot(g, g));

  const projected: Float64Array[] = [];
  const coefficients: Float64Array[] = [];
  for (let i = 0; i < T; i++) {
    const pc = Float64Array.from(rows[i]);
    const coef = new Float64Array(T);
    coef[i] = 1;
    const order = rng.permutation(T);
    for (let k = 0; k < T; k++) {
      const j = order[k];
      if (j === i) continue;
      const gj = rows[j];
      const d = dot(pc, gj);
      // d < 0 implies g_j ≠ 0; the sqNorm test only guards against underflow of ||g_j||².
      if (d < 0 && sqNorm[j] > 0) {
        const f = d / sqNorm[j];
        for (let x = 0; x < D; x++) pc[x] -= f * gj[x];
        coef[j] -= f;
      }
    }
    for (let x = 0; x < D; x++) pc[x] *= scale;
    projected.push(pc);
    coefficients.push(coef);
  }

  const factor = reduction === 'mean' ? 1 / T : 1;
  const direction = new Float64Array(D);
  const weights = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const pc = projected[i];
    for (let x = 0; x < D; x++) direction[x] += pc[x];
    for (let s = 0; s < T; s++) weights[s] += coefficients[i][s];
  }
  for (let x = 0; x < D; x++) direction[x] *= factor;
  for (let s = 0; s < T; s++) weights[s] *= factor;
  return { direction, weights, projected, coefficients };
}
