export {
  groupTasks,
  MAX_GROUPED_TASKS,
  type TaskAffinityOptions,
  type TaskGrouping,
  taskAffinity,
} from './affinity.js';
export * from './aggregators/index.js';
export {
  type CompareOptions,
  type CompareResult,
  type CrossValidateOptions,
  type CrossValidateResult,
  compareWithSingleTask,
  crossValidate,
  deltaM,
  type FailedGridRow,
  FoldScoreError,
  type GridRow,
  type GridSearchOptions,
  gradientConflict,
  gridSearch,
  type ModelBuilder,
  type ModelRecipe,
  type SkippedMetric,
} from './analysis.js';
export { type ExpertOptions, HardSharing, MMoE, type MultiTaskModel } from './architectures.js';
export { CrossStitch, type CrossStitchParts, CrossStitchUnit } from './cross-stitch.js';
export type { MultiTaskData } from './data.js';
export {
  DSelectK,
  DSelectKGate,
  type DSelectKGateOptions,
  type DSelectKOptions,
  smoothStep,
} from './dselect-k.js';
export {
  type EvaluateOptions,
  evaluate,
  type PredictOptions,
  type PredictOutput,
  predict,
  type TaskMetrics,
} from './evaluate.js';
export { ExtractionLayer, type ExtractionOptions } from './extraction.js';
export { auc, computeMetrics, higherIsBetter, type MetricValues, macroF1, r2 } from './metrics.js';
export type { BuildOptions } from './parts.js';
export { CGC, PLE } from './ple.js';
export {
  createWeighting,
  TASK_KIND_NAMES,
  TASK_KINDS,
  type TaskKindEntry,
  WEIGHTING_NAMES,
  WEIGHTINGS,
  type WeightingEntry,
  type WeightingName,
} from './registry.js';
export type { Labels, MetricName, TaskKind, TaskLoss, TaskSpec } from './tasks.js';
export {
  type EarlyStopping,
  type EpochRecord,
  type FitOptions,
  type FitReporter,
  fit,
  type History,
  NonFiniteLossError,
  type OptimizerLike,
  type StepRecord,
  type TrainerParamGroup,
} from './trainer.js';
export * from './weighting/index.js';
export {
  parseWeightingSpec,
  type WeightingOptionSpec,
  type WeightingOptionValues,
} from './weighting-options.js';
