/**
 * Runs the generated float32 GEMM: one compiled module, one linear memory (shared when threads
 * exist), inputs copied in with TypedArray.set (a memcpy), the result copied out.
 *
 * Memory layout of a call: [scratch of each part][A][B][C][bias]. The memory grows to what the
 * largest call needed and never beyond MAX_BYTES (WebAssembly memory cannot shrink, so this cap is
 * what a huge product can leave pinned); a product that would need more runs on the JS kernel.
 */

import { type WasmMemory, wasmApi } from './api.js';
import { wasmFeatures } from './features.js';
import { buildGemmModule, GEMM_ACCUMULATE, GEMM_RELU, gemmScratchBytes, NR } from './gemm.js';
import { buildLinearKernels } from './linear-kernels.js';
import { CONTROL_BYTES, MAX_PARTS, type ThreadPool } from './threads.js';

const PAGE = 65536;
/** The most memory the kernels may hold: 64 MiB. */
export const MAX_BYTES = 64 * 1024 * 1024;
const MAX_PAGES = MAX_BYTES / PAGE;
/** Register-tile rows: 4×8 measured faster than 6×8 under V8 (the 6-row tile spills registers). */
export const MR = 4;

export interface GemmCall {
  a: Float32Array;
  aOffset: number;
  b: Float32Array;
  bOffset: number;
  c: Float32Array;
  cOffset: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  accumulate: boolean;
  /** Added to every row of C (length n) before the ReLU. */
  bias: Float32Array | null;
  relu: boolean;
}

export type GemmFn = (...args: number[]) => void;

/** The Linear-backward helpers of linear-kernels.ts, on the same memory (byte addresses). */
export interface LinearFns {
  reluMask(g: number, y: number, groups: number): void;
  colSums(g: number, rows: number, cols: number, out: number): void;
  scale(x: number, groups: number, s: number): void;
}

/** One part of C for one thread: rows [i0, i1) × columns [j0, j1), and its scratch address. */
export interface Part {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
  scratch: number;
}

export interface Layout {
  a: number;
  b: number;
  c: number;
  bias: number;
  end: number;
}

export class WasmKernels {
  readonly memory: WasmMemory;
  readonly module: object;
  readonly linear: LinearFns;
  private readonly gemmFn: GemmFn;
  private view: Float32Array;

  constructor(shared: boolean) {
    const api = wasmApi;
    if (api === undefined) throw new Error('WasmKernels: no WebAssembly here');
    const relaxed = wasmFeatures().relaxedSimd;
    const spec = { initial: 16, maximum: MAX_PAGES, shared };
    this.module = new api.Module(buildGemmModule({ mr: MR, relaxed, memory: { ...spec, imported: true } }));
    this.memory = new api.Memory(spec);
    const instance = new api.Instance(this.module, { env: { memory: this.memory } });
    this.gemmFn = instance.exports.gemm as GemmFn;
    const linear = new api.Module(buildLinearKernels({ ...spec, imported: true }));
    this.linear = new api.Instance(linear, { env: { memory: this.memory } }).exports as unknown as LinearFns;
    this.view = new Float32Array(this.memory.buffer);
  }

  /** Byte addresses of a call's operands after `partsBytes` of per-part scratch; null if over the cap. */
  layout(call: GemmCall, partsBytes: number): Layout | null {
    const { m, n, k } = call;
    const a = align(partsBytes + 64);
    const b = align(a + m * k * 4);
    const c = align(b + k * n * 4);
    const bias = align(c + m * n * 4);
    const end = align(bias + (n + NR) * 4);
    return end > MAX_BYTES ? null : { a, b, c, bias, end };
  }

  /** Grows the memory to hold `bytes` and returns a current view of it. */
  ensure(bytes: number): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.view.buffer !== this.memory.buffer || this.view.length * 4 !== this.memory.buffer.byteLength) {
      this.view = new Float32Array(this.memory.buffer);
    }
    return this.view;
  }

  /** Copies the operands in (C only when accumulating); returns the view. */
  stage(call: GemmCall, at: Layout): Float32Array {
    const { m, n, k } = call;
    const v = this.ensure(at.end);
    v.set(call.a.subarray(call.aOffset, call.aOffset + m * k), at.a / 4);
    v.set(call.b.subarray(call.bOffset, call.bOffset + k * n), at.b / 4);
    if (call.accumulate) v.set(call.c.subarray(call.cOffset, call.cOffset + m * n), at.c / 4);
    if (call.bias !== null) v.set(call.bias.subarray(0, n), at.bias / 4);
    return v;
  }

  /** The export's arguments for one part of the product. */
  partArgs(call: GemmCall, at: Layout, p: Part): number[] {
    const { m, n, k, transposeA: ta, transposeB: tb } = call;
    const ars = (ta ? 1 : k) * 4;
    const acs = (ta ? m : 1) * 4;
    const brs = (tb ? 1 : n) * 4;
    const bcs = (tb ? k : 1) * 4;
    const flags = (call.accumulate ? GEMM_ACCUMULATE : 0) | (call.relu ? GEMM_RELU : 0);
    const bias = call.bias === null ? 0 : at.bias + p.j0 * 4;
    return [
      p.i1 - p.i0,
      p.j1 - p.j0,
      k,
      at.a + p.i0 * ars,
      ars,
      acs,
      at.b + p.j0 * bcs,
      brs,
      bcs,
      at.c + (p.i0 * n + p.j0) * 4,
      n * 4,
      flags,
      bias,
      p.scratch,
    ];
  }

  run(args: number[]): void {
    this.gemmFn(...args);
  }

  /** Copies C out of the memory. */
  unstage(call: GemmCall, at: Layout): void {
    const size = call.m * call.n;
    call.c.set(this.view.subarray(at.c / 4, at.c / 4 + size), call.cOffset);
  }
}

