/**
 * The data layer of mtlgrad: CSV parsing, multi-task tables, splits, standardisation, the bundled
 * Palmer Penguins table and synthetic multi-task generators. Everything produces plain typed
 * arrays (Float64Array features and labels); browser-safe, no Node built-ins.
 */

export { DEFAULT_MISSING_VALUES, isMissing, type MissingRule, missingRule } from './cells.js';
export { MISSING, NUMBER, type SourceColumn, textCodes, UNSUPPORTED } from './column.js';
export { type CsvData, type CsvOptions, formatCsv, formatCsvField, parseCsv } from './csv.js';
export { compareLabels, sortLabels } from './labels.js';
export { loadTable } from './load-table.js';
export { type MmoeSyntheticData, type MmoeSyntheticOptions, mmoeSynthetic } from './mmoe-synthetic.js';
export { tableTasks, tableToData } from './multitask.js';
export {
  PENGUIN_COLUMNS,
  PENGUIN_MEASUREMENTS,
  type PenguinIsland,
  type PenguinRow,
  type PenguinSpecies,
  penguinsCsv,
  penguinsRows,
} from './penguins.js';
export {
  type CsvRowReader,
  csvRowReader,
  csvRows,
  objectRows,
  RowSource,
  type RowSourceOptions,
} from './row-source.js';
export {
  type Fold,
  type KFoldOptions,
  kFold,
  type SplitIndices,
  type SplitOptions,
  splitIndices,
  strata,
  type TrainTestSplit,
  trainTestSplit,
} from './split.js';
export {
  applyStandardizer,
  applyTargetStandardizer,
  type FitStandardizerOptions,
  fitStandardizer,
  fitTargetStandardizer,
  type ImputeStrategy,
  inverseTargets,
  type Standardizer,
  standardizerFromJSON,
  type TargetStandardizer,
  targetStandardizerFromJSON,
} from './standardize.js';
export {
  type GradNormToyData,
  type GradNormToyOptions,
  gradNormToy,
  type RelatedTasksData,
  type RelatedTasksOptions,
  relatedTasks,
} from './synthetic.js';
export {
  type DroppedRow,
  type FeatureColumnInfo,
  type LoadTableOptions,
  type MissingFeatures,
  subsetTable,
  type Table,
  type TableArrays,
  type TaskColumn,
  type TaskData,
  type TaskKind,
  tableFromArrays,
} from './table.js';
