/**
 * Per-task evaluation metrics from raw head outputs (logits or predictions) and labels with NaN
 * for missing. Rows without a label are skipped. All computed in float64.
 */
import { softmaxVector } from '../tensor/reduce.js';
import type { MetricName, TaskSpec } from './tasks.js';

/** Metric values by name; a metric with no labelled rows is NaN. */
export type MetricValues = Partial<Record<MetricName, number>>;

/** A task's metrics with its mean loss and the number of labelled rows they were computed on. */
export type TaskMetrics = MetricValues & { loss: number; count: number };

/** Whether a larger value is better (for early stopping and Δm). */
export function higherIsBetter(metric: MetricName | 'loss'): boolean {
  return metric === 'accuracy' || metric === 'macroF1' || metric === 'auc' || metric === 'r2';
}

/**
 * Computes `metrics` for one task. `outputs` is row-major [n, width] (logits for classification
 * and binary, predictions for regression); `labels` has n·(regression width) entries.
 */
export function computeMetrics(
  task: TaskSpec,
  outputs: ArrayLike<number>,
  width: number,
  labels: Float64Array,
  metrics: readonly MetricName[],
): MetricValues {
  const out: MetricValues = {};
  if (task.kind === 'classification') {
    const probs: number[][] = [];
    const ys: number[] = [];
    const preds: number[] = [];
    const n = labels.length;
    for (let r = 0; r < n; r++) {
      if (Number.isNaN(labels[r])) continue;
      const p = softmaxVector(outputs, r * width, width);
      probs.push(p);
      ys.push(labels[r]);
      preds.push(argmax(p));
    }
    for (const m of metrics) {
      if (m === 'accuracy') out.accuracy = accuracy(preds, ys);
      else if (m === 'macroF1') out.macroF1 = macroF1(preds, ys, width);
      else if (m === 'logLoss') out.logLoss = mean(ys.map((y, i) => -Math.log(Math.max(probs[i][y], 1e-15))));
    }
    return out;
  }
  if (task.kind === 'binary') {
    const ps: number[] = [];
    const ys: number[] = [];
    for (let r = 0; r < labels.length; r++) {
      if (Number.isNaN(labels[r])) continue;
      ps.push(sigmoid(outputs[r * width]));
      ys.push(labels[r]);
    }
    const hard = ys.map((y) => (y >= 0.5 ? 1 : 0));
    const preds = ps.map((p) => (p >= 0.5 ? 1 : 0));
    for (const m of metrics) {
      if (m === 'accuracy') out.accuracy = accuracy(preds, hard);
      else if (m === 'macroF1') out.macroF1 = macroF1(preds, hard, 2);
      else if (m === 'logLoss') {
        out.logLoss = mean(
          ys.map(
            (y, i) =>
              -(y * Math.log(Math.max(ps[i], 1e-15)) + (1 - y) * Math.log(Math.max(1 - ps[i], 1e-15))),
          ),
        );
      } else if (m === 'auc') out.auc = auc(ps, hard);
    }
    return out;
  }
  // Regression: every output column counts; a row is used where its label is present.
  const pred: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (Number.isNaN(labels[i])) continue;
    pred.push(outputs[i]);
    ys.push(labels[i]);
  }
  for (const m of metrics) {
    if (m === 'mse') out.mse = mean(ys.map((y, i) => (pred[i] - y) ** 2));
    else if (m === 'mae') out.mae = mean(ys.map((y, i) => Math.abs(pred[i] - y)));
    else if (m === 'r2') out.r2 = r2(pred, ys);
  }
  return out;
}

function argmax(p: number[]): number {
  let b = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[b]) b = k;
  return b;
}

/** The logistic function, without overflow for large |v|. */
export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function mean(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function accuracy(preds: readonly number[], ys: readonly number[]): number {
  if (ys.length === 0) return Number.NaN;
  let hit = 0;
  for (let i = 0; i < ys.length; i++) if (preds[i] === ys[i]) hit++;
  return hit / ys.length;
}

/** Unweighted mean of per-class F1 over the classes present in labels or predictions (scikit-learn's macro average). */
export function macroF1(preds: readonly number[], ys: readonly number[], classes: number): number {
  if (ys.length === 0) return Number.NaN;
  let total = 0;
  let counted = 0;
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < ys.length; i++) {
      if (preds[i] === c && ys[i] === c) tp++;
      else if (preds[i] === c) fp++;
      else if (ys[i] === c) fn++;
    }
    if (tp + fp + fn === 0) continue;
    total += (2 * tp) / (2 * tp + fp + fn);
    counted++;
  }
  return counted === 0 ? Number.NaN : total / counted;
}

/** Area under the ROC curve by the rank statistic (ties count one half). NaN with one class only. */
export function auc(scores: readonly number[], ys: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // Average ranks over ties.
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]] = r;
    i = j + 1;
  }
  let pos = 0;
  let sumPos = 0;
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] === 1) {
      pos++;
      sumPos += ranks[i];
    }
  }
  const neg = ys.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Coefficient of determination 1 − SS_res/SS_tot (NaN when the labels are constant). */
export function r2(pred: readonly number[], ys: readonly number[]): number {
  if (ys.length === 0) return Number.NaN;
  const m = mean(ys as number[]);
  let res = 0;
  let tot = 0;
  for (let i = 0; i < ys.length; i++) {
    res += (ys[i] - pred[i]) ** 2;
    tot += (ys[i] - m) ** 2;
  }
  return tot === 0 ? Number.NaN : 1 - res / tot;
}
