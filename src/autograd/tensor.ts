import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import type { DType, Storage } from '../tensor/dtype.js';
import { dtypeOf } from '../tensor/dtype.js';
import { checkShape, sizeOf } from '../tensor/shape.js';

/** An op argument that may be a tensor or a plain number (which takes the tensor's dtype). */
export type Operand = Tensor | number;
/** One axis or several; negative values count from the end. */
export type Axis = number | readonly number[];
/** Options of the reductions (sum, mean, max, min, argmax, ...). */
export interface ReduceOptions {
  /** Keep reduced axes as size-1 dimensions (default false). */
  keepDims?: boolean;
}

/**
 * The backward rule of one recorded op: given the gradient of the output, return one gradient per
 * parent (null where a parent needs none). A returned gradient may have the output's (broadcast)
 * shape; the engine reduces it to the parent's shape in one place.
 */
export type BackwardFn = (grad: Tensor, sums?: GradSums) => (Tensor | null)[];

/**
 * Passed to a backward rule as its second argument: access to the gradient the engine has summed so
 * far for each input, so that a rule can add its own into it instead of allocating. This saves an
 * allocation and a pass where an input feeds several ops (a trunk under several heads, a weight
 * under a layer and the L2 penalty). Rules that ignore it lose nothing but that saving.
 */
export interface GradSums {
  /**
   * The sum for input `i` when the engine owns it (an array no tensor holds), else null. A rule may
   * add its gradient for input i into it in place and return a tensor over that same array; the
   * engine then adds nothing more.
   */
  into(i: number): Storage | null;
  /**
   * When the sum for input `i` is still exactly scale·base (one op's scaled gradient, kept unmultiplied;
   * for float32 each product is rounded to float32, with scale a float32 value), hands it over: the
   * engine forgets it, and the rule must include it in the gradient it returns for input i. Else null.
   */
  takeScaled(i: number): ScaledSum | null;
}

/** A gradient kept as scale·base until something needs its values (see GradSums.takeScaled). */
export interface ScaledSum {
  scale: number;
  base: Storage;
}

/** A recorded op: the link from an output tensor back to its inputs. */
export interface GraphNode {
  /** The op's name, for error messages. */
  op: string;
  parents: readonly Tensor[];
  backward: BackwardFn | null;
  /** Set once backward has consumed the node and released its inputs. */
  freed: boolean;
}

/** Nested arrays of numbers, as returned by toArray(). */
export type NestedArray = number | NestedArray[];

/**
 * A dense, contiguous, row-major n-dimensional array of float32 (default) or float64,
 * with an optional link into the autograd graph. The chained op methods (`x.add(y).sum()`) and
 * `backward` are attached by methods.ts, so that this file imports no op and no op file imports
 * back into a cycle.
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
    checkShape('Tensor', shape);
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

  /** A short description: shape, dtype and whether it requires a gradient (not the values). */
  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
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

  /** Sets requiresGrad and returns this, for chaining: `randn([3]).requireGrad()`. */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
