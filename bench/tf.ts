/**
 * TensorFlow.js peers: its pure-JavaScript CPU backend, and its WebAssembly backend (XNNPACK).
 * Used only under bench/ (devDependencies); src/ never imports them.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<typeof tf> | null = null;
let withGradients = false;

/**
 * The tf namespace with the 'cpu' backend active. Production mode drops TF.js's debug checks
 * (and its "install tfjs-node" banner), which is the fair setting for timing.
 */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    tf.enableProdMode();
    const ok = await tf.setBackend('cpu');
    if (!ok || tf.getBackend() !== 'cpu') throw new Error('tfjs: could not activate the cpu backend');
    return tf;
  })();
  return ready;
}

/**
 * loadTf() plus TF.js's gradient functions, which `optimizer.minimize` needs. tfjs-core's Node
 * bundle ships no gradients (the `@tensorflow/tfjs` union package registers them), so this loads
 * tfjs-core's own `dist/register_all_gradients.js`. Those files are ES modules with extensionless
 * imports: they load through tsx's require hook (`npm run bench` runs under tsx), and register
 * into the global gradient registry that every tfjs-core copy shares. Takes a few seconds once.
 */
export async function loadTfWithGradients(): Promise<typeof tf> {
  const t = await loadTf();
  if (!withGradients) {
    createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    withGradients = true;
    for (const kernel of ['AddN', 'BatchMatMul', 'Relu', 'Sum', 'Softmax', 'Square']) {
      if (t.getGradient(kernel) === undefined) throw new Error(`tfjs: no gradient registered for ${kernel}`);
    }
  }
  return t;
}

export type Tf = typeof tf;
export type TfBackend = 'cpu' | 'wasm';

let wasmReady: Promise<{ simd: boolean; threads: number }> | null = null;

/**
 * Initialises TF.js's wasm backend once, loading its .wasm files from node_modules. TF.js picks
 * the SIMD build where SIMD validates; it turns threads off under Node (its flag
 * WASM_HAS_MULTITHREAD_SUPPORT is false there), so XNNPACK runs on 1 thread here. Leaves the cpu
 * backend active.
 */
export function loadTfWasm(): Promise<{ simd: boolean; threads: number }> {
  wasmReady ??= (async () => {
    await loadTf();
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(`${join(dirname(pkg), 'dist')}/`);
    if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') {
      throw new Error('tfjs: could not activate the wasm backend');
    }
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    const threads = getThreadsCount();
    useTfBackend('cpu');
    return { simd, threads };
  })();
  return wasmReady;
}

/**
 * Makes an initialised backend the active one, synchronously (tf.setBackend runs to completion
 * without awaiting once the backend exists), so that a contender's setup can call it.
 */
export function useTfBackend(name: TfBackend): void {
  if (tf.getBackend() === name) return;
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`tfjs: backend ${name} is not initialised`);
}
