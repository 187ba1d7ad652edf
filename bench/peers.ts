/**
 * The peer libraries the matmul and train-step suites compare with, their labels, and the ratios
 * of every mtlgrad row against each of them.
 */
import type { MtlgradVariant } from './backends.js';
import type { ImplResult } from './harness.js';

export type PeerName = 'tfjs-cpu' | 'tfjs-wasm' | 'jax-js';

export const PEERS: readonly PeerName[] = ['tfjs-cpu', 'tfjs-wasm', 'jax-js'];

export const PEER_LABELS: Record<PeerName, string> = {
  'tfjs-cpu': 'TF.js cpu',
  'tfjs-wasm': 'TF.js wasm',
  'jax-js': 'jax-js',
};

/** One note line saying what each peer is and how it ran. */
export function peersNote(tfWasmThreads: number): string {
  return (
    'Peers, in the same process: TF.js 4.22 `@tensorflow/tfjs-backend-cpu` (pure JS); TF.js 4.22 ' +
    `\`@tensorflow/tfjs-backend-wasm\` (XNNPACK, SIMD build, ${tfWasmThreads} thread${tfWasmThreads === 1 ? '' : 's'}: ` +
    'TF.js turns its threads off under Node); jax-js 0.1.25 on its wasm device, jit-compiled (1 thread: it starts ' +
    'workers only where a global `Worker` exists, which Node lacks).'
  );
}

/** Throughput ratios `${variant}/${peer}` (>1: the mtlgrad row is faster) from the same run. */
export function ratiosVsPeers(
  impls: Record<string, ImplResult>,
  variants: readonly MtlgradVariant[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of variants) {
    for (const p of PEERS) out[`${v.name}/${p}`] = impls[p].medianMs / impls[v.name].medianMs;
  }
  return out;
}
