import { fmtShape, ShapeError, ValueError } from '../errors.js';

/** Number of elements of a shape (1 for a scalar []). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every entry is a non-negative integer; the message names the first bad one. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape))
    throw new ShapeError(`${op}: shape must be an array of integers, got ${showValue(shape)}`);
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape [${shape.map(showValue).join(',')}]: element ${i} is ${typeof d === 'string' ? 'the string ' : ''}${showValue(d)}, expected a non-negative integer`,
      );
    }
  });
}

/** A value for messages, with strings quoted so that '2' and 2 read differently. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an array' : (v.constructor?.name ?? 'an object');
}

/** NumPy broadcasting of two shapes; throws a ShapeError naming the op. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast: dimension ${i - n} is ${da} vs ${db}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading an array of `shape` as if it had the (broadcast) shape `out`:
 * broadcast dimensions get stride 0, missing leading dimensions too.
 */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const strides = new Array<number>(out.length).fill(0);
  const lead = out.length - shape.length;
  for (let i = 0; i < shape.length; i++) strides[lead + i] = shape[i] === 1 ? 0 : own[i];
  return strides;
}

/** Resolves a possibly negative axis against a rank; throws naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves the `axis` argument of a reduction: undefined means all axes; a number or a list
 * is normalised, sorted and checked for repeats.
 */
export function normAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ValueError(`${op}: axis must be a number or an array of numbers`);
  const out = list.map((a) => normAxis(op, a, rank)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1])
      throw new ShapeError(`${op}: axis ${out[i]} is repeated in [${list.join(',')}]`);
  }
  return out;
}

/** The shape left after reducing `axes` (kept as 1s with keepDims). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/** Splits a shape around `axis` into [outer, n, inner] for kernels that walk one axis. */
export function splitAtAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}
