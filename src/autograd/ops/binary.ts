/**
 * Binary elementwise ops with NumPy broadcasting. Backward rules return gradients of the
 * broadcast output's shape; the engine sums them back to each input's shape.
 */
import type { Storage } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { type BinaryOp, binaryKernel, broadcastTo } from '../../tensor/elementwise.js';
import { broadcastShapes, sameShape } from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import type { Operand } from '../tensor.js';
import { Tensor } from '../tensor.js';
import { operands } from './util.js';

function forward(op: BinaryOp, a: Tensor, b: Tensor): { data: Storage; shape: number[] } {
  const shape = broadcastShapes(op, a.shape, b.shape);
  let n = 1;
  for (const d of shape) n *= d;
  const data = allocate(a.dtype, n);
  binaryKernel(op, a.data, a.shape, b.data, b.shape, data, shape);
  return { data, shape };
}

/** `x` read at the output's shape (a view when the shapes already agree). */
function expand(x: Tensor, shape: number[]): Storage {
  if (sameShape(x.shape, shape)) return x.data;
  let n = 1;
  for (const d of shape) n *= d;
  const out = allocate(x.dtype, n);
  broadcastTo(x.data, x.shape, out, shape);
  return out;
}

/** a + b, elementwise with NumPy broadcasting; numbers are accepted for either operand. */
export function add(a: Operand, b: Operand): Tensor {
  const [ta, tb] = operands('add', a, b);
  const { data, shape } = forward('add', ta, tb);
  return recordOp('add', data, shape, [ta, tb], (g) => [g, g]);
}

/** a − b, elementwise with broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  const [ta, tb] = operands('sub', a, b);
  const { data, shape } = forward('sub', ta, tb);
  return recordOp('sub', data, shape, [ta, tb], (g) => {
    const gd = g.data;
    const nb = allocate(g.dtype, gd.length);
    if (tb.requiresGrad) for (let i = 0; i < gd.length; i++) nb[i] = -gd[i];
    return [g, tb.requiresGrad ? new Tensor(nb, shape) : null];
  });
}

/** a · b, elementwise with broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  const [ta, tb] = operands('mul', a, b);
  const { data, shape } = forward('mul', ta, tb);
  return recordOp('mul', data, shape, [ta, tb], (g) => {
    // d(ab)/da = b, d(ab)/db = a
    const da = ta.requiresGrad ? product(g.data, expand(tb, shape), shape) : null;
    const db = tb.requiresGrad ? product(g.data, expand(ta, shape), shape) : null;
    return [da, db];
  });
}

/** a / b, elementwise with broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  const [ta, tb] = operands('div', a, b);
  const { data, shape } = forward('div', ta, tb);
  return recordOp('div', data, shape, [ta, tb], (g) => {
    const gd = g.data;
    const bs = expand(tb, shape);
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    // d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −y/b
    if (ta.requiresGrad) {
      const d = allocate(g.dtype, gd.length);
      for (let i = 0; i < gd.length; i++) d[i] = gd[i] / bs[i];
      da = new Tensor(d, shape);
    }
    if (tb.requiresGrad) {
      const d = allocate(g.dtype, gd.length);
      for (let i = 0; i < gd.length; i++) d[i] = (-gd[i] * data[i]) / bs[i];
      db = new Tensor(d, shape);
    }
    return [da, db];
  });
}

/** Elementwise maximum; at ties the gradient is split evenly between the two inputs (as PyTorch does). */
export function maximum(a: Operand, b: Operand): Tensor {
  return extremum('maximum', a, b);
}

/** Elementwise minimum; at ties the gradient is split evenly between the two inputs (as PyTorch does). */
export function minimum(a: Operand, b: Operand): Tensor {
  return extremum('minimum', a, b);
}

function extremum(op: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  const [ta, tb] = operands(op, a, b);
  const { data, shape } = forward(op, ta, tb);
  return recordOp(op, data, shape, [ta, tb], (g) => {
    const gd = g.data;
    const as = expand(ta, shape);
    const bs = expand(tb, shape);
    const da = allocate(g.dtype, gd.length);
    const db = allocate(g.dtype, gd.length);
    const sign = op === 'maximum' ? 1 : -1;
    for (let i = 0; i < gd.length; i++) {
      const d = (as[i] - bs[i]) * sign;
      if (d > 0) da[i] = gd[i];
      else if (d < 0) db[i] = gd[i];
      else {
        da[i] = gd[i] / 2;
        db[i] = gd[i] / 2;
      }
    }
    return [new Tensor(da, shape), new Tensor(db, shape)];
  });
}

function product(g: Storage, x: Storage, shape: number[]): Tensor {
  const out = allocate(g instanceof Float64Array ? 'float64' : 'float32', g.length);
  for (let i = 0; i < g.length; i++) out[i] = g[i] * x[i];
  return new Tensor(out, shape);
}
