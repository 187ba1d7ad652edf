/** Reductions over one axis, a list of axes, or all axes, with keepDims. */
import { ShapeError } from '../../errors.js';
import type { Storage } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { broadcastTo } from '../../tensor/elementwise.js';
import { permuteKernel } from '../../tensor/layout.js';
import { argExtremumKernel, logSumExpKernel, type ReduceOp, reduceKernel } from '../../tensor/reduce.js';
import { normAxes, normAxis, reducedShape, sizeOf, splitAtAxis } from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { type Axis, type ReduceOptions, Tensor } from '../tensor.js';

/** Applies `op` over `axes` one axis at a time (last first); returns data in keepDims layout. */
function reduceData(op: ReduceOp, x: Tensor, axes: number[]): Storage {
  let data = x.data;
  const shape = x.shape.slice();
  for (let i = axes.length - 1; i >= 0; i--) {
    const ax = axes[i];
    const [outer, n, inner] = splitAtAxis(shape, ax);
    const out = allocate(x.dtype, outer * inner);
    reduceKernel(op, data, outer, n, inner, out);
    data = out;
    shape[ax] = 1;
  }
  // Reducing no axes (a scalar, or axis = []) still returns a fresh array.
  return data === x.data ? data.slice() : data;
}

function checkNonEmpty(op: string, x: Tensor, axes: number[]): void {
  for (const a of axes) {
    if (x.shape[a] === 0)
      throw new ShapeError(`${op}: cannot reduce axis ${a} of size 0 (shape [${x.shape.join(',')}])`);
  }
}

/** g (reduced shape) broadcast back over the input's shape. */
function spread(g: Tensor, x: Tensor, axes: number[]): Storage {
  const keep = reducedShape(x.shape, axes, true);
  const out = allocate(x.dtype, x.size);
  broadcastTo(g.data, keep, out, x.shape);
  return out;
}

/** Sum over `axis` (a number, a list of axes, or all axes when omitted); keepDims keeps them as size 1. */
export function sum(x: Tensor, axis?: Axis, options: ReduceOptions = {}): Tensor {
  expectTensor('sum', x);
  const axes = normAxes('sum', axis, x.rank);
  const data = reduceData('sum', x, axes);
  const shape = reducedShape(x.shape, axes, options.keepDims === true);
  return recordOp('sum', data, shape, [x], (g) => [new Tensor(spread(g, x, axes), x.shape)]);
}

/** Mean over `axis` (all axes when omitted); the mean of nothing is NaN. */
export function mean(x: Tensor, axis?: Axis, options: ReduceOptions = {}): Tensor {
  expectTensor('mean', x);
  const axes = normAxes('mean', axis, x.rank);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  // The mean of nothing is NaN, as in NumPy and PyTorch.
  const data = reduceData('sum', x, axes);
  for (let i = 0; i < data.length; i++) data[i] /= count;
  const shape = reducedShape(x.shape, axes, options.keepDims === true);
  return recordOp('mean', data, shape, [x], (g) => {
    const dx = spread(g, x, axes);
    for (let i = 0; i < dx.length; i++) dx[i] /= count;
    return [new Tensor(dx, x.shape)];
  });
}

/** Maximum over `axis` (all axes when omitted); tied maxima share the gradient evenly. */
export function max(x: Tensor, axis?: Axis, options: ReduceOptions = {}): Tensor {
  return extremum('max', x, axis, options);
}

/** Minimum over `axis` (all axes when omitted); tied minima share the gradient evenly. */
export function min(x: Tensor, axis?: Axis, options: ReduceOptions = {}): Tensor {
  return extremum('min', x, axis, options);
}

