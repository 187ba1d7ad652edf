/** torchjd's published aggregator outputs (test/fixtures/torchjd-values.json, copied from torchjd's tests). */
import { readFileSync } from 'node:fs';

interface Case {
  line: number;
  J?: string;
  G?: string;
  direction?: number[];
  weights?: number[];
}

interface Fixture {
  J_base: number[][];
  J_Krum: number[][];
  J_TrimmedMean: number[][];
  aggregators: Record<string, Case>;
  weightings: Record<string, Case>;
}

export const torchjd = JSON.parse(
  readFileSync(new URL('../fixtures/torchjd-values.json', import.meta.url), 'utf8'),
) as Fixture;

/** The input matrix a case names. */
export function inputOf(c: Case): number[][] {
  const name = (c.J ?? c.G) as 'J_base' | 'J_Krum' | 'J_TrimmedMean';
  return torchjd[name];
}

/** Tolerance on torchjd's 4-decimal values: their atol 1e-4 plus the rounding to 4 decimals. */
export const TORCHJD_TOL = 2e-4;

/**
 * min_{v ≥ u} vᵀGv by enumerating every set of free coordinates (G positive definite, T ≤ 6): the KKT
 * point is the unique one with x = v − u ≥ 0 on the free set, (Gv)_j ≥ 0 where x_j = 0. Independent of
 * the active-set solver under test.
 */
export function bruteForceDualCone(G: number[][], u: number[]): number[] {
  const T = G.length;
  const Gu = G.map((row) => row.reduce((s, g, j) => s + g * u[j], 0));
  let best: number[] | null = null;
  let bestValue = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << T; mask++) {
    const F = [...Array(T).keys()].filter((t) => mask & (1 << t));
    const xF = gauss(
      F.map((s) => F.map((t) => G[s][t])),
      F.map((s) => -Gu[s]),
    );
    if (xF === null || xF.some((v) => v < -1e-12)) continue;
    const v = u.slice();
    F.forEach((t, i) => {
      v[t] += Math.max(0, xF[i]);
    });
    const value = v.reduce((s, vi, i) => s + vi * G[i].reduce((a, g, j) => a + g * v[j], 0), 0);
    if (value < bestValue) {
      bestValue = value;
      best = v;
    }
  }
  if (best === null) throw new Error('bruteForceDualCone: no feasible active set');
  return best;
}

/** Plain Gaussian elimination with partial pivoting; null when singular. */
function gauss(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    if (Math.abs(M[p][k]) < 1e-14) return null;
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/** torchjd's normalised, regularised Gramian of J: JJᵀ / ‖J‖²_F + eps·I. */
export function torchjdGramian(J: number[][], eps = 1e-4): number[][] {
  const G = J.map((a) => J.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
  const tr = G.reduce((s, row, i) => s + row[i], 0);
  return G.map((row, s) => row.map((v, t) => v / tr + (s === t ? eps : 0)));
}

/** ‖J‖²_F, the trace of the Gramian. */
export const frobSq = (J: number[][]): number => J.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0);
