/**
 * `mtlgrad train`: load a table, split it, fit the preprocessing on the training rows, train a
 * hard-sharing multi-task network, report test metrics (regression in original units) and
 * optionally save the model with its preprocessing.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { tensor } from '../../autograd/create.js';
import type { Tensor } from '../../autograd/tensor.js';
import { loadTable } from '../../data/load-table.js';
import { trainTestSplit } from '../../data/split.js';
import {
  applyStandardizer,
  applyTargetStandardizer,
  fitStandardizer,
  fitTargetStandardizer,
  inverseTargets,
} from '../../data/standardize.js';
import type { MissingFeatures, Table, TaskKind } from '../../data/table.js';
import { CellError, MtlgradError } from '../../errors.js';
import {
  ACTIVATIONS,
  type Activation,
  buildModel,
  configToMetadata,
  encodedFeatureNames,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelConfig,
  taskSpecs,
} from '../../model/config.js';
import { ARCHITECTURES } from '../../mtl/arch-registry.js';
import type { MultiTaskModel } from '../../mtl/architectures.js';
import type { History } from '../../mtl/config.js';
import { predict } from '../../mtl/evaluate.js';
import { computeMetrics, type MetricValues } from '../../mtl/metrics.js';
import { createWeighting, TASK_KIND_NAMES, TASK_KINDS } from '../../mtl/registry.js';
import type { MetricName, TaskSpec } from '../../mtl/tasks.js';
import { fit as fitModel, NonFiniteLossError } from '../../mtl/trainer.js';
import { closest } from '../../options.js';
import { formatNumber } from '../../report/format.js';
import { Rng } from '../../tensor/rng.js';
import { terminalProgress } from '../progress.js';
import { saveSafetensors } from '../safetensors.js';
import { type ArchChoice, describeArchitecture, parseArchFlags } from './arch-flags.js';
import {
  type FlagSpec,
  flagValue,
  type ParsedArgs,
  parseAnyInteger,
  parseArgs,
  parseInteger,
  parseNumber,
  parseWeighting,
  required,
  splitList,
} from './args.js';
import { type Baseline, baselines, trainWarnings } from './baseline.js';
import { cellProblem, type Dialect, parseDialect, readRows, resolveColumn } from './data.js';
import { DataError, oneLine, UsageError } from './errors.js';
import { TRAIN_DEFAULTS } from './help.js';
import { type CliIO, packageVersion, plural, refuseOutputOntoInput, textTable, toJson } from './io.js';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string' },
  features: { type: 'string' },
  task: { type: 'string', repeatable: true },
  categorical: { type: 'string' },
  arch: { type: 'string' },
  hidden: { type: 'string' },
  tower: { type: 'string' },
  experts: { type: 'string' },
  'task-experts': { type: 'string' },
  levels: { type: 'string' },
  k: { type: 'string' },
  activation: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  decoupled: { type: 'boolean' },
  weighting: { type: 'string' },
  'test-split': { type: 'string' },
  'val-split': { type: 'string' },
  patience: { type: 'string' },
  seed: { type: 'string' },
  save: { type: 'string' },
  json: { type: 'boolean' },
  missing: { type: 'string' },
  quiet: { type: 'boolean' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
};

/** A task as given on the command line. */
export interface TaskArg {
  /** Column name (also the task name). */
  name: string;
  kind: TaskKind;
}

/** The validated options of `mtlgrad train`. */
export interface TrainOptions {
  data: string;
  features: string[];
  tasks: TaskArg[];
  categorical: string[];
  /** --arch, --tower and the chosen architecture's options. */
  arch: ArchChoice;
  hidden: number[];
  activation: Activation;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  decoupled: boolean;
  /** A weighting method with its options, `name[:key=value,...]` (see createWeighting). */
  weighting: string;
  testSplit: number;
  /** Fraction of rows for validation and early stopping (0: none). */
  valSplit: number;
  patience: number;
  seed: number;
  save?: string;
  json: boolean;
  missing: MissingFeatures;
  quiet: boolean;
  /** How the CSV cells are written (`--delimiter`, `--decimal`). */
  dialect: Dialect;
}

