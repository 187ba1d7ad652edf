/** A saved model's head outputs as predictions in the training data's terms: class names and values in label units. */
import type { Tensor } from '../autograd/tensor.js';
import { inverseTargets } from '../data/standardize.js';
import { sigmoid } from '../mtl/metrics.js';
import { softmaxVector } from '../tensor/reduce.js';
import type { ModelConfig } from './config.js';

/** The prediction of one task for one row. */
export type TaskPrediction =
  | {
      /** The predicted class name. */
      label: string;
      /** Probability of the predicted class. */
      probability: number;
      /** Probability of every class, by name. */
      probabilities: Record<string, number>;
    }
  | {
      /** The predicted value, in the units of the training labels. */
      value: number;
    };

/** Predictions for one input row. `row` counts data rows from 1; `line` is the CSV line. */
export interface RowPrediction {
  row: number;
  line?: number;
  tasks: Record<string, TaskPrediction>;
}

/**
 * Turns head outputs (logits; standardised regression values) of `n` rows into per-row predictions:
 * class name and probabilities (argmax, ties to the first class; binary positive when p ≥ 0.5), or
 * the value in original units.
 */
export function decodeOutputs(
  config: ModelConfig,
  outputs: Record<string, Tensor>,
  n: number,
): Record<string, TaskPrediction>[] {
  const rows: Record<string, TaskPrediction>[] = Array.from({ length: n }, () => ({}));
  for (const task of config.tasks) {
    const out = outputs[task.name].data;
    if (task.kind === 'regression') {
      const values = inverseTargets(config.targetStandardizer, task.name, out);
      for (let i = 0; i < n; i++) rows[i][task.name] = { value: values[i] };
      continue;
    }
    const classes = task.classes as string[];
    for (let i = 0; i < n; i++) {
      const p =
        task.kind === 'binary'
          ? [1 - sigmoid(out[i]), sigmoid(out[i])]
          : softmaxVector(out, i * classes.length, classes.length);
      let best = 0;
      if (task.kind === 'binary') best = p[1] >= 0.5 ? 1 : 0;
      else for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
      const probabilities: Record<string, number> = {};
      classes.forEach((c, k) => {
        probabilities[c] = p[k];
      });
      rows[i][task.name] = { label: classes[best], probability: p[best], probabilities };
    }
  }
  return rows;
}
