/**
 * Matrix product, 2-D or batched (leading batch dimensions broadcast), with transpose flags.
 * The backward uses the same kernel with flags, so no transpose is ever materialised:
 *   C = op(A)·op(B)  ⇒  dA = dC·op(B)ᵀ (or its transpose), dB = op(A)ᵀ·dC.
 */

import { gemm as matmulKernel } from '../../backend/index.js';
import { fmtShape, ShapeError } from '../../errors.js';
import type { Storage } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';
import { sameDType } from './util.js';

/** Transpose flags of {@link matmul}: the operands are read transposed, never copied. */
export interface MatmulOptions {
  /** Use Aᵀ (the last two axes of a swapped). */
  transposeA?: boolean;
  /** Use Bᵀ (the last two axes of b swapped); a Linear layer's x·Wᵀ is `matmul(x, W, {transposeB: true})`. */
  transposeB?: boolean;
}

interface Plan {
  m: number;
  n: number;
  k: number;
  batch: number[];
  /** Offsets of each batch's A and B matrices (broadcast batch dimensions repeat offsets). */
  aOffsets: Int32Array;
  bOffsets: Int32Array;
}

function plan(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Plan {
  const label = () => `matmul: ${fmtShape(a.shape)}${ta ? 'ᵀ' : ''} @ ${fmtShape(b.shape)}${tb ? 'ᵀ' : ''}`;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(
      `${label()}: both operands need at least 2 dimensions (reshape a vector to [1,n] or [n,1])`,
    );
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb) throw new ShapeError(`${label()}: inner dimensions ${k} and ${kb} differ`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', aBatch, bBatch);
  } catch {
    throw new ShapeError(
      `${label()}: batch dimensions ${fmtShape(aBatch)} and ${fmtShape(bBatch)} cannot be broadcast`,
    );
  }
  const count = sizeOf(batch);
  const aOffsets = batchOffsets(aBatch, batch, ar * ac, count);
  const bOffsets = batchOffsets(bBatch, batch, br * bc, count);
  return { m, n, k, batch, aOffsets, bOffsets };
}

/** Start of each matrix of an operand whose batch shape broadcasts to `batch`. */
function batchOffsets(own: number[], batch: number[], matSize: number, count: number): Int32Array {
  const strides = broadcastStrides(own, batch);
  const out = new Int32Array(count);
  const idx = new Array<number>(batch.length).fill(0);
  let off = 0;
  for (let i = 0; i < count; i++) {
    out[i] = off * matSize;
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < batch[d]) break;
      off -= strides[d] * batch[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Matrix product op(a)·op(b) of 2-D or batched tensors (leading batch dimensions broadcast). @throws ShapeError
 * when the inner or batch dimensions do not fit.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  expectTensor('matmul', a, 'first operand');
  expectTensor('matmul', b, 'second operand');
  const dtype = sameDType('matmul', [a, b]);
  const ta = options.transposeA === true;
  const tb = options.transposeB === true;
  const p = plan(a, b, ta, tb);
  const { m, n, k, batch } = p;
  const count = p.aOffsets.length;
  const out = allocate(dtype, count * m * n);
  for (let i = 0; i < count; i++) {
    matmulKernel({
      a: a.data,
      aOffset: p.aOffsets[i],
      b: b.data,
      bOffset: p.bOffsets[i],
      c: out,
      cOffset: i * m * n,
      m,
      n,
      k,
      transA: ta,
      transB: tb,
      accumulate: false,
    });
  }
  const shape = [...batch, m, n];
  return recordOp('matmul', out, shape, [a, b], (g) => {
    const gd = g.data;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      // op(A) = dC·op(B)ᵀ; when A is stored transposed, A = (dC·op(B)ᵀ)ᵀ = op(B)·dCᵀ.
      const d = allocate(dtype, a.size);
      for (let i = 0; i < count; i++) {
        if (!ta) gemm(gd, i * m * n, b.data, p.bOffsets[i], d, p.aOffsets[i], m, k, n, false, !tb);
        else gemm(b.data, p.bOffsets[i], gd, i * m * n, d, p.aOffsets[i], k, m, n, tb, true);
      }
      da = new Tensor(d, a.shape);
    }
    if (b.requiresGrad) {
      // op(B) = op(A)ᵀ·dC; when B is stored transposed, B = dCᵀ·op(A).
      const d = allocate(dtype, b.size);
      for (let i = 0; i < count; i++) {
        if (!tb) gemm(a.data, p.aOffsets[i], gd, i * m * n, d, p.bOffsets[i], k, n, m, !ta, false);
        else gemm(gd, i * m * n, a.data, p.aOffsets[i], d, p.bOffsets[i], n, k, m, true, ta);
      }
      db = new Tensor(d, b.shape);
    }
    return [da, db];
  });
}

/**
 * C[m,n] += op(A)[m,k]·op(B)[k,n]. Accumulating matters: when a batch dimension of an operand is
 * broadcast, several batches write the gradient of the same matrix.
 */
function gemm(
  a: Storage,
  aOffset: number,
  b: Storage,
  bOffset: number,
  c: Storage,
  cOffset: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  matmulKernel({ a, aOffset, b, bOffset, c, cOffset, m, n, k, transA, transB, accumulate: true });
}
