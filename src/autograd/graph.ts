/**
 * The public way to build on the autograd graph, for nn/, optim/, mtl/ and users' own ops:
 * `defineOp` records a differentiable op (the forward's output next to its backward rule),
 * `expectTensor` checks an argument before the forward kernel runs, `backward` runs the reverse
 * sweep from any tensor, and `release` drops a graph that was kept with `retainGraph`.
 */
import { ValueError } from '../errors.js';
import type { Storage } from '../tensor/dtype.js';
import { recordOp } from './engine.js';
import { type BackwardFn, Tensor } from './tensor.js';

export { type BackwardOptions, backward, release } from './engine.js';
export type { BackwardFn, GradSums, ScaledSum } from './tensor.js';

/** Throws unless `x` is a Tensor, naming the op and the argument. */
export function expectTensor(op: string, x: unknown, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new ValueError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  return x;
}

/**
 * Records one differentiable op. `data` and `shape` are the output its forward kernel computed from
 * `inputs`; `backward` maps ∂L/∂output to one gradient per input (null where none is needed), and may
 * return a gradient of the output's broadcast shape (the engine sums it back to the input's shape).
 * The graph is recorded only when grad mode is on and some input requires grad; otherwise the result
 * is a plain tensor and `backward` is dropped.
 */
export function defineOp(
  name: string,
  data: Storage,
  shape: readonly number[],
  inputs: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  for (let i = 0; i < inputs.length; i++) expectTensor(name, inputs[i], `input ${i}`);
  if (typeof backward !== 'function') {
    throw new ValueError(`${name}: the backward rule must be a function, got ${typeof backward}`);
  }
  return recordOp(name, data, shape, inputs.slice(), backward);
}
