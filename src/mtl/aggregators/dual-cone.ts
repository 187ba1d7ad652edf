/**
 * Projection onto the dual cone of the task gradients, from the Gramian alone (torchjd's
 * `_utils/dual_cone.py` and `_linalg/_gramian.py`, shared by UPGrad and DualProj).
 *
 * The dual cone of the rows of J is {x : J x ≥ 0}, the directions that conflict with no task. By
 * Proposition 1 of Quinton & Rey, "Jacobian Descent for Multi-Objective Optimization" (2024), the
 * projection of Jᵀu onto it is Jᵀv with v = argmin_{v ≥ u} vᵀ G v, a T-dimensional problem.
 */
import { ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import type { Gramian } from './gramian.js';
import { matVec, solveLinear } from './linalg.js';
import { checkedPref } from './preference.js';

/** The normalisation options of UPGrad and DualProj (torchjd's defaults). */
export interface DualConeOptions {
  /**
   * Preference weights u on the rows (length T, finite); default 1/T each (torchjd's mean).
   */
  pref?: ArrayLike<number>;
  /**
   * The Gramian is divided by its trace ‖J‖²_F; when that trace is below normEps it is replaced by 0
   * (then, with regEps > 0, the weights equal the preference). Default 1e-4, as torchjd.
   */
  normEps?: number;
  /** regEps·I is added to the normalised Gramian so that it is positive definite. Default 1e-4. */
  regEps?: number;
}

/** The checked options, resolved once. */
export interface DualConeConfig {
  pref: Float64Array | null;
  normEps: number;
  regEps: number;
}

export function dualConeConfig(fn: string, options: DualConeOptions): DualConeConfig {
  const normEps = checkNonNegative(fn, 'normEps', options.normEps ?? 1e-4);
  const regEps = checkNonNegative(fn, 'regEps', options.regEps ?? 1e-4);
  return { pref: checkedPref(fn, options.pref), normEps, regEps };
}

/**
 * torchjd's `regularize(normalize(G, normEps), regEps)`: G / trace(G) (0 when the trace of the true
 * Gramian is below normEps) plus regEps·I. `gramian.G` is that of J / scale, so the true trace is
 * trace · scale²; the normalised matrix does not depend on the scale.
 */
export function normalizedGramian({ G, scale }: Gramian, config: DualConeConfig): Float64Array[] {
  const T = G.length;
  let trace = 0;
  for (let t = 0; t < T; t++) trace += G[t][t];
  const tiny = trace * scale * scale < config.normEps;
  return G.map((row, s) => {
    const out = tiny ? new Float64Array(T) : row.map((v) => v / trace);
    out[s] += config.regEps;
    return out;
  });
}

/**
 * v = argmin_{v ≥ u} vᵀ G v for a symmetric positive definite G (T×T), exactly: with v = u + x it is
 * min_{x ≥ 0} ½xᵀGx + xᵀ(Gu), solved by Lawson & Hanson's active-set NNLS on the normal equations
 * (finite; each inner step solves the free block exactly). torchjd calls quadprog on the same problem.
 * Throws a ValueError when a block of G is singular (possible only with regEps = 0).
 */
export function projectWeights(G: Float64Array[], u: Float64Array, fn: string): Float64Array {
  const T = G.length;
  const Gu = matVec(G, u);
  const x = new Float64Array(T);
  const free = new Array<boolean>(T).fill(false);
  let size = 0;
  for (let t = 0; t < T; t++) size = Math.max(size, Math.abs(Gu[t]), Math.abs(G[t][t]) * Math.abs(u[t]));
  const tol = 1e-13 * size;
  for (let outer = 0; outer < 3 * T + 3; outer++) {
    // w = −∇ = −(G x + G u): a bound variable with w_j > 0 would lower the objective if freed.
    const Gx = matVec(G, x);
    let j = -1;
    for (let t = 0; t < T; t++) {
      const w = -(Gx[t] + Gu[t]);
      if (!free[t] && w > tol && (j < 0 || w > -(Gx[j] + Gu[j]))) j = t;
    }
    if (j < 0) break;
    free[j] = true;
    for (let inner = 0; inner <= T; inner++) {
      const z = freeSolve(G, Gu, free, fn);
      // Step from x towards z as far as x ≥ 0 allows; the first variable to reach 0 leaves the set.
      let alpha = 1;
      let block = -1;
      for (let t = 0; t < T; t++) {
        if (!free[t] || z[t] > 0) continue;
        const ratio = x[t] > 0 ? x[t] / (x[t] - z[t]) : 0;
        if (ratio < alpha) {
          alpha = ratio;
          block = t;
        }
      }
      for (let t = 0; t < T; t++) if (free[t]) x[t] += alpha * (z[t] - x[t]);
      if (block < 0) break;
      // Exactly 0, not a rounding residue, for the blocking variable and any other that reached it.
      x[block] = 0;
      for (let t = 0; t < T; t++) {
        if (free[t] && x[t] <= 0) {
          free[t] = false;
          x[t] = 0;
        }
      }
    }
  }
  return u.map((ut, t) => ut + x[t]);
}

/** z with z_F = −G_FF⁻¹ (Gu)_F on the free set F and 0 elsewhere. */
function freeSolve(G: Float64Array[], Gu: Float64Array, free: readonly boolean[], fn: string): Float64Array {
  const F: number[] = [];
  free.forEach((f, t) => f && F.push(t));
  const A = F.map((s) => Float64Array.from(F, (t) => G[s][t]));
  const sol = solveLinear(
    A,
    F.map((s) => -Gu[s]),
  );
  if (sol === null) {
    throw new ValueError(`${fn}: the regularised Gramian is singular; use regEps > 0 (default 1e-4)`);
  }
  const z = new Float64Array(G.length);
  F.forEach((t, i) => {
    z[t] = sol[i];
  });
  return z;
}
