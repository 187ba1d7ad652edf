/**
 * The chained op methods of Tensor (`x.mul(w).add(b).sum()`), attached to its prototype here,
 * the way tfjs does: tensor.ts imports no op, so no op file imports back into a cycle. The module
 * augmentation below gives the methods their types; autograd/index.ts imports this file once.
 */
import type { DType } from '../tensor/dtype.js';
import { type BackwardOptions, backward } from './engine.js';
import * as ops from './ops/index.js';
import { type Axis, type Operand, type ReduceOptions, Tensor } from './tensor.js';

interface TensorMethods {
  /**
   * Backpropagates from this tensor: a scalar, or any shape given `gradient` (∂L/∂this, of this
   * tensor's shape), which computes a vector-Jacobian product.
   */
  backward(gradient?: Tensor, options?: BackwardOptions): void;
  /** This tensor in another dtype (differentiable; returns this when the dtype already matches). */
  to(dtype: DType): Tensor;
  /** `this + other`, broadcasting (see {@link add}). */
  add(other: Operand): Tensor;
  /** `this − other`, broadcasting. */
  sub(other: Operand): Tensor;
  /** Elementwise `this · other`, broadcasting. */
  mul(other: Operand): Tensor;
  /** Elementwise `this / other`, broadcasting. */
  div(other: Operand): Tensor;
  /** Elementwise maximum with `other`; ties split the gradient evenly. */
  maximum(other: Operand): Tensor;
  /** Elementwise minimum with `other`; ties split the gradient evenly. */
  minimum(other: Operand): Tensor;
  /** −this. */
  neg(): Tensor;
  /** this ** exponent, elementwise. */
  pow(exponent: number): Tensor;
  /** e^this, elementwise. */
  exp(): Tensor;
  /** Natural logarithm, elementwise. */
  log(): Tensor;
  /** Square root, elementwise. */
  sqrt(): Tensor;
  /** |this|, elementwise. */
  abs(): Tensor;
  /** Sine, elementwise. */
  sin(): Tensor;
  /** Cosine, elementwise. */
  cos(): Tensor;
  /** Hyperbolic tangent, elementwise. */
  tanh(): Tensor;
  /** 1 / (1 + e^−this), elementwise. */
  sigmoid(): Tensor;
  /** max(this, 0), elementwise. */
  relu(): Tensor;
  /** this², elementwise. */
  square(): Tensor;
  /** Values limited to [min, max] (either bound optional). */
  clamp(min?: number, max?: number): Tensor;
  /** Sum over `axis` (a number, a list, or all axes when omitted). */
  sum(axis?: Axis, options?: ReduceOptions): Tensor;
  /** Mean over `axis` (all axes when omitted). */
  mean(axis?: Axis, options?: ReduceOptions): Tensor;
  /** Maximum over `axis` (all axes when omitted); ties share the gradient. */
  max(axis?: Axis, options?: ReduceOptions): Tensor;
  /** Minimum over `axis` (all axes when omitted); ties share the gradient. */
  min(axis?: Axis, options?: ReduceOptions): Tensor;
  /** Index of the maximum along `axis` (of the flattened tensor when omitted); not differentiable. */
  argmax(axis?: number, options?: ReduceOptions): Tensor;
  /** Index of the minimum along `axis` (of the flattened tensor when omitted); not differentiable. */
  argmin(axis?: number, options?: ReduceOptions): Tensor;
  /** log Σ exp(this) over `axis`, computed stably. */
  logSumExp(axis?: Axis, options?: ReduceOptions): Tensor;
  /** Softmax along `axis` (default the last). */
  softmax(axis?: number): Tensor;
  /** log(softmax) along `axis` (default the last), computed stably. */
  logSoftmax(axis?: number): Tensor;
  /** Matrix product with `other` (2-D or batched; transpose flags in options). */
  matmul(other: Tensor, options?: ops.MatmulOptions): Tensor;
  /** The same data in a new shape (one dimension may be −1); shares storage. */
  reshape(shape: readonly number[]): Tensor;
  /** The data as one dimension. */
  flatten(): Tensor;
  /** Two axes swapped (the last two by default). */
  transpose(dim0?: number, dim1?: number): Tensor;
  /** The axes reordered: output axis i is input axis dims[i]. */
  permute(dims: readonly number[]): Tensor;
  /** A box of the tensor: `[start, end]` or null per leading axis. */
  slice(ranges: ops.SliceRanges): Tensor;
  /** Entries along `axis` picked by index (PyTorch's index_select). */
  gather(indices: ops.IndexArray, axis?: number): Tensor;
  /** `axis` removed (it must have size 1), or every size-1 axis when omitted. */
  squeeze(axis?: number): Tensor;
  /** A size-1 axis inserted at `axis`. */
  unsqueeze(axis: number): Tensor;
}

