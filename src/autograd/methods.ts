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
  add(other: Operand): Tensor;
  sub(other: Operand): Tensor;
  mul(other: Operand): Tensor;
  div(other: Operand): Tensor;
  maximum(other: Operand): Tensor;
  minimum(other: Operand): Tensor;
  neg(): Tensor;
  pow(exponent: number): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  abs(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  tanh(): Tensor;
  sigmoid(): Tensor;
  relu(): Tensor;
  square(): Tensor;
  clamp(min?: number, max?: number): Tensor;
  sum(axis?: Axis, options?: ReduceOptions): Tensor;
  mean(axis?: Axis, options?: ReduceOptions): Tensor;
  max(axis?: Axis, options?: ReduceOptions): Tensor;
  min(axis?: Axis, options?: ReduceOptions): Tensor;
  argmax(axis?: number, options?: ReduceOptions): Tensor;
  argmin(axis?: number, options?: ReduceOptions): Tensor;
  logSumExp(axis?: Axis, options?: ReduceOptions): Tensor;
  softmax(axis?: number): Tensor;
  logSoftmax(axis?: number): Tensor;
  matmul(other: Tensor, options?: ops.MatmulOptions): Tensor;
  reshape(shape: readonly number[]): Tensor;
  flatten(): Tensor;
  transpose(dim0?: number, dim1?: number): Tensor;
  permute(dims: readonly number[]): Tensor;
  slice(ranges: ops.SliceRanges): Tensor;
  gather(indices: ops.IndexArray, axis?: number): Tensor;
  squeeze(axis?: number): Tensor;
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
