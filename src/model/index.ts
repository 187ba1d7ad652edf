export {
  CONFIG_KEY as MODEL_CONFIG_KEY,
  configFromMetadata as modelConfigFromMetadata,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelConfig,
  type ModelTaskConfig,
} from './config.js';
export type { RowPrediction, TaskPrediction } from './decode.js';
export type { SkippedRow } from './encode.js';
export { modelFromSafetensors, predictRows, type RowPredictions, SavedModel } from './saved-model.js';
