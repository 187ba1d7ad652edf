/** Node-only helpers (file system). Import from `mtlgrad/node`; the main entry stays browser-safe. */
export { FileError, readFileBytes, readFileBytesSync, writeFileAtomic, writeFileAtomicSync } from './fs.js';
export {
  loadSafetensors,
  loadSafetensorsSync,
  saveSafetensors,
  saveSafetensorsSync,
  type TensorSource,
} from './safetensors.js';
export {
  type CliIO,
  CONFIG_KEY as MODEL_CONFIG_KEY,
  configFromMetadata as modelConfigFromMetadata,
  main as runCli,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelConfig,
  type OutputStream,
} from './cli/index.js';
