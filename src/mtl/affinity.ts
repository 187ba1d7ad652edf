/**
 * Task grouping by inter-task affinity, TAG (Fifty et al., NeurIPS 2021, "Efficiently Identifying Task
 * Groupings for Multi-Task Learning"):
 *  - {@link taskAffinity}: while training all tasks together, at every step and for every task i, a lookahead
 *    SGD step of the shared parameters on L_i alone, θ⁺_i = θ_s − η∇_{θ_s}L_i, and the affinity of i onto every
 *    task j on the same batch, Z_{i→j} = 1 − L_j(θ⁺_i)/L_j(θ): positive when i's step also lowers j's loss.
 *  - {@link groupTasks}: the partition of the tasks into k groups with the largest total affinity.
 */

import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { SGD } from '../optim/index.js';
import { checkOptionKeys } from '../options.js';
import { Rng } from '../tensor/rng.js';
import type { MultiTaskModel } from './architectures.js';
import { checkPositiveInt } from './config.js';
import { type MultiTaskData, type PreparedData, prepareData, subset, taskLoss } from './data.js';
import { cutRepresentation, representationGradients, sharedJacobian, writeDirection } from './jacobian.js';
import type { TaskSpec } from './tasks.js';
import { NonFiniteLossError } from './trainer.js';

/** Options of {@link taskAffinity}: the tasks and the short SGD run the affinity is measured over. */
export interface TaskAffinityOptions {
  tasks: readonly TaskSpec[];
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Rows per step (default 32). */
  batchSize?: number;
  /** Learning rate η of the lookahead and of the training steps (plain SGD on Σ_t L_t; default 0.01). */
  lr?: number;
  /** Seed of the batch order (default 0). */
  seed?: number;
}

const AFFINITY_KEYS = ['tasks', 'epochs', 'batchSize', 'lr', 'seed'] as const;

/** Each task's loss on the batch (no graph), or null when the batch has no label for it. */
function batchLosses(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[],
  batch: PreparedData,
): (number | null)[] {
  return noGrad(() => {
    const out = model.forward(batch.x);
    return tasks.map((t, i) => taskLoss(t, out[t.name], batch.labels[i])?.item() ?? null);
  });
}

/** Adds `scale`·row (flattened in `shared` order) to the shared parameters' values. */
function shift(shared: readonly Tensor[], row: Float64Array, scale: number): void {
  let off = 0;
  for (const p of shared) {
    for (let k = 0; k < p.size; k++) p.data[k] += scale * row[off + k];
    off += p.size;
  }
}

/** Z_{i→j} of one batch added into `sum` and `count`; J are the task gradients over the shared parameters. */
function lookahead(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[],
  batch: PreparedData,
  J: readonly Float64Array[],
  lr: number,
  acc: { sum: number[][]; count: number[][] },
): void {
  const shared = model.sharedParameters();
  model.eval();
  const before = batchLosses(model, tasks, batch);
  const saved = shared.map((p) => p.data.slice());
  J.forEach((row, i) => {
    if (before[i] === null) return;
    shift(shared, row, -lr);
    const after = batchLosses(model, tasks, batch);
    shared.forEach((p, k) => p.data.set(saved[k]));
    after.forEach((a, j) => {
      const b = before[j];
      if (a === null || b === null || !(b > 0)) return; // Z is undefined without a (positive) loss to compare
      acc.sum[i][j] += 1 - a / b;
      acc.count[i][j]++;
    });
  });
  model.train();
}

/**
 * TAG's inter-task affinity matrix: row i, column j is Z_{i→j} averaged over every training step (NaN when never
 * defined: a task without labels or with zero loss). It TRAINS the model as it measures (plain SGD on the sum
 * of the task losses, as TAG measures during joint training), so pass a freshly built model. Losses are
 * measured in evaluation mode (no dropout), before and after each lookahead, on the step's batch.
 */