declare module './tensor.js' {
  interface Tensor extends TensorMethods {
    /** The 2-D transpose (swaps the last two axes). */
    readonly T: Tensor;
  }
}

const methods: TensorMethods & ThisType<Tensor> = {
  backward(gradient, options) {
    backward(this, gradient, options);
  },
  to(dtype) {
    return ops.cast(this, dtype);
  },
  add(other) {
    return ops.add(this, other);
  },
  sub(other) {
    return ops.sub(this, other);
  },
  mul(other) {
    return ops.mul(this, other);
  },
  div(other) {
    return ops.div(this, other);
  },
  maximum(other) {
    return ops.maximum(this, other);
  },
  minimum(other) {
    return ops.minimum(this, other);
  },
  neg() {
    return ops.neg(this);
  },
  pow(exponent) {
    return ops.pow(this, exponent);
  },
  exp() {
    return ops.exp(this);
  },
  log() {
    return ops.log(this);
  },
  sqrt() {
    return ops.sqrt(this);
  },
  abs() {
    return ops.abs(this);
  },
  sin() {
    return ops.sin(this);
  },
  cos() {
    return ops.cos(this);
  },
  tanh() {
    return ops.tanh(this);
  },
  sigmoid() {
    return ops.sigmoid(this);
  },
  relu() {
    return ops.relu(this);
  },
  square() {
    return ops.square(this);
  },
  clamp(min, max) {
    return ops.clamp(this, min, max);
  },
  sum(axis, options) {
    return ops.sum(this, axis, options);
  },
  mean(axis, options) {
    return ops.mean(this, axis, options);
  },
  max(axis, options) {
    return ops.max(this, axis, options);
  },
  min(axis, options) {
    return ops.min(this, axis, options);
  },
  argmax(axis, options) {
    return ops.argmax(this, axis, options);
  },
  argmin(axis, options) {
    return ops.argmin(this, axis, options);
  },
  logSumExp(axis, options) {
    return ops.logSumExp(this, axis, options);
  },
  softmax(axis = -1) {
    return ops.softmax(this, axis);
  },
  logSoftmax(axis = -1) {
    return ops.logSoftmax(this, axis);
  },
  matmul(other, options) {
    return ops.matmul(this, other, options);
  },
  reshape(shape) {
    return ops.reshape(this, shape);
  },
  flatten() {
    return ops.reshape(this, [this.size]);
  },
  transpose(dim0, dim1) {
    return ops.transpose(this, dim0, dim1);
  },
  permute(dims) {
    return ops.permute(this, dims);
  },
  slice(ranges) {
    return ops.slice(this, ranges);
  },
  gather(indices, axis = 0) {
    return ops.gather(this, indices, axis);
  },
  squeeze(axis) {
    return ops.squeeze(this, axis);
  },
  unsqueeze(axis) {
    return ops.unsqueeze(this, axis);
  },
};

// Non-enumerable, like methods written in the class body.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true });
}
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return ops.transpose(this);
  },
  configurable: true,
});
