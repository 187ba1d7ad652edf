/**
 * Synthetic multi-task data: the GradNorm toy problem and a family of related regression /
 * binary tasks with a tunable degree of relatedness. All generators are seeded ({@link Rng}) and
 * give identical data on every platform.
 */
import { ValueError } from '../errors.js';
import { Rng } from '../tensor/rng.js';

/** Options of {@link gradNormToy}. */
export interface GradNormToyOptions {
  /** Number of tasks T. Default 10, or `sigmas.length` when `sigmas` is given. */
  tasks?: number;
  /** Output scale σ_i of each task. Default: geometric from 1 to 100, σ_i = 100^(i/(T−1)) (σ = [1] for T = 1). */
  sigmas?: number[];
  /** Input dimension. Default 250 (as in the paper). */
  inputs?: number;
  /** Output dimension of every task. Default 100 (as in the paper). */
  outputs?: number;
  /** Number of samples (rows). Default 1000. */
  samples?: number;
  /** Seed of the task matrices B and ε_i (and, unless `dataSeed` is given, of x). Default 0. */
  seed?: number;
  /**
   * Seed of the inputs x only. Same `seed` with another `dataSeed` gives fresh samples of the
   * same tasks (e.g. a test set). Default: derived from `seed`.
   */
  dataSeed?: number;
  /** Standard deviation of the elements of the shared matrix B. Default 10. */
  bStd?: number;
  /** Standard deviation of the elements of each task matrix ε_i. Default 3.5. */
  epsStd?: number;
}

/** Output of {@link gradNormToy}. */
export interface GradNormToyData {
  /** Inputs, row-major `nRows × nFeatures`, iid N(0, 1). */
  x: Float64Array;
  nRows: number;
  /** Input dimension (`inputs`). */
  nFeatures: number;
  /** Output dimension of each task (`outputs`). */
  nOutputs: number;
  /** Per task, targets row-major `nRows × nOutputs`: y_i = σ_i · tanh((B + ε_i) x). */
  targets: Float64Array[];
  /** The output scale of each task. */
  sigmas: number[];
}

function posInt(v: number, name: string, where: string): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * The toy regression problem of GradNorm (Chen, Badrinarayanan, Lee and Rabinovich, ICML 2018,
 * §4): T tasks with targets y_i = σ_i · tanh((B + ε_i) x), where B (outputs × inputs) is shared
 * by all tasks and ε_i is task-specific, so tasks share structure but differ in their output
 * scale σ_i: the loss of a task with large σ dominates an unweighted sum of losses.
 *
 * The paper draws the elements of B and ε_i iid from "N(0, 10)" and "N(0, 3.5)" without saying
 * whether the second parameter is a variance or a standard deviation; this implementation reads
 * them as standard deviations (the reading of the public reimplementations, which draw them with
 * `np.random.normal(scale=10)` and `scale=3.5`), configurable as `bStd` and `epsStd`. Inputs are
 * iid N(0, 1), inputs = 250 and outputs = 100 as in the paper. With these scales the argument of
 * tanh has a standard deviation of about √(inputs·(bStd² + epsStd²)) ≈ 168, so tanh is saturated
 * almost everywhere and each target element is close to ±σ_i: its standard deviation is ≈ σ_i.
 * The paper uses σ = (1, 100) for T = 2; for T = 10 this generator's default is a geometric
 * spread from 1 to 100 (pass `sigmas` to choose others).
 *
 * Cost: T · samples · outputs · inputs multiply-adds (2.5·10⁸ for the defaults, well under a second).
 */
