/**
 * The matmul hot loop: C[M,N] (+)= op(A)[M,K] · op(B)[K,N], op = identity or transpose.
 *
 * GotoBLAS-style structure, written for V8:
 *  - the K dimension is cut into blocks of KC so that one packed panel of A (MR×KC) and one of
 *    B (KC×NR) stay in L1 while the micro-kernel streams through them;
 *  - A and B blocks are packed into contiguous Float64Array scratch buffers, panel by panel, so the
 *    micro-kernel reads both with unit stride whatever the transpose flags were (transposes are
 *    absorbed by the packing, never materialised), and float32 inputs are widened once, not per FMA;
 *  - the micro-kernel keeps a 4×8 tile of C in 32 local variables for the whole block. V8 (x64) has
 *    16 float registers, so part of the tile lives on the stack either way; what the wider tile buys
 *    is that the fixed cost of each k step (bounds and overflow checks of the 12 loads, map checks,
 *    loop control) is shared by 32 multiply-adds instead of 16 (measured +11–14% over 4×4; 8×8 and
 *    4×16 are slower: bench/experiments/FINDINGS.md);
 *  - B is packed in panels of 8 columns; when a block's last panel has ≤ 4 columns it is packed 4
 *    wide and computed by a 4×4 kernel, so narrow outputs (e.g. 10 classes) pad to 12, not 16.
 * Accumulation is in float64 for both dtypes; the result is rounded once on store.
 */
import type { Storage } from './dtype.js';

const MR = 4;
const NR = 8;
/** Width of the tail panel used when a block's last columns number ≤ NR_TAIL. */
const NR_TAIL = 4;
/** Depth of a K block: one A panel and one B panel ((4 + 8) × KC doubles = 24 KB) fit in L1. */
const KC = 256;
/** Rows of A packed at once: MC × KC doubles = 128 KB, within L2. */
const MC = 64;
/** Columns of B packed at once. */
const NC = 512;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);
/** float64 accumulator for float32 products with K > KC (rounded once into C at the end). */
let wideC = new Float64Array(0);
/** The largest accumulator kept between calls (4 MiB): a bigger one is dropped after its product. */
const KEEP_WIDE = 512 * 1024;

/** Bytes the kernel keeps in module-level scratch between calls (bounded: about 5 MiB at most). */
export function retainedScratchBytes(): number {
  return packA.byteLength + packB.byteLength + wideC.byteLength;
}

/** Below this many multiply-adds the packing costs more than it saves. */
const SMALL = 8 * 8 * 8;

