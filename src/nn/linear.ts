/**
 * The fully connected layer, y = x·Wᵀ + b with W stored [out, in] like PyTorch, as ONE recorded op.
 * Forward: one kernel call, x·Wᵀ with the transB flag, the bias (and an optional ReLU) fused into its
 * store. Backward, one backend call (src/backend/linear.ts) with no transpose materialised:
 *   dX = dY·W, dW = dYᵀ·X (transA flag), db = column sums of dY, dY masked first by a fused ReLU.
 * The only allocations are the output and one array per gradient, handed to the engine as fresh.
 */
import { freshGrad } from '../autograd/engine.js';
import { defineOp, expectTensor } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { gemm } from '../backend/index.js';
import { linearBackward } from '../backend/linear.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { allocate, type DType, isDType, type Storage } from '../tensor/dtype.js';
import { defaultRng, type Rng } from '../tensor/rng.js';
import { type InitFn, type InitName, initLinear } from './init.js';
import { Module } from './module.js';

export interface LinearOpOptions {
  /** Fuse a ReLU into the op: relu(x·Wᵀ + b) in one pass, its mask applied to dY in backward. */
  activation?: 'relu' | null;
}

/**
 * x·Wᵀ + b for x of shape [..., in] (leading dimensions are flattened into rows), W [out, in], b [out]
 * (or null/undefined for no bias), optionally followed by a fused ReLU. Returns [..., out]; a 1-D x
 * [in] gives [out].
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: LinearOpOptions = {},
): Tensor {
  const b = bias ?? null;
  const relu = checkLinear(x, weight, b, options);
  const [outF, inF] = weight.shape;
  const rows = sizeOfLeading(x.shape);
  const dtype = x.dtype;
  // out[rows, outF] = x[rows, inF] · W[outF, inF]ᵀ + b, then ReLU.
  const out = forwardProduct(dtype, x.data, weight.data, rows, outF, inF, b?.data ?? null, relu);
  const shape = [...x.shape.slice(0, -1), outF];
  const parents = b !== null ? [x, weight, b] : [x, weight];
  return defineOp(relu ? 'linear+relu' : 'linear', out, shape, parents, (g, sums) => {
    // Through the ReLU: dZ = dY where the output is positive, 0 elsewhere (PyTorch's subgradient at 0);
    // dX = dZ·W, dW = dZᵀ·X, db = column sums of dZ: one backend call. dX and dW are added into the
    // sums the engine already holds for x and W (a trunk under several heads), and a pending λ·W
    // from the L2 penalty becomes dW's starting value.
    const dwScaled = weight.requiresGrad ? (sums?.takeScaled(1) ?? null) : null;
    const dxInto = x.requiresGrad ? (sums?.into(0) ?? null) : null;
    const dwInto = weight.requiresGrad ? (sums?.into(1) ?? null) : null;
    const { dx, dw, db } = linearBackward({
      dtype,
      g: g.data,
      y: relu ? out : null,
      w: weight.data,
      x: x.data,
      rows,
      inF,
      outF,
      needDx: x.requiresGrad,
      needDw: weight.requiresGrad,
      needDb: b?.requiresGrad === true,
      dxInto,
      // x and W the same tensor: one sum, so dW gets an array of its own.
      dwInto: dwInto === dxInto ? null : dwInto,
      dwScaled,
    });
    const grads = [gradOver(dx, x.shape, dxInto), gradOver(dw, weight.shape, dwInto)];
    if (b !== null) grads.push(db === null ? null : freshGrad(db, b.shape));
    return grads;
  });
}

/** The gradient tensor over `data`: the engine's own sum when it is `into`, else a fresh array. */
function gradOver(data: Storage | null, shape: readonly number[], into: Storage | null): Tensor | null {
  if (data === null) return null;
  return data === into ? new Tensor(data, shape) : freshGrad(data, shape);
}

/** Validates the operands; returns whether the ReLU is fused. */
function checkLinear(x: Tensor, weight: Tensor, b: Tensor | null, options: LinearOpOptions): boolean {
  expectTensor('linear', x, 'input');
  expectTensor('linear', weight, 'weight');
  if (b !== null) expectTensor('linear', b, 'bias');
  if (weight.rank !== 2)
    throw new ShapeError(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (x.rank < 1 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} must end in the layer's ${inF} input features (weight ${fmtShape(weight.shape)})`,
    );
  }
  if (b !== null && (b.rank !== 1 || b.shape[0] !== outF)) {
    throw new ShapeError(`linear: bias must be [${outF}], got ${fmtShape(b.shape)}`);
  }
  const dtype = x.dtype;
  if (weight.dtype !== dtype || (b !== null && b.dtype !== dtype)) {
    throw new DTypeError(
      `linear: input is ${dtype} but the weight is ${weight.dtype}${b !== null ? ` and the bias ${b.dtype}` : ''}; cast with .to()`,
    );
  }
  const act = options.activation ?? null;
  if (act !== null && act !== 'relu') {
    throw new ValueError(`linear: activation must be 'relu' or null, got ${JSON.stringify(act)}`);
  }
  return act === 'relu';
}

/** A new [rows, outF] array holding x·Wᵀ (+ bias, ReLU). */
function forwardProduct(
  dtype: DType,
  x: Storage,
  w: Storage,
  rows: number,
  outF: number,
  inF: number,
  bias: Storage | null,
  relu: boolean,
): Storage {
  const c = allocate(dtype, rows * outF);
  gemm({
    a: x,
    aOffset: 0,
    b: w,
    bOffset: 0,
    c,
    cOffset: 0,
    m: rows,
    n: outF,
    k: inF,
    transA: false,
    transB: true,
    accumulate: false,
    bias,
    relu,
  });
  return c;
}

function sizeOfLeading(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 1; i++) n *= shape[i];
  return n;
}

/** Options of the {@link Linear} layer. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /**
   * How to initialise: 'default' (PyTorch's nn.Linear: weight and bias from U(±1/√in)), another
   * initialiser name, or a function filling the weight; with anything but 'default' the bias starts at 0.
   */
  init?: InitName | InitFn;
  /** The generator for the initialisation (default: the global one). */
  rng?: Rng;
  /** 'float32' (default) or 'float64'. */
  dtype?: DType;
}

/** y = x·Wᵀ + b. Parameters: `weight` [out, in] and `bias` [out] (state-dict keys 'weight', 'bias'). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkOptionKeys('Linear', options, ['bias', 'init', 'rng', 'dtype']);
    checkFeatures('inFeatures', inFeatures);
    checkFeatures('outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
    if (!isDType(dtype))
      throw new DTypeError(`Linear: unknown dtype '${String(dtype)}', expected 'float32' or 'float64'`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const weight = new Tensor(allocate(dtype, outFeatures * inFeatures), [outFeatures, inFeatures]);
    const bias = options.bias === false ? null : new Tensor(allocate(dtype, outFeatures), [outFeatures]);
    initLinear(weight, bias, options.init, options.rng ?? defaultRng());
    this.weight = this.registerParameter('weight', weight);
    this.bias = bias === null ? null : this.registerParameter('bias', bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override toString(): string {
    return `Linear(in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null})`;
  }
}

function checkFeatures(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`Linear: ${what} must be a non-negative integer, got ${String(n)}`);
}
