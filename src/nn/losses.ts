/**
 * Loss functions with PyTorch's semantics, each one recorded op with a fused backward.
 *
 * Common options:
 *  - `reduction`: 'mean' (default), 'sum' or 'none' (per-row losses for crossEntropy, per-element
 *    losses of the input's shape for the others).
 *  - `mask`: one entry per row (the first dimension; a 1-D input has one row per element), true/1 to
 *    keep, false/0 to drop. A dropped row is never read: its label/target may be NaN or out of range and
 *    its logits non-finite; it contributes 0 to the value (and to 'none' outputs) and exactly 0 to every
 *    gradient. 'mean' divides by what is kept: the number of kept elements, or for crossEntropy with
 *    class weights the sum of weight[label] over kept rows (PyTorch's ignore_index semantics). With
 *    everything masked the loss is 0 with a zero gradient (PyTorch would give NaN).
 *
 * Labels and targets given as plain or typed arrays are data: no gradient flows to them. The regression
 * losses (mse, l1, huber, smoothL1) also accept a Tensor target and, when it requires grad, return its
 * gradient too; crossEntropy and binaryCrossEntropyWithLogits treat every target and weight as data.
 */
import { defineOp, expectTensor } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { allocate, type DType, type Storage } from '../tensor/dtype.js';
import { broadcastTo } from '../tensor/elementwise.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';

/** How a loss combines its rows: their mean (default), their sum, or none (one loss per row). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Per-row keep flags: booleans, or numbers that are exactly 0 or 1. */
export type RowMask =
  | readonly boolean[]
  | readonly number[]
  | Uint8Array
  | Float32Array
  | Float64Array
  | Int32Array;

/** Class labels or regression/binary targets given as data. */
export type Targets = readonly number[] | Int32Array | Float32Array | Float64Array | Uint8Array | Tensor;

/** Options every loss takes: the reduction and a row mask. */
export interface LossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Keep flags, one per row (see the module comment). */
  mask?: RowMask;
}

/** Options of {@link crossEntropy}: class weights and label smoothing, as PyTorch's. */
export interface CrossEntropyOptions extends LossOptions {
  /** A weight per class ([C]); the loss of a row is scaled by weight[label] ('mean' divides by their sum). */
  weight?: readonly number[] | Float32Array | Float64Array | Tensor;
  /** ε in [0, 1]: the target is (1 − ε)·one-hot + ε/C (default 0). */
  labelSmoothing?: number;
}

/** Options of {@link binaryCrossEntropyWithLogits}: PyTorch's `pos_weight` and `weight`. */
export interface BCEWithLogitsOptions extends LossOptions {
  /** Weight of the positive term, broadcast along the last dimension ([last dim] or [1]). */
  posWeight?: readonly number[] | Float32Array | Float64Array | Tensor;
  /**
   * A rescaling weight per element: a Tensor that broadcasts to the logits' shape, or an array
   * broadcast along the last dimension. 'mean' still divides by the element count (as PyTorch).
   */
  weight?: readonly number[] | Float32Array | Float64Array | Tensor;
}

/** Options of {@link huber}. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, > 0). */
  delta?: number;
}

/** Options of {@link smoothL1}. */
export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, ≥ 0; 0 is the L1 loss). */
  beta?: number;
}

// ---------------------------------------------------------------------------------------------
// Shared validation

function checkReduction(op: string, r: Reduction | undefined): Reduction {
  const red = r ?? 'mean';
  if (red !== 'mean' && red !== 'sum' && red !== 'none') {
    throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(red)}'`);
  }
  return red;
}

/** The keep flags as bytes (null = keep all). */
function readMask(op: string, mask: RowMask | undefined, rows: number): Uint8Array | null {
  if (mask === undefined || mask === null) return null;
  if (!Array.isArray(mask) && !ArrayBuffer.isView(mask)) {
    throw new ValueError(`${op}: mask must be an array of booleans or 0/1 numbers, one per row`);
  }
  const m = mask as ArrayLike<number | boolean>;
  if (m.length !== rows)
    throw new ShapeError(`${op}: mask has ${m.length} entries, expected one per row (${rows})`);
  // Always a copy: the backward reads it later, after the caller may have reused its array.
  const own = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = m[i];
    if (v === true || v === 1) own[i] = 1;
    else if (v === false || v === 0) own[i] = 0;
    else throw new ValueError(`${op}: mask entry ${i} is ${String(v)}; use true/false or 1/0`);
  }
  return own;
}

