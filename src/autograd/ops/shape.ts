/** Shape and data-movement ops: reshape, transpose/permute, slice, concat, stack, gather, where. */
import { DTypeError, fmtShape, ShapeError, ValueError } from '../../errors.js';
import { allocate } from '../../tensor/dtype.js';
import { broadcastTo } from '../../tensor/elementwise.js';
import { boxKernel, permuteKernel, takeKernel } from '../../tensor/layout.js';
import {
  broadcastShapes,
  checkShape,
  normAxis,
  sameShape,
  showValue,
  sizeOf,
  splitAtAxis,
} from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';
import { sameDType } from './util.js';

/** Same data in a new shape; one dimension may be -1 (inferred). Shares storage with x. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', x);
  const resolved = resolveShape(x, shape);
  return recordOp('reshape', x.data, resolved, [x], (g) => [new Tensor(g.data, x.shape)]);
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${String(shape)}`);
  const out = shape.slice();
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1))
    throw new ShapeError(`reshape: only one dimension may be -1 in ${fmtShape(shape)}`);
  if (free >= 0) {
    const known = out.reduce((p, d, i) => (i === free ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot infer -1 in ${fmtShape(shape)} for ${x.size} elements (from ${fmtShape(x.shape)})`,
      );
    }
    out[free] = x.size / known;
  }
  checkShape('reshape', out);
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `reshape: ${fmtShape(x.shape)} (${x.size} elements) cannot become ${fmtShape(shape)} (${sizeOf(out)})`,
    );
  }
  return out;
}

/** Removes `axis` (which must have size 1), or every size-1 axis when omitted. */
export function squeeze(x: Tensor, axis?: number): Tensor {
  expectTensor('squeeze', x);
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const ax = normAxis('squeeze', axis, x.rank);
  if (x.shape[ax] !== 1)
    throw new ShapeError(`squeeze: axis ${axis} of ${fmtShape(x.shape)} has size ${x.shape[ax]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => i !== ax),
  );
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  expectTensor('unsqueeze', x);
  const ax = normAxis('unsqueeze', axis, x.rank + 1);
  const shape = x.shape.slice();
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/** Reorders the axes: output axis i is input axis dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor('permute', x);
  if (!Array.isArray(dims) || dims.length !== x.rank) {
    throw new ShapeError(`permute: expected ${x.rank} axes for ${fmtShape(x.shape)}, got [${String(dims)}]`);
  }
  const perm = dims.map((d) => normAxis('permute', d, x.rank));
  if (new Set(perm).size !== perm.length)
    throw new ShapeError(`permute: [${dims.join(',')}] repeats an axis`);
  const shape = perm.map((p) => x.shape[p]);
  const out = allocate(x.dtype, x.size);
  permuteKernel(x.data, x.shape, perm, out);
  return recordOp('permute', out, shape, [x], (g) => {
    const inverse = new Array<number>(perm.length);
    for (let i = 0; i < perm.length; i++) inverse[perm[i]] = i;
    const dx = allocate(x.dtype, x.size);
    permuteKernel(g.data, shape, inverse, dx);
    return [new Tensor(dx, x.shape)];
  });
}

/** Swaps two axes (the last two by default). A tensor of rank < 2 is returned unchanged. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  expectTensor('transpose', x);
  if (x.rank < 2) return x;
  const a = normAxis('transpose', dim0, x.rank);
  const b = normAxis('transpose', dim1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * One entry per leading axis: `[start, end]` (end exclusive, either may be negative or omitted,
 * Python-style clamping) or null/undefined for the whole axis. Axes past the list are kept whole.
 */
export type SliceRanges = readonly (readonly [number?, number?] | null | undefined)[];

/** A box of the tensor: `slice(x, [[0, 2], null, [1]])`. */
export function slice(x: Tensor, ranges: SliceRanges): Tensor {
  expectTensor('slice', x);
  if (!Array.isArray(ranges) || ranges.length > x.rank) {
    throw new ShapeError(
      `slice: expected at most ${x.rank} ranges for ${fmtShape(x.shape)}, got ${JSON.stringify(ranges)}`,
    );
  }
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let d = 0; d < x.rank; d++) {
    const n = x.shape[d];
    const r = ranges[d];
    if (r === null || r === undefined) {
      starts.push(0);
      sizes.push(n);
      continue;
    }
    const [s0, e0] = r;
    for (const v of [s0, e0]) {
      if (v !== undefined && !Number.isInteger(v))
        throw new ValueError(`slice: bounds must be integers, got ${v} on axis ${d}`);
    }
    const clampIdx = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    const s = clampIdx(s0 ?? 0);
    const e = clampIdx(e0 ?? n);
    starts.push(s);
    sizes.push(Math.max(0, e - s));
  }
  const out = allocate(x.dtype, sizeOf(sizes));
  boxKernel(x.data, x.shape, starts, sizes, out, true);
  return recordOp('slice', out, sizes, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    boxKernel(dx, x.shape, starts, sizes, g.data, false);
    return [new Tensor(dx, x.shape)];
  });
}

/** Joins tensors along an existing axis; all other dimensions must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!isList(tensors) || tensors.length === 0)
    throw new ValueError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => expectTensor('concat', t, `tensor ${i}`));
  const dtype = sameDType('concat', tensors);
  const first = tensors[0];
  const ax = normAxis('concat', axis, first.rank);
  let total = 0;
  for (const t of tensors) {
    const ok = t.rank === first.rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((u) => fmtShape(u.shape)).join(', ')} differ outside axis ${axis}`,
      );
    }
    total += t.shape[ax];
  }
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = allocate(dtype, sizeOf(shape));
  const [outer, , inner] = splitAtAxis(shape, ax);
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape[ax];
    const src = t.data;
    for (let o = 0; o < outer; o++) {
      out.set(src.subarray(o * n * inner, (o + 1) * n * inner), (o * total + offset) * inner);
    }
    offset += n;
  }
  return recordOp('concat', out, shape, [...tensors], (g) => {
    const grads: (Tensor | null)[] = [];
    let off = 0;
    for (const t of tensors) {
      const n = t.shape[ax];
      if (t.requiresGrad) {
        const d = allocate(dtype, t.size);
        for (let o = 0; o < outer; o++) {
          d.set(g.data.subarray((o * total + off) * inner, (o * total + off + n) * inner), o * n * inner);
        }
        grads.push(new Tensor(d, t.shape));
      } else grads.push(null);
      off += n;
    }
    return grads;
  });
}

