/**
 * `mtlgrad predict`: rebuild a model saved by `mtlgrad train --save`, apply its saved
 * preprocessing to new rows, and print (or write) one prediction per usable row.
 */
import { resolve } from 'node:path';
import { tensor } from '../../autograd/create.js';
import type { Tensor } from '../../autograd/tensor.js';
import { formatCsv } from '../../data/csv.js';
import { applyStandardizer, inverseTargets } from '../../data/standardize.js';
import type { FeatureColumnInfo, Table } from '../../data/table.js';
import { FormatError } from '../../errors.js';
import { configFromMetadata, type ModelConfig, restoreModel } from '../../model/config.js';
import type { HardSharing } from '../../mtl/architectures.js';
import { predict } from '../../mtl/evaluate.js';
import { sigmoid } from '../../mtl/metrics.js';
import { formatNumber } from '../../report/format.js';
import { softmaxVector } from '../../tensor/reduce.js';
import { writeFileAtomic } from '../fs.js';
import { loadSafetensors } from '../safetensors.js';
import { type FlagSpec, flagValue, parseArgs, required } from './args.js';
import {
  cellNumber,
  cellText,
  isMissing,
  parseDialect,
  quoteList,
  type RowSource,
  readRows,
  resolveColumn,
  showCell,
} from './data.js';
import { DataError, UsageError } from './errors.js';
import { type CliIO, refuseOutputOntoInput, textTable, toJson } from './io.js';

export const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
};

/** The prediction of one task for one row. */
export type TaskPrediction =
  | {
      /** The predicted class name. */
      label: string;
      /** Probability of the predicted class. */
      probability: number;
      /** Probability of every class, by name. */
      probabilities: Record<string, number>;
    }
  | {
      /** The predicted value, in the units of the training labels. */
      value: number;
    };

/** Predictions for one input row. `row` counts data rows from 1; `line` is the CSV line. */
export interface RowPrediction {
  row: number;
  line?: number;
  tasks: Record<string, TaskPrediction>;
}

/** An input row that could not be predicted, and why. */
export interface SkippedRow {
  row: number;
  line?: number;
  reason: string;
}

/** A model loaded from a file: its config and network. */
export interface LoadedModel {
  config: ModelConfig;
  model: HardSharing;
}

/**
 * Loads a model file written by `mtlgrad train --save`.
 *
 * @throws FileError if it cannot be read; FormatError if it is not a valid safetensors file, has
 *   no (or an invalid) mtlgrad config, or its weights do not fit the config.
 */
export async function loadModel(path: string, cwd: string): Promise<LoadedModel> {
  let file: Awaited<ReturnType<typeof loadSafetensors>>;
  try {
    file = await loadSafetensors(resolve(cwd, path));
  } catch (err) {
    if (err instanceof FormatError) {
      const detail = err.message.startsWith(`${resolve(cwd, path)}: `)
        ? err.message.slice(resolve(cwd, path).length + 2)
        : err.message;
      throw new FormatError(`${path}: not a valid model file: ${detail}`);
    }
    throw err;
  }
  const config = configFromMetadata(file.metadata, path);
  return { config, model: restoreModel(config, file.tensors, path) };
}

/**
 * Encodes the rows of `source` with the model's preprocessing: numeric columns parsed, categorical
 * columns one-hot encoded with the saved category lists, missing values dropped or imputed per
 * the saved policy, then standardised. Rows that cannot be encoded are returned in `skipped`.
 *
 * @throws DataError when a feature column is absent from the file.
 */
