/**
 * Node-only helpers (file system). Import from `mtlgrad/node`; the main entry stays browser-safe.
 *
 * @module mtlgrad/node
 */

export {
  type CliIO,
  CONFIG_KEY as MODEL_CONFIG_KEY,
  configFromMetadata as modelConfigFromMetadata,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelConfig,
  main as runCli,
  type OutputStream,
} from './cli/index.js';
export { FileError, readFileBytes, readFileBytesSync, writeFileAtomic, writeFileAtomicSync } from './fs.js';
export { loadModel, loadModelSync } from './model.js';
export { saveOnnx } from './onnx.js';
export { type ProgressOptions, type ProgressStream, terminalProgress } from './progress.js';
export { readCsvFile } from './rows.js';
export {
  loadSafetensors,
  loadSafetensorsSync,
  saveSafetensors,
  saveSafetensorsSync,
  type TensorSource,
} from './safetensors.js';
