/**
 * Multi-task data `{x, y: {task: labels}}`: validation, batching, and each task's masked loss.
 */
import { tensor } from '../autograd/create.js';
import { reshape } from '../autograd/ops/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { binaryCrossEntropyWithLogits, crossEntropy, huber, l1, mse } from '../nn/index.js';
import type { DType } from '../tensor/dtype.js';
import {
  defaultLoss,
  type Labels,
  normalizeLabels,
  outputWidth,
  presentMask,
  type TaskSpec,
} from './tasks.js';

/** What users pass: features as a [N, D] tensor or nested arrays, and labels per task. */
export interface MultiTaskData {
  x: Tensor | readonly (readonly number[])[];
  y: Record<string, Labels>;
}

/** Validated data: a feature tensor and per-task labels (Float64Array, NaN = missing). */
export interface PreparedData {
  x: Tensor;
  n: number;
  labels: Float64Array[];
  tasks: readonly TaskSpec[];
}

/** Checks shapes, finiteness and labels; converts x to `dtype`. */
export function prepareData(
  data: MultiTaskData,
  tasks: readonly TaskSpec[],
  dtype: DType,
  what = 'data',
): PreparedData {
  if (data === null || typeof data !== 'object' || data.x === undefined || data.y === undefined) {
    throw new ValueError(`${what}: expected {x, y: {task: labels}}`);
  }
  let x = data.x instanceof Tensor ? data.x : tensor(data.x as number[][], { dtype });
  if (x.rank !== 2) throw new ShapeError(`${what}: x must be [rows, features], got ${fmtShape(x.shape)}`);
  if (x.dtype !== dtype) x = x.detach().to(dtype);
  const n = x.shape[0];
  if (n === 0) throw new ValueError(`${what}: x has no rows`);
  const xd = x.data;
  for (let i = 0; i < xd.length; i++) {
    if (!Number.isFinite(xd[i])) {
      const f = x.shape[1];
      throw new ValueError(
        `${what}: feature ${i % f} of row ${Math.floor(i / f)} is ${xd[i]}; features must be finite (impute or drop missing values first)`,
      );
    }
  }
  const unknown = Object.keys(data.y).filter((k) => !tasks.some((t) => t.name === k));
  if (unknown.length > 0) {
    throw new ValueError(
      `${what}: labels for unknown task(s) ${unknown.join(', ')}; tasks are ${tasks.map((t) => t.name).join(', ')}`,
    );
  }
  const labels = tasks.map((t) => {
    if (!(t.name in data.y)) throw new ValueError(`${what}: no labels for task '${t.name}'`);
    return normalizeLabels(t, data.y[t.name], n);
  });
  return { x: x.detach(), n, labels, tasks };
}

/** Rows `idx` of prepared data. */
export function subset(data: PreparedData, idx: Int32Array): PreparedData {
  const x = data.x.gather(idx, 0);
  const labels = data.labels.map((l, t) => {
    const w = data.tasks[t].kind === 'regression' ? (data.tasks[t].outputs ?? 1) : 1;
    const out = new Float64Array(idx.length * w);
    for (let i = 0; i < idx.length; i++) for (let j = 0; j < w; j++) out[i * w + j] = l[idx[i] * w + j];
    return out;
  });
  return { x, n: idx.length, labels, tasks: data.tasks };
}

/**
 * The loss of one task on a batch, with rows lacking a label masked out (they contribute nothing).
 * Returns null when no row of the batch has this task's label.
 */
export function taskLoss(task: TaskSpec, output: Tensor, labels: Float64Array): Tensor | null {
  const width = outputWidth(task);
  const n = output.shape[0];
  if (output.rank !== 2 || output.shape[1] !== width) {
    throw new ShapeError(
      `task '${task.name}': head output ${fmtShape(output.shape)}, expected [${n},${width}]`,
    );
  }
  const labelWidth = task.kind === 'regression' ? width : 1;
  const mask = presentMask(labels, labelWidth);
  let present = 0;
  for (let i = 0; i < mask.length; i++) present += mask[i];
  if (present === 0) return null;
  // Missing labels become 0 (any valid value): the mask keeps them out of the loss and its gradient.
  const clean = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) clean[i] = Number.isNaN(labels[i]) ? 0 : labels[i];
  const kind = defaultLoss(task);
  const m = present === n ? undefined : mask;
  switch (kind) {
    case 'crossEntropy':
      return crossEntropy(output, clean, { mask: m, labelSmoothing: task.labelSmoothing ?? 0 });
    case 'bce':
      return binaryCrossEntropyWithLogits(reshape(output, [n]), tensor(clean, { dtype: output.dtype }), {
        mask: m,
      });
    default: {
      const target = tensor(clean, { dtype: output.dtype, shape: [n, labelWidth] });
      const fn = kind === 'mse' ? mse : kind === 'l1' ? l1 : huber;
      return fn(output, target, { mask: m });
    }
  }
}
