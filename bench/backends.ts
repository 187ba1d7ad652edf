/**
 * The mtlgrad rows every suite measures: the WebAssembly backend at 1 thread and at its default
 * thread count, and the pure-TypeScript fallback. Where WebAssembly SIMD is missing only the
 * fallback exists, and the tables say so.
 */
import { type BackendName, backendInfo, getBackend, setBackend, setNumThreads } from '../src/index.js';

export interface MtlgradVariant {
  /** Key in results.json, e.g. 'mtlgrad-wasm-2t'. */
  name: string;
  /** Row or column label, e.g. 'mtlgrad wasm, 2 threads'. */
  label: string;
  backend: BackendName;
  threads: number;
  /** Selects this backend and thread count (untimed; runs before the variant's samples). */
  setup: () => void;
}

export interface MtlgradVariants {
  /** Fastest first: wasm at the default thread count, wasm at 1 thread, js. */
  variants: MtlgradVariant[];
  /** The variant ratios are quoted for: the default backend at its default thread count. */
  primary: MtlgradVariant;
  /** One line for the table notes: which rows exist and why. */
  note: string;
}

function variant(backend: BackendName, threads: number, label: string): MtlgradVariant {
  return {
    name: backend === 'js' ? 'mtlgrad-js' : `mtlgrad-wasm-${threads}t`,
    label,
    backend,
    threads,
    setup: () => {
      setBackend(backend);
      if (backend === 'wasm') setNumThreads(threads);
    },
  };
}

let cached: MtlgradVariants | null = null;

/**
 * Probes the backends once. The default thread count is what the wasm backend chose by itself
 * (read before any setNumThreads); the backend active on entry is restored.
 */
export function mtlgradVariants(): MtlgradVariants {
  if (cached) return cached;
  const entry = getBackend();
  const js = variant('js', 1, 'mtlgrad js (pure-TS fallback)');
  const out: MtlgradVariant[] = [];
  let note: string;
  if (backendInfo().simd) {
    setBackend('wasm');
    const info = backendInfo();
    const threads = info.threads;
    const fma = info.relaxedSimd ? 'relaxed-SIMD FMA' : 'SIMD mul+add, no relaxed SIMD here';
    if (threads > 1) out.push(variant('wasm', threads, `mtlgrad wasm, ${threads} threads (default)`));
    out.push(variant('wasm', 1, threads > 1 ? 'mtlgrad wasm, 1 thread' : 'mtlgrad wasm, 1 thread (default)'));
    const counts =
      threads > 1
        ? `at its default thread count (${threads}) and at 1 thread`
        : 'at 1 thread, its default here';
    note = `mtlgrad rows: the wasm backend (${fma}) ${counts}, and the pure-TypeScript fallback (\`setBackend("js")\`).`;
  } else {
    note =
      'mtlgrad row: only the pure-TypeScript fallback, because `backendInfo().simd` is false on this runtime ' +
      '(no WebAssembly SIMD, or the wasm backend is not built in), so there are no wasm rows.';
  }
  out.push(js);
  setBackend(entry);
  cached = { variants: out, primary: out[0], note };
  return cached;
}

/** The fastest mtlgrad configuration (for suites that time one mtlgrad row only). */
export function fastestVariant(): MtlgradVariant {
  return mtlgradVariants().primary;
}
