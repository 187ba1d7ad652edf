/**
 * Kernel backends. 'js' is the pure-TypeScript reference (src/tensor/); 'wasm' runs WebAssembly
 * SIMD kernels that src/backend/wasm/ assembles at run time. Ops call kernels through `gemm` here,
 * so switching backends never changes an op.
 */
import { ValueError } from '../errors.js';
import { type MatmulArgs, matmulKernel } from '../tensor/matmul.js';

export type BackendName = 'js' | 'wasm';

export interface BackendInfo {
  /** The backend kernels run on now. */
  backend: BackendName;
  /** WebAssembly SIMD (128-bit) validates here. */
  simd: boolean;
  /** Relaxed SIMD (`f32x4.relaxed_madd`) validates here. */
  relaxedSimd: boolean;
  /** Threads the wasm matmul splits across (1 without SharedArrayBuffer or on the 'js' backend). */
  threads: number;
}

let current: BackendName = 'js';

/** Chooses the kernels: 'wasm' (the default where WebAssembly SIMD exists) or 'js'. */
export function setBackend(name: BackendName): void {
  if (name !== 'js' && name !== 'wasm') {
    throw new ValueError(`setBackend: unknown backend ${JSON.stringify(name)}; use 'wasm' or 'js'`);
  }
  if (name === 'wasm') {
    throw new ValueError("setBackend: the 'wasm' backend needs WebAssembly SIMD, which this runtime lacks");
  }
  current = name;
}

export function getBackend(): BackendName {
  return current;
}

export function backendInfo(): BackendInfo {
  return { backend: current, simd: false, relaxedSimd: false, threads: 1 };
}

/** Sets how many threads the wasm matmul may use (1 to 64). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ValueError(`setNumThreads: expected an integer from 1 to 64, got ${String(n)}`);
  }
}

/** C (+)= op(A)·op(B) on the current backend. */
export function gemm(args: MatmulArgs): void {
  matmulKernel(args);
}