export interface MatmulArgs {
  a: Storage;
  aOffset: number;
  b: Storage;
  bOffset: number;
  c: Storage;
  cOffset: number;
  m: number;
  n: number;
  k: number;
  /** A is stored as [K, M] (row-major) and read transposed. */
  transA: boolean;
  /** B is stored as [N, K] (row-major) and read transposed. */
  transB: boolean;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

/** One (possibly batched-slice) matrix product into C, which is row-major [M, N] with stride N. */
export function matmulKernel(args: MatmulArgs): void {
  const { a, aOffset, b, bOffset, c, cOffset, m, n, k, transA, transB, accumulate } = args;
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  // Element (i, p) of op(A) is a[aOffset + i*ars + p*acs]; (p, j) of op(B) is b[bOffset + p*brs + j*bcs].
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  const brs = transB ? 1 : n;
  const bcs = transB ? k : 1;
  if (m * n * k <= SMALL) {
    smallMatmul(a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, m, n, k, accumulate);
    return;
  }
  if (k > KC && !(c instanceof Float64Array)) {
    // Several K blocks add into C: keep the partial sums in float64 so a float32 C is rounded once.
    // The scratch is reused across calls (grown when needed): no allocation per product.
    const size = m * n;
    if (wideC.length < size && size <= KEEP_WIDE) wideC = new Float64Array(size);
    const wide = size <= KEEP_WIDE ? wideC : new Float64Array(size);
    if (accumulate) for (let i = 0; i < size; i++) wide[i] = c[cOffset + i];
    matmulKernel({ ...args, c: wide, cOffset: 0 });
    for (let i = 0; i < size; i++) c[cOffset + i] = wide[i];
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packBBlock(b, bOffset + pc * brs + jc * bcs, brs, bcs, kc, nc);
      const overwrite = pc === 0 && !accumulate;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packABlock(a, aOffset + ic * ars + pc * acs, ars, acs, mc, kc);
        macroKernel(mc, nc, kc, c, cOffset + ic * n + jc, n, overwrite);
      }
    }
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns, packB[(panel·kc + p)·NR + j], except a
 * last panel of ≤ NR_TAIL columns, which is NR_TAIL wide (zero-padded like any partial panel).
 */
function packBBlock(b: Storage, base: number, brs: number, bcs: number, kc: number, nc: number): void {
  const full = Math.floor(nc / NR);
  const rem = nc - full * NR;
  const tailW = rem === 0 ? 0 : rem <= NR_TAIL ? NR_TAIL : NR;
  const need = full * kc * NR + tailW * kc;
  if (packB.length < need) packB = new Float64Array(need);
  const pb = packB;
  for (let jp = 0; jp < full; jp++) {
    const j0 = jp * NR;
    let dst = jp * kc * NR;
    if (bcs === 1) {
      for (let p = 0; p < kc; p++) {
        const src = base + p * brs + j0;
        pb[dst] = b[src];
        pb[dst + 1] = b[src + 1];
        pb[dst + 2] = b[src + 2];
        pb[dst + 3] = b[src + 3];
        pb[dst + 4] = b[src + 4];
        pb[dst + 5] = b[src + 5];
        pb[dst + 6] = b[src + 6];
        pb[dst + 7] = b[src + 7];
        dst += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = base + p * brs + j0 * bcs;
        for (let j = 0; j < NR; j++) pb[dst + j] = b[src + j * bcs];
        dst += NR;
      }
    }
  }
  if (rem > 0) {
    const j0 = full * NR;
    let dst = full * kc * NR;
    for (let p = 0; p < kc; p++) {
      const src = base + p * brs + j0 * bcs;
      for (let j = 0; j < tailW; j++) pb[dst + j] = j < rem ? b[src + j * bcs] : 0;
      dst += tailW;
    }
  }
}

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into panels of MR rows: packA[(panel·kc + p)·MR + i]. */
function packABlock(a: Storage, base: number, ars: number, acs: number, mc: number, kc: number): void {
  const panels = Math.ceil(mc / MR);
  const need = panels * kc * MR;
  if (packA.length < need) packA = new Float64Array(need);
  const pa = packA;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ip * MR;
    const h = Math.min(MR, mc - i0);
    let dst = ip * kc * MR;
    if (h === MR) {
      const r0 = base + i0 * ars;
      const r1 = r0 + ars;
      const r2 = r1 + ars;
      const r3 = r2 + ars;
      for (let p = 0; p < kc; p++) {
        const o = p * acs;
        pa[dst] = a[r0 + o];
        pa[dst + 1] = a[r1 + o];
        pa[dst + 2] = a[r2 + o];
        pa[dst + 3] = a[r3 + o];
        dst += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = base + i0 * ars + p * acs;
        for (let i = 0; i < MR; i++) pa[dst + i] = i < h ? a[src + i * ars] : 0;
        dst += MR;
      }
    }
  }
}

