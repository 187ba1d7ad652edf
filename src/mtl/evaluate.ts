/** Evaluation of a multi-task model: per-task losses and metrics, in eval mode, without a graph. */

import { tensor } from '../autograd/create.js';
import { noGrad } from '../autograd/grad-mode.js';
import { concat } from '../autograd/ops/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { showValue } from '../tensor/shape.js';
import type { MultiTaskModel } from './architectures.js';
import { checkPositiveInt } from './config.js';
import { type MultiTaskData, type PreparedData, prepareData, taskLoss } from './data.js';
import { computeMetrics, type TaskMetrics } from './metrics.js';
import { defaultMetrics, outputWidth, type TaskSpec, validateTasks } from './tasks.js';

export type { TaskMetrics };

export interface EvaluateOptions {
  tasks: readonly TaskSpec[];
  /** Rows per forward pass (default 1024). */
  batchSize?: number;
}

/**
 * Per-task metrics (accuracy, macroF1, logLoss, auc for binary; mse, mae, r2 for regression) and the
 * task's mean loss, over the rows that have that task's label. `count` is the number of such rows.
 */
export function evaluate(
  model: MultiTaskModel,
  data: MultiTaskData,
  options: EvaluateOptions,
): Record<string, TaskMetrics> {
  checkOptionKeys('evaluate', options, ['tasks', 'batchSize']);
  validateTasks(options?.tasks);
  const batchSize = checkPositiveInt('evaluate', 'batchSize', options.batchSize, 1024);
  return evaluatePrepared(model, prepareData(data, options.tasks, model.dtype), batchSize);
}

/**
 * Model outputs for every row of x, per task (eval mode, no graph). `x` is a [rows, features]
 * tensor or nested arrays of numbers (converted to the model's dtype).
 */
export function predict(
  model: MultiTaskModel,
  x: Tensor | readonly (readonly number[])[],
  batchSize = 1024,
): Record<string, Tensor> {
  checkPositiveInt('predict', 'batchSize', batchSize, 1024);
  return predictRows(model, inputTensor(model, x), batchSize);
}

function inputTensor(model: MultiTaskModel, x: Tensor | readonly (readonly number[])[]): Tensor {
  let t: Tensor;
  if (x instanceof Tensor) t = x;
  else if (Array.isArray(x)) t = tensor(x as number[][], { dtype: model.dtype });
  else throw new ValueError(`predict: x must be a Tensor or nested arrays of numbers, got ${showValue(x)}`);
  if (t.rank !== 2)
    throw new ShapeError(`predict: x must be [rows, features], got shape ${fmtShape(t.shape)}`);
  return t;
}

function predictRows(model: MultiTaskModel, x: Tensor, batchSize: number): Record<string, Tensor> {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = x.shape[0];
      const parts: Record<string, Tensor[]> = {};
      for (let start = 0; start < n; start += batchSize) {
        const xb = n <= batchSize ? x : x.slice([[start, Math.min(n, start + batchSize)]]);
        const out = model.forward(xb);
        for (const [k, v] of Object.entries(out)) (parts[k] ??= []).push(v);
      }
      const result: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(parts)) result[k] = v.length === 1 ? v[0] : concat(v, 0);
      return result;
    });
  } finally {
    model.train(wasTraining);
  }
}

export function evaluatePrepared(
  model: MultiTaskModel,
  data: PreparedData,
  batchSize = 1024,
): Record<string, TaskMetrics> {
  const outputs = predictRows(model, data.x, checkPositiveInt('evaluate', 'batchSize', batchSize, 1024));
  const result: Record<string, TaskMetrics> = {};
  noGrad(() => {
    data.tasks.forEach((task, t) => {
      const out = outputs[task.name];
      const labels = data.labels[t];
      const loss = taskLoss(task, out, labels);
      const width = task.kind === 'regression' ? outputWidth(task) : 1;
      let count = 0;
      for (let i = 0; i < labels.length; i += width) if (!Number.isNaN(labels[i])) count++;
      const metrics = computeMetrics(task, out.data, outputWidth(task), labels, defaultMetrics(task));
      result[task.name] = { ...metrics, loss: loss === null ? Number.NaN : loss.item(), count };
    });
  });
  return result;
}