/** Parses a `--task` value `NAME:KIND` (the last ':' separates the kind). */
export function parseTaskArg(text: string): TaskArg {
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    throw new UsageError(
      `--task '${text}': expected NAME:KIND with KIND classification, binary or regression (e.g. --task species:classification)`,
    );
  }
  const name = text.slice(0, colon).trim();
  const kind = text.slice(colon + 1).trim();
  if (name === '') throw new UsageError(`--task '${text}': the column name before ':' is empty`);
  if (!(TASK_KIND_NAMES as readonly string[]).includes(kind)) {
    const c = closest(kind, TASK_KIND_NAMES);
    throw new UsageError(
      `--task '${text}': unknown kind '${kind}'${c ? ` (did you mean '${c}'?)` : ''}; use classification, binary or regression`,
    );
  }
  return { name, kind: kind as TaskKind };
}

function oneOf<T extends string>(text: string, flag: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  const c = closest(text, allowed);
  throw new UsageError(
    `--${flag}: unknown value '${text}'${c ? ` (did you mean '${c}'?)` : ''}; choose one of ${allowed.join(', ')}`,
  );
}

/** Validates parsed flags into {@link TrainOptions}. */
export function trainOptions(args: ParsedArgs): TrainOptions {
  const d = TRAIN_DEFAULTS;
  const data = required(args, 'data', 'train', 'the CSV or JSON file to train on');
  const features = splitList(
    required(args, 'features', 'train', 'comma-separated input columns, e.g. --features a,b,c'),
    'features',
  );
  const taskTexts = args.values.get('task');
  if (taskTexts === undefined) {
    throw new UsageError(
      'train: at least one --task NAME:KIND is required (e.g. --task species:classification)',
    );
  }
  const tasks = taskTexts.map(parseTaskArg);
  const dupFeature = features.find((f, i) => features.indexOf(f) !== i);
  if (dupFeature !== undefined) throw new UsageError(`--features lists ${JSON.stringify(dupFeature)} twice`);
  const dupTask = tasks.find((t, i) => tasks.findIndex((u) => u.name === t.name) !== i);
  if (dupTask !== undefined) throw new UsageError(`--task ${JSON.stringify(dupTask.name)} is given twice`);
  const both = tasks.find((t) => features.includes(t.name));
  if (both !== undefined) {
    throw new UsageError(
      `column ${JSON.stringify(both.name)} is both a feature and a task; a task's column cannot be an input`,
    );
  }
  const cat = flagValue(args, 'categorical');
  const categorical = cat === undefined ? [] : splitList(cat, 'categorical');
  for (const c of categorical) {
    if (!features.includes(c)) {
      throw new UsageError(`--categorical column ${JSON.stringify(c)} is not listed in --features`);
    }
  }
  const hiddenText = flagValue(args, 'hidden');
  const hidden =
    hiddenText === undefined
      ? [...d.hidden]
      : splitList(hiddenText, 'hidden').map((h) => parseInteger(h, 'hidden', 1));
  const opt = <T>(name: string, parse: (s: string) => T, fallback: T): T => {
    const v = flagValue(args, name);
    return v === undefined ? fallback : parse(v);
  };
  const options: TrainOptions = {
    data,
    features,
    tasks,
    categorical,
    arch: parseArchFlags(args),
    hidden,
    activation: opt('activation', (s) => oneOf(s, 'activation', ACTIVATIONS), d.activation),
    epochs: opt('epochs', (s) => parseInteger(s, 'epochs', 1), d.epochs),
    batchSize: opt('batch-size', (s) => parseInteger(s, 'batch-size', 1), d.batchSize),
    lr: opt('lr', (s) => parseNumber(s, 'lr', { lo: 0, loInclusive: false }), d.lr),
    weightDecay: opt(
      'weight-decay',
      (s) => parseNumber(s, 'weight-decay', { lo: 0, loInclusive: true }),
      d.weightDecay,
    ),
    decoupled: args.switches.has('decoupled'),
    weighting: opt('weighting', (s) => parseWeighting(s, 'weighting'), d.weighting),
    testSplit: opt(
      'test-split',
      (s) => parseNumber(s, 'test-split', { lo: 0, loInclusive: true, hi: 1 }),
      d.testSplit,
    ),
    valSplit: opt(
      'val-split',
      (s) => parseNumber(s, 'val-split', { lo: 0, loInclusive: true, hi: 1 }),
      d.valSplit,
    ),
    patience: opt('patience', (s) => parseInteger(s, 'patience', 0), d.patience),
    seed: opt('seed', (s) => parseAnyInteger(s, 'seed'), d.seed),
    json: args.switches.has('json'),
    missing: opt('missing', (s) => oneOf(s, 'missing', ['drop', 'mean', 'median'] as const), d.missing),
    quiet: args.switches.has('quiet'),
    dialect: parseDialect(flagValue(args, 'delimiter'), flagValue(args, 'decimal')),
  };
  if (options.testSplit + options.valSplit >= 1) {
    throw new UsageError(
      `--test-split ${options.testSplit} and --val-split ${options.valSplit} leave no training rows; together they must be below 1`,
    );
  }
  if (flagValue(args, 'patience') !== undefined && options.valSplit === 0) {
    throw new UsageError('--patience needs --val-split (early stopping watches the validation loss)');
  }
  const save = flagValue(args, 'save');
  if (save !== undefined) {
    if (save === '') throw new UsageError('--save needs a file name');
    options.save = save;
  }
  return options;
}

