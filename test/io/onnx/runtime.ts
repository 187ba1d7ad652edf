/** Runs ONNX model bytes in ONNX Runtime Web (WebAssembly, single-threaded, in Node). */
import * as ort from 'onnxruntime-web';

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
