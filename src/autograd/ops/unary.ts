/** Elementwise unary ops; each forward kernel call sits next to its backward rule. */
import { ValueError } from '../../errors.js';
import type { Storage } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { clampKernel, powKernel, type UnaryOp, unaryKernel } from '../../tensor/elementwise.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';

/** Runs a unary kernel and records `rule(x, y, g)` → dx as the backward. */
function unary(
  op: UnaryOp,
  x: Tensor,
  rule: (x: Storage, y: Storage, g: Storage, dx: Storage) => void,
): Tensor {
  expectTensor(op, x);
  const y = allocate(x.dtype, x.size);
  unaryKernel(op, x.data, y);
  return recordOp(op, y, x.shape, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    rule(x.data, y, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}

export function neg(x: Tensor): Tensor {
  return unary('neg', x, (_x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = -g[i];
  });
}

export function exp(x: Tensor): Tensor {
  // d/dx e^x = e^x = y
  return unary('exp', x, (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i];
  });
}

export function log(x: Tensor): Tensor {
  return unary('log', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / xs[i];
  });
}

export function sqrt(x: Tensor): Tensor {
  // d/dx √x = 1 / (2√x) = 1 / (2y)
  return unary('sqrt', x, (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / (2 * y[i]);
  });
}

export function abs(x: Tensor): Tensor {
  // The subgradient at 0 is 0, as in PyTorch.
  return unary('abs', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) {
      const v = xs[i];
      dx[i] = v > 0 ? g[i] : v < 0 ? -g[i] : 0;
    }
  });
}

export function sin(x: Tensor): Tensor {
  return unary('sin', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * Math.cos(xs[i]);
  });
}

export function cos(x: Tensor): Tensor {
  return unary('cos', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = -g[i] * Math.sin(xs[i]);
  });
}

export function tanh(x: Tensor): Tensor {
  // d/dx tanh x = 1 − y²
  return unary('tanh', x, (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * (1 - y[i] * y[i]);
  });
}

export function sigmoid(x: Tensor): Tensor {
  // d/dx σ(x) = y(1 − y)
  return unary('sigmoid', x, (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i] * (1 - y[i]);
  });
}

export function relu(x: Tensor): Tensor {
  // The subgradient at 0 is 0, as in PyTorch.
  return unary('relu', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = xs[i] > 0 ? g[i] : 0;
  });
}

export function square(x: Tensor): Tensor {
  return unary('square', x, (xs, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = 2 * xs[i] * g[i];
  });
}

/** x ** p for a number exponent. */
export function pow(x: Tensor, p: number): Tensor {
  expectTensor('pow', x);
  if (typeof p !== 'number' || Number.isNaN(p))
    throw new ValueError(`pow: exponent must be a number, got ${String(p)}`);
  const y = allocate(x.dtype, x.size);
  powKernel(x.data, p, y);
  return recordOp('pow', y, x.shape, [x], (g) => {
    const xs = x.data;
    const gd = g.data;
    const dx = allocate(x.dtype, x.size);
    // d/dx x^p = p·x^(p−1); p = 0 has zero gradient everywhere (also at x = 0).
    if (p !== 0) for (let i = 0; i < dx.length; i++) dx[i] = gd[i] * p * xs[i] ** (p - 1);
    return [new Tensor(dx, x.shape)];
  });
}

/** Limits values to [min, max]; either bound may be omitted. The gradient is 1 inside, 0 outside. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  expectTensor('clamp', x);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new ValueError('clamp: bounds must not be NaN');
  if (lo > hi) throw new ValueError(`clamp: min ${lo} is greater than max ${hi}`);
  const y = allocate(x.dtype, x.size);
  clampKernel(x.data, lo, hi, y);
  return recordOp('clamp', y, x.shape, [x], (g) => {
    const xs = x.data;
    const gd = g.data;
    const dx = allocate(x.dtype, x.size);
    for (let i = 0; i < dx.length; i++) dx[i] = xs[i] >= lo && xs[i] <= hi ? gd[i] : 0;
    return [new Tensor(dx, x.shape)];
  });
}