/** Walks the packed block tile by tile: 4×8 micro-kernel calls, and 4×4 ones for a narrow tail panel. */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  c: Storage,
  cBase: number,
  ldc: number,
  overwrite: boolean,
): void {
  const pa = packA;
  const pb = packB;
  const full = Math.floor(nc / NR);
  for (let jp = 0; jp < full; jp++) {
    const j0 = jp * NR;
    const bStart = jp * kc * NR;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const h = Math.min(MR, mc - i0);
      const aStart = (i0 / MR) * kc * MR;
      microKernel4x8(pa, aStart, pb, bStart, kc, c, cBase + i0 * ldc + j0, ldc, h, NR, overwrite);
    }
  }
  const rem = nc - full * NR;
  if (rem === 0) return;
  const j0 = full * NR;
  const bStart = full * kc * NR;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    const aStart = (i0 / MR) * kc * MR;
    const co = cBase + i0 * ldc + j0;
    if (rem <= NR_TAIL) microKernel4x4(pa, aStart, pb, bStart, kc, c, co, ldc, h, rem, overwrite);
    else microKernel4x8(pa, aStart, pb, bStart, kc, c, co, ldc, h, rem, overwrite);
  }
}

/** C[0:h, 0:w] (+)= Apanel · Bpanel (8 wide) with the 4×8 tile held in locals for the whole K block. */
function microKernel4x8(
  pa: Float64Array,
  ai: number,
  pb: Float64Array,
  bi: number,
  kc: number,
  c: Storage,
  co: number,
  ldc: number,
  h: number,
  w: number,
  overwrite: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai];
    const a1 = pa[ai + 1];
    const a2 = pa[ai + 2];
    const a3 = pa[ai + 3];
    const b0 = pb[bi];
    const b1 = pb[bi + 1];
    const b2 = pb[bi + 2];
    const b3 = pb[bi + 3];
    const b4 = pb[bi + 4];
    const b5 = pb[bi + 5];
    const b6 = pb[bi + 6];
    const b7 = pb[bi + 7];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c06 += a0 * b6;
    c07 += a0 * b7;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c16 += a1 * b6;
    c17 += a1 * b7;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c26 += a2 * b6;
    c27 += a2 * b7;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    c36 += a3 * b6;
    c37 += a3 * b7;
    ai += MR;
    bi += NR;
  }
  if (h === MR && w === NR) {
    if (overwrite) {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[co + 3] = c03;
      c[co + 4] = c04;
      c[co + 5] = c05;
      c[co + 6] = c06;
      c[co + 7] = c07;
      co += ldc;
      c[co] = c10;
      c[co + 1] = c11;
      c[co + 2] = c12;
      c[co + 3] = c13;
      c[co + 4] = c14;
      c[co + 5] = c15;
      c[co + 6] = c16;
      c[co + 7] = c17;
      co += ldc;
      c[co] = c20;
      c[co + 1] = c21;
      c[co + 2] = c22;
      c[co + 3] = c23;
      c[co + 4] = c24;
      c[co + 5] = c25;
      c[co + 6] = c26;
      c[co + 7] = c27;
      co += ldc;
      c[co] = c30;
      c[co + 1] = c31;
      c[co + 2] = c32;
      c[co + 3] = c33;
      c[co + 4] = c34;
      c[co + 5] = c35;
      c[co + 6] = c36;
      c[co + 7] = c37;
    } else {
      c[co] += c00;
      c[co + 1] += c01;
      c[co + 2] += c02;
      c[co + 3] += c03;
      c[co + 4] += c04;
      c[co + 5] += c05;
      c[co + 6] += c06;
      c[co + 7] += c07;
      co += ldc;
      c[co] += c10;
      c[co + 1] += c11;
      c[co + 2] += c12;
      c[co + 3] += c13;
      c[co + 4] += c14;
      c[co + 5] += c15;
      c[co + 6] += c16;
      c[co + 7] += c17;
      co += ldc;
      c[co] += c20;
      c[co + 1] += c21;
      c[co + 2] += c22;
      c[co + 3] += c23;
      c[co + 4] += c24;
      c[co + 5] += c25;
      c[co + 6] += c26;
      c[co + 7] += c27;
      co += ldc;
      c[co] += c30;
      c[co + 1] += c31;
      c[co + 2] += c32;
      c[co + 3] += c33;
      c[co + 4] += c34;
      c[co + 5] += c35;
      c[co + 6] += c36;
      c[co + 7] += c37;
    }
    return;
  }
  // Edge tile: store only the valid h×w corner.
  const tile = edgeTile;
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c04;
  tile[5] = c05;
  tile[6] = c06;
  tile[7] = c07;
  tile[8] = c10;
  tile[9] = c11;
  tile[10] = c12;
  tile[11] = c13;
  tile[12] = c14;
  tile[13] = c15;
  tile[14] = c16;
  tile[15] = c17;
  tile[16] = c20;
  tile[17] = c21;
  tile[18] = c22;
  tile[19] = c23;
  tile[20] = c24;
  tile[21] = c25;
  tile[22] = c26;
  tile[23] = c27;
  tile[24] = c30;
  tile[25] = c31;
  tile[26] = c32;
  tile[27] = c33;
  tile[28] = c34;
  tile[29] = c35;
  tile[30] = c36;
  tile[31] = c37;
  storeEdge(tile, NR, c, co, ldc, h, w, overwrite);
}

