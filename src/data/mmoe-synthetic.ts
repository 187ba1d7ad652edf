/**
 * The synthetic benchmark of Ma et al., "Modeling Task Relationships in Multi-task Learning with Multi-gate
 * Mixture-of-Experts" (KDD 2018, §4): two regression tasks whose linear parts have a chosen cosine p.
 */
import { ValueError } from '../errors.js';
import { Rng } from '../tensor/rng.js';

/** Options of {@link mmoeSynthetic}. */
export interface MmoeSyntheticOptions {
  /** p ∈ [−1, 1], the cosine between the two tasks' weight vectors w₁ and w₂. */
  correlation: number;
  /** Number of rows. Default 1000. */
  samples?: number;
  /** Input dimension d. Default 100 (as in the paper). */
  features?: number;
  /** Number m of sine terms. Default 5. */
  sines?: number;
  /** Scale c of the weight vectors (‖wᵢ‖ = c). Default 1. */
  scale?: number;
  /** Standard deviation of the Gaussian noise ε added to each target. Default 0.1. */
  noise?: number;
  /** Seed of the task structure: u₁, u₂, αₖ, βₖ (and, unless `dataSeed` is given, of x and ε). Default 0. */
  seed?: number;
  /** Seed of x and ε only: the same tasks, fresh rows (e.g. a test set). Default: derived from `seed`. */
  dataSeed?: number;
}

/** Output of {@link mmoeSynthetic}. */
export interface MmoeSyntheticData {
  /** Inputs, row-major nRows × nFeatures, iid N(0, 1). */
  x: Float64Array;
  nRows: number;
  nFeatures: number;
  /** The two tasks' targets (length nRows each). */
  targets: [Float64Array, Float64Array];
  /** w₁ = c·u₁ and w₂ = c·(p·u₁ + √(1−p²)·u₂). */
  weights: [Float64Array, Float64Array];
  /** The shared sine parameters αₖ, βₖ. */
  alpha: Float64Array;
  beta: Float64Array;
}

function count(where: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Two tasks with yᵢ = wᵢᵀx + Σₖ sin(αₖ·wᵢᵀx + βₖ) + ε, x ~ N(0, I_d), ε ~ N(0, noise²), where
 * w₁ = c·u₁ and w₂ = c·(p·u₁ + √(1−p²)·u₂) for orthogonal unit vectors u₁ ⟂ u₂ (Gram–Schmidt of two Gaussian
 * vectors), so cos(w₁, w₂) = p exactly. αₖ and βₖ are drawn iid N(0, 1) once and shared by both tasks, as in
 * the paper (which leaves their distribution open; public reimplementations draw them N(0, 1)). The Pearson
 * correlation of the two targets falls with p, but not linearly, because of the sine terms.
 */
export function mmoeSynthetic(opts: MmoeSyntheticOptions): MmoeSyntheticData {
  const where = 'mmoeSynthetic';
  const p = opts?.correlation;
  if (typeof p !== 'number' || !(p >= -1 && p <= 1))
    throw new ValueError(`${where}: correlation must be a number in [-1, 1], got ${p}`);
  const n = count(where, 'samples', opts.samples ?? 1000);
  const d = count(where, 'features', opts.features ?? 100);
  if (d < 2) throw new ValueError(`${where}: features must be ≥ 2 for two orthogonal directions, got ${d}`);
  const m = count(where, 'sines', opts.sines ?? 5);
  const c = opts.scale ?? 1;
  const noise = opts.noise ?? 0.1;
  if (!(c > 0) || !Number.isFinite(c))
    throw new ValueError(`${where}: scale must be a finite number > 0, got ${c}`);
  if (!(noise >= 0) || !Number.isFinite(noise))
    throw new ValueError(`${where}: noise must be a finite number ≥ 0, got ${noise}`);

  const rng = new Rng(opts.seed ?? 0);
  const rngTask = rng.fork();
  const rngData = opts.dataSeed === undefined ? rng.fork() : new Rng(opts.dataSeed);
  const [u1, u2] = orthonormalPair(rngTask, d);
  const q = Math.sqrt(Math.max(0, 1 - p * p));
  const w1 = u1.map((v) => c * v);
  const w2 = u1.map((v, k) => c * (p * v + q * u2[k]));
  const alpha = Float64Array.from({ length: m }, () => rngTask.normal());
  const beta = Float64Array.from({ length: m }, () => rngTask.normal());

  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = rngData.normal();
  const targets = [w1, w2].map((w) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let lin = 0;
      for (let j = 0; j < d; j++) lin += w[j] * x[i * d + j];
      let s = lin;
      for (let k = 0; k < m; k++) s += Math.sin(alpha[k] * lin + beta[k]);
      y[i] = s + noise * rngData.normal();
    }
    return y;
  }) as [Float64Array, Float64Array];
  return { x, nRows: n, nFeatures: d, targets, weights: [w1, w2], alpha, beta };
}

/** Two orthonormal vectors: Gaussian u₁ normalised, then a Gaussian vector minus its u₁ part, normalised. */
function orthonormalPair(rng: Rng, d: number): [Float64Array, Float64Array] {
  const unit = (v: Float64Array) => {
    const norm = Math.hypot(...v);
    return v.map((e) => e / norm);
  };
  const u1 = unit(Float64Array.from({ length: d }, () => rng.normal()));
  const g = Float64Array.from({ length: d }, () => rng.normal());
  let dot = 0;
  for (let k = 0; k < d; k++) dot += g[k] * u1[k];
  return [u1, unit(g.map((v, k) => v - dot * u1[k]))];
}
