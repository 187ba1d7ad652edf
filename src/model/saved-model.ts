/**
 * A model saved by `mtlgrad train --save`, rebuilt from the bytes of its safetensors file (no file system:
 * `loadModel` in mtlgrad/node reads the file), with the preprocessing it was trained with.
 */
import { tensor } from '../autograd/create.js';
import { objectRows, RowSource } from '../data/row-source.js';
import { FormatError, ValueError } from '../errors.js';
import { toOnnx } from '../io/onnx/export.js';
import { decodeSafetensors } from '../io/safetensors.js';
import type { MultiTaskModel } from '../mtl/architectures.js';
import { predict } from '../mtl/evaluate.js';
import type { TaskSpec } from '../mtl/tasks.js';
import { showValue } from '../tensor/shape.js';
import { configFromMetadata, type ModelConfig, restoreModel, taskSpecs } from './config.js';
import { decodeOutputs, type RowPrediction } from './decode.js';
import { encodeRows, rowPosition, type SkippedRow } from './encode.js';

/** What {@link predictRows} returns: a prediction per usable row, and the rows it could not use with the reason. */
export interface RowPredictions {
  predictions: RowPrediction[];
  skipped: SkippedRow[];
}

/** A saved model: its network, the config that rebuilt it (features, classes, standardisers) and its tasks. */
export class SavedModel {
  /** The task specs of the heads, for `predict(model, x, {output, tasks})` and `evaluate`. */
  readonly tasks: TaskSpec[];

  constructor(
    readonly config: ModelConfig,
    readonly model: MultiTaskModel,
  ) {
    this.tasks = taskSpecs(config);
  }

  /**
   * The model as ONNX bytes with its preprocessing in the graph: the input `features` holds the raw encoded
   * columns (`config.featureNames`: numeric features as they are, a 0/1 column per category), NaN is imputed
   * when the model was trained with --missing mean/median, and the features are standardised. Outputs, one per
   * task: class probabilities, the binary task's probability of `classes[1]`, regression values in label units.
   * The metadata (`mtlgrad.features`, `mtlgrad.classes`) names the input columns and the classes.
   */
  toOnnx(): Uint8Array {
    const { config } = this;
    const s = config.standardizer;
    const targets: Record<string, { mean: number; std: number }> = {};
    for (const t of config.tasks)
      if (t.kind === 'regression') targets[t.name] = config.targetStandardizer.tasks[t.name];
    const classes: Record<string, string[]> = {};
    for (const t of config.tasks) if (t.classes) classes[t.name] = t.classes;
    return toOnnx(this.model, {
      standardize: { mean: s.mean, std: s.std, ...(s.impute === null ? {} : { fill: s.fill }) },
      output: 'probabilities',
      tasks: this.tasks,
      targets,
      docString: `mtlgrad model; input columns: ${config.featureNames.join(', ')}`,
      ...(config.createdBy === undefined ? {} : { producerVersion: config.createdBy }),
      metadata: {
        'mtlgrad.features': JSON.stringify(config.featureNames),
        'mtlgrad.classes': JSON.stringify(classes),
      },
    });
  }

  /** Same as {@link predictRows}`(this, rows)`. */
  predictRows(rows: RowSource | readonly object[]): RowPredictions {
    return predictRows(this, rows);
  }
}

/**
 * Rebuilds a model from the bytes of a safetensors file written by `mtlgrad train --save` (browser-safe).
 * `name` (e.g. the file name) starts every error message.
 *
 * @throws FormatError if the bytes are not a safetensors file, carry no valid mtlgrad config, or hold
 *   weights that do not fit it.
 */
export function modelFromSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  name = 'modelFromSafetensors',
): SavedModel {
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(`${name}: not a valid model file: ${err.message}`);
    throw err;
  }
  const config = configFromMetadata(file.metadata, name);
  return new SavedModel(config, restoreModel(config, file.tensors, name));
}

/**
 * Predictions of a saved model for new rows: row objects keyed by column name, or a RowSource
 * (`csvRows(text)`, `readCsvFile(path)`). The saved preprocessing is applied (one-hot categories,
 * imputation, standardisation); each task gives its label with the class probabilities, or its value in
 * the units of the training labels. Rows that cannot be encoded are listed in `skipped` with the reason.
 *
 * @throws ValueError when `rows` is neither, or a feature column is absent.
 */
export function predictRows(model: SavedModel, rows: RowSource | readonly object[]): RowPredictions {
  return predictSource(model, toSource(rows));
}

/** {@link predictRows} on a source whose feature columns `columnOf` finds (the CLI names its flags there). */
export function predictSource(
  model: SavedModel,
  source: RowSource,
  columnOf?: (feature: string) => string,
): RowPredictions {
  if (!(model instanceof SavedModel)) {
    throw new ValueError(
      `predictRows: expected a SavedModel (from modelFromSafetensors or loadModel), got ${showValue(model)}`,
    );
  }
  const { table, used, skipped } = encodeRows(source, model.config, columnOf);
  if (used.length === 0) return { predictions: [], skipped };
  const x = tensor(table.x, { shape: [table.nRows, table.nFeatures], dtype: model.model.dtype });
  const decoded = decodeOutputs(model.config, predict(model.model, x), used.length);
  const predictions = used.map((r, i) => ({ ...rowPosition(source, r), tasks: decoded[i] }));
  return { predictions, skipped };
}

function toSource(rows: RowSource | readonly object[]): RowSource {
  if (rows instanceof RowSource) return rows;
  if (Array.isArray(rows)) return objectRows(rows, {}, 'predictRows');
  throw new ValueError(
    `predictRows: rows must be an array of row objects or a RowSource (csvRows(text)), got ${showValue(rows)}`,
  );
}