export function gradNormToy(opts: GradNormToyOptions = {}): GradNormToyData {
  const where = 'gradNormToy';
  const T = posInt(opts.tasks ?? opts.sigmas?.length ?? 10, 'tasks', where);
  let sigmas: number[];
  if (opts.sigmas !== undefined) {
    if (opts.sigmas.length !== T)
      throw new ValueError(`${where}: ${opts.sigmas.length} sigmas for ${T} tasks`);
    if (opts.sigmas.some((s) => typeof s !== 'number' || !Number.isFinite(s)))
      throw new ValueError(`${where}: sigmas must be finite numbers`);
    sigmas = [...opts.sigmas];
  } else {
    sigmas = Array.from({ length: T }, (_, i) => (T === 1 ? 1 : 100 ** (i / (T - 1))));
  }
  const d = posInt(opts.inputs ?? 250, 'inputs', where);
  const p = posInt(opts.outputs ?? 100, 'outputs', where);
  const n = posInt(opts.samples ?? 1000, 'samples', where);
  const bStd = opts.bStd ?? 10;
  const epsStd = opts.epsStd ?? 3.5;
  if (!(bStd >= 0) || !(epsStd >= 0)) throw new ValueError(`${where}: bStd and epsStd must be ≥ 0`);

  const rng = new Rng(opts.seed ?? 0);
  const rngB = rng.fork();
  const rngEps = rng.fork();
  const rngX = opts.dataSeed === undefined ? rng.fork() : new Rng(opts.dataSeed);

  const B = new Float64Array(p * d);
  for (let k = 0; k < B.length; k++) B[k] = bStd * rngB.normal();
  // W_i = B + ε_i, row-major outputs × inputs.
  const W: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const w = new Float64Array(p * d);
    for (let k = 0; k < w.length; k++) w[k] = B[k] + epsStd * rngEps.normal();
    W.push(w);
  }
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = rngX.normal();

  const targets = W.map((w, t) => {
    const y = new Float64Array(n * p);
    const s = sigmas[t];
    for (let r = 0; r < n; r++) {
      const xr = r * d;
      for (let o = 0; o < p; o++) {
        const wo = o * d;
        let acc = 0;
        for (let j = 0; j < d; j++) acc += w[wo + j] * x[xr + j];
        y[r * p + o] = s * Math.tanh(acc);
      }
    }
    return y;
  });
  return { x, nRows: n, nFeatures: d, nOutputs: p, targets, sigmas };
}

/** Options of {@link relatedTasks}. */
export interface RelatedTasksOptions {
  /** Number of tasks. Default 4. */
  tasks?: number;
  /** Number of samples (rows). Default 100 (a low-data regime). */
  samples?: number;
  /** Input dimension. Default 10. */
  features?: number;
  /**
   * r ∈ [0, 1]: task weights are w_t = √r · w_shared + √(1−r) · w_own,t, so r is the expected
   * correlation between two tasks' weight vectors (0: unrelated tasks, 1: identical tasks up to
   * noise). Default 0.5.
   */
  relatedness?: number;
  /** Standard deviation of the Gaussian noise added to each target, relative to a unit-variance signal. Default 0.1. */
  noise?: number;
  /** Seed of the task structure (weights, hidden layer) and, unless `dataSeed` is given, of x and noise. Default 0. */
  seed?: number;
  /** Seed of x and noise only: same `seed`, other `dataSeed` = fresh samples of the same tasks. Default: derived from `seed`. */
  dataSeed?: number;
  /** Use a shared nonlinear feature map h = tanh(x·V) (V fixed and shared by all tasks) instead of x itself. Default false. */
  nonlinear?: boolean;
  /** Width of the nonlinear feature map. Default 32. */
  hidden?: number;
  /** Also return binary labels: 1 where the (noisy) target is > 0, else 0. Default false. */
  binary?: boolean;
}

/** Output of {@link relatedTasks}. */
export interface RelatedTasksData {
  /** Inputs, row-major `nRows × nFeatures`, iid N(0, 1). */
  x: Float64Array;
  nRows: number;
  nFeatures: number;
  /** Per task, the regression target of each row (length nRows). */
  targets: Float64Array[];
  /** Per task, binary labels 0/1 (target > 0), when `binary` was set. */
  labels?: Float64Array[];
  /** The true weight vector of each task (length `features`, or `hidden` when nonlinear), before signal normalisation. */
  weights: Float64Array[];
  /** The relatedness r used. */
  relatedness: number;
}

/** Size of the fixed reference sample used to normalise each task's signal to unit variance. */
const REFERENCE_SAMPLES = 4096;

