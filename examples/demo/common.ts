/**
 * What every part of the demo shares: the experiment interface, the penguins data and its repeated splits,
 * the model and training budget, intervals in the JSON form {mean, ci95}, and table formatting.
 */
import {
  applyStandardizer,
  applyTargetStandardizer,
  fitStandardizer,
  fitTargetStandardizer,
  loadTable,
  type MultiTaskData,
  penguinsRows,
  splitIndices,
  type Table,
  type TaskSpec,
  tableTasks,
  tableToData,
  trainTestSplit,
} from '../../src/index.js';
import { HardSharing, type MultiTaskModel } from '../../src/mtl/index.js';
import { type ReportSection, table } from '../../src/report/index.js';
import { tInterval } from '../../src/stats/index.js';
import { Rng } from '../../src/tensor/rng.js';

/** How an experiment is run, printed and drawn; the report is drawn from `run`'s JSON result alone. */
export interface Experiment<R> {
  name: string;
  /** One line for the runner's help. */
  summary: string;
  run(ctx: Context): R;
  print(result: R): string;
  render(result: R): ReportSection[];
}

export interface Context {
  /** Smaller sizes and fewer repeats: a smoke run. */
  quick: boolean;
  progress: (line: string) => void;
  /** The penguins study, shared so that experiments reuse each other's runs on the same splits. */
  penguins: PenguinStudy;
}

/** A mean with its 95 % Student-t interval over repeats. */
export interface Summary {
  mean: number;
  ci95: [number, number];
}

/**
 * Mean and 95 % t interval of repeated measurements (at least 2). The t interval is symmetric and can reach past
 * a metric's range (an accuracy above 1 when five splits give 97–100 %); `range` clips its ends to [min, max].
 */
export function summary(values: readonly number[], range?: readonly [number, number]): Summary {
  const r = tInterval(values);
  const clip = (v: number) => (range ? Math.min(range[1], Math.max(range[0], v)) : v);
  return { mean: r.estimate, ci95: [clip(r.lo), clip(r.hi)] };
}

/** True when the interval holds 0: the sign of the difference is not established. */
export function containsZero(s: Summary): boolean {
  return s.ci95[0] <= 0 && s.ci95[1] >= 0;
}

export const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Island'];
export const HIDDEN = [32, 32];

/** The Adam budget of every penguins model; early stopping on the validation rows keeps the best epoch. */
export function trainBudget(quick: boolean) {
  return {
    epochs: quick ? 12 : 150,
    batchSize: 32,
    lr: 3e-3,
    earlyStopping: { patience: quick ? 4 : 15 },
  };
}

export function buildHardSharing(inputs: number, hidden: readonly number[] = HIDDEN) {
  return (ts: readonly TaskSpec[], seed: number): MultiTaskModel =>
    HardSharing.build({ inputs, hidden, tasks: ts, rng: new Rng(seed) });
}

/** One repeated split of the penguins, standardised on its own training rows. */
export interface PenguinSplit {
  seed: number;
  train: MultiTaskData;
  val: MultiTaskData;
  test: MultiTaskData;
  nTrain: number;
  /** Standard deviation of body mass (g) on the training rows: MAE in grams = MAE · massStd. */
  massStd: number;
}

const SPLIT = (seed: number) => ({ test: 0.25, validation: 0.15, seed, stratify: 'species' });

/** The penguins table, its tasks and the seeds of the repeated splits. */
export class PenguinStudy {
  readonly raw: Table;
  readonly tasks: TaskSpec[];
  readonly seeds: number[];
  /** Results other experiments computed on a split, by key (e.g. the baselines of seed 101 at 100 %). */
  readonly cache = new Map<string, unknown>();

  constructor(repeats: number) {
    this.raw = loadTable(penguinsRows(), {
      features: FEATURES,
      categorical: ['Island'],
      tasks: [
        { column: 'Species', name: 'species', kind: 'classification' },
        { column: 'Sex', name: 'sex', kind: 'binary' },
        { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
      ],
    });
    this.tasks = tableTasks(this.raw);
    this.seeds = Array.from({ length: repeats }, (_, i) => 101 + i);
  }

  /**
   * The split of `seed`: 25 % test, 15 % validation, stratified by species; with `fraction` < 1 the model
   * trains on that stratified share of the training rows (validation and test rows stay the same).
   */
  split(seed: number, fraction = 1): PenguinSplit {
    const s = trainTestSplit(this.raw, SPLIT(seed));
    const train =
      fraction < 1
        ? trainTestSplit(s.train, { test: 1 - fraction, seed, stratify: 'species' }).train
        : s.train;
    const { data, massStd } = standardised(train, s.validation!, s.test);
    return { seed, train: data[0], val: data[1], test: data[2], nTrain: train.nRows, massStd };
  }

  /** Row indices of the split of `seed` (train, validation, test). */
  splitIndices(seed: number) {
    return splitIndices(this.raw, SPLIT(seed));
  }

  /** `compute()` once per key; later calls return the stored value. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }
}

/** Tables as model data, features and targets standardised on the first (training) table only. */
export function standardised(train: Table, ...others: Table[]): { data: MultiTaskData[]; massStd: number } {
  const scaler = fitStandardizer(train);
  const targets = fitTargetStandardizer(train);
  const prep = (t: Table) => tableToData(applyTargetStandardizer(applyStandardizer(t, scaler), targets));
  return { data: [train, ...others].map(prep), massStd: targets.tasks.mass.std };
}

/** ‖W‖: the 2-norm of all weight matrices (the parameters weight decay acts on). */
export function weightNorm(model: MultiTaskModel): number {
  let squares = 0;
  for (const p of model.parameters()) if (p.rank >= 2) for (const v of p.data) squares += v * v;
  return Math.sqrt(squares);
}

export function pct(v: number): string {
  return `${(100 * v).toFixed(1)} %`;
}

export function fmtLambda(v: number): string {
  return v === 0 ? '0' : v.toExponential(0);
}

/** "m [lo, hi]" with `digits` decimals, each value passed through `scale` (e.g. ×100 for percent). */
export function fmtSummary(s: Summary, digits = 2, scale = 1): string {
  const f = (v: number) => (v * scale).toFixed(digits);
  return `${f(s.mean)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]`;
}

/** Signed percent: "+1.23" or "−0.50"-style with an interval. */
export function fmtDelta(s: Summary): string {
  const f = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
  return `${f(s.mean)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]`;
}

/** A plain-text table with aligned columns. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [line(header), `   ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

/** The same rows as an HTML table, first column left-aligned. */
export function tableHtml(header: string[], rows: string[][]): string {
  return table({
    columns: header.map((h, i) => ({ key: String(i), label: h, align: i === 0 ? 'left' : 'right' })),
    rows: rows.map((r) => Object.fromEntries(r.map((c, i) => [String(i), c]))),
  });
}
