/** Creating tensors: from values, filled, ranges, identity, and seeded random. */
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { allocate, type DType, isDType, type Storage } from '../tensor/dtype.js';
import { defaultRng, type Rng } from '../tensor/rng.js';
import { checkShape, sizeOf } from '../tensor/shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options of the tensor constructors. */
export interface CreateOptions {
  /** 'float32' (default) or 'float64'. */
  dtype?: DType;
  /** Track gradients for this tensor (a leaf, such as a parameter). */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreateOptions {
  /** Reshape the values to this shape (the element count must match). */
  shape?: readonly number[];
}

/** Options of {@link rand} and {@link randn}. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from; the global one (see manualSeed) when omitted. */
  rng?: Rng;
}

type TensorValues = number | NestedArray | ArrayLike<number> | readonly NestedArray[];

function resolveDType(op: string, dtype: DType | undefined, fallback: DType = 'float32'): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype))
    throw new DTypeError(`${op}: unknown dtype '${String(dtype)}', expected 'float32' or 'float64'`);
  return dtype;
}

/**
 * A tensor from a number, nested arrays, or a typed/plain array (copied). A Float64Array keeps
 * float64 unless a dtype is given; everything else defaults to float32.
 */
export function tensor(values: TensorValues, options: TensorOptions = {}): Tensor {
  let data: number[] | ArrayLike<number>;
  let shape: number[];
  let fallback: DType = 'float32';
  if (typeof values === 'number') {
    data = [values];
    shape = [];
  } else if (ArrayBuffer.isView(values)) {
    if (values instanceof Float64Array) fallback = 'float64';
    if (values instanceof BigInt64Array || values instanceof BigUint64Array || values instanceof DataView) {
      throw new DTypeError('tensor: BigInt arrays and DataView are not supported; convert to numbers first');
    }
    data = values as ArrayLike<number>;
    shape = [data.length];
  } else if (Array.isArray(values)) {
    shape = inferShape(values);
    data = flatten(values as NestedArray[], shape);
  } else {
    throw new ValueError(`tensor: expected a number, nested arrays or a typed array, got ${typeof values}`);
  }
  if (options.shape !== undefined) {
    checkShape('tensor', options.shape);
    if (sizeOf(options.shape) !== data.length) {
      throw new ShapeError(
        `tensor: shape ${fmtShape(options.shape)} needs ${sizeOf(options.shape)} values, got ${data.length}`,
      );
    }
    shape = options.shape.slice();
  }
  const dtype = resolveDType('tensor', options.dtype, fallback);
  const out = allocate(dtype, data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number') throw new ValueError(`tensor: element ${i} is ${typeof v}, expected a number`);
    out[i] = v;
  }
  return new Tensor(out, shape, options.requiresGrad === true);
}

function inferShape(values: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flatten(values: NestedArray[], shape: number[]): number[] {
  const out: number[] = [];
  const walk = (v: unknown, depth: number, path: number[]) => {
    if (depth === shape.length) {
      if (typeof v !== 'number') {
        throw new ShapeError(
          `tensor: ragged nested array: expected a number at [${path.join('][')}], got ${describe(v)}`,
        );
      }
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(
        `tensor: ragged nested array: expected ${shape[depth]} entries at [${path.join('][')}], got ${describe(v)}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
  };
  walk(values, 0, []);
  return out;
}

function describe(v: unknown): string {
  return Array.isArray(v) ? `an array of ${v.length}` : typeof v;
}

function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  checkShape(op, shape);
  const data = allocate(resolveDType(op, options.dtype), sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape, options.requiresGrad === true);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  if (typeof value !== 'number') throw new ValueError(`full: value must be a number, got ${typeof value}`);
  return filled('full', shape, value, options);
}

/** The n×m identity (m = n by default). */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  const t = filled('eye', [n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Values start, start+step, … below end (like Python's range); `arange(5)` is 0..4. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (![start, end, step].every(Number.isFinite))
    throw new ValueError('arange: start, end and step must be finite');
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = allocate(resolveDType('arange', options.dtype), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], options.requiresGrad === true);
}

/** Uniform in [0, 1) from a seeded generator. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled('rand', shape, 0, options);
  const rng = options.rng ?? defaultRng();
  const d: Storage = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform();
  return t;
}

/** Standard normal from a seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled('randn', shape, 0, options);
  const rng = options.rng ?? defaultRng();
  const d: Storage = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return t;
}

/** Zeros of `t`'s shape (and dtype unless given). */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

/** Ones of `t`'s shape (and dtype unless given). */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}
