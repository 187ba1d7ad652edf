/**
 * Elementwise kernels on raw typed arrays. They know nothing of gradients.
 * Each op is one tight loop; the op is chosen once per call (outside the loop), never per element.
 */
import type { Storage } from './dtype.js';
import { broadcastStrides, sameShape, sizeOf } from './shape.js';

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'square';

/** out[i] = op(x[i]). `out` may alias `x`. */
export function unaryKernel(op: UnaryOp, x: Storage, out: Storage): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      // Two branches so that exp never overflows: for v < 0 use e^v / (1 + e^v).
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        // NaN propagates (NaN > 0 is false, so test it apart), as in PyTorch.
        out[i] = v > 0 || v !== v ? v : 0;
      }
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
  }
}

/** out[i] = x[i] ** p, with the common exponents special-cased for speed and exactness. */
export function powKernel(x: Storage, p: number, out: Storage): void {
  const n = x.length;
  if (p === 2) for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
  else if (p === 1) for (let i = 0; i < n; i++) out[i] = x[i];
  else if (p === 0.5) for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
  else for (let i = 0; i < n; i++) out[i] = x[i] ** p;
}

/** out[i] = min(max(x[i], lo), hi). */
export function clampKernel(x: Storage, lo: number, hi: number, out: Storage): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

/**
 * out = op(a, b) with NumPy broadcasting; `oshape` must be the broadcast shape.
 * Fast paths: equal shapes, and a one-element operand. The general path walks the output
 * row by row (last axis innermost) with per-operand strides that are 0 on broadcast axes.
 */
export function binaryKernel(
  op: BinaryOp,
  a: Storage,
  ashape: readonly number[],
  b: Storage,
  bshape: readonly number[],
  out: Storage,
  oshape: readonly number[],
): void {
  const n = out.length;
  if (sameShape(ashape, bshape)) {
    binarySame(op, a, b, out, n);
    return;
  }
  if (a.length === 1 && sizeOf(bshape) === n) {
    binaryRun(op, a, 0, 0, b, 0, 1, out, 0, n);
    return;
  }
  if (b.length === 1 && sizeOf(ashape) === n) {
    binaryRun(op, a, 0, 1, b, 0, 0, out, 0, n);
    return;
  }
  const rank = oshape.length;
  const sa = broadcastStrides(ashape, oshape);
  const sb = broadcastStrides(bshape, oshape);
  const inner = rank === 0 ? 1 : oshape[rank - 1];
  const ia = rank === 0 ? 0 : sa[rank - 1];
  const ib = rank === 0 ? 0 : sb[rank - 1];
  const rows = inner === 0 ? 0 : n / inner;
  const idx = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let r = 0; r < rows; r++) {
    binaryRun(op, a, offA, ia, b, offB, ib, out, r * inner, inner);
    // Advance the odometer over all axes but the last.
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      offA += sa[d];
      offB += sb[d];
      if (idx[d] < oshape[d]) break;
      offA -= sa[d] * oshape[d];
      offB -= sb[d] * oshape[d];
      idx[d] = 0;
    }
  }
}

/** Equal shapes: unit stride everywhere, the common case, kept free of index arithmetic. */
function binarySame(op: BinaryOp, a: Storage, b: Storage, out: Storage, n: number): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    default:
      binaryRun(op, a, 0, 1, b, 0, 1, out, 0, n);
  }
}

/** One strided run of a binary op: out[o + i] = a[pa + i*sa] op b[pb + i*sb]. */
function binaryRun(
  op: BinaryOp,
  a: Storage,
  pa: number,
  sa: number,
  b: Storage,
  pb: number,
  sb: number,
  out: Storage,
  o: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[o + i] = a[pa + i * sa] + b[pb + i * sb];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[o + i] = a[pa + i * sa] - b[pb + i * sb];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[o + i] = a[pa + i * sa] * b[pb + i * sb];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[o + i] = a[pa + i * sa] / b[pb + i * sb];
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const x = a[pa + i * sa];
        const y = b[pb + i * sb];
        // NaN propagates, as in NumPy and PyTorch.
        out[o + i] = x > y || x !== x ? x : y;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const x = a[pa + i * sa];
        const y = b[pb + i * sb];
        out[o + i] = x < y || x !== x ? x : y;
      }
      return;
  }
}

/**
 * Sums `g` (of shape `gshape`) down to `shape`, the inverse of broadcasting `shape` up to `gshape`.
 * This is the one place where broadcast gradients are reduced.
 */
export function sumToShape(
  g: Storage,
  gshape: readonly number[],
  out: Storage,
  shape: readonly number[],
): void {
  out.fill(0);
  const rank = gshape.length;
  const so = broadcastStrides(shape, gshape);
  const n = g.length;
  if (n === 0) return;
  const inner = rank === 0 ? 1 : gshape[rank - 1];
  const io = rank === 0 ? 0 : so[rank - 1];
  const rows = n / inner;
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * inner;
    if (io === 0) {
      let s = 0;
      for (let i = 0; i < inner; i++) s += g[base + i];
      out[off] += s;
    } else {
      for (let i = 0; i < inner; i++) out[off + i] += g[base + i];
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      off += so[d];
      if (idx[d] < gshape[d]) break;
      off -= so[d] * gshape[d];
      idx[d] = 0;
    }
  }
}

/** Copies `src` (of `shape`) into `out` broadcast to `oshape`. */
export function broadcastTo(
  src: Storage,
  shape: readonly number[],
  out: Storage,
  oshape: readonly number[],
): void {
  const rank = oshape.length;
  const s = broadcastStrides(shape, oshape);
  const n = out.length;
  if (n === 0) return;
  const inner = rank === 0 ? 1 : oshape[rank - 1];
  const is = rank === 0 ? 0 : s[rank - 1];
  const rows = n / inner;
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * inner;
    for (let i = 0; i < inner; i++) out[base + i] = src[off + i * is];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      off += s[d];
      if (idx[d] < oshape[d]) break;
      off -= s[d] * oshape[d];
      idx[d] = 0;
    }
  }
}
