/** Models saved by `mtlgrad train --save`, loaded from disk (see `modelFromSafetensors` for bytes). */
import { modelFromSafetensors, type SavedModel } from '../model/saved-model.js';
import { readFileBytes, readFileBytesSync } from './fs.js';

/**
 * Loads a model file written by `mtlgrad train --save`: the network with its saved preprocessing, ready for
 * `predictRows(model, rows)` or `model.predictRows(rows)`.
 *
 * @throws FileError if the file cannot be read; FormatError (naming the path) if it is not an mtlgrad model.
 */
export async function loadModel(path: string): Promise<SavedModel> {
  return modelFromSafetensors(await readFileBytes(path), path);
}

/** Synchronous {@link loadModel}. */
export function loadModelSync(path: string): SavedModel {
  return modelFromSafetensors(readFileBytesSync(path), path);
}