/** max/min; the gradient is shared evenly among tied extremal elements (PyTorch's amax/amin rule). */
function extremum(op: 'max' | 'min', x: Tensor, axis: Axis | undefined, options: ReduceOptions): Tensor {
  expectTensor(op, x);
  const axes = normAxes(op, axis, x.rank);
  checkNonEmpty(op, x, axes);
  const data = reduceData(op, x, axes);
  const shape = reducedShape(x.shape, axes, options.keepDims === true);
  return recordOp(op, data, shape, [x], (g) => {
    const keep = reducedShape(x.shape, axes, true);
    const ext = allocate(x.dtype, x.size);
    broadcastTo(data, keep, ext, x.shape);
    const hit = allocate(x.dtype, x.size);
    const xs = x.data;
    for (let i = 0; i < hit.length; i++) hit[i] = xs[i] === ext[i] ? 1 : 0;
    const counts = reduceData('sum', new Tensor(hit, x.shape), axes);
    const share = allocate(x.dtype, counts.length);
    for (let i = 0; i < share.length; i++) share[i] = g.data[i] / counts[i];
    const dx = allocate(x.dtype, x.size);
    broadcastTo(share, keep, dx, x.shape);
    for (let i = 0; i < dx.length; i++) dx[i] *= hit[i];
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * Index of the maximum along `axis` (of the flattened tensor when omitted), as a tensor of the
 * input's dtype holding integers. Not differentiable.
 */
export function argmax(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmax', x, axis, options);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted). Not differentiable. */
export function argmin(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmin', x, axis, options);
}

function argExtremum(
  op: 'argmax' | 'argmin',
  x: Tensor,
  axis: number | undefined,
  options: ReduceOptions,
): Tensor {
  expectTensor(op, x);
  const isMax = op === 'argmax';
  if (axis === undefined) {
    if (x.size === 0) throw new ShapeError(`${op}: cannot take the ${op} of an empty tensor`);
    const out = allocate(x.dtype, 1);
    argExtremumKernel(x.data, 1, x.size, 1, out, isMax);
    return new Tensor(out, options.keepDims ? x.shape.map(() => 1) : []);
  }
  const ax = normAxis(op, axis, x.rank);
  checkNonEmpty(op, x, [ax]);
  const [outer, n, inner] = splitAtAxis(x.shape, ax);
  const out = allocate(x.dtype, outer * inner);
  argExtremumKernel(x.data, outer, n, inner, out, isMax);
  return new Tensor(out, reducedShape(x.shape, [ax], options.keepDims === true));
}

/** log Σ exp(x) over the axes, computed stably (max-shifted). The gradient is softmax(x). */
export function logSumExp(x: Tensor, axis?: Axis, options: ReduceOptions = {}): Tensor {
  expectTensor('logSumExp', x);
  const axes = normAxes('logSumExp', axis, x.rank);
  // Several axes: move them together by treating the tensor as [kept..., reduced...] would need a
  // permute; instead reduce over the flattened set of axes when they are contiguous, else permute.
  const keep = reducedShape(x.shape, axes, true);
  const src = axes.length === 0 ? x : moveAxesLast(x, axes);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const outer = sizeOf(keep);
  const data = allocate(x.dtype, outer);
  if (axes.length === 0) data.set(x.data);
  else logSumExpKernel(src.data, outer, n, 1, data);
  const shape = reducedShape(x.shape, axes, options.keepDims === true);
  return recordOp('logSumExp', data, shape, [x], (g) => {
    const lse = allocate(x.dtype, x.size);
    broadcastTo(data, keep, lse, x.shape);
    const gs = allocate(x.dtype, x.size);
    broadcastTo(g.data, keep, gs, x.shape);
    const xs = x.data;
    const dx = allocate(x.dtype, x.size);
    for (let i = 0; i < dx.length; i++) dx[i] = gs[i] * Math.exp(xs[i] - lse[i]);
    return [new Tensor(dx, x.shape)];
  });
}

/** A contiguous copy of x with `axes` moved to the end (in order), others keeping their order. */
function moveAxesLast(x: Tensor, axes: number[]): Tensor {
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...rest, ...axes];
  if (perm.every((p, i) => p === i)) return x;
  const out = allocate(x.dtype, x.size);
  permuteKernel(x.data, x.shape, perm, out);
  return new Tensor(
    out,
    perm.map((p) => x.shape[p]),
  );
}
