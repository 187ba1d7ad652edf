import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import type { DType, Storage } from '../tensor/dtype.js';
import { allocate, dtypeOf } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import { backward as runBackward } from './engine.js';
import type { GraphNode } from './node.js';
import * as ops from './ops/index.js';

export type Operand = Tensor | number;
export type Axis = number | readonly number[];
export interface ReduceOptions {
  keepDims?: boolean;
}
export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (costs memory). */
  retainGraph?: boolean;
}

/** Nested arrays of numbers, as returned by toArray(). */
export type NestedArray = number | NestedArray[];

/**
 * A dense, contiguous, row-major n-dimensional array of float32 (default) or float64,
 * with an optional link into the autograd graph.
 */
export class Tensor {
  /** The elements, row-major. This is the typed array itself: writing to it changes the tensor. */
  readonly data: Storage;
  /** The dimensions; [] for a scalar. Do not mutate. */
  readonly shape: number[];
  readonly dtype: DType;
  /** Whether gradients flow to this tensor. Set it on leaves (parameters); ops derive it. */
  requiresGrad: boolean;
  /** Accumulated gradient after backward (leaves, and tensors that called retainGrad()). */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor, or null for a leaf. */
  _node: GraphNode | null = null;
  /** @internal Keep .grad on a non-leaf during backward. */
  _retainGrad = false;

  constructor(data: Storage, shape: readonly number[], requiresGrad = false) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new DTypeError(`Tensor: data must be a Float32Array or Float64Array, got ${describe(data)}`);
    }
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(
        `Tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, data has ${data.length}`,
      );
    }
    this.data = data;
    this.shape = shape.slice();
    this.dtype = dtypeOf(data);
    this.requiresGrad = requiresGrad;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }
  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
  /** True for tensors not produced by a recorded op (parameters, inputs). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(
        `item: tensor of shape ${fmtShape(this.shape)} has ${this.data.length} elements, expected 1`,
      );
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = data[offset + i];
        return out;
      }
      const stride = sizeOf(shape.slice(dim + 1));
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  /** Backpropagates from this tensor: a scalar, or any shape with an explicit seed gradient. */
  backward(seed?: Tensor, options?: BackwardOptions): void {
    runBackward(this, seed, options);
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** Makes backward store .grad on this non-leaf tensor too. */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }

  /** The same values, cut from the graph (shares the data array). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** A copy of the values with its own storage, cut from the graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, false);
  }

  /** This tensor in another dtype (differentiable; returns this when the dtype already matches). */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  /** Sets requiresGrad and returns this, for chaining: `randn([3]).requireGrad()`. */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  add(other: Operand): Tensor {
    return ops.add(this, other);
  }
  sub(other: Operand): Tensor {
    return ops.sub(this, other);
  }
  mul(other: Operand): Tensor {
    return ops.mul(this, other);
  }
  div(other: Operand): Tensor {
    return ops.div(this, other);
  }
  maximum(other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  pow(exponent: number): Tensor {
    return ops.pow(this, exponent);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  clamp(min?: number, max?: number): Tensor {
    return ops.clamp(this, min, max);
  }
  sum(axis?: Axis, options?: ReduceOptions): Tensor {
    return ops.sum(this, axis, options);
  }
  mean(axis?: Axis, options?: ReduceOptions): Tensor {
    return ops.mean(this, axis, options);
  }
  max(axis?: Axis, options?: ReduceOptions): Tensor {
    return ops.max(this, axis, options);
  }
  min(axis?: Axis, options?: ReduceOptions): Tensor {
    return ops.min(this, axis, options);
  }
  argmax(axis?: number, options?: ReduceOptions): Tensor {
    return ops.argmax(this, axis, options);
  }
  argmin(axis?: number, options?: ReduceOptions): Tensor {
    return ops.argmin(this, axis, options);
  }
  logSumExp(axis?: Axis, options?: ReduceOptions): Tensor {
    return ops.logSumExp(this, axis, options);
  }
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  matmul(other: Tensor, options?: ops.MatmulOptions): Tensor {
    return ops.matmul(this, other, options);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(): Tensor {
    return ops.reshape(this, [this.size]);
  }
  transpose(dim0?: number, dim1?: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** The 2-D transpose (swaps the last two axes). */
  get T(): Tensor {
    return ops.transpose(this);
  }
  permute(dims: readonly number[]): Tensor {
    return ops.permute(this, dims);
  }
  slice(ranges: ops.SliceRanges): Tensor {
    return ops.slice(this, ranges);
  }
  gather(indices: ops.IndexArray, axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  squeeze(axis?: number): Tensor {
    return ops.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** A zero-filled tensor like `t` (same shape and dtype), outside any graph. */
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(allocate(t.dtype, t.size), t.shape);
}