export function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** Scratch bytes of one part, rounded to a cache line. */
export function partScratch(p: Part): number {
  return align(gemmScratchBytes(MR, p.j1 - p.j0));
}

/**
 * Below this many multiply-adds (about 70 µs on one thread) a product stays on one thread: waking a
 * worker and waiting for it costs tens of µs, more than such a product gains from a second core.
 */
const THREAD_MIN_WORK = 128 * 128 * 64;

/**
 * Splits C among `threads`: by 8-column panels when C is wide (each part packs only its columns of
 * B), else by rows (the narrow heads of a multi-task model), else not at all. A large product gets
 * two parts per thread: the threads claim parts as they come free, so when one is slow to wake
 * or is descheduled on a busy machine, the others take over more of the work.
 */
export function splitC(m: number, n: number, k: number, threads: number): Part[] {
  const whole = [{ i0: 0, i1: m, j0: 0, j1: n, scratch: 0 }];
  if (threads <= 1 || m * n * k < THREAD_MIN_WORK) return whole;
  const pieces = Math.min(MAX_PARTS, m * n * k >= 8 * THREAD_MIN_WORK ? 2 * threads : threads);
  const cut = (len: number, unit: number) => {
    const step = Math.ceil(len / pieces / unit) * unit;
    const out: [number, number][] = [];
    for (let s = 0; s < len; s += step) out.push([s, Math.min(len, s + step)]);
    return out;
  };
  if (n >= 32 * threads) return cut(n, NR).map(([j0, j1]) => ({ i0: 0, i1: m, j0, j1, scratch: 0 }));
  if (m >= 8 * threads) return cut(m, MR).map(([i0, i1]) => ({ i0, i1, j0: 0, j1: n, scratch: 0 }));
  return whole;
}

/**
 * C (+)= op(A)·op(B) (+ bias, ReLU), split across `pool` when given. A product too big for the
 * memory cap runs in bands of C's rows (each band stages its rows of A, all of B and its rows of
 * C); false (and C untouched) only when not even a band of MR rows fits, so the caller runs
 * the JS kernel instead.
 */
export function runGemm(kernels: WasmKernels, call: GemmCall, pool: ThreadPool | null): boolean {
  const whole = plan(kernels, call, pool);
  if (whole !== null) {
    execute(kernels, call, pool, whole);
    return true;
  }
  // Bands: the largest multiple of MR rows whose staging fits, decided before any work is done
  // (a band that failed halfway would leave C half written).
  const { m, n, k } = call;
  let band = Math.floor(MAX_BYTES / 2 / (4 * (k + n)) / MR) * MR;
  while (band >= MR && plan(kernels, { ...call, m: band }, pool) === null)
    band = Math.floor(band / 2 / MR) * MR;
  if (band < MR) return false;
  for (let i0 = 0; i0 < m; i0 += band) {
    const sub = bandOf(call, i0, Math.min(band, m - i0));
    execute(kernels, sub, pool, plan(kernels, sub, pool) as Plan);
  }
  return true;
}

/** Rows [i0, i0 + rows) of the product as a call of its own (op(A)'s rows gathered when A is transposed). */
function bandOf(call: GemmCall, i0: number, rows: number): GemmCall {
  const { m, k } = call;
  let a = call.a;
  let aOffset = call.aOffset + i0 * k;
  if (call.transposeA) {
    // Stored [K, M]: row i of op(A) is column i of the storage.
    a = new Float32Array(rows * k);
    aOffset = 0;
    for (let p = 0; p < k; p++) {
      const src = call.aOffset + p * m + i0;
      for (let i = 0; i < rows; i++) a[i * k + p] = call.a[src + i];
    }
  }
  return { ...call, a, aOffset, transposeA: false, m: rows, cOffset: call.cOffset + i0 * call.n };
}

export interface Plan {
  parts: Part[];
  at: Layout;
}

/** Where each thread's scratch and the operands go; null when that does not fit under the cap. */
function plan(kernels: WasmKernels, call: GemmCall, pool: ThreadPool | null): Plan | null {
  const { parts, end } = scratchParts(call, pool);
  const at = kernels.layout(call, end);
  return at === null ? null : { parts, at };
}

/** The parts of a product and their scratch, laid out after the control block; `end` is the first free byte. */
export function scratchParts(
  call: Pick<GemmCall, 'm' | 'n' | 'k'>,
  pool: ThreadPool | null,
  start = CONTROL_BYTES,
): { parts: Part[]; end: number } {
  const parts = splitC(call.m, call.n, call.k, pool === null ? 1 : pool.size + 1);
  let end = align(start);
  for (const p of parts) {
    p.scratch = end;
    end += partScratch(p);
  }
  return { parts, end };
}

function execute(kernels: WasmKernels, call: GemmCall, pool: ThreadPool | null, plan: Plan): void {
  kernels.stage(call, plan.at);
  runStaged(kernels, pool, [{ call, plan }]);
  kernels.unstage(call, plan.at);
}

/**
 * Runs products whose operands are already in memory at their `plan.at`, all their parts in one
 * round across the pool (so independent products must not share scratch).
 */
export function runStaged(
  kernels: WasmKernels,
  pool: ThreadPool | null,
  products: readonly { call: GemmCall; plan: Plan }[],
): void {
  const args = products.flatMap(({ call, plan }) =>
    plan.parts.map((p) => kernels.partArgs(call, plan.at, p)),
  );
  if (pool === null || args.length === 1) for (const a of args) kernels.run(a);
  else pool.runParts(args);
}