/** A row the loader did not keep. `row` counts data rows from 1; `line` is the CSV line. */
export interface DroppedReport {
  row: number;
  line?: number;
  reason: string;
}

/** What a training run produced. */
export interface TrainResult {
  model: MultiTaskModel;
  config: ModelConfig;
  /** Test metrics per task (regression in original units), with `count` = labelled test rows. */
  metrics: Record<string, MetricValues & { count: number }>;
  /** The baseline of every task on the test rows (empty without test rows). */
  baselines: Record<string, Baseline>;
  /** Reasons to distrust the result, one sentence each (printed on stderr). */
  warnings: string[];
  rows: { train: number; validation?: number; test: number; dropped: number };
  /** Epochs trained, the (1-based) epoch whose weights the model holds, and whether it stopped early. */
  epochs: { run: number; best: number; stoppedEarly: boolean };
  dropped: DroppedReport[];
  /** The test rows: standardised features and original labels (`rowIndex` = 0-based source rows). */
  test: Table;
  /** The summary printed with --json (`config`). */
  summary: Record<string, unknown>;
}

/** Features of a table as a float32 [rows, features] tensor. */
export function featureTensor(table: Table): Tensor {
  return tensor(table.x, { shape: [table.nRows, table.nFeatures], dtype: 'float32' });
}

/** Labels per task (NaN = missing), as `fit` takes them. */
function labelsOf(table: Table, tasks: readonly TaskSpec[]): Record<string, Float64Array> {
  const y: Record<string, Float64Array> = {};
  for (const t of tasks) y[t.name] = table.tasks[t.name].values;
  return y;
}

/**
 * Test metrics of `model` on `test` (standardised features, original labels): regression outputs
 * are mapped back to original units before computing r2, mse and mae.
 */
export function testMetrics(
  model: MultiTaskModel,
  config: ModelConfig,
  test: Table,
): Record<string, MetricValues & { count: number }> {
  const outputs = predict(model, featureTensor(test));
  const specs = taskSpecs(config);
  const result: Record<string, MetricValues & { count: number }> = {};
  specs.forEach((spec) => {
    const labels = test.tasks[spec.name].values;
    let count = 0;
    for (const v of labels) if (!Number.isNaN(v)) count++;
    const out = outputs[spec.name];
    const values =
      spec.kind === 'regression' ? inverseTargets(config.targetStandardizer, spec.name, out.data) : out.data;
    const width = spec.kind === 'classification' ? (spec.classes as number) : 1;
    result[spec.name] = {
      ...computeMetrics(spec, values, width, labels, [...TASK_KINDS[spec.kind].metrics]),
      count,
    };
  });
  return result;
}

async function checkSaveDirectory(save: string, cwd: string): Promise<void> {
  const dir = dirname(resolve(cwd, save));
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new DataError(
      `--save ${JSON.stringify(save)}: the directory ${JSON.stringify(dir)} does not exist`,
    );
  }
}

interface TrainInputs {
  source: Awaited<ReturnType<typeof readRows>>;
  features: string[];
  categorical: string[];
  tasks: TaskArg[];
}

/** Reads the data file and resolves the feature and task columns in it. */
async function readInputs(opts: TrainOptions, io: CliIO): Promise<TrainInputs> {
  const source = await readRows(opts.data, io.cwd, opts.dialect);
  const features = opts.features.map((f) => resolveColumn(source, f, '--features'));
  const categorical = opts.categorical.map((c) => features[opts.features.indexOf(c)]);
  const tasks = opts.tasks.map((t) => ({ ...t, name: resolveColumn(source, t.name, '--task') }));
  for (const t of tasks) {
    if (t.name.includes('.')) {
      throw new DataError(
        `task column ${JSON.stringify(t.name)} contains '.', which a task name cannot hold (it separates the parts of the saved weights' names); rename the column`,
      );
    }
    if (features.includes(t.name)) {
      throw new UsageError(
        `column ${JSON.stringify(t.name)} is both a feature and a task; a task's column cannot be an input`,
      );
    }
  }
  return { source, features, categorical, tasks };
}

