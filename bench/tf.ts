/**
 * TensorFlow.js with its pure-JavaScript CPU backend, the reference for every suite.
 * Used only under bench/ (a devDependency); src/ never imports it.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

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
