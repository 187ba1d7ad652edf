/**
 * Train / validation / test splits and k-fold cross-validation of a {@link Table}, optionally
 * stratified by the classes of one task. Everything is seeded ({@link Rng}), so the same table,
 * options and seed give the same split on every platform.
 */
import { ValueError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { subsetTable, type Table } from './table.js';

/** Options of {@link trainTestSplit} and {@link splitIndices}. */
export interface SplitOptions {
  /** Fraction of rows in the test set, in [0, 1). Default 0.2. */
  test?: number;
  /** Fraction of rows in the validation set, in [0, 1); test + validation < 1. Default 0 (no validation set). */
  validation?: number;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /**
   * Name of a classification or binary task to stratify by: every class gets the same share of
   * each set as the table as a whole (within one row), and so do the rows missing that label,
   * which are spread at random like an extra class.
   */
  stratify?: string;
}

/** Row indices (into the table, ascending) of each set. */
export interface SplitIndices {
  train: Int32Array;
  /** Present when `validation > 0`. */
  validation?: Int32Array;
  test: Int32Array;
}

/** The sets as tables (see {@link subsetTable}: rows in source order, `rowIndex` into the original source). */
export interface TrainTestSplit {
  train: Table;
  /** Present when `validation > 0`. */
  validation?: Table;
  test: Table;
}

/** One fold of {@link kFold}: row indices (ascending) to train on and to validate on. */
export interface Fold {
  train: Int32Array;
  validation: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /** Task to stratify by, as in {@link SplitOptions.stratify}. */
  stratify?: string;
}

/**
 * Set sizes: test = round(n·test) and validation = round(n·validation), each at least 1 when its
 * fraction is positive; the rest is training data (at least one row, else an error).
 */
function setSizes(n: number, test: number, validation: number): { nTest: number; nVal: number } {
  const frac = (v: number, name: string): number => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1))
      throw new ValueError(`trainTestSplit: ${name} must be a fraction in [0, 1), got ${v}`);
    return v;
  };
  frac(test, 'test');
  frac(validation, 'validation');
  if (test + validation >= 1)
    throw new ValueError(`trainTestSplit: test + validation must be < 1, got ${test} + ${validation}`);
  const nTest = test > 0 ? Math.max(1, Math.round(n * test)) : 0;
  const nVal = validation > 0 ? Math.max(1, Math.round(n * validation)) : 0;
  if (n - nTest - nVal < 1) {
    throw new ValueError(
      `trainTestSplit: ${n} rows are too few for test ${nTest} + validation ${nVal} rows and a non-empty training set`,
    );
  }
  return { nTest, nVal };
}

/**
 * The strata of a table: one group of row indices per class of task `stratify` (in class order,
 * empty classes omitted) plus one group for rows missing that label; or all rows when `stratify`
 * is undefined.
 */
export function strata(table: Table, stratify: string | undefined): Int32Array[] {
  if (stratify === undefined) return [Int32Array.from({ length: table.nRows }, (_, i) => i)];
  const task = table.tasks[stratify];
  if (task === undefined) {
    throw new ValueError(
      `stratify: unknown task ${JSON.stringify(stratify)}; tasks: ${Object.keys(table.tasks)
        .map((s) => JSON.stringify(s))
        .join(', ')}`,
    );
  }
  if (task.kind === 'regression')
    throw new ValueError(
      `stratify: task ${JSON.stringify(stratify)} is a regression task; stratify by a classification or binary task`,
    );
  const nClasses = task.classes?.length ?? 0;
  const buckets: number[][] = Array.from({ length: nClasses + 1 }, () => []);
  for (let i = 0; i < table.nRows; i++) {
    const v = task.values[i];
    buckets[Number.isNaN(v) ? nClasses : v].push(i);
  }
  return buckets.filter((b) => b.length > 0).map((b) => Int32Array.from(b));
}

/**
 * Rounds the proportional allocation of rows to sets: group g (of `sizes[g]` rows) gets
 * `sizes[g]·totals[s]/n` rows of set s ideally. Returns integer counts that are each the floor or
 * the ceiling of the ideal, with every group's counts summing to its size and every set's counts
 * summing to `totals[s]`. Such a rounding always exists (the ideal matrix has integer row and
 * column sums); it is found as a bipartite b-matching of the fractional parts by augmenting
 * paths. Which groups round up is decided by the random visiting order.
 */