/** The loaded table, with loader errors turned into data errors naming the file. */
function loadTrainingTable(
  inputs: TrainInputs,
  opts: TrainOptions,
): { table: Table; dropped: DroppedReport[] } {
  const { source, features, categorical, tasks } = inputs;
  let table: Table;
  try {
    table = loadTable(source, {
      features,
      categorical,
      tasks: tasks.map((t) => ({ column: t.name, name: t.name, kind: t.kind })),
      missingFeatures: opts.missing,
    });
  } catch (err) {
    const numeric = features.filter((f) => !categorical.includes(f));
    if (err instanceof CellError) throw cellProblem(err, opts.data, numeric);
    if (err instanceof MtlgradError) throw new DataError(`${opts.data}: ${oneLine(err.message)}`);
    throw err;
  }
  const dropped: DroppedReport[] = table.dropped.map((d) =>
    source.format === 'csv'
      ? { row: d.index + 1, line: d.row, reason: d.reason }
      : { row: d.index + 1, reason: d.reason },
  );
  return { table, dropped };
}

/** The train/test split with the preprocessing fitted on the training rows. */
function splitAndScale(table: Table, tasks: readonly TaskArg[], opts: TrainOptions) {
  const stratify = tasks.find((t) => t.kind !== 'regression')?.name;
  const split = trainTestSplit(table, {
    test: opts.testSplit,
    validation: opts.valSplit,
    seed: opts.seed,
    stratify,
  });
  const scaler = fitStandardizer(split.train);
  const train = applyStandardizer(split.train, scaler);
  const test = applyStandardizer(split.test, scaler);
  const targetScaler = fitTargetStandardizer(train);
  const validation = split.validation && applyStandardizer(split.validation, scaler);
  return {
    stratify,
    scaler,
    train,
    test,
    targetScaler,
    trainFit: applyTargetStandardizer(train, targetScaler),
    /** Validation rows scaled like the training rows (features and targets), if requested. */
    validationFit: validation && applyTargetStandardizer(validation, targetScaler),
  };
}

type Prepared = ReturnType<typeof splitAndScale>;

/** The training settings recorded in the saved model and in the --json summary. */
function trainingSettings(opts: TrainOptions) {
  const { epochs, batchSize, lr, weightDecay, weighting, testSplit, valSplit, seed } = opts;
  return {
    epochs,
    batchSize,
    lr,
    weightDecay,
    decay: opts.decoupled ? 'decoupled' : 'l2',
    weighting,
    testSplit,
    ...(valSplit > 0 && { valSplit, patience: opts.patience }),
    seed,
  };
}

/** The architecture's fields of the saved config: the tower when there is one, and the options it reads. */
function archFields(choice: ArchChoice): Partial<ModelConfig> {
  const { architecture: _, tower, ...options } = choice;
  return { ...(tower.length > 0 && { tower }), ...options };
}

/** The model configuration saved with the weights, checked for what training needs. */
function modelConfig(opts: TrainOptions, inputs: TrainInputs, table: Table, prepared: Prepared): ModelConfig {
  const config: ModelConfig = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: opts.arch.architecture,
    features: inputs.features,
    categorical: table.categories,
    featureNames: table.featureNames,
    missing: opts.missing,
    hidden: opts.hidden,
    activation: opts.activation,
    ...archFields(opts.arch),
    tasks: inputs.tasks.map((t) => {
      const classes = table.tasks[t.name].classes;
      return t.kind === 'regression' || classes === undefined
        ? { name: t.name, column: t.name, kind: t.kind }
        : { name: t.name, column: t.name, kind: t.kind, classes: [...classes] };
    }),
    standardizer: prepared.scaler,
    targetStandardizer: prepared.targetScaler,
    training: { data: opts.data, rows: prepared.train.nRows, ...trainingSettings(opts) },
    createdBy: `mtlgrad ${packageVersion()}`,
  };
  const expectedNames = encodedFeatureNames(config.features, config.categorical);
  if (expectedNames.join('\u0000') !== config.featureNames.join('\u0000')) {
    throw new Error('internal: the encoded feature names do not follow the feature order');
  }
  for (const t of config.tasks) {
    if (t.kind === 'classification' && (t.classes?.length ?? 0) < 2) {
      throw new DataError(
        `${opts.data}: classification task ${JSON.stringify(t.name)} has a single class (${JSON.stringify(t.classes?.[0])}); it needs at least two`,
      );
    }
  }
  return config;
}

