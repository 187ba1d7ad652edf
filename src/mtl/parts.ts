/**
 * What every architecture's `build` shares: the common options, MLPs with the activation after every layer
 * (trunks, experts, columns), and the task heads, which are linear layers or towers (MLPs over `towerHidden`).
 */

import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Linear, MLP } from '../nn/index.js';
import type { Module } from '../nn/module.js';
import type { DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import { outputWidth, type TaskSpec } from './tasks.js';

/**
 * Options every architecture's `build` takes: the inputs, the tasks, the activation, dropout, the
 * towers, the generator and the dtype.
 */
export interface BuildOptions {
  /** Number of input features. */
  inputs: number;
  tasks: readonly TaskSpec[];
  /** Activation between layers, towers included (default relu). */
  activation?: 'relu' | 'tanh' | 'gelu' | 'leakyRelu' | 'sigmoid' | 'softplus';
  dropout?: number;
  /**
   * Hidden layer sizes of each task's tower (default []: a linear head). A tower is an MLP
   * [width, ...towerHidden, outputs] with the activation after each hidden layer and raw outputs.
   */
  towerHidden?: readonly number[];
  rng?: Rng;
  dtype?: DType;
}

export const BUILD_OPTIONS = [
  'inputs',
  'tasks',
  'activation',
  'dropout',
  'towerHidden',
  'rng',
  'dtype',
] as const;

/** An MLP of `sizes` with the activation after every layer, the output included (a trunk or an expert). */
export function activatedMlp(sizes: readonly number[], options: BuildOptions): MLP {
  const activation = options.activation ?? 'relu';
  return new MLP(sizes, {
    activation,
    outputActivation: activation,
    dropout: options.dropout ?? 0,
    rng: options.rng,
    dtype: options.dtype,
  });
}

/** Throws a ValueError naming `where` and `name` unless `value` lists positive integer sizes (at least one). */
export function checkSizes(where: string, name: string, value: unknown, allowEmpty = false): void {
  const ok =
    Array.isArray(value) &&
    (allowEmpty || value.length > 0) &&
    value.every((h) => Number.isInteger(h) && h >= 1);
  if (!ok) throw new ValueError(`${where}: ${name} must list positive layer sizes, got [${String(value)}]`);
}

/** Throws a ValueError unless `inputs` is a positive integer and `towerHidden` (if given) lists sizes. */
export function checkCommonOptions(where: string, options: BuildOptions): void {
  const { inputs, towerHidden } = options;
  if (!Number.isInteger(inputs) || inputs < 1)
    throw new ValueError(`${where}: inputs must be ≥ 1, got ${inputs}`);
  if (towerHidden !== undefined) checkSizes(where, 'towerHidden', towerHidden, true);
}

/** One head per task reading `width` features: a tower over towerHidden, or a Linear layer when it is empty. */
export function buildTowers(width: number, options: BuildOptions): Record<string, Module<Tensor, Tensor>> {
  const hidden = options.towerHidden ?? [];
  const { rng, dtype } = options;
  const towers: Record<string, Module<Tensor, Tensor>> = {};
  for (const t of options.tasks) {
    towers[t.name] =
      hidden.length === 0
        ? new Linear(width, outputWidth(t), { rng, dtype })
        : new MLP([width, ...hidden, outputWidth(t)], {
            activation: options.activation ?? 'relu',
            dropout: options.dropout ?? 0,
            rng,
            dtype,
          });
  }
  return towers;
}
