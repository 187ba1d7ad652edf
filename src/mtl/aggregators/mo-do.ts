import { checkNonNegative } from '../../options.js';
import { combine, dot } from './linalg.js';
import { toRows } from './rows.js';
import { checkVector, samePair } from './samples.js';
import { projectSimplex } from './simplex.js';
import type { AggregatorResult, GradientMatrix } from './types.js';

/** Options of {@link moDo}. */
export interface MoDoOptions {
  /** γ ≥ 0, the step size of λ (default 1e-3, LibMTL's `MoDo_gamma`). */
  gamma?: number;
  /** ρ ≥ 0, the ℓ2 regularisation of λ (default 0.1, LibMTL's `MoDo_rho`). */
  rho?: number;
  /** λ before this step, T finite numbers (default 1/T each, LibMTL's start). */
  lambda?: ArrayLike<number>;
  /**
   * Two further Jacobians [J₁, J₂] of J's shape, from independent batches, for λ's update (the
   * paper's double sampling); default [J, J].
   */
  pair?: readonly [GradientMatrix, GradientMatrix];
}

/**
 * MoDo, multi-objective gradient with double sampling.
 *
 * Paper: L. Chen, H. Fernando, Y. Ying, T. Chen, "Three-Way Trade-Off in Multi-Objective Learning:
 * Optimization, Generalization and Conflict-Avoidance", NeurIPS 2023 (official code
 * heshandevaka/Trade-Off-MOL); we match LibMTL weighting/MoDo.py (torchjd has no MoDo). One
 * projected gradient step on MGDA's dual, then the step along the new weights:
 *
 *     λ ← Π_simplex(λ − γ (J₁ J₂ᵀ λ + ρ λ)),    direction = Jᵀ λ,
 *
 * with J₁, J₂ and J from three independent batches in the paper (`pair` gives J₁, J₂; `fit` has one
 * batch per step, so its MoDo uses J for all three). weights = λ, on the simplex. Stateful through λ:
 * the {@link MoDo} weighting keeps it between steps. No normalisation (as LibMTL): γ acts on the raw
 * products, so its scale matters.
 */
export function moDo(J: GradientMatrix, options: MoDoOptions = {}): AggregatorResult {
  const rows = toRows(J, 'moDo');
  const T = rows.length;
  const gamma = checkNonNegative('moDo', 'gamma', options.gamma ?? 1e-3);
  const rho = checkNonNegative('moDo', 'rho', options.rho ?? 0.1);
  const lambda = checkVector('moDo', 'lambda', options.lambda, T);
  const [a, b] = options.pair ? samePair('moDo', options.pair, rows) : [rows, rows];
  // J₂ᵀλ once, then J₁ (J₂ᵀ λ).
  const v = combine(b, lambda);
  const step = lambda.map((l, t) => l - gamma * (dot(a[t], v) + rho * l));
  const weights = projectSimplex(step);
  return { direction: combine(rows, weights), weights };
}