export function taskAffinity(
  model: MultiTaskModel,
  data: MultiTaskData,
  options: TaskAffinityOptions,
): number[][] {
  checkOptionKeys('taskAffinity', options, AFFINITY_KEYS);
  const { tasks } = options;
  const epochs = checkPositiveInt('taskAffinity', 'epochs', options.epochs, 1);
  const batchSize = checkPositiveInt('taskAffinity', 'batchSize', options.batchSize, 32);
  const lr = options.lr ?? 0.01;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr))
    throw new ValueError(`taskAffinity: lr must be a finite number > 0, got ${String(lr)}`);
  const prepared = prepareData(data, tasks, model.dtype, 'taskAffinity: data');
  const T = tasks.length;
  const acc = { sum: grid(T, 0), count: grid(T, 0) };
  const shared = model.sharedParameters();
  const optimizer = new SGD(model.parameters(), { lr });
  const rng = new Rng(options.seed ?? 0);
  for (let e = 0; e < epochs; e++) {
    const order = rng.permutation(prepared.n);
    for (let start = 0; start < prepared.n; start += batchSize) {
      const batch = subset(prepared, order.subarray(start, Math.min(prepared.n, start + batchSize)));
      model.train();
      const { z, zHat } = cutRepresentation(model, batch.x);
      const outputs = model.decode(zHat, batch.x);
      const losses = tasks.map((t, i) => taskLoss(t, outputs[t.name], batch.labels[i]));
      const bad = losses.findIndex((l) => l !== null && !Number.isFinite(l.item()));
      if (bad >= 0)
        throw new NonFiniteLossError(
          `taskAffinity: the loss of task '${tasks[bad].name}' became ${losses[bad]?.item()} at epoch ${e + 1}; try a smaller lr`,
          tasks[bad].name,
          e,
          start / batchSize,
        );
      // Heads receive their own task's gradient; J holds each task's gradient over the shared parameters.
      const J = sharedJacobian(z, representationGradients(zHat, losses), shared);
      lookahead(model, tasks, batch, J, lr, acc);
      const total = new Float64Array(J[0].length);
      for (const row of J) for (let k = 0; k < total.length; k++) total[k] += row[k];
      writeDirection(shared, total);
      optimizer.step();
      optimizer.zeroGrad();
    }
  }
  model.train();
  return acc.sum.map((row, i) =>
    row.map((s, j) => (acc.count[i][j] === 0 ? Number.NaN : s / acc.count[i][j])),
  );
}

function grid(n: number, value: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(value));
}

/** The largest number of tasks {@link groupTasks} searches exhaustively (Bell(10) = 115 975 partitions). */
export const MAX_GROUPED_TASKS = 10;

/** What {@link groupTasks} returns: the chosen groups and their total affinity. */
export interface TaskGrouping {
  /** Task indices per group, each group ascending, groups ordered by their first task. */
  groups: number[][];
  /** The total affinity of the grouping (see {@link groupTasks}). */
  score: number;
}

/**
 * Splits the tasks into exactly k non-empty groups maximising the total affinity: every task j scores the mean
 * affinity onto it from the other members of its group, (1/(|G|−1)) Σ_{i∈G, i≠j} Z_{i→j} (0 alone), as in TAG;
 * the score is the sum over tasks. Every partition is searched, for up to {@link MAX_GROUPED_TASKS} tasks.
 * (TAG also lets groups overlap and serves each task by its best group; here each task is in one group.)
 */
export function groupTasks(affinity: readonly (readonly number[])[], k: number): TaskGrouping {
  const T = checkAffinity(affinity);
  if (!Number.isInteger(k) || k < 1 || k > T)
    throw new ValueError(`groupTasks: k must be an integer in [1, ${T}] (the number of tasks), got ${k}`);
  const label = new Int32Array(T);
  let best: TaskGrouping = { groups: [], score: Number.NEGATIVE_INFINITY };
  // Restricted growth strings: task t joins one of the groups so far or opens the next, while k can still be met.
  const visit = (t: number, used: number): void => {
    if (t === T) {
      if (used !== k) return;
      const score = groupingScore(affinity, label, k);
      if (score > best.score) best = { groups: groupsOf(label, k), score };
      return;
    }
    if (k - used > T - t) return;
    for (let g = 0; g < Math.min(used + 1, k); g++) {
      label[t] = g;
      visit(t + 1, Math.max(used, g + 1));
    }
  };
  visit(0, 0);
  return best;
}

/** The number of tasks of a square, finite affinity matrix; ValueError otherwise. */
function checkAffinity(affinity: readonly (readonly number[])[]): number {
  const T = Array.isArray(affinity) ? affinity.length : 0;
  if (T === 0 || !affinity.every((row) => Array.isArray(row) && row.length === T))
    throw new ValueError(
      'groupTasks: affinity must be a non-empty square matrix (an array of equal-length rows)',
    );
  if (T > MAX_GROUPED_TASKS)
    throw new ValueError(
      `groupTasks: ${T} tasks; the exhaustive search handles at most ${MAX_GROUPED_TASKS} (the number of partitions grows faster than exponentially)`,
    );
  affinity.forEach((row, i) =>
    row.forEach((v, j) => {
      if (i !== j && !Number.isFinite(v))
        throw new ValueError(
          `groupTasks: affinity[${i}][${j}] is ${v}; every off-diagonal entry must be finite`,
        );
    }),
  );
  return T;
}

function groupingScore(affinity: readonly (readonly number[])[], label: Int32Array, k: number): number {
  const size = new Int32Array(k);
  for (const g of label) size[g]++;
  let score = 0;
  for (let j = 0; j < label.length; j++) {
    const n = size[label[j]];
    if (n === 1) continue;
    let s = 0;
    for (let i = 0; i < label.length; i++) if (i !== j && label[i] === label[j]) s += affinity[i][j];
    score += s / (n - 1);
  }
  return score;
}

function groupsOf(label: Int32Array, k: number): number[][] {
  const groups: number[][] = Array.from({ length: k }, () => []);
  label.forEach((g, t) => {
    groups[g].push(t);
  });
  return groups;
}
