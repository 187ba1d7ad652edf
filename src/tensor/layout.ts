/** Data-movement kernels: permute, box slices, concatenation and row selection. */
import type { Storage } from './dtype.js';

/** out = src permuted so that out axis i is src axis perm[i]. */
export function permuteKernel(
  src: Storage,
  shape: readonly number[],
  perm: readonly number[],
  out: Storage,
): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const n = out.length;
  if (n === 0) return;
  const inner = rank === 0 ? 1 : outShape[rank - 1];
  const is = rank === 0 ? 0 : strides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let base = 0; base < n; base += inner) {
    for (let i = 0; i < inner; i++) out[base + i] = src[off + i * is];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < outShape[d]) break;
      off -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Copies the box starting at `starts` with extent `sizes` between a big array (of `shape`) and a
 * small contiguous one: `toBox` reads big → small (slice), otherwise adds small into big (its gradient).
 */
export function boxKernel(
  big: Storage,
  shape: readonly number[],
  starts: readonly number[],
  sizes: readonly number[],
  small: Storage,
  toBox: boolean,
): void {
  const rank = shape.length;
  const n = small.length;
  if (n === 0) return;
  if (rank === 0) {
    if (toBox) small[0] = big[0];
    else big[0] += small[0];
    return;
  }
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  let off = 0;
  for (let d = 0; d < rank; d++) off += starts[d] * strides[d];
  const inner = sizes[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  for (let base = 0; base < n; base += inner) {
    if (toBox) for (let i = 0; i < inner; i++) small[base + i] = big[off + i];
    else for (let i = 0; i < inner; i++) big[off + i] += small[base + i];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < sizes[d]) break;
      off -= strides[d] * sizes[d];
      idx[d] = 0;
    }
  }
}

/**
 * Row selection along an axis viewed as [outer, n, inner]: out[o, j, :] = src[o, index[j], :].
 * With `scatter`, the reverse with accumulation: src[o, index[j], :] += out[o, j, :].
 */
export function takeKernel(
  src: Storage,
  outer: number,
  n: number,
  inner: number,
  index: Int32Array,
  out: Storage,
  scatter: boolean,
): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + index[j]) * inner;
      const to = (o * m + j) * inner;
      if (scatter) for (let i = 0; i < inner; i++) src[from + i] += out[to + i];
      else for (let i = 0; i < inner; i++) out[to + i] = src[from + i];
    }
  }
}
