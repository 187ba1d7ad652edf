import { ValueError } from '../../errors.js';
import { aggregate, type GramianWeighting } from './gramian.js';
import { checkInt } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link krum}. */
export interface KrumOptions {
  /** f, the number of rows that may be adversarial (an integer ≥ 0; required, as in torchjd). */
  byzantine: number;
  /** m, how many rows of lowest score to average (an integer ≥ 1; default 1). */
  selected?: number;
}

/**
 * Krum (Multi-Krum with m > 1), a Byzantine-robust aggregator: each row's score is the sum of its
 * distances to its T − f − 2 nearest other rows, and the m rows of lowest score are averaged
 * (weights 1/m on them, 0 elsewhere).
 *
 * Paper: P. Blanchard, E. M. El Mhamdi, R. Guerraoui, J. Stainer, "Machine Learning with Adversaries:
 * Byzantine Tolerant Gradient Descent", NeurIPS 2017; torchjd `aggregation/_krum.py`. As torchjd, the
 * score sums distances ‖g_s − g_t‖ (the paper sums their squares) and needs T ≥ f + 3 and T ≥ m.
 * The distances come from the Gramian, ‖g_s − g_t‖² = G_ss + G_tt − 2G_st; ties go to the lower row.
 * Made for many noisy copies of one gradient (distributed training), not for a few distinct tasks.
 */
export function krum(J: GradientMatrix, options: KrumOptions): AggregatorResult {
  return aggregate(J, krumWeighting(options));
}

/** Krum's weights from the Gramian (see {@link krum}); options are checked here, once. */
export function krumWeighting(options: KrumOptions): GramianWeighting {
  if (options === null || typeof options !== 'object') {
    throw new ValueError('krum: options {byzantine, selected} are required');
  }
  const f = checkInt('krum', 'byzantine', options.byzantine, 0);
  const m = checkInt('krum', 'selected', options.selected ?? 1, 1);
  return {
    name: 'krum',
    weights({ G }) {
      const T = G.length;
      if (T < f + 3 || T < m) {
        throw new ValueError(
          `krum: J needs at least max(byzantine + 3, selected) = ${Math.max(f + 3, m)} rows, got ${T}`,
        );
      }
      const scores = G.map((row, s) => {
        const d = [];
        for (let t = 0; t < T; t++)
          if (t !== s) d.push(Math.sqrt(Math.max(0, G[s][s] + G[t][t] - 2 * row[t])));
        d.sort((a, b) => a - b);
        return d.slice(0, T - f - 2).reduce((acc, v) => acc + v, 0);
      });
      const order = Array.from(scores, (_, t) => t).sort((a, b) => scores[a] - scores[b] || a - b);
      const weights = new Float64Array(T);
      for (const t of order.slice(0, m)) weights[t] = 1 / m;
      return { weights };
    },
  };
}
