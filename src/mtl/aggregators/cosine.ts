import { diagNorms, scaledGram } from './linalg.js';
import { toRows } from './rows.js';
import type { GradientMatrix } from './types.js';

/**
 * Pairwise cosine similarities of the task gradients: the T×T matrix
 * C[s][t] = g_s·g_t / (||g_s|| ||g_t||), for gradient-conflict analysis (C[s][t] < 0 means tasks
 * s and t conflict). Entries involving a zero gradient are 0 (also on the diagonal); the other
 * diagonal entries are exactly 1 and every entry is clamped to [−1, 1] against rounding.
 */
export function gradientCosine(J: GradientMatrix): Float64Array[] {
  const rows = toRows(J, 'gradientCosine');
  const { G } = scaledGram(rows);
  const norms = diagNorms(G);
  const T = rows.length;
  return G.map((row, s) => {
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      if (norms[s] === 0 || norms[t] === 0) continue;
      out[t] = s === t ? 1 : Math.min(1, Math.max(-1, row[t] / (norms[s] * norms[t])));
    }
    return out;
  });
}
