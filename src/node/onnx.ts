/** ONNX files on disk (see `toOnnx` for the bytes). */
import { ValueError } from '../errors.js';
import { type OnnxOptions, toOnnx } from '../io/onnx/export.js';
import { SavedModel } from '../model/saved-model.js';
import type { MultiTaskModel } from '../mtl/architectures.js';
import { writeFileAtomic } from './fs.js';

/**
 * Writes `model` as an ONNX file, atomically. A {@link SavedModel} (from `loadModel`) is written with its
 * preprocessing in the graph (`model.toOnnx()`, options are then not allowed); any other model with
 * `toOnnx(model, options)`.
 *
 * @throws ValueError for a model with no ONNX form or bad options; FileError if the file cannot be written.
 */
export async function saveOnnx(
  path: string,
  model: MultiTaskModel | SavedModel,
  options?: OnnxOptions,
): Promise<void> {
  await writeFileAtomic(path, onnxBytes(model, options));
}

function onnxBytes(model: MultiTaskModel | SavedModel, options: OnnxOptions | undefined): Uint8Array {
  if (!(model instanceof SavedModel)) return toOnnx(model, options);
  if (options !== undefined) {
    throw new ValueError(
      'saveOnnx: a SavedModel is written with its own preprocessing; options are not allowed',
    );
  }
  return model.toOnnx();
}