/**
 * Related tasks for a low-data multi-task study. With φ(x) = x (linear) or φ(x) = tanh(x·V)
 * (nonlinear; V has iid N(0, 1/features) elements and is shared by all tasks), task t's target is
 *
 *     y_t = φ(x) · w_t / s_t + noise · N(0, 1),   w_t = √r · w_shared + √(1−r) · w_own,t,
 *
 * with w_shared, w_own,t iid N(0, 1/dim) and s_t the standard deviation of φ(x)·w_t on a fixed
 * reference sample (so each clean signal has unit variance whatever the sample size, and `noise`
 * is a noise-to-signal ratio). For r near 1 the tasks are nearly the same function, and pooling
 * their few samples helps; for r = 0 they share nothing but the input distribution. With
 * `binary`, labels are 1 where y_t > 0, giving balanced classes in expectation with label noise
 * set by `noise`.
 */
export function relatedTasks(opts: RelatedTasksOptions = {}): RelatedTasksData {
  const where = 'relatedTasks';
  const T = posInt(opts.tasks ?? 4, 'tasks', where);
  const n = posInt(opts.samples ?? 100, 'samples', where);
  const d = posInt(opts.features ?? 10, 'features', where);
  const r = opts.relatedness ?? 0.5;
  if (typeof r !== 'number' || !(r >= 0 && r <= 1))
    throw new ValueError(`${where}: relatedness must be in [0, 1], got ${r}`);
  const noise = opts.noise ?? 0.1;
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise))
    throw new ValueError(`${where}: noise must be a finite number ≥ 0, got ${noise}`);
  const nonlinear = opts.nonlinear ?? false;
  const h = nonlinear ? posInt(opts.hidden ?? 32, 'hidden', where) : d;

  const rng = new Rng(opts.seed ?? 0);
  const rngW = rng.fork();
  const rngRef = rng.fork();
  const rngData = opts.dataSeed === undefined ? rng.fork() : new Rng(opts.dataSeed);

  // Shared nonlinear map V (features × hidden), N(0, 1/features).
  const V = new Float64Array(nonlinear ? d * h : 0);
  for (let k = 0; k < V.length; k++) V[k] = rngW.normal() / Math.sqrt(d);
  const shared = new Float64Array(h);
  for (let k = 0; k < h; k++) shared[k] = rngW.normal() / Math.sqrt(h);
  const a = Math.sqrt(r);
  const b = Math.sqrt(1 - r);
  const weights: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const w = new Float64Array(h);
    for (let k = 0; k < h; k++) w[k] = a * shared[k] + (b * rngW.normal()) / Math.sqrt(h);
    weights.push(w);
  }

  /** φ(x) of `m` rows of x, row-major m × h. */
  const features = (x: Float64Array, m: number): Float64Array => {
    if (!nonlinear) return x;
    const phi = new Float64Array(m * h);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < h; k++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += x[i * d + j] * V[j * h + k];
        phi[i * h + k] = Math.tanh(acc);
      }
    }
    return phi;
  };
  const signal = (phi: Float64Array, m: number, w: Float64Array): Float64Array => {
    const s = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let k = 0; k < h; k++) acc += phi[i * h + k] * w[k];
      s[i] = acc;
    }
    return s;
  };

  // Per-task signal scale from a fixed reference sample (independent of `samples` and `dataSeed`).
  const xRef = new Float64Array(REFERENCE_SAMPLES * d);
  for (let k = 0; k < xRef.length; k++) xRef[k] = rngRef.normal();
  const phiRef = features(xRef, REFERENCE_SAMPLES);
  const scales = weights.map((w) => {
    const s = signal(phiRef, REFERENCE_SAMPLES, w);
    let mean = 0;
    for (const v of s) mean += v;
    mean /= s.length;
    let ss = 0;
    for (const v of s) ss += (v - mean) * (v - mean);
    const sd = Math.sqrt(ss / s.length);
    return sd > 0 ? sd : 1;
  });

  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = rngData.normal();
  const phi = features(x, n);
  const targets = weights.map((w, t) => {
    const y = signal(phi, n, w);
    for (let i = 0; i < n; i++) y[i] = y[i] / scales[t] + noise * rngData.normal();
    return y;
  });
  const out: RelatedTasksData = { x, nRows: n, nFeatures: d, targets, weights, relatedness: r };
  if (opts.binary) out.labels = targets.map((y) => y.map((v) => (v > 0 ? 1 : 0)));
  return out;
}