/** Builds and fits the network (progress on stderr when it is a terminal and not --quiet). */
function trainModel(
  config: ModelConfig,
  prepared: Prepared,
  opts: TrainOptions,
  io: CliIO,
): { model: MultiTaskModel; history: History } {
  const { trainFit, validationFit } = prepared;
  const specs = taskSpecs(config);
  const model = buildModel(config, new Rng(opts.seed));
  const reporter = opts.quiet ? {} : terminalProgress({ stream: io.stderr, perStep: false });
  try {
    const history = fitModel(
      model,
      { x: featureTensor(trainFit), y: labelsOf(trainFit, specs) },
      {
        tasks: specs,
        epochs: opts.epochs,
        batchSize: opts.batchSize,
        lr: opts.lr,
        weightDecay: opts.weightDecay,
        decay: opts.decoupled ? 'decoupled' : 'l2',
        weighting: createWeighting(opts.weighting, { seed: opts.seed }),
        seed: opts.seed,
        reporter,
        ...(validationFit && {
          validation: { x: featureTensor(validationFit), y: labelsOf(validationFit, specs) },
          earlyStopping: { patience: opts.patience },
        }),
      },
    );
    return { model, history };
  } catch (err) {
    if (err instanceof NonFiniteLossError) {
      if (reporter.end) io.stderr.write('\n');
      throw new DataError(
        `training diverged: the loss of task ${JSON.stringify(err.task)} became non-finite at epoch ${err.epoch + 1}; try a smaller --lr`,
      );
    }
    throw err;
  }
}

/** Runs the training pipeline (no output on stdout; progress on stderr when it is a terminal). */
export async function runTrain(opts: TrainOptions, io: CliIO): Promise<TrainResult> {
  if (opts.save !== undefined) {
    await checkSaveDirectory(opts.save, io.cwd);
    await refuseOutputOntoInput(
      { flag: 'save', path: opts.save },
      [{ flag: 'data', path: opts.data }],
      io.cwd,
    );
  }
  const inputs = await readInputs(opts, io);
  const { table, dropped } = loadTrainingTable(inputs, opts);
  const prepared = splitAndScale(table, inputs.tasks, opts);
  const config = modelConfig(opts, inputs, table, prepared);
  const { model, history } = trainModel(config, prepared, opts, io);
  const { train, test } = prepared;
  const specs = taskSpecs(config);
  const classNames = Object.fromEntries(config.tasks.map((t) => [t.name, t.classes]));
  const metrics = test.nRows > 0 ? testMetrics(model, config, test) : {};
  const base = test.nRows > 0 ? baselines(specs, classNames, train, test) : {};
  const warnings = trainWarnings({ specs, metrics, baselines: base, history, classNames });
  if (opts.save !== undefined)
    await saveSafetensors(resolve(io.cwd, opts.save), model, configToMetadata(config));
  const summary: Record<string, unknown> = {
    data: opts.data,
    features: inputs.features,
    categorical: table.categories,
    featureNames: table.featureNames,
    tasks: config.tasks.map((t) => (t.classes ? { name: t.name, kind: t.kind, classes: t.classes } : t)),
    architecture: ARCHITECTURES[opts.arch.architecture].cli,
    ...archFields(opts.arch),
    hidden: opts.hidden,
    activation: opts.activation,
    ...trainingSettings(opts),
    stratify: prepared.stratify ?? null,
    missing: opts.missing,
    save: opts.save ?? null,
  };
  return {
    model,
    config,
    metrics,
    baselines: base,
    warnings,
    rows: {
      train: train.nRows,
      ...(prepared.validationFit && { validation: prepared.validationFit.nRows }),
      test: test.nRows,
      dropped: dropped.length,
    },
    epochs: { run: history.epochs.length, best: history.bestEpoch + 1, stoppedEarly: history.stoppedEarly },
    dropped,
    test,
    summary,
  };
}

function rowLabel(d: DroppedReport): string {
  return d.line === undefined ? `row ${d.row}` : `row ${d.row} (line ${d.line})`;
}

