/**
 * Elementwise unary ops: a table of gradient rules, one per forward kernel, plus pow and clamp
 * (which take a parameter).
 */
import { ValueError } from '../../errors.js';
import type { Storage } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { clampKernel, powKernel, type UnaryOp, unaryKernel } from '../../tensor/elementwise.js';
import { showValue } from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';

/**
 * The backward rule of an elementwise op y = f(x): writes dx = g·f'(x), reading x or the forward's
 * output y (whichever is cheaper).
 */
type UnaryRule = (x: Storage, y: Storage, g: Storage, dx: Storage) => void;

/**
 * One gradient rule per elementwise kernel of tensor/elementwise.ts (its forward): keyed by the
 * kernel's op names, so a kernel added there without a rule here does not compile.
 */
const RULES: Record<UnaryOp, UnaryRule> = {
  neg: (_x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = -g[i];
  },
  // d/dx e^x = e^x = y
  exp: (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i];
  },
  log: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / x[i];
  },
  // d/dx √x = 1 / (2√x) = 1 / (2y)
  sqrt: (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / (2 * y[i]);
  },
  // The subgradient at 0 is 0, as in PyTorch.
  abs: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) {
      const v = x[i];
      dx[i] = v > 0 ? g[i] : v < 0 ? -g[i] : 0;
    }
  },
  sin: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * Math.cos(x[i]);
  },
  cos: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = -g[i] * Math.sin(x[i]);
  },
  // d/dx tanh x = 1 − y²
  tanh: (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * (1 - y[i] * y[i]);
  },
  // d/dx σ(x) = y(1 − y)
  sigmoid: (_x, y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i] * (1 - y[i]);
  },
  // The subgradient at 0 is 0, as in PyTorch.
  relu: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = x[i] > 0 ? g[i] : 0;
  },
  square: (x, _y, g, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = 2 * x[i] * g[i];
  },
};

/** Runs the kernel `op` and records its rule from the table as the backward. */
function unary(op: UnaryOp, x: Tensor): Tensor {
  expectTensor(op, x);
  const y = allocate(x.dtype, x.size);
  unaryKernel(op, x.data, y);
  const rule = RULES[op];
  return recordOp(op, y, x.shape, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    rule(x.data, y, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}

/** −x, elementwise. */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** e^x, elementwise. */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm, elementwise. */
export const log = (x: Tensor): Tensor => unary('log', x);
/** Square root, elementwise. */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** |x|, elementwise (the gradient at 0 is 0). */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** Sine, elementwise. */
export const sin = (x: Tensor): Tensor => unary('sin', x);
/** Cosine, elementwise. */
export const cos = (x: Tensor): Tensor => unary('cos', x);
/** Hyperbolic tangent, elementwise. */
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** 1 / (1 + e^−x), elementwise. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** max(x, 0), elementwise (the gradient at 0 is 0, as PyTorch). */
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** x², elementwise. */
export const square = (x: Tensor): Tensor => unary('square', x);

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
  for (const [name, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== undefined && typeof v !== 'number')
      throw new ValueError(`clamp: ${name} must be a number or undefined, got ${showValue(v)}`);
  }
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
