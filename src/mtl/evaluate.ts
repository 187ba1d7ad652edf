/** Evaluation of a multi-task model: per-task losses and metrics, in eval mode, without a graph. */

import { tensor } from '../autograd/create.js';
import { noGrad } from '../autograd/grad-mode.js';
import { argmax } from '../autograd/ops/reduce.js';
import { concat } from '../autograd/ops/shape.js';
import { softmax } from '../autograd/ops/softmax.js';
import { sigmoid } from '../autograd/ops/unary.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { allocate } from '../tensor/dtype.js';
import { showValue } from '../tensor/shape.js';
import type { MultiTaskModel } from './architectures.js';
import { checkPositiveInt } from './config.js';
import { type MultiTaskData, type PreparedData, prepareData, taskLoss } from './data.js';
import { computeMetrics, type TaskMetrics } from './metrics.js';
import { defaultMetrics, outputWidth, type TaskSpec, validateTasks } from './tasks.js';

export type { TaskMetrics };

/** Options of {@link evaluate}. */
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

/** What {@link predict} returns per task. */
export type PredictOutput = 'logits' | 'probabilities' | 'labels';

/** Options of {@link predict}: the batch size, and logits, probabilities or labels out. */
export interface PredictOptions {
  /** Rows per forward pass (default 1024). */
  batchSize?: number;
  /**
   * `logits` (default): the heads' raw outputs. `probabilities`: softmax over the classes [rows, classes] for
   * classification, the sigmoid [rows, 1] for binary. `labels`: the class index [rows] (the first of equal maxima)
   * for classification, 0/1 [rows] for binary (1 when the probability is at least ½). Regression outputs are the
   * raw values in every mode. Both need `tasks`, since the heads alone do not say which kind each task is.
   */
  output?: PredictOutput;
  /** The task specs the model was built with (needed unless `output` is `logits`). */
  tasks?: readonly TaskSpec[];
}

const PREDICT_OPTIONS = ['batchSize', 'output', 'tasks'] as const;
const PREDICT_OUTPUTS: readonly PredictOutput[] = ['logits', 'probabilities', 'labels'];

/**
 * Model outputs for every row of x, per task (eval mode, no graph). `x` is a [rows, features]
 * tensor or nested arrays of numbers (converted to the model's dtype), e.g. `tableToData(table).x`.
 * The third argument is the batch size or {@link PredictOptions}.
 *
 * @throws ValueError for a bad batch size or output, or `tasks` missing or not the model's tasks;
 *   ShapeError when x is not [rows, features].
 */
export function predict(
  model: MultiTaskModel,
  x: Tensor | readonly (readonly number[])[],
  options: number | PredictOptions = {},
): Record<string, Tensor> {
  const opts = typeof options === 'number' ? { batchSize: options } : options;
  checkOptionKeys('predict', opts, PREDICT_OPTIONS);
  const batchSize = checkPositiveInt('predict', 'batchSize', opts.batchSize, 1024);
  const output = opts.output ?? 'logits';
  if (!PREDICT_OUTPUTS.includes(output)) {
    throw new ValueError(`predict: output must be ${PREDICT_OUTPUTS.join(', ')}, got ${showValue(output)}`);
  }
  const tasks = output === 'logits' ? [] : modelTasks(model, opts.tasks, output);
  const raw = forwardInBatches(model, inputTensor(model, x), batchSize);
  if (output === 'logits') return raw;
  return noGrad(() => {
    const out: Record<string, Tensor> = {};
    for (const t of tasks) out[t.name] = transformOutput(t, raw[t.name], output);
    return out;
  });
}

/** `tasks`, checked to name exactly the model's tasks. */
function modelTasks(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[] | undefined,
  output: string,
): TaskSpec[] {
  if (tasks === undefined) {
    throw new ValueError(
      `predict: output '${output}' needs the task specs ({output, tasks}) to tell classification from binary and regression heads`,
    );
  }
  validateTasks(tasks);
  const names = tasks.map((t) => t.name);
  if (names.length !== model.taskNames.length || model.taskNames.some((n) => !names.includes(n))) {
    throw new ValueError(
      `predict: tasks name ${names.join(', ')}, but the model's tasks are ${model.taskNames.join(', ')}`,
    );
  }
  return [...tasks];
}

/** One task's logits as probabilities or labels (regression values pass through). */
function transformOutput(task: TaskSpec, logits: Tensor, output: PredictOutput): Tensor {
  if (task.kind === 'regression') return logits;
  if (task.kind === 'classification')
    return output === 'probabilities' ? softmax(logits, -1) : argmax(logits, -1);
  if (output === 'probabilities') return sigmoid(logits);
  // σ(z) ≥ ½ exactly when z ≥ 0.
  const z = logits.data;
  const labels = allocate(logits.dtype, z.length);
  for (let i = 0; i < z.length; i++) labels[i] = z[i] >= 0 ? 1 : 0;
  return new Tensor(labels, [z.length]);
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

function forwardInBatches(model: MultiTaskModel, x: Tensor, batchSize: number): Record<string, Tensor> {
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
  const outputs = forwardInBatches(model, data.x, checkPositiveInt('evaluate', 'batchSize', batchSize, 1024));
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