const METRIC_COLUMNS: readonly MetricName[] = ['accuracy', 'macroF1', 'logLoss', 'auc', 'r2', 'mse', 'mae'];

/** The --json output: metrics per task with its baseline, rows, dropped rows, warnings, settings. */
export function trainJson(result: TrainResult): Record<string, unknown> {
  const tasks: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(result.metrics)) {
    const base = result.baselines[name];
    tasks[name] = { ...m, baseline: { ...base.metrics, predictor: base.predictor, predicts: base.predicts } };
  }
  return {
    tasks,
    rows: result.rows,
    ...(result.rows.validation !== undefined && { epochs: result.epochs }),
    dropped: result.dropped,
    warnings: result.warnings,
    config: result.summary,
  };
}

/** `100 epochs`, or with early stopping `stopped early after 23 of 100 epochs, kept epoch 13`. */
function epochText(result: TrainResult, opts: TrainOptions): string {
  const { run, best, stoppedEarly } = result.epochs;
  if (result.rows.validation === undefined) return plural(opts.epochs, 'epoch');
  const ran = stoppedEarly ? `stopped early after ${run} of ${opts.epochs} epochs` : plural(run, 'epoch');
  return `${ran}, kept epoch ${best} (lowest validation loss)`;
}

/** The human-readable report of a training run. */
export function formatTrainReport(result: TrainResult, opts: TrainOptions): string {
  const { rows } = result;
  const count = (n: number) => plural(n, 'row');
  const validated = rows.validation === undefined ? '' : `; validated on ${count(rows.validation)}`;
  let out = `Trained on ${count(rows.train)}${validated}; tested on ${count(rows.test)}; dropped ${count(rows.dropped)}.\n`;
  const layers = `${opts.hidden.join(' -> ')} (${opts.activation})`;
  const net =
    opts.arch.architecture === 'hard-sharing' && opts.arch.tower.length === 0
      ? layers
      : `${describeArchitecture(opts.arch)}: ${layers}`;
  out += `Network: ${plural(result.config.featureNames.length, 'input')} -> ${net} -> ${plural(result.config.tasks.length, 'head')}; weighting ${opts.weighting}, ${epochText(result, opts)}.\n\n`;
  if (rows.test === 0) {
    out += 'No test rows (--test-split 0): no metrics.\n';
  } else {
    const header = ['task', 'kind', 'predictor', 'n', ...METRIC_COLUMNS];
    const body = result.config.tasks.flatMap((t) => {
      const m = result.metrics[t.name];
      const base = result.baselines[t.name];
      const cells = (values: MetricValues) =>
        METRIC_COLUMNS.map((k) => (TASK_KINDS[t.kind].metrics.includes(k) ? formatNumber(values[k]) : ''));
      return [
        [t.name, t.kind, 'model', String(m.count), ...cells(m)],
        [t.name, t.kind, base.predictor, String(m.count), ...cells(base.metrics)],
      ];
    });
    out += `Test metrics (regression in original units):\n${textTable(header, body)}`;
    out +=
      'Baselines ignore the features: majority always predicts the most frequent training class\n' +
      '(with the training class shares as probabilities); mean always predicts the training mean.\n';
  }
  if (result.dropped.length > 0) {
    const shown = result.dropped.slice(0, 10);
    out += `\nDropped rows:\n${shown.map((d) => `  ${rowLabel(d)}: ${d.reason}\n`).join('')}`;
    if (result.dropped.length > shown.length) {
      out += `  ... and ${result.dropped.length - shown.length} more (--json lists them all)\n`;
    }
  }
  if (opts.save !== undefined) out += `\nSaved the model to ${opts.save}\n`;
  return out;
}

/** `mtlgrad train ARGS`: returns the exit status. */
export async function trainCommand(argv: readonly string[], io: CliIO, help: () => string): Promise<number> {
  const args = parseArgs(argv, TRAIN_FLAGS, 'train');
  if (args.help) {
    io.stdout.write(help());
    return 0;
  }
  const opts = trainOptions(args);
  const result = await runTrain(opts, io);
  for (const w of result.warnings) io.stderr.write(`mtlgrad: warning: ${w}\n`);
  if (opts.json) {
    io.stdout.write(`${toJson(trainJson(result))}\n`);
  } else {
    io.stdout.write(formatTrainReport(result, opts));
  }
  return 0;
}