/** The tail: C[0:h, 0:w] (+)= Apanel · Bpanel (4 wide), the 4×4 tile held in locals for the whole K block. */
function microKernel4x4(
  pa: Float64Array,
  ai: number,
  pb: Float64Array,
  bi: number,
  kc: number,
  c: Storage,
  co: number,
  ldc: number,
  h: number,
  w: number,
  overwrite: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai];
    const a1 = pa[ai + 1];
    const a2 = pa[ai + 2];
    const a3 = pa[ai + 3];
    const b0 = pb[bi];
    const b1 = pb[bi + 1];
    const b2 = pb[bi + 2];
    const b3 = pb[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += MR;
    bi += NR_TAIL;
  }
  if (h === MR && w === NR_TAIL) {
    if (overwrite) {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[co + 3] = c03;
      co += ldc;
      c[co] = c10;
      c[co + 1] = c11;
      c[co + 2] = c12;
      c[co + 3] = c13;
      co += ldc;
      c[co] = c20;
      c[co + 1] = c21;
      c[co + 2] = c22;
      c[co + 3] = c23;
      co += ldc;
      c[co] = c30;
      c[co + 1] = c31;
      c[co + 2] = c32;
      c[co + 3] = c33;
    } else {
      c[co] += c00;
      c[co + 1] += c01;
      c[co + 2] += c02;
      c[co + 3] += c03;
      co += ldc;
      c[co] += c10;
      c[co + 1] += c11;
      c[co + 2] += c12;
      c[co + 3] += c13;
      co += ldc;
      c[co] += c20;
      c[co + 1] += c21;
      c[co + 2] += c22;
      c[co + 3] += c23;
      co += ldc;
      c[co] += c30;
      c[co + 1] += c31;
      c[co + 2] += c32;
      c[co + 3] += c33;
    }
    return;
  }
  // Edge tile: store only the valid h×w corner.
  const tile = edgeTile;
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
  storeEdge(tile, NR_TAIL, c, co, ldc, h, w, overwrite);
}

/** Stores the valid h×w corner of a tile (row stride `width`) into C. */
function storeEdge(
  tile: Float64Array,
  width: number,
  c: Storage,
  co: number,
  ldc: number,
  h: number,
  w: number,
  overwrite: boolean,
): void {
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      if (overwrite) c[co + i * ldc + j] = tile[i * width + j];
      else c[co + i * ldc + j] += tile[i * width + j];
    }
  }
}
const edgeTile = new Float64Array(MR * NR);

/** Tiny products: a direct loop with a float64 accumulator per output element. */
function smallMatmul(
  a: Storage,
  ao: number,
  ars: number,
  acs: number,
  b: Storage,
  bo: number,
  brs: number,
  bcs: number,
  c: Storage,
  co: number,
  m: number,
  n: number,
  k: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = ao + i * ars;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        s += a[pa] * b[pb];
        pa += acs;
        pb += brs;
      }
      if (accumulate) c[co + i * n + j] += s;
      else c[co + i * n + j] = s;
    }
  }
}
