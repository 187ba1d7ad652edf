import { ShapeError, ValueError } from '../../errors.js';
import { defaultRng, Rng } from '../../tensor/rng.js';
import { gramianOf } from './gramian.js';
import { combine, dot, quadForm } from './linalg.js';
import { toRows } from './rows.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link gradVac}. */
export interface GradVacOptions {
  /** β ∈ [0, 1], the EMA rate of the cosine targets (default 0.5, LibMTL's `GradVac_beta`). */
  beta?: number;
  /**
   * The T×T cosine targets ρ̂ before this step, entries in [−1, 1] (default all 0: the first step is
   * PCGrad's); the updated ones are returned. Never modified.
   */
  targets?: readonly ArrayLike<number>[];
  /** Seed of the random visiting order (ignored when `rng` is given). */
  seed?: number;
  /** Generator for the visiting order; default: a new Rng(seed), or the global one without a seed. */
  rng?: Rng;
}

/** Result of {@link gradVac}. */
export interface GradVacResult extends AggregatorResult {
  /** The cosine targets after this step (pass them to the next step). */
  targets: Float64Array[];
  /** Row i holds the coefficients of task i's adjusted gradient: g_i' = Σ_s C[i][s] · J[s]. */
  coefficients: Float64Array[];
}

/**
 * Gradient Vaccine: raises each pairwise cosine to a target that tracks its running average.
 *
 * Paper: Z. Wang, Y. Tsvetkov, O. Firat, Y. Cao, "Gradient Vaccine: Investigating and Improving
 * Multi-task Optimization in Massively Multilingual Models", ICLR 2021; we match LibMTL's
 * weighting/GradVac.py (whole-model granularity, `GradVac_group_type` 0; torchjd has no GradVac).
 * For each task i, start from g_i' = g_i and visit the other tasks j in a fresh random order; with
 * ρ = cos(g_i', g_j), whenever ρ < ρ̂_ij add the multiple of g_j that makes the cosine exactly ρ̂_ij,
 *
 *     g_i' ← g_i' + ‖g_i'‖ (ρ̂ √(1 − ρ²) − ρ √(1 − ρ̂²)) / (‖g_j‖ √(1 − ρ̂²)) · g_j,
 *
 * then update the target ρ̂_ij ← (1 − β) ρ̂_ij + β ρ. direction = Σ_i g_i'. With ρ̂ = 0 (the first
 * step) the adjustment is PCGrad's projection. Every g_i' is a combination of the rows, so the
 * whole method runs on the Gramian and weights[s] = Σ_i C[i][s]. Differences from LibMTL: no 1e-8
 * in the denominators; a zero gradient takes part with ρ = 0 and is never adjusted nor adjusts;
 * a target of 1 (cannot be reached by a finite step) adjusts nothing.
 */
export function gradVac(J: GradientMatrix, options: GradVacOptions = {}): GradVacResult {
  const rows = toRows(J, 'gradVac');
  const beta = checkBeta('gradVac', options.beta ?? 0.5);
  const T = rows.length;
  const targets = checkTargets('gradVac', options.targets, T);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new ValueError(`gradVac: seed must be a finite number, got ${String(options.seed)}`);
  }
  const rng = options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : defaultRng());
  const { weights, coefficients } = gradVacStep(gramianOf(rows).G, targets, beta, rng);
  return { direction: combine(rows, weights), weights, targets, coefficients };
}

/** Validates the EMA rate β ∈ [0, 1]. */
export function checkBeta(fnName: string, beta: number): number {
  if (!(typeof beta === 'number' && beta >= 0 && beta <= 1)) {
    throw new ValueError(`${fnName}: beta must be a number in [0, 1], got ${String(beta)}`);
  }
  return beta;
}

/** A fresh T×T copy of the targets (zeros by default), checked. */
function checkTargets(fnName: string, given: GradVacOptions['targets'], T: number): Float64Array[] {
  if (given === undefined) return Array.from({ length: T }, () => new Float64Array(T));
  if (!Array.isArray(given) || given.length !== T || given.some((r) => r?.length !== T)) {
    throw new ShapeError(`${fnName}: targets must be a ${T}×${T} matrix (one row and column per task)`);
  }
  return given.map((row, i) =>
    Float64Array.from(row, (v, j) => {
      if (!(typeof v === 'number' && v >= -1 && v <= 1)) {
        throw new ValueError(`${fnName}: targets[${i}][${j}] is ${String(v)}; must be a cosine in [-1, 1]`);
      }
      return v;
    }),
  );
}

/**
 * One GradVac step on the Gramian G (any positive scale: only cosines and norm ratios enter);
 * updates `targets` in place. Shared by {@link gradVac} and the stateful weighting.
 */
export function gradVacStep(
  G: readonly Float64Array[],
  targets: Float64Array[],
  beta: number,
  rng: Rng,
): { weights: Float64Array; coefficients: Float64Array[] } {
  const T = G.length;
  const weights = new Float64Array(T);
  const coefficients: Float64Array[] = [];
  for (let i = 0; i < T; i++) {
    const c = new Float64Array(T);
    c[i] = 1;
    const order = rng.permutation(T);
    for (let k = 0; k < T; k++) {
      const j = order[k];
      if (j === i) continue;
      // g_i'·g_j = c·G[j] and ‖g_i'‖² = cᵀGc, as g_i' = Σ_s c_s g_s.
      const nj = Math.sqrt(G[j][j]);
      const ni = Math.sqrt(Math.max(quadForm(G, c), 0));
      const rho = ni > 0 && nj > 0 ? Math.min(1, Math.max(-1, dot(c, G[j]) / (ni * nj))) : 0;
      const target = targets[i][j];
      if (ni > 0 && nj > 0 && rho < target && target < 1) {
        const s = Math.sqrt(1 - target * target);
        c[j] += (ni * (target * Math.sqrt(1 - rho * rho) - rho * s)) / (nj * s);
      }
      targets[i][j] = (1 - beta) * target + beta * rho;
    }
    for (let s = 0; s < T; s++) weights[s] += c[s];
    coefficients.push(c);
  }
  return { weights, coefficients };
}
