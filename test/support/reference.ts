/**
 * Test-side reference implementations, written independently of src/: plain loops over
 * multi-indices, no strides, no fast paths. Tests compare the library against these.
 */

export type Shape = readonly number[];

export function sizeOfRef(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** NumPy broadcasting, right-aligned: null when the shapes are incompatible. */
export function broadcastRef(a: Shape, b: Shape): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Multi-index of a flat row-major position. */
export function unravel(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** Flat row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/** Flat position in an operand of shape `s` read at the output multi-index `outIdx` (broadcast rule). */
export function broadcastIndex(outIdx: readonly number[], s: Shape): number {
  const lead = outIdx.length - s.length;
  let f = 0;
  for (let d = 0; d < s.length; d++) f = f * s[d] + (s[d] === 1 ? 0 : outIdx[lead + d]);
  return f;
}

/** Elementwise f(a, b) with broadcasting, by walking every output multi-index. */
export function binaryRef(
  f: (x: number, y: number) => number,
  a: ArrayLike<number>,
  as: Shape,
  b: ArrayLike<number>,
  bs: Shape,
): { shape: number[]; data: number[] } {
  const shape = broadcastRef(as, bs);
  if (shape === null) throw new Error('binaryRef: incompatible shapes');
  const n = sizeOfRef(shape);
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data.push(f(a[broadcastIndex(idx, as)], b[broadcastIndex(idx, bs)]));
  }
  return { shape, data };
}

/**
 * Reduction over `axes` (sorted, non-negative) by visiting every input element and folding it
 * into the output slot whose index has the reduced axes set to 0. Returns keepDims layout.
 */
export function reduceRef(
  data: ArrayLike<number>,
  shape: Shape,
  axes: readonly number[],
  init: number,
  f: (acc: number, v: number) => number,
): { shape: number[]; data: number[] } {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array<number>(sizeOfRef(keep)).fill(init);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v));
    const o = ravel(idx, keep);
    out[o] = f(out[o], data[i]);
  }
  return { shape: keep, data: out };
}

/** out[idx] = x[idx permuted]: output axis i is input axis perm[i]. */
export function permuteRef(data: ArrayLike<number>, shape: Shape, perm: readonly number[]): number[] {
  const outShape = perm.map((p) => shape[p]);
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const oi = unravel(i, outShape);
    const ii = new Array<number>(shape.length);
    for (let d = 0; d < perm.length; d++) ii[perm[d]] = oi[d];
    out.push(data[ravel(ii, shape)]);
  }
  return out;
}

/**
 * Batched matrix product op(A)·op(B) with broadcast batch dimensions, a plain triple loop with a
 * float64 accumulator. Also returns Σ|a||b| per output element (for rounding-error bounds).
 */
export function matmulRef(
  a: ArrayLike<number>,
  as: Shape,
  b: ArrayLike<number>,
  bs: Shape,
  ta = false,
  tb = false,
): { shape: number[]; data: Float64Array; absSum: Float64Array } {
  const [ar, ac] = as.slice(-2);
  const [br, bc] = bs.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  if ((tb ? bc : br) !== k) throw new Error('matmulRef: inner dimensions differ');
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const batch = broadcastRef(aBatch, bBatch);
  if (batch === null) throw new Error('matmulRef: batch dims do not broadcast');
  const count = sizeOfRef(batch);
  const data = new Float64Array(count * m * n);
  const absSum = new Float64Array(count * m * n);
  for (let bi = 0; bi < count; bi++) {
    const idx = unravel(bi, batch);
    const ao = broadcastIndex(idx, aBatch) * ar * ac;
    const bo = broadcastIndex(idx, bBatch) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[ao + p * ac + i] : a[ao + i * ac + p];
          const bv = tb ? b[bo + j * bc + p] : b[bo + p * bc + j];
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        data[(bi * m + i) * n + j] = s;
        absSum[(bi * m + i) * n + j] = abs;
      }
    }
  }
  return { shape: [...batch, m, n], data, absSum };
}

/** mulberry32: a tiny seeded generator for test data, independent of src/tensor/rng.ts. */
export function testRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi). */
export function randomValues(rand: () => number, n: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** Flattens nested arrays (toArray output) back to a flat list, for comparisons. */
export function flattenNested(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (!Array.isArray(x)) throw new Error('flattenNested: not a nested array');
  return x.flatMap((v) => flattenNested(v));
}
