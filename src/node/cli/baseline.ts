/**
 * What a trained model is measured against: a baseline per task that ignores the features, and
 * the warnings a training run deserves (a model no better than its baseline, too few test rows,
 * a loss that exploded, a numeric column declared a classification task).
 */
import type { Table } from '../../data/table.js';
import type { History } from '../../mtl/config.js';
import { computeMetrics, type MetricValues } from '../../mtl/metrics.js';
import { TASK_KINDS } from '../../mtl/registry.js';
import type { TaskSpec } from '../../mtl/tasks.js';
import { formatNumber } from '../../report/format.js';
import { plural } from './io.js';

/** A task's baseline: what it always predicts, and its test metrics (same names as the model's). */
export interface Baseline {
  /** `majority` (the most frequent training class) or `mean` (the training mean). */
  predictor: 'majority' | 'mean';
  /** The class name (majority) or the number (mean) it always predicts. */
  predicts: string | number;
  metrics: MetricValues;
}

/** Fewer labelled test rows than this make a task's metrics too noisy to trust. */
export const MIN_TEST_ROWS = 30;
/** A classification column of numbers with more distinct values than this is likely a quantity. */
export const MAX_NUMERIC_CLASSES = 20;
/** A last-epoch training loss this many times an uninformed prediction's means training diverged. */
const EXPLODED = 10;

/**
 * The baseline of every task on `test`, fitted on `train` (original labels): the majority class
 * of the training labels (first class on a tie), predicted with the training class frequencies
 * as probabilities, for classification and binary; the training mean for regression.
 */
export function baselines(
  specs: readonly TaskSpec[],
  classNames: Record<string, readonly string[] | undefined>,
  train: Table,
  test: Table,
): Record<string, Baseline> {
  const result: Record<string, Baseline> = {};
  for (const spec of specs) {
    const labels = train.tasks[spec.name].values;
    const testLabels = test.tasks[spec.name].values;
    const names = [...TASK_KINDS[spec.kind].metrics];
    if (spec.kind === 'regression') {
      const mu = labelMean(labels);
      const outputs = new Float64Array(testLabels.length).fill(mu);
      result[spec.name] = {
        predictor: 'mean',
        predicts: mu,
        metrics: computeMetrics(spec, outputs, 1, testLabels, names),
      };
      continue;
    }
    const width = spec.kind === 'classification' ? (spec.classes as number) : 2;
    const freq = classFrequencies(labels, width);
    const majority = freq.indexOf(Math.max(...freq));
    // Logits whose softmax (sigmoid for binary) gives the training frequencies.
    const logits =
      spec.kind === 'binary' ? [Math.log(freq[1]) - Math.log(freq[0])] : freq.map((p) => Math.log(p));
    const outputs = new Float64Array(testLabels.length * logits.length);
    for (let i = 0; i < outputs.length; i++) outputs[i] = logits[i % logits.length];
    result[spec.name] = {
      predictor: 'majority',
      predicts: classNames[spec.name]?.[majority] ?? String(majority),
      metrics: computeMetrics(spec, outputs, logits.length, testLabels, names),
    };
  }
  return result;
}

function labelMean(labels: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (const v of labels) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}

/** Share of each class among the labelled rows (a class never seen gets a tiny share, not 0). */
function classFrequencies(labels: Float64Array, width: number): number[] {
  const counts = new Array<number>(width).fill(0);
  let n = 0;
  for (const v of labels) {
    if (Number.isNaN(v)) continue;
    counts[v]++;
    n++;
  }
  return counts.map((c) => Math.max(c / Math.max(n, 1), 1e-12));
}

/** The metric that decides whether a model beats its baseline, and whether higher is better. */
function decidingMetric(kind: TaskSpec['kind']): { name: 'accuracy' | 'mse'; higher: boolean } {
  return kind === 'regression' ? { name: 'mse', higher: false } : { name: 'accuracy', higher: true };
}

/** What {@link trainWarnings} looks at. */
export interface WarningInputs {
  specs: readonly TaskSpec[];
  /** Test metrics per task with the labelled test row count (empty without test rows). */
  metrics: Record<string, MetricValues & { count: number }>;
  baselines: Record<string, Baseline>;
  history: History;
  /** Class names per classification task. */
  classNames: Record<string, readonly string[] | undefined>;
}

/** The warnings of a training run, one sentence each (without a `warning:` prefix). */
export function trainWarnings(inputs: WarningInputs): string[] {
  const warnings: string[] = [];
  for (const spec of inputs.specs) {
    const name = JSON.stringify(spec.name);
    const classes = inputs.classNames[spec.name] ?? [];
    if (
      spec.kind === 'classification' &&
      classes.length > MAX_NUMERIC_CLASSES &&
      classes.every((c) => c.trim() !== '' && Number.isFinite(Number(c)))
    ) {
      warnings.push(
        `task ${name} is declared classification, but its column holds ${classes.length} distinct numbers; if it is a quantity, use --task ${spec.name}:regression`,
      );
    }
    const diverged = divergence(inputs.history, spec);
    if (diverged !== null) warnings.push(`training diverged: task ${name} ${diverged}; try a smaller --lr`);
    const m = inputs.metrics[spec.name];
    if (m === undefined) continue;
    if (m.count < MIN_TEST_ROWS) {
      warnings.push(
        `task ${name} has only ${plural(m.count, 'labelled test row')} (fewer than ${MIN_TEST_ROWS}): its metrics are noisy; use more data or a larger --test-split`,
      );
    }
    const base = inputs.baselines[spec.name];
    const { name: metric, higher } = decidingMetric(spec.kind);
    const model = m[metric] ?? Number.NaN;
    const ref = base.metrics[metric] ?? Number.NaN;
    const beats = higher ? model > ref : model < ref;
    if (!beats && Number.isFinite(ref)) {
      const what =
        base.predictor === 'mean'
          ? 'the training mean'
          : `the majority class ${JSON.stringify(base.predicts)}`;
      warnings.push(
        `task ${name}: the model's ${metric} ${formatNumber(model)} does not beat the baseline's ${formatNumber(ref)} (always predicting ${what})`,
      );
    }
  }
  return warnings;
}

/**
 * Why the training loss of `spec` looks diverged, or null: non-finite, or {@link EXPLODED} times
 * the loss of an uninformed prediction (uniform classes: ln K, ln 2 for binary; the mean of the
 * standardised targets: an MSE of 1), which any trained model should beat.
 */
function divergence(history: History, spec: TaskSpec): string | null {
  const losses = history.epochs.map((e) => e.trainLoss[spec.name]).filter((v) => !Number.isNaN(v));
  if (losses.length === 0) return null;
  const last = losses[losses.length - 1];
  if (!Number.isFinite(last)) return 'reached a non-finite training loss';
  const reference =
    spec.kind === 'regression' ? 1 : Math.log(spec.kind === 'binary' ? 2 : (spec.classes as number));
  if (last > EXPLODED * reference) {
    return `ended with a training loss of ${formatNumber(last)}, over ${EXPLODED} times the ${formatNumber(reference)} of an uninformed prediction`;
  }
  return null;
}