export function encodeRows(
  source: RowSource,
  config: ModelConfig,
): { table: Table; used: number[]; skipped: SkippedRow[] } {
  const columns = config.features.map((f) => resolveColumn(source, f, 'a feature of the model'));
  const width = config.featureNames.length;
  const rowsX: Float64Array[] = [];
  const used: number[] = [];
  const skipped: SkippedRow[] = [];
  const where = (r: number) =>
    source.format === 'csv' ? { row: r + 1, line: source.position(r) } : { row: r + 1 };
  for (let r = 0; r < source.n; r++) {
    const x = new Float64Array(width);
    const problems: string[] = [];
    const missing: string[] = [];
    let o = 0;
    config.features.forEach((f, j) => {
      const v = source.get(r, columns[j]);
      const cats = Object.hasOwn(config.categorical, f) ? config.categorical[f] : undefined;
      const span = cats === undefined ? 1 : cats.length;
      if (isMissing(v)) {
        missing.push(f);
        x.fill(Number.NaN, o, o + span);
      } else if (cats === undefined) {
        const num = cellNumber(v);
        if (num === null)
          problems.push(`value ${showCell(v)} in column ${JSON.stringify(f)} is not a number`);
        else x[o] = num;
      } else {
        const s = cellText(v);
        const k = s === null ? -1 : cats.indexOf(s);
        if (k < 0) {
          problems.push(
            `category ${showCell(v)} in column ${JSON.stringify(f)} was not seen in training (known: ${quoteList(cats, 10)})`,
          );
        } else x[o + k] = 1;
      }
      o += span;
    });
    if (missing.length > 0 && config.missing === 'drop') {
      problems.unshift(
        `missing feature value in ${quoteList(missing)} (the model was trained with --missing drop)`,
      );
    }
    if (problems.length > 0) skipped.push({ ...where(r), reason: problems.join('; ') });
    else {
      rowsX.push(x);
      used.push(r);
    }
  }
  const x = new Float64Array(used.length * width);
  for (let i = 0; i < rowsX.length; i++) x.set(rowsX[i], i * width);
  const featureInfo: FeatureColumnInfo[] = [];
  for (const f of config.features) {
    const cats = Object.hasOwn(config.categorical, f) ? config.categorical[f] : undefined;
    if (cats === undefined) featureInfo.push({ name: f, column: f, kind: 'numeric' });
    else
      for (const c of cats) featureInfo.push({ name: `${f}=${c}`, column: f, kind: 'onehot', category: c });
  }
  const raw: Table = {
    featureNames: [...config.featureNames],
    featureInfo,
    categories: config.categorical,
    x,
    nRows: used.length,
    nFeatures: width,
    tasks: {},
    dropped: [],
    rowIndex: Int32Array.from(used),
  };
  if (config.missing !== 'drop') raw.impute = config.missing;
  return { table: applyStandardizer(raw, config.standardizer), used, skipped };
}

/**
 * Turns head outputs (logits; standardised regression values) into per-row predictions: class
 * name and probabilities (argmax; ties to the first class; binary positive when p ≥ 0.5), or the
 * value in original units.
 */
export function decodeOutputs(
  config: ModelConfig,
  outputs: Record<string, Tensor>,
  n: number,
): Record<string, TaskPrediction>[] {
  const rows: Record<string, TaskPrediction>[] = Array.from({ length: n }, () => ({}));
  for (const task of config.tasks) {
    const out = outputs[task.name].data;
    if (task.kind === 'regression') {
      const values = inverseTargets(config.targetStandardizer, task.name, out);
      for (let i = 0; i < n; i++) rows[i][task.name] = { value: values[i] };
      continue;
    }
    const classes = task.classes as string[];
    for (let i = 0; i < n; i++) {
      const p =
        task.kind === 'binary'
          ? [1 - sigmoid(out[i]), sigmoid(out[i])]
          : softmaxVector(out, i * classes.length, classes.length);
      let best = 0;
      if (task.kind === 'binary') best = p[1] >= 0.5 ? 1 : 0;
      else for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
      const probabilities: Record<string, number> = {};
      classes.forEach((c, k) => {
        probabilities[c] = p[k];
      });
      rows[i][task.name] = { label: classes[best], probability: p[best], probabilities };
    }
  }
  return rows;
}

/** Predictions of a loaded model for every usable row of `source`. */
export function predictRows(
  loaded: LoadedModel,
  source: RowSource,
): { predictions: RowPrediction[]; skipped: SkippedRow[] } {
  const { table, used, skipped } = encodeRows(source, loaded.config);
  if (used.length === 0) return { predictions: [], skipped };
  const x = tensor(table.x, { shape: [table.nRows, table.nFeatures], dtype: 'float32' });
  const decoded = decodeOutputs(loaded.config, predict(loaded.model, x), used.length);
  const predictions = used.map((r, i) => {
    const p: RowPrediction =
      source.format === 'csv'
        ? { row: r + 1, line: source.position(r), tasks: decoded[i] }
        : { row: r + 1, tasks: decoded[i] };
    return p;
  });
  return { predictions, skipped };
}

