/**
 * A Linear layer's whole backward in wasm memory: dY (and, with a fused ReLU, the layer's output
 * Y), W and X are copied in once; then the ReLU mask, the bias gradient and the two products run
 * on them there, and only dX, dW and db are copied out.
 *
 *   memory: [scratch of each part][G][Y][W][X][dX][dW][db]   (regions 64-byte aligned)
 *
 * dX and dW may instead be added into the engine's sums (copied in first), and dW may start from
 * the L2 penalty's pending λ·W (scaled in place here, then the product accumulates onto it).
 */
import type { ScaledSum } from '../../autograd/tensor.js';
import type { DType, Storage } from '../../tensor/dtype.js';
import {
  align,
  type GemmCall,
  type Layout,
  MAX_BYTES,
  type Plan,
  runStaged,
  scratchParts,
  type WasmKernels,
} from './runtime.js';
import type { ThreadPool } from './threads.js';

export interface LinearBackwardArgs {
  dtype: DType;
  /** dY [rows, outF]. */
  g: Storage;
  /** The layer's output [rows, outF] when a ReLU was fused (its mask gates dY), else null. */
  y: Storage | null;
  /** W [outF, inF] and X [rows, inF]. */
  w: Storage;
  x: Storage;
  rows: number;
  inF: number;
  outF: number;
  needDx: boolean;
  needDw: boolean;
  needDb: boolean;
  /**
   * Sums dX and dW are added into in place (the engine's GradSums.into), or null for new arrays. When
   * given, the returned dx/dw are these same arrays.
   */
  dxInto?: Storage | null;
  dwInto?: Storage | null;
  /**
   * dW's starting value scale·base (the engine's pending L2 gradient λ·W, GradSums.takeScaled), or
   * null. Only where dwInto is null (the engine holds one or the other).
   */
  dwScaled?: ScaledSum | null;
}

/** The gradients asked for (new arrays, or the `…Into` sums), null for the others. */
export interface LinearGrads {
  dx: Storage | null;
  dw: Storage | null;
  db: Storage | null;
}

/** Runs it, or returns null (nothing touched) when the operands do not fit under the memory cap. */
export function wasmLinearBackward(
  kernels: WasmKernels,
  pool: ThreadPool | null,
  args: LinearBackwardArgs,
): LinearGrads | null {
  const { rows, inF, outF } = args;
  const g = args.g as Float32Array;
  const w = args.w as Float32Array;
  const x = args.x as Float32Array;
  // dX[rows, inF] = G[rows, outF]·W[outF, inF];  dW[outF, inF] = G[rows, outF]ᵀ·X[rows, inF]
  const dxInto = (args.dxInto ?? null) as Float32Array | null;
  const dwInto = (args.dwInto ?? null) as Float32Array | null;
  const dwScaled = args.dwScaled ?? null;
  const dxCall = product(g, w, rows, inF, outF, false, dxInto !== null);
  const dwCall = product(g, x, outF, inF, rows, true, dwInto !== null || dwScaled !== null);
  // The two products run in one round, so each part has scratch of its own.
  const dxParts = args.needDx ? scratchParts(dxCall, pool) : null;
  const dwParts = args.needDw ? scratchParts(dwCall, pool, dxParts?.end) : null;
  let end = Math.max(dxParts?.end ?? 0, dwParts?.end ?? 0, 64);
  const region = (floats: number) => {
    const at = align(end);
    end = at + floats * 4;
    return at;
  };
  const at = {
    g: region(rows * outF),
    y: args.y === null ? 0 : region(rows * outF),
    w: region(outF * inF),
    x: region(rows * inF),
    dx: region(rows * inF),
    dw: region(outF * inF),
    db: region(outF + 4),
  };
  if (align(end) > MAX_BYTES) return null;
  const v = kernels.ensure(align(end));
  v.set(g.subarray(0, rows * outF), at.g / 4);
  if (args.y !== null) {
    v.set(args.y.subarray(0, rows * outF), at.y / 4);
    kernels.linear.reluMask(at.g, at.y, Math.ceil((rows * outF) / 4));
  }
  if (dxParts !== null) v.set(w.subarray(0, outF * inF), at.w / 4);
  if (dwParts !== null) v.set(x.subarray(0, rows * inF), at.x / 4);
  if (dxParts !== null && dxInto !== null) v.set(dxInto, at.dx / 4);
  if (dwParts !== null && dwInto !== null) v.set(dwInto, at.dw / 4);
  if (dwParts !== null && dwScaled !== null) {
    v.set(dwScaled.base, at.dw / 4);
    kernels.linear.scale(at.dw, Math.ceil((outF * inF) / 4), dwScaled.scale);
  }
  const out: LinearGrads = { dx: null, dw: null, db: null };
  if (args.needDb) {
    kernels.linear.colSums(at.g, rows, outF, at.db);
    out.db = v.slice(at.db / 4, at.db / 4 + outF);
  }
  const products: { call: GemmCall; plan: Plan }[] = [];
  if (dxParts !== null)
    products.push({ call: dxCall, plan: { parts: dxParts.parts, at: layout(at.g, at.w, at.dx) } });
  if (dwParts !== null)
    products.push({ call: dwCall, plan: { parts: dwParts.parts, at: layout(at.g, at.x, at.dw) } });
  runStaged(kernels, pool, products);
  if (dxParts !== null) out.dx = copyOut(v, at.dx, rows * inF, dxInto);
  if (dwParts !== null) out.dw = copyOut(v, at.dw, outF * inF, dwInto);
  return out;
}

/** `floats` floats at byte address `at`, into `into` when given, else into a new array. */
function copyOut(v: Float32Array, at: number, floats: number, into: Float32Array | null): Float32Array {
  const src = v.subarray(at / 4, at / 4 + floats);
  if (into === null) return src.slice();
  into.set(src);
  return into;
}

/** A product's operand addresses (no bias; `end` is unused once planned). */
function layout(a: number, b: number, c: number): Layout {
  return { a, b, c, bias: 0, end: 0 };
}

/**
 * C[m, n] (+)= op(A)·B over staged operands (the arrays only describe them; nothing is copied from
 * them).
 */
function product(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transposeA: boolean,
  accumulate: boolean,
): GemmCall {
  const none = new Float32Array(0);
  return {
    a,
    aOffset: 0,
    b,
    bOffset: 0,
    c: none,
    cOffset: 0,
    m,
    n,
    k,
    transposeA,
    transposeB: false,
    accumulate,
    bias: null,
    relu: false,
  };
}