/** Joins same-shaped tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!isList(tensors) || tensors.length === 0)
    throw new ValueError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => expectTensor('stack', t, `tensor ${i}`));
  const first = tensors[0];
  for (const t of tensors) {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: shapes ${tensors.map((u) => fmtShape(u.shape)).join(', ')} must all be equal`,
      );
    }
  }
  const ax = normAxis('stack', axis, first.rank + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, ax)),
    ax,
  );
}

/** Integer indices: a number array, an Int32Array, or a 1-D tensor holding integers. */
export type IndexArray = readonly number[] | Int32Array | Tensor;

/** Validates indices against an axis of length n (negative indices count from the end). */
export function toIndex(op: string, indices: IndexArray, n: number): Int32Array {
  let values: ArrayLike<number>;
  if (indices instanceof Tensor) {
    if (indices.rank > 1)
      throw new ShapeError(`${op}: index tensor must be 1-D, got ${fmtShape(indices.shape)}`);
    values = indices.data;
  } else if (Array.isArray(indices) || indices instanceof Int32Array) values = indices;
  else throw new ValueError(`${op}: indices must be a number[], an Int32Array or a 1-D Tensor`);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -n || v >= n) {
      throw new ValueError(`${op}: index ${v} at position ${i} is out of range for an axis of length ${n}`);
    }
    out[i] = v < 0 ? v + n : v;
  }
  return out;
}

/**
 * Selects entries along `axis` by index (NumPy `take`, PyTorch `index_select`): the output has the
 * input's shape with that axis replaced by the number of indices. Repeated indices accumulate
 * their gradients.
 */
export function gather(x: Tensor, indices: IndexArray, axis = 0): Tensor {
  expectTensor('gather', x);
  if (x.rank === 0) throw new ShapeError('gather: cannot index a scalar');
  const ax = normAxis('gather', axis, x.rank);
  const index = toIndex('gather', indices, x.shape[ax]);
  const [outer, n, inner] = splitAtAxis(x.shape, ax);
  const shape = x.shape.slice();
  shape[ax] = index.length;
  const out = allocate(x.dtype, sizeOf(shape));
  takeKernel(x.data, outer, n, inner, index, out, false);
  return recordOp('gather', out, shape, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    takeKernel(dx, outer, n, inner, index, g.data, true);
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * Elementwise choice with broadcasting: `cond ? a : b`. `cond` is a tensor (non-zero is true) or an
 * array of booleans/numbers of the same shape as the output; numbers are accepted for a and b.
 */
export function where(
  cond: Tensor | readonly (boolean | number)[],
  a: Tensor | number,
  b: Tensor | number,
): Tensor {
  let c: Tensor;
  if (cond instanceof Tensor) c = cond;
  else if (Array.isArray(cond))
    c = new Tensor(
      Float32Array.from(cond, (v) => (v ? 1 : 0)),
      [cond.length],
    );
  else throw new ValueError('where: cond must be a Tensor or an array of booleans');
  for (const [name, v] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number')
      throw new ValueError(`where: ${name} must be a Tensor or a number, got ${showValue(v)}`);
  }
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : c.dtype;
  const ta = a instanceof Tensor ? a : new Tensor(allocate(dtype, 1).fill(a), []);
  const tb = b instanceof Tensor ? b : new Tensor(allocate(dtype, 1).fill(b), []);
  expectTensor('where', ta, 'a');
  expectTensor('where', tb, 'b');
  if (ta.dtype !== tb.dtype)
    throw new DTypeError(`where: dtypes ${ta.dtype} and ${tb.dtype} differ; cast with .to()`);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, ta.shape), tb.shape);
  const n = sizeOf(shape);
  const cs = allocate('float64', n);
  broadcastTo(c.data, c.shape, cs, shape);
  const as = allocate(dtype, n);
  broadcastTo(ta.data, ta.shape, as, shape);
  const bs = allocate(dtype, n);
  broadcastTo(tb.data, tb.shape, bs, shape);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = cs[i] !== 0 ? as[i] : bs[i];
  return recordOp('where', out, shape, [ta, tb], (g) => {
    const da = allocate(dtype, n);
    const db = allocate(dtype, n);
    const gd = g.data;
    for (let i = 0; i < n; i++) {
      if (cs[i] !== 0) da[i] = gd[i];
      else db[i] = gd[i];
    }
    return [new Tensor(da, shape), new Tensor(db, shape)];
  });
}

function isList(x: unknown): boolean {
  return Array.isArray(x);
}