/** A data array (number[] or typed) or a Tensor's values, with a description of its shape. */
function valuesOf(op: string, what: string, v: unknown): { data: ArrayLike<number>; shape: number[] | null } {
  if (v instanceof Tensor) return { data: v.data, shape: v.shape };
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    return { data: v as ArrayLike<number>, shape: null };
  }
  throw new ValueError(
    `${op}: ${what} must be an array of numbers, a typed array or a Tensor, got ${v === null ? 'null' : typeof v}`,
  );
}

/**
 * The target values for an elementwise loss of `input`. The rule: a Tensor target has the input's shape,
 * except that [N] and [N,1] are accepted for each other (paired element by element, never broadcast to
 * [N,N]); an array target has exactly input.size values, read in the input's row-major order.
 */
function readTargets(op: string, input: Tensor, target: unknown): ArrayLike<number> {
  const { data, shape } = valuesOf(op, 'target', target);
  if (shape !== null) {
    const ok =
      sameShape(shape, input.shape) || (data.length === input.size && isColumnPair(shape, input.shape));
    if (!ok) {
      throw new ShapeError(
        `${op}: target shape ${fmtShape(shape)} differs from the input's ${fmtShape(input.shape)}; shapes must match ` +
          '(the only exception: [N] and [N,1] pair up element by element). Reshape one of them.',
      );
    }
  } else if (data.length !== input.size) {
    throw new ShapeError(
      `${op}: target has ${data.length} values, the input ${fmtShape(input.shape)} has ${input.size}`,
    );
  }
  return data;
}

function isColumnPair(a: readonly number[], b: readonly number[]): boolean {
  const col = (s: readonly number[], t: readonly number[]) =>
    s.length === 2 && s[1] === 1 && t.length === 1 && t[0] === s[0];
  return col(a, b) || col(b, a);
}

/** Rows (first dimension; a scalar is one row) and the elements per row. */
function rowsOf(input: Tensor): [number, number] {
  if (input.rank === 0) return [1, 1];
  const rows = input.shape[0];
  return [rows, rows === 0 ? 0 : input.size / rows];
}

