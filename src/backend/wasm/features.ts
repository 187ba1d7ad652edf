/**
 * What this runtime's WebAssembly supports, found by validating tiny modules (never assumed):
 * SIMD, relaxed SIMD (`f32x4.relaxed_madd`: Chrome, Node ≥ 22; not Node 20) and threads
 * (a shared memory plus atomics, and a SharedArrayBuffer the host lets us share).
 */
import { type WasmApi, wasmApi } from './api.js';
import { ModuleBuilder } from './module.js';

export interface WasmFeatures {
  wasm: boolean;
  simd: boolean;
  relaxedSimd: boolean;
  threads: boolean;
}

function validates(build: (m: ModuleBuilder) => void): boolean {
  if (wasmApi === undefined || typeof wasmApi.validate !== 'function') return false;
  const m = new ModuleBuilder();
  build(m);
  try {
    return wasmApi.validate(m.encode());
  } catch {
    return false;
  }
}

const simdProbe = (m: ModuleBuilder) =>
  m.addFunction('f', ['f32'], ['f32'], (c) => {
    c.localGet(c.param(0)).f32x4Splat().localGet(c.param(0)).f32x4Splat().f32x4Mul().f32x4ExtractLane(0);
  });

const relaxedProbe = (m: ModuleBuilder) =>
  m.addFunction('f', ['f32'], ['f32'], (c) => {
    const x = c.param(0);
    c.localGet(x).f32x4Splat().localGet(x).f32x4Splat().localGet(x).f32x4Splat();
    c.f32x4RelaxedMadd().f32x4ExtractLane(0);
  });

const threadsProbe = (m: ModuleBuilder) => {
  m.setMemory({ initial: 1, maximum: 1, shared: true });
  m.addFunction('f', [], ['i32'], (c) => {
    c.i32Const(0).i32AtomicLoad();
  });
};

/** Whether a shared WebAssembly.Memory can actually be created and posted here. */
function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (g.crossOriginIsolated === false) return false; // a browser page without COOP/COEP
  try {
    return (
      new (wasmApi as WasmApi).Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof
      SharedArrayBuffer
    );
  } catch {
    return false;
  }
}

let cached: WasmFeatures | null = null;

export function wasmFeatures(): WasmFeatures {
  if (cached !== null) return cached;
  const wasm = validates(() => {});
  const simd = wasm && validates(simdProbe);
  cached = {
    wasm,
    simd,
    relaxedSimd: simd && validates(relaxedProbe),
    threads: wasm && validates(threadsProbe) && canShareMemory(),
  };
  return cached;
}