/** Header and cells of the prediction table / CSV (without the error column). */
function predictionColumns(config: ModelConfig): string[] {
  const cols: string[] = [];
  for (const t of config.tasks) {
    cols.push(t.name);
    if (t.kind !== 'regression') cols.push(`${t.name} probability`);
  }
  return cols;
}

function predictionCells(config: ModelConfig, p: RowPrediction, format: (v: number) => string): string[] {
  const cells: string[] = [];
  for (const t of config.tasks) {
    const tp = p.tasks[t.name];
    if ('value' in tp) cells.push(format(tp.value));
    else cells.push(tp.label, format(tp.probability));
  }
  return cells;
}

/** The CSV written by --output: every input row, predicted or with the reason it was not. */
export function predictionsCsv(
  config: ModelConfig,
  source: RowSource,
  predictions: readonly RowPrediction[],
  skipped: readonly SkippedRow[],
): string {
  const header = ['row', ...(source.format === 'csv' ? ['line'] : []), ...predictionColumns(config), 'error'];
  const byRow = new Map<number, string[]>();
  const blank = predictionColumns(config).map(() => '');
  const lead = (r: { row: number; line?: number }) => [
    String(r.row),
    ...(r.line === undefined ? [] : [String(r.line)]),
  ];
  for (const p of predictions) byRow.set(p.row, [...lead(p), ...predictionCells(config, p, String), '']);
  for (const s of skipped) byRow.set(s.row, [...lead(s), ...blank, s.reason]);
  const rows = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([, cells]) => cells);
  return formatCsv(header, rows);
}

function rowLabel(r: { row: number; line?: number }): string {
  return r.line === undefined ? `row ${r.row}` : `row ${r.row} (line ${r.line})`;
}

/** `mtlgrad predict ARGS`: returns the exit status. */
export async function predictCommand(
  argv: readonly string[],
  io: CliIO,
  help: () => string,
): Promise<number> {
  const args = parseArgs(argv, PREDICT_FLAGS, 'predict');
  if (args.help) {
    io.stdout.write(help());
    return 0;
  }
  const modelPath = required(args, 'model', 'predict', 'the file written by mtlgrad train --save');
  const dataPath = required(args, 'data', 'predict', 'the CSV or JSON rows to predict');
  const output = flagValue(args, 'output');
  if (output === '') throw new UsageError('--output needs a file name');
  const json = args.switches.has('json');
  const dialect = parseDialect(flagValue(args, 'delimiter'), flagValue(args, 'decimal'));
  if (output !== undefined) {
    const inputs = [
      { flag: 'model', path: modelPath },
      { flag: 'data', path: dataPath },
    ];
    await refuseOutputOntoInput({ flag: 'output', path: output }, inputs, io.cwd);
  }

  const loaded = await loadModel(modelPath, io.cwd);
  const source = await readRows(dataPath, io.cwd, dialect);
  const { predictions, skipped } = predictRows(loaded, source);
  if (predictions.length === 0) {
    const sample = skipped
      .slice(0, 3)
      .map((s) => `${rowLabel(s)}: ${s.reason}`)
      .join('; ');
    throw new DataError(
      `${dataPath}: none of the ${source.n} rows can be predicted (${sample}${skipped.length > 3 ? '; ...' : ''})`,
    );
  }
  if (output !== undefined) {
    const csv = predictionsCsv(loaded.config, source, predictions, skipped);
    await writeFileAtomic(resolve(io.cwd, output), new TextEncoder().encode(csv));
  }

  const config = loaded.config;
  if (json) {
    const model = {
      file: modelPath,
      features: config.features,
      tasks: config.tasks.map((t) =>
        t.classes ? { name: t.name, kind: t.kind, classes: t.classes } : { name: t.name, kind: t.kind },
      ),
    };
    io.stdout.write(`${toJson({ predictions, skipped, model })}\n`);
    return 0;
  }
  let out = '';
  if (output === undefined) {
    const header = ['row', ...predictionColumns(config)];
    const body = predictions.map((p) => [String(p.row), ...predictionCells(config, p, formatNumber)]);
    out += textTable(header, body);
  } else {
    out += `Wrote predictions for ${predictions.length} of ${source.n} rows to ${output}\n`;
  }
  if (skipped.length > 0) {
    out += `\n${skipped.length} row${skipped.length === 1 ? '' : 's'} could not be predicted:\n`;
    out += skipped.map((s) => `  ${rowLabel(s)}: ${s.reason}\n`).join('');
  }
  io.stdout.write(out);
  return 0;
}