/** A [n] per-class/per-column vector as float64, finite. */
function readVector(op: string, what: string, v: unknown, n: number, allowOne: boolean): Float64Array {
  const { data } = valuesOf(op, what, v);
  if (data.length !== n && !(allowOne && data.length === 1)) {
    throw new ShapeError(
      `${op}: ${what} has ${data.length} entries, expected ${n}${allowOne ? ' (or 1)' : ''}`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = data[data.length === 1 ? 0 : i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ValueError(`${op}: ${what}[${i}] is ${String(x)}, expected a finite number`);
    out[i] = x;
  }
  return out;
}

function scalarOut(dtype: DType, value: number): Storage {
  const d = allocate(dtype, 1);
  d[0] = value;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Cross-entropy

/**
 * Cross-entropy from logits [N, C] and integer class labels (N of them), fused: the forward takes a
 * stable log-sum-exp per row; the backward is (softmax − smoothed one-hot)·weight·scale, with no
 * log-softmax tensor in between. Per row, with p = softmax(logits), w the class weights (1 without):
 *   loss = (1 − ε)·w[y]·(−log p[y]) + ε/C·Σ_c w[c]·(−log p[c])      (PyTorch's formula)
 * 'mean' divides the sum over kept rows by Σ w[y] over kept rows (the row count without weights).
 * Output: a scalar, or [N] with reduction 'none'.
 * A label on a kept row that is not an integer in [0, C) is a ValueError naming the row.
 */
export function crossEntropy(logits: Tensor, labels: Targets, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  expectTensor(op, logits, 'logits');
  if (logits.rank !== 2) {
    throw new ShapeError(
      `${op}: logits must be [N, C] (one row of class scores per sample), got ${fmtShape(logits.shape)}` +
        (logits.rank === 1 ? '; for a single sample use logits.reshape([1, C])' : ''),
    );
  }
  const [N, C] = logits.shape;
  if (C < 1) throw new ShapeError(`${op}: logits ${fmtShape(logits.shape)} have no classes`);
  const reduction = checkReduction(op, options.reduction);
  const { data: lab, shape: labShape } = valuesOf(op, 'labels', labels);
  if (labShape !== null && !(labShape.length === 1 && labShape[0] === N)) {
    throw new ShapeError(
      `${op}: labels must be [${N}] (one class index per row of the logits), got ${fmtShape(labShape)}`,
    );
  }
  if (lab.length !== N) throw new ShapeError(`${op}: got ${lab.length} labels for ${N} rows of logits`);
  const keep = readMask(op, options.mask, N);
  const w =
    options.weight === undefined || options.weight === null
      ? null
      : readVector(op, 'weight', options.weight, C, false);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${String(eps)}`);
  }
  const y = classIndices(op, lab, keep, N, C);
  let wsum = C;
  if (w !== null) {
    wsum = 0;
    for (let c = 0; c < C; c++) wsum += w[c];
  }
  const keepY = 1 - eps;
  const epsC = eps / C;
  const xs = logits.data;
  const dtype = logits.dtype;
  // Per kept row: the max logit m and log Σ exp(x − m), kept apart so that x − m stays exact for huge logits.
  const rowMax = new Float64Array(N);
  const rowLogS = new Float64Array(N);
  const out = reduction === 'none' ? allocate(dtype, N) : null;
  let total = 0;
  let denom = 0;
  for (let r = 0; r < N; r++) {
    const t = y[r];
    if (t < 0) continue;
    const o = r * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = xs[o + c];
      if (v > m || Number.isNaN(v)) m = v;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(xs[o + c] - m);
    const logS = Math.log(s);
    rowMax[r] = m;
    rowLogS[r] = logS;
    const wy = w === null ? 1 : w[t];
    // −log p[y] = (m − x_y) + log s
    let loss = wy * (m - xs[o + t] + logS);
    if (eps > 0) {
      // Σ_c w[c]·(−log p[c]) = Σ_c w[c]·(m − x_c) + Σw·log s
      let wx = 0;
      if (w === null) for (let c = 0; c < C; c++) wx += m - xs[o + c];
      else for (let c = 0; c < C; c++) wx += w[c] * (m - xs[o + c]);
      loss = keepY * loss + epsC * (wx + wsum * logS);
    }
    denom += wy;
    total += loss;
    if (out !== null) out[r] = loss;
  }
  const value = out ?? scalarOut(dtype, reduction === 'sum' ? total : denom !== 0 ? total / denom : 0);
  return defineOp('crossEntropy', value, reduction === 'none' ? [N] : [], [logits], (g) => {
    const gd = g.data;
    const dx = allocate(dtype, N * C);
    const base = reduction === 'none' ? 1 : reduction === 'sum' ? gd[0] : denom !== 0 ? gd[0] / denom : 0;
    for (let r = 0; r < N; r++) {
      const t = y[r];
      if (t < 0) continue;
      const o = r * C;
      const scale = reduction === 'none' ? gd[r] : base;
      const wy = w === null ? 1 : w[t];
      const m = rowMax[r];
      const logS = rowLogS[r];
      // ∂loss/∂x_c = p_c·((1 − ε)·w[y] + ε/C·Σw) − (1 − ε)·w[y]·[c = y] − ε/C·w[c]
      const a = (keepY * wy + epsC * wsum) * scale;
      if (eps === 0) {
        for (let c = 0; c < C; c++) dx[o + c] = a * Math.exp(xs[o + c] - m - logS);
      } else if (w === null) {
        const e = epsC * scale;
        for (let c = 0; c < C; c++) dx[o + c] = a * Math.exp(xs[o + c] - m - logS) - e;
      } else {
        const e = epsC * scale;
        for (let c = 0; c < C; c++) dx[o + c] = a * Math.exp(xs[o + c] - m - logS) - e * w[c];
      }
      dx[o + t] -= keepY * wy * scale;
    }
    return [new Tensor(dx, logits.shape)];
  });
}

/**
 * Every kept label checked before anything is computed, as Int32 class indices (−1 for a dropped row).
 * A label that is not an integer in [0, C) is a ValueError naming the row.
 */
function classIndices(
  op: string,
  lab: ArrayLike<number>,
  keep: ArrayLike<number> | null,
  N: number,
  C: number,
): Int32Array {
  const y = new Int32Array(N);
  for (let r = 0; r < N; r++) {
    if (keep !== null && keep[r] === 0) {
      y[r] = -1;
      continue;
    }
    const v = lab[r];
    if (!Number.isInteger(v) || v < 0 || v >= C) {
      throw new ValueError(
        `${op}: label ${String(v)} at row ${r} is not a class index; labels must be integers in [0, ${C}) ` +
          `(the logits have ${C} classes); mask the row out if it has no label`,
      );
    }
    y[r] = v;
  }
  return y;
}

// ---------------------------------------------------------------------------------------------
// Binary cross-entropy with logits

/**
 * Binary cross-entropy on logits, stable for any magnitude:
 *   loss = weight·((1 − t)·x + (1 + (posWeight − 1)·t)·softplus(−x)),  softplus(−x) = max(−x, 0) + log1p(e^−|x|)
 * (= max(x, 0) − x·t + log(1 + e^−|x|) without posWeight). Targets t in [0, 1] (soft targets allowed),
 * shaped like the logits (see the shape rule of the regression losses; [N] and [N,1] pair up).
 * Output: a scalar, or the logits' shape with reduction 'none'.
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Targets,
  options: BCEWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  expectTensor(op, logits, 'logits');
  const reduction = checkReduction(op, options.reduction);
  const t = readTargets(op, logits, targets);
  const [rows, per] = rowsOf(logits);
  const keep = readMask(op, options.mask, rows);
  const n = logits.size;
  const last = logits.rank === 0 ? 1 : logits.shape[logits.rank - 1];
  const pw =
    options.posWeight === undefined || options.posWeight === null
      ? null
      : readVector(op, 'posWeight', options.posWeight, last, true);
  const ew =
    options.weight === undefined || options.weight === null
      ? null
      : elementWeights(op, options.weight, logits);
  for (let r = 0; r < rows; r++) {
    if (keep !== null && keep[r] === 0) continue;
    for (let i = r * per, end = i + per; i < end; i++) {
      const v = t[i];
      if (!(v >= 0 && v <= 1)) {
        throw new ValueError(
          `${op}: target ${String(v)} at element ${i} (row ${r}) must be in [0, 1]; mask the row out if it has no label`,
        );
      }
    }
  }
  const xs = logits.data;
  const dtype = logits.dtype;
  const out = reduction === 'none' ? allocate(dtype, n) : null;
  let total = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    if (keep !== null && keep[r] === 0) continue;
    count += per;
    for (let i = r * per, end = i + per; i < end; i++) {
      const x = xs[i];
      const ti = t[i];
      const sp = (x < 0 ? -x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
      const lw = pw === null ? 1 : 1 + (pw[i % last] - 1) * ti;
      let loss = (1 - ti) * x + lw * sp;
      if (ew !== null) loss *= ew[i];
      total += loss;
      if (out !== null) out[i] = loss;
    }
  }
  const value = out ?? scalarOut(dtype, reduction === 'sum' ? total : count !== 0 ? total / count : 0);
  return defineOp(op, value, reduction === 'none' ? logits.shape : [], [logits], (g) => {
    const gd = g.data;
    const dx = allocate(dtype, n);
    const gNone = reduction === 'none' ? gd : null;
    const base = reduction === 'sum' ? gd[0] : count !== 0 ? gd[0] / count : 0;
    for (let r = 0; r < rows; r++) {
      if (keep !== null && keep[r] === 0) continue;
      for (let i = r * per, end = i + per; i < end; i++) {
        const x = xs[i];
        const ti = t[i];
        const sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
        // ∂/∂x = (1 + (pw − 1)·t)·σ(x) − pw·t  (σ(x) − t without posWeight)
        let d: number;
        if (pw === null) d = sig - ti;
        else {
          const pt = pw[i % last] * ti;
          d = (pt + 1 - ti) * sig - pt;
        }
        if (ew !== null) d *= ew[i];
        dx[i] = d * (gNone === null ? base : gNone[i]);
      }
    }
    return [new Tensor(dx, logits.shape)];
  });
}

/** BCE's `weight` broadcast to every element of `input`, as float64. */
function elementWeights(op: string, weight: unknown, input: Tensor): Float64Array {
  const { data, shape } = valuesOf(op, 'weight', weight);
  const wshape = shape ?? [data.length];
  let ok = true;
  try {
    ok = sameShape(broadcastShapes(op, wshape, input.shape), input.shape);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ShapeError(
      `${op}: weight of shape ${fmtShape(wshape)} does not broadcast to the logits' ${fmtShape(input.shape)}`,
    );
  }
  const src = Float64Array.from(data);
  for (let i = 0; i < src.length; i++) {
    if (!Number.isFinite(src[i]))
      throw new ValueError(`${op}: weight[${i}] is ${src[i]}, expected a finite number`);
  }
  const out = new Float64Array(input.size);
  broadcastTo(src, wshape, out, input.shape);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Regression losses

type PointwiseKind = 'mse' | 'l1' | 'huber' | 'smoothL1';

/**
 * acc + Σ over [start, end) of the elementwise loss of d = p − t (one running sum, so a masked loss adds in
 * exactly the order of the unmasked subset); writes each loss into `out` when given.
 */
function pointwiseForward(
  kind: PointwiseKind,
  k: number,
  p: Storage,
  t: ArrayLike<number>,
  start: number,
  end: number,
  out: Storage | null,
  acc: number,
): number {
  let s = acc;
  switch (kind) {
    case 'mse':
      for (let i = start; i < end; i++) {
        const d = p[i] - t[i];
        const l = d * d;
        s += l;
        if (out !== null) out[i] = l;
      }
      break;
    case 'l1':
      for (let i = start; i < end; i++) {
        const l = Math.abs(p[i] - t[i]);
        s += l;
        if (out !== null) out[i] = l;
      }
      break;
    case 'huber': {
      // |d| < δ: d²/2; else δ·(|d| − δ/2)
      const half = 0.5 * k;
      for (let i = start; i < end; i++) {
        const z = Math.abs(p[i] - t[i]);
        const l = z < k ? 0.5 * z * z : k * (z - half);
        s += l;
        if (out !== null) out[i] = l;
      }
      break;
    }
    case 'smoothL1': {
      // |d| < β: d²/(2β); else |d| − β/2
      const half = 0.5 * k;
      for (let i = start; i < end; i++) {
        const z = Math.abs(p[i] - t[i]);
        const l = z < k ? (0.5 * z * z) / k : z - half;
        s += l;
        if (out !== null) out[i] = l;
      }
      break;
    }
  }
  return s;
}

/** dp[i] = g_i·∂loss/∂p over [start, end), g_i = gNone[i] or `scale`. */
function pointwiseBackward(
  kind: PointwiseKind,
  k: number,
  p: Storage,
  t: ArrayLike<number>,
  start: number,
  end: number,
  scale: number,
  gNone: Storage | null,
  dp: Storage,
): void {
  switch (kind) {
    case 'mse':
      for (let i = start; i < end; i++) dp[i] = 2 * (p[i] - t[i]) * (gNone === null ? scale : gNone[i]);
      return;
    case 'l1':
      // The subgradient at 0 is 0, as in PyTorch.
      for (let i = start; i < end; i++) {
        const d = p[i] - t[i];
        dp[i] = (d > 0 ? 1 : d < 0 ? -1 : 0) * (gNone === null ? scale : gNone[i]);
      }
      return;
    case 'huber':
      // clamp(d, −δ, δ)
      for (let i = start; i < end; i++) {
        const d = p[i] - t[i];
        dp[i] = Math.max(-k, Math.min(k, d)) * (gNone === null ? scale : gNone[i]);
      }
      return;
    case 'smoothL1':
      // clamp(d/β, −1, 1)
      for (let i = start; i < end; i++) {
        const d = p[i] - t[i];
        dp[i] = (d < -k ? -1 : d > k ? 1 : d / k) * (gNone === null ? scale : gNone[i]);
      }
      return;
  }
}

function pointwiseLoss(
  op: string,
  kind: PointwiseKind,
  k: number,
  input: Tensor,
  target: Targets,
  options: LossOptions,
): Tensor {
  expectTensor(op, input, 'input');
  const reduction = checkReduction(op, options.reduction);
  const t = readTargets(op, input, target);
  const tTensor = target instanceof Tensor ? target : null;
  if (tTensor?.requiresGrad && tTensor.dtype !== input.dtype) {
    throw new DTypeError(
      `${op}: input is ${input.dtype} but the target (which requires grad) is ${tTensor.dtype}; cast with .to()`,
    );
  }
  const [rows, per] = rowsOf(input);
  const keep = readMask(op, options.mask, rows);
  for (let r = 0; r < rows; r++) {
    if (keep !== null && keep[r] === 0) continue;
    for (let i = r * per, end = i + per; i < end; i++) {
      const v = t[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValueError(
          `${op}: target ${String(v)} at element ${i} (row ${r}) is not finite; mask the row out if it has no target`,
        );
      }
    }
  }
  const ps = input.data;
  const dtype = input.dtype;
  const n = input.size;
  const out = reduction === 'none' ? allocate(dtype, n) : null;
  let total = 0;
  let count = 0;
  if (keep === null) {
    total = pointwiseForward(kind, k, ps, t, 0, n, out, 0);
    count = n;
  } else {
    for (let r = 0; r < rows; r++) {
      if (keep[r] === 0) continue;
      total = pointwiseForward(kind, k, ps, t, r * per, (r + 1) * per, out, total);
      count += per;
    }
  }
  const value = out ?? scalarOut(dtype, reduction === 'sum' ? total : count !== 0 ? total / count : 0);
  const parents = tTensor !== null ? [input, tTensor] : [input];
  return defineOp(op, value, reduction === 'none' ? input.shape : [], parents, (g) => {
    const gd = g.data;
    const gNone = reduction === 'none' ? gd : null;
    const scale = reduction === 'none' ? 1 : reduction === 'sum' ? gd[0] : count !== 0 ? gd[0] / count : 0;
    const dp = allocate(dtype, n);
    if (keep === null) pointwiseBackward(kind, k, ps, t, 0, n, scale, gNone, dp);
    else {
      for (let r = 0; r < rows; r++) {
        if (keep[r] === 1) pointwiseBackward(kind, k, ps, t, r * per, (r + 1) * per, scale, gNone, dp);
      }
    }
    const grads: (Tensor | null)[] = [input.requiresGrad ? new Tensor(dp, input.shape) : null];
    if (tTensor !== null) {
      let dt: Tensor | null = null;
      if (tTensor.requiresGrad) {
        // ∂loss/∂t = −∂loss/∂p
        const d = allocate(dtype, n);
        for (let i = 0; i < n; i++) d[i] = -dp[i];
        dt = new Tensor(d, tTensor.shape);
      }
      grads.push(dt);
    }
    return grads;
  });
}

/** Mean squared error: (p − t)². */
export function mse(input: Tensor, target: Targets, options: LossOptions = {}): Tensor {
  return pointwiseLoss('mse', 'mse', 0, input, target, options);
}

/** Mean absolute error: |p − t| (subgradient 0 at p = t). */
export function l1(input: Tensor, target: Targets, options: LossOptions = {}): Tensor {
  return pointwiseLoss('l1', 'l1', 0, input, target, options);
}

/** PyTorch's HuberLoss: d²/2 for |d| < δ, δ·(|d| − δ/2) beyond (default δ = 1). */
export function huber(input: Tensor, target: Targets, options: HuberOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new ValueError(`huber: delta must be a finite number > 0, got ${String(delta)}`);
  }
  return pointwiseLoss('huber', 'huber', delta, input, target, options);
}

/** PyTorch's SmoothL1Loss: d²/(2β) for |d| < β, |d| − β/2 beyond (default β = 1; β = 0 is L1). */
export function smoothL1(input: Tensor, target: Targets, options: SmoothL1Options = {}): Tensor {
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) {
    throw new ValueError(`smoothL1: beta must be a finite number ≥ 0, got ${String(beta)}`);
  }
  if (beta === 0) return pointwiseLoss('smoothL1', 'l1', 0, input, target, options);
  return pointwiseLoss('smoothL1', 'smoothL1', beta, input, target, options);
}
