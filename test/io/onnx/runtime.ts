/** Runs ONNX model bytes in ONNX Runtime Web (WebAssembly, single-threaded, in Node). */
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import type { Tensor } from '../../../src/autograd/tensor.js';
import { toOnnx } from '../../../src/io/onnx/index.js';
import type { MultiTaskModel } from '../../../src/mtl/architectures.js';
import { predict } from '../../../src/mtl/evaluate.js';

ort.env.wasm.numThreads = 1;

/** The outputs of `bytes` on the input `x` of shape [rows, width], by output name. */
export async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  shape: [number, number],
  inputName = 'features',
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [inputName]: new ort.Tensor('float32', x, shape) });
    const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const name of session.outputNames) {
      out[name] = { data: result[name].data as Float32Array, dims: result[name].dims };
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Every output of ONNX Runtime on `bytes` (default `toOnnx(model)`) equals predict's, elementwise within 1e-5, with
 * the same shape. Passing one export's bytes for several batch sizes checks that the batch dimension is symbolic.
 */
export async function expectSameOutputs(
  model: MultiTaskModel,
  x: Tensor,
  bytes: Uint8Array = toOnnx(model),
): Promise<void> {
  const expected = predict(model, x);
  const got = await runOnnx(bytes, Float32Array.from(x.data), [x.shape[0], x.shape[1]]);
  expect(Object.keys(got).sort()).toEqual([...model.taskNames].sort());
  for (const t of model.taskNames) {
    expect(got[t].dims, t).toEqual(expected[t].shape);
    const e = expected[t].data;
    let worst = 0;
    for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(got[t].data[i] - e[i]));
    expect(worst, `${t}: largest difference`).toBeLessThan(1e-5);
  }
}