function roundProportional(sizes: number[], totals: number[], rng: Rng): number[][] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const G = sizes.length;
  const S = totals.length;
  // Exact integer arithmetic: size·total < 2^53 for any table that fits in memory.
  const counts = sizes.map((sz) => totals.map((t) => Math.floor((sz * t) / n)));
  const edge = sizes.map((sz) => totals.map((t) => (sz * t) % n !== 0));
  const used = sizes.map(() => new Array<boolean>(S).fill(false));
  const capacity = totals.map((t, s) => t - counts.reduce((a, c) => a + c[s], 0));
  const load = new Array<number>(S).fill(0);
  const setOrder = sizes.map(() => Array.from(rng.permutation(S)));
  let visited: boolean[] = [];
  const augment = (g: number): boolean => {
    for (const s of setOrder[g]) {
      if (!edge[g][s] || used[g][s] || visited[s]) continue;
      visited[s] = true;
      if (load[s] < capacity[s]) {
        used[g][s] = true;
        load[s]++;
        return true;
      }
      for (let h = 0; h < G; h++) {
        if (h !== g && used[h][s] && augment(h)) {
          // h moved one unit to another set; g takes its place in s.
          used[h][s] = false;
          used[g][s] = true;
          return true;
        }
      }
    }
    return false;
  };
  for (const g of rng.permutation(G)) {
    const need = sizes[g] - counts[g].reduce((a, b) => a + b, 0);
    for (let u = 0; u < need; u++) {
      visited = new Array<boolean>(S).fill(false);
      if (!augment(g)) throw new Error('split: internal error, proportional rounding failed');
    }
  }
  return counts.map((c, g) => c.map((v, s) => v + (used[g][s] ? 1 : 0)));
}

/**
 * Row indices of a seeded train / (validation) / test split; {@link trainTestSplit} returns the tables.
 * Within each stratum the rows are shuffled and the first ones go to test, the next to validation.
 */
export function splitIndices(table: Table, opts: SplitOptions = {}): SplitIndices {
  const { test = 0.2, validation = 0, seed = 0, stratify } = opts;
  const n = table.nRows;
  const { nTest, nVal } = setSizes(n, test, validation);
  const rng = new Rng(seed);
  const groups = strata(table, stratify).map((g) => rng.shuffle(Int32Array.from(g)));
  const sizes = groups.map((g) => g.length);
  const counts = roundProportional(sizes, [nTest, nVal, n - nTest - nVal], rng);
  const testIdx: number[] = [];
  const valIdx: number[] = [];
  const trainIdx: number[] = [];
  groups.forEach((g, k) => {
    for (let i = 0; i < g.length; i++) {
      if (i < counts[k][0]) testIdx.push(g[i]);
      else if (i < counts[k][0] + counts[k][1]) valIdx.push(g[i]);
      else trainIdx.push(g[i]);
    }
  });
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  const out: SplitIndices = { train: sorted(trainIdx), test: sorted(testIdx) };
  if (validation > 0) out.validation = sorted(valIdx);
  return out;
}

/**
 * Seeded split into train, optional validation and test tables (rows kept in source order).
 * Sizes: test = round(n·test), validation = round(n·validation) (at least one row each when
 * requested), the rest train. With `stratify`, each class's count in each of the three sets is
 * the floor or the ceiling of its proportional share (class size × set size / n), and rows missing
 * that label are spread likewise, as one more stratum.
 *
 * @throws ValueError for bad fractions, too few rows or an unknown / regression `stratify` task.
 */
export function trainTestSplit(table: Table, opts: SplitOptions = {}): TrainTestSplit {
  const idx = splitIndices(table, opts);
  const out: TrainTestSplit = { train: subsetTable(table, idx.train), test: subsetTable(table, idx.test) };
  if (idx.validation) out.validation = subsetTable(table, idx.validation);
  return out;
}

/**
 * Seeded k-fold cross-validation: the rows are shuffled (within each stratum when `stratify` is
 * given) and dealt round-robin into k folds, so fold sizes differ by at most one, and so do the
 * per-class counts when stratified. Fold i validates on fold i and trains on the others. Returns
 * index sets; materialise them with {@link subsetTable}.
 *
 * @throws ValueError unless 2 ≤ k ≤ nRows.
 */
export function kFold(table: Table, k: number, opts: KFoldOptions = {}): Fold[] {
  const n = table.nRows;
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new ValueError(`kFold: k must be an integer in [2, nRows = ${n}], got ${k}`);
  const rng = new Rng(opts.seed ?? 0);
  const fold = new Int32Array(n);
  let p = rng.int(k); // random starting fold, so the larger folds are not always the first ones
  for (const g of strata(table, opts.stratify)) {
    for (const i of rng.shuffle(Int32Array.from(g))) {
      fold[i] = p;
      p = (p + 1) % k;
    }
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? val : train).push(i);
    folds.push({ train: Int32Array.from(train), validation: Int32Array.from(val) });
  }
  return folds;
}
