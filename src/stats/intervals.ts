/**
 * Confidence intervals for small samples of repeated runs (a few splits or seeds):
 *  - tInterval: the Student-t interval for the mean, mean ± t_{1−α/2, n−1}·s/√n (assumes roughly normal values);
 *  - bootstrapInterval: the percentile bootstrap of any statistic (no normality assumption, but with 5 values
 *    it is too narrow: it cannot see beyond the values it resamples).
 */
import { ValueError } from '../errors.js';
import { Rng } from '../tensor/rng.js';

/** An estimate with its interval [lo, hi] at confidence `level`. */
export interface Interval {
  /** Number of values. */
  n: number;
  /** The mean (tInterval) or the statistic on the whole sample (bootstrapInterval). */
  estimate: number;
  lo: number;
  hi: number;
  level: number;
}

function checkValues(where: string, values: readonly number[], min: number): void {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values))
    throw new ValueError(`${where}: values must be an array of numbers`);
  if (values.length < min)
    throw new ValueError(`${where}: needs at least ${min} values, got ${values.length}`);
  const bad = Array.from(values).findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`${where}: values[${bad}] is ${values[bad]}, expected a finite number`);
}

function checkLevel(where: string, level: number): void {
  if (typeof level !== 'number' || !(level > 0 && level < 1))
    throw new ValueError(`${where}: level must be in (0, 1), got ${level}`);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front =
    Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = i >> 1;
    let num: number;
    if (i === 0) num = 1;
    else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = 1 + num / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-15) break;
  }
  return front * (f - 1);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw new ValueError(`tCdf: df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df+t²). For small |t|, x is near 1 and 1 − x would lose digits, so the
  // complement I_y(1/2, df/2) with y = t²/(df+t²) is computed from y directly.
  const x = df / (df + t * t);
  const y = (t * t) / (df + t * t);
  const a = df / 2;
  const tail = 0.5 * (x < (a + 1) / (a + 2.5) ? incompleteBeta(x, a, 0.5) : 1 - incompleteBeta(y, 0.5, a));
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom (df may be fractional), found by bisection on
 * tCdf: tQuantile(0.975, 4) = 2.776..., the value of the tables.
 */
export function tQuantile(p: number, df: number): number {
  if (typeof p !== 'number' || !(p > 0 && p < 1))
    throw new ValueError(`tQuantile: p must be in (0, 1), got ${p}`);
  if (typeof df !== 'number' || !(df > 0)) throw new ValueError(`tQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean and sample standard deviation (n − 1; 0 for one value). A NaN among the values gives NaN for both. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) throw new ValueError('meanStd: needs at least 1 value, got 0');
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** The Student-t interval for the mean of `values` (at least 2): mean ± t_{(1+level)/2, n−1}·s/√n. */
export function tInterval(values: readonly number[], level = 0.95): Interval {
  checkValues('tInterval', values, 2);
  checkLevel('tInterval', level);
  const n = values.length;
  const { mean, std } = meanStd(values);
  const half = (tQuantile((1 + level) / 2, n - 1) * std) / Math.sqrt(n);
  return { n, estimate: mean, lo: mean - half, hi: mean + half, level };
}

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** The statistic of a sample (default: the mean). */
  statistic?: (sample: readonly number[]) => number;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Confidence level of the interval, in (0, 1) (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

/**
 * The percentile bootstrap interval: the statistic on `resamples` samples of n values drawn with replacement, and
 * the (1−level)/2 and (1+level)/2 quantiles of those (linear interpolation between order statistics).
 */
export function bootstrapInterval(values: readonly number[], options: BootstrapOptions = {}): Interval {
  checkValues('bootstrapInterval', values, 1);
  const level = options.level ?? 0.95;
  checkLevel('bootstrapInterval', level);
  const resamples = options.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new ValueError(`bootstrapInterval: resamples must be an integer ≥ 2, got ${resamples}`);
  const statistic = options.statistic ?? ((s) => s.reduce((a, b) => a + b, 0) / s.length);
  const rng = new Rng(options.seed ?? 0);
  const n = values.length;
  const sample: number[] = new Array(n);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = values[rng.int(n)];
    stats[r] = statistic(sample);
  }
  stats.sort();
  return {
    n,
    estimate: statistic(Array.from(values)),
    lo: quantileSorted(stats, (1 - level) / 2),
    hi: quantileSorted(stats, (1 + level) / 2),
    level,
  };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}
