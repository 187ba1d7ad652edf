/**
 * Kernel backends. 'js' is the pure-TypeScript reference (src/tensor/); 'wasm' runs WebAssembly
 * SIMD kernels that src/backend/wasm/ assembles at run time. Ops call kernels through `gemm` here,
 * so switching backends never changes an op. float64 always runs on the exact JS kernel.
 */
import { ValueError } from '../errors.js';
import type { Storage } from '../tensor/dtype.js';
import { type MatmulArgs, matmulKernel } from '../tensor/matmul.js';
import { ResidentAdam } from './wasm/adam-runtime.js';
import { wasmFeatures } from './wasm/features.js';
import { type GemmCall, runGemm, WasmKernels } from './wasm/runtime.js';
import { defaultThreadCount, ThreadPool } from './wasm/threads.js';

/**
 * Where kernels run: 'js' (pure TypeScript) or 'wasm' (WebAssembly SIMD, threaded where the page or process
 * allows).
 */
export type BackendName = 'js' | 'wasm';

/** What {@link backendInfo} reports about the kernels in use. */
export interface BackendInfo {
  /** The backend kernels run on now. */
  backend: BackendName;
  /** WebAssembly SIMD (128-bit) validates here. */
  simd: boolean;
  /** Relaxed SIMD (`f32x4.relaxed_madd`) validates here (and the kernels use it). */
  relaxedSimd: boolean;
  /** Threads the wasm matmul splits across (1 without SharedArrayBuffer or on the 'js' backend). */
  threads: number;
}

/** A product plus an optional fused epilogue: C = [C +] op(A)·op(B) [+ bias] then [ReLU]. */
export interface GemmArgs extends MatmulArgs {
  /** Added to each row of C (length n), before the ReLU. */
  bias?: Storage | null;
  relu?: boolean;
}

/** Below this many multiply-adds the copies into wasm memory cost more than the kernel saves. */
const WASM_MIN_WORK = 16 * 16 * 16;

let current: BackendName = wasmFeatures().simd ? 'wasm' : 'js';
let kernels: WasmKernels | null = null;
/**
 * Threads asked for (setNumThreads), and the pool of workers once started. The pool outlives a
 * switch to one thread (its workers then sleep in Atomics.wait, using no CPU), so that switching
 * back does not start new workers; it is replaced only when another number of workers is wanted.
 */
let threadsWanted = wasmFeatures().threads ? defaultThreadCount() : 1;
let pool: ThreadPool | null = null;

/** The pool the kernels use now: none at one thread. */
function activePool(): ThreadPool | null {
  return threadsWanted > 1 ? pool : null;
}

/** Chooses the kernels: 'wasm' (the default where WebAssembly SIMD exists) or 'js'. */
export function setBackend(name: BackendName): void {
  if (name !== 'js' && name !== 'wasm') {
    throw new ValueError(`setBackend: unknown backend ${JSON.stringify(name)}; use 'wasm' or 'js'`);
  }
  if (name === 'wasm' && !wasmFeatures().simd) {
    throw new ValueError("setBackend: the 'wasm' backend needs WebAssembly SIMD, which this runtime lacks");
  }
  current = name;
}

/** The backend kernels run on now. */
export function getBackend(): BackendName {
  return current;
}

/** The backend in use, the WebAssembly features this platform validates, and the threads the pool started. */
export function backendInfo(): BackendInfo {
  const f = wasmFeatures();
  // Once the pool runs, what it really started (a page may refuse workers); before, what is asked.
  const active = activePool();
  const threads = current !== 'wasm' ? 1 : active !== null ? active.size + 1 : threadsWanted;
  return { backend: current, simd: f.simd, relaxedSimd: f.relaxedSimd, threads };
}

/**
 * Sets how many threads the wasm matmul may use, this one included (1 to 32). The default is the
 * machine's cores, at most 4; without SharedArrayBuffer (a page that is not cross-origin isolated)
 * only 1 is possible and larger values are ignored.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 32) {
    throw new ValueError(`setNumThreads: expected an integer from 1 to 32, got ${String(n)}`);
  }
  const wanted = wasmFeatures().threads ? n : 1;
  if (wanted === threadsWanted) return;
  threadsWanted = wanted;
  if (pool !== null && wanted > 1 && pool.size !== wanted - 1) {
    pool.close();
    pool = null;
  }
}

/** The wasm kernels and, when more than one thread is wanted, the worker pool (started lazily). */
function wasmRuntime(): { kernels: WasmKernels; pool: ThreadPool | null } {
  kernels ??= new WasmKernels(wasmFeatures().threads);
  if (pool === null && threadsWanted > 1)
    pool = new ThreadPool(kernels.module, kernels.memory, (a) => kernels?.run(a), threadsWanted - 1);
  return { kernels, pool: activePool() };
}

/** C (+)= op(A)·op(B) (+ bias, ReLU) on the current backend. */
export function gemm(args: GemmArgs): void {
  if (wasmGemm(args)) return;
  jsGemm(args);
}

/** The wasm runtime for float32 work of `work` multiply-adds, or null where the JS kernels run it. */
export function wasmRuntimeFor(work: number): { kernels: WasmKernels; pool: ThreadPool | null } | null {
  return current === 'wasm' && work >= WASM_MIN_WORK ? wasmRuntime() : null;
}

function wasmGemm(args: GemmArgs): boolean {
  const { a, b, c, m, n, k } = args;
  if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
  const bias = args.bias ?? null;
  if (bias !== null && !(bias instanceof Float32Array)) return false;
  const rt = wasmRuntimeFor(m * n * k);
  if (rt === null) return false;
  const call: GemmCall = {
    a,
    aOffset: args.aOffset,
    b,
    bOffset: args.bOffset,
    c,
    cOffset: args.cOffset,
    m,
    n,
    k,
    transposeA: args.transA,
    transposeB: args.transB,
    accumulate: args.accumulate,
    bias,
    relu: args.relu === true,
  };
  return runGemm(rt.kernels, call, rt.pool);
}

/** The reference path: the bias is written first and accumulated onto, ReLU is a pass after. */
function jsGemm(args: GemmArgs): void {
  const { c, cOffset, m, n } = args;
  const bias = args.bias ?? null;
  if (bias !== null) {
    for (let r = 0, o = cOffset; r < m; r++, o += n) {
      if (args.accumulate) for (let j = 0; j < n; j++) c[o + j] += bias[j];
      else c.set(bias.subarray(0, n), o);
    }
    matmulKernel({ ...args, accumulate: true });
  } else {
    matmulKernel(args);
  }
  if (args.relu === true) {
    for (let i = cOffset, end = cOffset + m * n; i < end; i++) if (!(c[i] > 0) && c[i] === c[i]) c[i] = 0;
  }
}

export type { AdamScalars, AdamVariant, ResidentAdam } from './wasm/adam-runtime.js';

/**
 * Smaller parameters (biases, narrow heads) keep the JS Adam kernel: each resident state owns a
 * whole 64 KiB memory page, and their update costs microseconds either way.
 */
const RESIDENT_ADAM_MIN = 1024;

/**
 * A wasm-resident float32 Adam state for a parameter of `size` elements, or null where the JS
 * kernel runs it instead (the 'js' backend, or a small parameter).
 */
export function createResidentAdam(size: number): ResidentAdam | null {
  if (current !== 'wasm' || size < RESIDENT_ADAM_MIN) return null;
  return new ResidentAdam(size);
}
