/** Shared helpers for the optimiser tests (independent of the implementation). */
import { Tensor } from '../../src/autograd/tensor.js';
import type { DType } from '../../src/tensor/dtype.js';

export function param(values: readonly number[], shape: readonly number[], dtype: DType = 'float64'): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape, true);
}

export function setGrad(p: Tensor, values: readonly number[]): void {
  const data = p.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  p.grad = new Tensor(data, p.shape);
}

/** Largest |a−b| / max(|b|, tiny) over the elements. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300);
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m;
}

export function expectArraysEqual(a: ArrayLike<number>, b: ArrayLike<number>, what = ''): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`${what}: element ${i}: ${a[i]} !== ${b[i]}`);
  }
}

export function expectClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol: number,
  atol = 0,
  what = '',
): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
      throw new Error(`${what}: element ${i}: ${a[i]} vs ${b[i]} (|diff| ${Math.abs(a[i] - b[i])})`);
    }
  }
}

/** A deterministic stream of floats in [-1, 1) (xorshift), so tests need no RNG from the library. */
export function floats(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
