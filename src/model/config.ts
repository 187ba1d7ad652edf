/**
 * The model configuration the CLI stores in a safetensors file's `__metadata__`, so that
 * `mtlgrad predict` can rebuild the network and apply exactly the training-time preprocessing.
 *
 * The metadata holds two string entries:
 * - `format`: `mtlgrad.model` (a quick check that the file came from `mtlgrad train --save`);
 * - `mtlgrad.model`: the JSON text of a {@link ModelConfig} (format version {@link MODEL_FORMAT_VERSION}).
 * The tensors are the model's state dict (float32), e.g. `trunk.*` and `heads.<task>.*` for hard sharing.
 */

import type { Tensor } from '../autograd/tensor.js';
import {
  type Standardizer,
  standardizerFromJSON,
  type TargetStandardizer,
  targetStandardizerFromJSON,
} from '../data/standardize.js';
import type { MissingFeatures, TaskKind } from '../data/table.js';
import { FormatError, MtlgradError } from '../errors.js';
import {
  ARCH_OPTIONS,
  ARCHITECTURE_NAMES,
  ARCHITECTURES,
  type ArchitectureName,
  type ArchSettings,
  fullSettings,
} from '../mtl/arch-registry.js';
import type { MultiTaskModel } from '../mtl/architectures.js';
import type { TaskSpec } from '../mtl/tasks.js';
import { Rng } from '../tensor/rng.js';

/** The value of the `format` metadata entry and of {@link ModelConfig.format}. */
export const MODEL_FORMAT = 'mtlgrad.model';
/** The version of {@link ModelConfig} this code writes and reads. */
export const MODEL_FORMAT_VERSION = 1;
/** The metadata key holding the JSON config. */
export const CONFIG_KEY = 'mtlgrad.model';

/** Activations the CLI can build (those of `HardSharing.build`). */
export const ACTIVATIONS = ['relu', 'tanh', 'gelu', 'leakyRelu', 'sigmoid', 'softplus'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** One task of a saved model. */
export interface ModelTaskConfig {
  /** Task name (the head's key in the state dict). */
  name: string;
  /** Source column of the labels (equal to the name for models trained by the CLI). */
  column: string;
  kind: TaskKind;
  /**
   * Label names: classification, index i ↔ classes[i]; binary, `[negative, positive]` (the head's
   * sigmoid is the probability of classes[1]). Absent for regression.
   */
  classes?: string[];
}

/** Everything needed to rebuild and apply a model trained by `mtlgrad train`. */
export interface ModelConfig {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  /** Network family (see src/mtl/arch-registry.ts); files without towers or options read as before. */
  architecture: ArchitectureName;
  /** Source feature columns, in input order. */
  features: string[];
  /** Category list per one-hot encoded column (a subset of `features`), in encoding order. */
  categorical: Record<string, string[]>;
  /** Columns of the encoded input: a numeric feature's name, or `column=category` per one-hot column. */
  featureNames: string[];
  /** Rows with a missing feature: `drop` (not predicted) or imputed with the training `mean`/`median`. */
  missing: MissingFeatures;
  /** Hidden layer sizes of the trunk (hard sharing), of each column (cross-stitch) or of every expert. */
  hidden: number[];
  activation: Activation;
  /** Hidden layer sizes of every task tower; absent or [] for linear heads. */
  tower?: number[];
  /** Experts (MMoE, DSelect-k) or shared experts (CGC, PLE). */
  experts?: number;
  /** Experts of each task (CGC, PLE). */
  taskExperts?: number;
  /** Extraction layers (PLE). */
  levels?: number;
  /** Experts each gate selects (DSelect-k). */
  k?: number;
  tasks: ModelTaskConfig[];
  /** Feature standardizer fitted on the training rows (includes the imputation fill values). */
  standardizer: Standardizer;
  /** Mean/std per regression task; predictions are `output·std + mean`. */
  targetStandardizer: TargetStandardizer;
  /** How the model was trained (informational; not needed to apply it). */
  training?: Record<string, unknown>;
  /** `mtlgrad <version>` that wrote the file (informational). */
  createdBy?: string;
}

/** The encoded input columns for `features` with the given category lists. */
export function encodedFeatureNames(
  features: readonly string[],
  categorical: Record<string, string[]>,
): string[] {
  const out: string[] = [];
  for (const f of features) {
    const cats = Object.hasOwn(categorical, f) ? categorical[f] : undefined;
    if (cats === undefined) out.push(f);
    else for (const c of cats) out.push(`${f}=${c}`);
  }
  return out;
}

/** The `__metadata__` entries for `config`. */
export function configToMetadata(config: ModelConfig): Record<string, string> {
  return { format: MODEL_FORMAT, [CONFIG_KEY]: JSON.stringify(config) };
}

/** Task specs for `HardSharing.build`, `fit` and `evaluate`. */
export function taskSpecs(config: Pick<ModelConfig, 'tasks'>): TaskSpec[] {
  return config.tasks.map((t) =>
    t.kind === 'classification'
      ? { name: t.name, kind: t.kind, classes: (t.classes as string[]).length }
      : { name: t.name, kind: t.kind },
  );
}

/** What the architecture of `config` is built from. */
export function archSettings(config: ModelConfig): Required<ArchSettings> {
  return fullSettings({
    inputs: config.featureNames.length,
    tasks: taskSpecs(config),
    hidden: config.hidden,
    tower: config.tower ?? [],
    activation: config.activation,
    experts: config.experts,
    taskExperts: config.taskExperts,
    levels: config.levels,
    k: config.k,
  });
}

/** A fresh (untrained) network with the architecture of `config`. */
export function buildModel(config: ModelConfig, rng: Rng = new Rng(0)): MultiTaskModel {
  return ARCHITECTURES[config.architecture].build(archSettings(config), rng);
}

/** The number of parameters of the network `config` describes, computed from the config alone. */
export function parameterCount(config: ModelConfig): number {
  return ARCHITECTURES[config.architecture].parameters(archSettings(config));
}

/**
 * Refuses, BEFORE anything is built, metadata describing a network far larger than the file (more than twice its
 * values, plus a margin), so a small file whose metadata claims `hidden: [30000, 30000]` cannot make us allocate
 * gigabytes. Smaller differences, such as a missing tensor, are named key by key when the state dict is loaded.
 * @throws FormatError naming `where`.
 */
export function checkWeightShapes(config: ModelConfig, tensors: Record<string, Tensor>, where: string): void {
  const need = parameterCount(config);
  const have = Object.values(tensors).reduce((n, t) => n + t.size, 0);
  if (need > 2 * have + 4096) {
    const n = config.featureNames.length;
    throw new FormatError(
      `${where}: the weights do not match the model described in the metadata: it describes a ${config.architecture} network of ${need} parameters (hidden [${config.hidden.join(',')}], ${n} input${n === 1 ? '' : 's'}), but the file holds ${have} values`,
    );
  }
}

/**
 * The network of a saved model: rebuilt from the config, weights loaded from `tensors`.
 *
 * @throws FormatError (naming `where`) if the tensors do not fit the described network.
 */
export function restoreModel(
  config: ModelConfig,
  tensors: Record<string, Tensor>,
  where: string,
): MultiTaskModel {
  checkWeightShapes(config, tensors, where);
  const model = buildModel(config);
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    if (err instanceof MtlgradError) {
      throw new FormatError(
        `${where}: the weights do not match the model described in the metadata: ${err.message}`,
      );
    }
    throw err;
  }
  return model;
}

/** Throws the FormatError of a malformed config, prefixed with the file. */
type Fail = (msg: string) => never;

/**
 * Reads and validates the config stored in safetensors metadata.
 *
 * @throws FormatError (prefixed with `where`) when the metadata is missing, is not valid JSON, has
 *   an unknown format or version, or any field is malformed or inconsistent.
 */
export function configFromMetadata(metadata: Record<string, string>, where: string): ModelConfig {
  const fail: Fail = (msg) => {
    throw new FormatError(`${where}: ${msg}`);
  };
  const o = parseConfigJson(metadata, fail);
  const { features, categorical, featureNames } = parseFeatures(o, fail);
  if (o.missing !== 'drop' && o.missing !== 'mean' && o.missing !== 'median') {
    fail(`missing must be "drop", "mean" or "median", got ${JSON.stringify(o.missing)}`);
  }
  const hidden = o.hidden;
  if (!Array.isArray(hidden) || hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    fail('hidden must be a non-empty array of positive integers');
  }
  if (typeof o.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(o.activation)) {
    fail(`activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(o.activation)}`);
  }
  const tasks = parseTasks(o.tasks, fail);
  const { standardizer, targetStandardizer } = parseStandardizers(o, featureNames, tasks, fail);
  const config: ModelConfig = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: o.architecture as ArchitectureName,
    features,
    categorical,
    featureNames,
    missing: o.missing as MissingFeatures,
    hidden: [...(hidden as number[])],
    activation: o.activation as Activation,
    ...parseArchitecture(o, fail),
    tasks,
    standardizer,
    targetStandardizer,
  };
  if (o.training !== null && typeof o.training === 'object' && !Array.isArray(o.training)) {
    config.training = o.training as Record<string, unknown>;
  }
  if (typeof o.createdBy === 'string') config.createdBy = o.createdBy;
  return config;
}

/** The JSON object of the config entry, with its format, version and architecture checked. */
function parseConfigJson(metadata: Record<string, string>, fail: Fail): Record<string, unknown> {
  const text = Object.hasOwn(metadata, CONFIG_KEY) ? metadata[CONFIG_KEY] : undefined;
  if (text === undefined) {
    fail(
      `not an mtlgrad model: the safetensors metadata has no "${CONFIG_KEY}" entry (save models with 'mtlgrad train --save')`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text as string);
  } catch (err) {
    fail(`the "${CONFIG_KEY}" metadata is not valid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    fail(`the "${CONFIG_KEY}" metadata is not a JSON object`);
  const o = raw as Record<string, unknown>;
  if (o.format !== MODEL_FORMAT)
    fail(`unknown model format ${JSON.stringify(o.format)} (expected "${MODEL_FORMAT}")`);
  if (o.version !== MODEL_FORMAT_VERSION) {
    fail(
      `model format version ${JSON.stringify(o.version)} is not supported (this mtlgrad reads version ${MODEL_FORMAT_VERSION}); use the mtlgrad version that wrote it`,
    );
  }
  if (!(ARCHITECTURE_NAMES as readonly unknown[]).includes(o.architecture))
    fail(`unknown architecture ${JSON.stringify(o.architecture)} (known: ${ARCHITECTURE_NAMES.join(', ')})`);
  return o;
}

/** The tower and the options the architecture reads: each present and in range, no others. */
function parseArchitecture(
  o: Record<string, unknown>,
  fail: Fail,
): Pick<ModelConfig, 'tower' | 'experts' | 'taskExperts' | 'levels' | 'k'> {
  const arch = o.architecture as ArchitectureName;
  const out: Pick<ModelConfig, 'tower' | 'experts' | 'taskExperts' | 'levels' | 'k'> = {};
  if (o.tower !== undefined) {
    const t = o.tower;
    if (!Array.isArray(t) || t.some((h) => !Number.isInteger(h) || h < 1))
      fail('tower must be an array of positive integers');
    out.tower = [...(t as number[])];
  }
  const reads = ARCHITECTURES[arch].options;
  for (const name of ARCH_OPTIONS) {
    const min = reads[name];
    const v = o[name];
    if (min === undefined) {
      if (v !== undefined) fail(`${name} does not apply to the ${arch} architecture`);
    } else if (!Number.isInteger(v) || (v as number) < min) {
      fail(`${arch}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    } else out[name] = v as number;
  }
  if (out.k !== undefined && out.k > (out.experts as number))
    fail(`${arch}: k must be at most experts (${out.experts}), got ${out.k}`);
  return out;
}

/** A list of distinct strings (non-empty unless `nonEmpty` is false). */
function strings(v: unknown, field: string, fail: Fail, nonEmpty = true): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string') || (nonEmpty && v.length === 0)) {
    fail(`${field} must be a${nonEmpty ? ' non-empty' : 'n'} array of strings`);
  }
  const list = v as string[];
  if (new Set(list).size !== list.length) fail(`${field} lists a name twice`);
  return [...list];
}

/** features, categorical and featureNames, checked against each other. */
function parseFeatures(
  o: Record<string, unknown>,
  fail: Fail,
): Pick<ModelConfig, 'features' | 'categorical' | 'featureNames'> {
  const features = strings(o.features, 'features', fail);
  const cat = o.categorical;
  if (cat === null || typeof cat !== 'object' || Array.isArray(cat)) fail('categorical must be an object');
  const categorical: Record<string, string[]> = {};
  for (const [col, cats] of Object.entries(cat as Record<string, unknown>)) {
    if (!features.includes(col)) fail(`categorical column ${JSON.stringify(col)} is not a feature`);
    categorical[col] = strings(cats, `categorical[${JSON.stringify(col)}]`, fail, false);
  }
  const featureNames = strings(o.featureNames, 'featureNames', fail);
  const expected = encodedFeatureNames(features, categorical);
  if (expected.length !== featureNames.length || expected.some((n, i) => n !== featureNames[i])) {
    fail('featureNames do not match features and categorical');
  }
  return { features, categorical, featureNames };
}

/** The task list: distinct names, known kinds, class lists that fit the kind. */
function parseTasks(raw: unknown, fail: Fail): ModelTaskConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) fail('tasks must be a non-empty array');
  const tasks: ModelTaskConfig[] = [];
  const names = new Set<string>();
  (raw as unknown[]).forEach((t, k) => {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) fail(`tasks[${k}] must be an object`);
    const tt = t as Record<string, unknown>;
    if (typeof tt.name !== 'string' || tt.name === '') fail(`tasks[${k}].name must be a non-empty string`);
    const name = tt.name as string;
    if (names.has(name)) fail(`task ${JSON.stringify(name)} is listed twice`);
    names.add(name);
    if (typeof tt.column !== 'string') fail(`tasks[${k}].column must be a string`);
    const kind = tt.kind;
    if (kind !== 'classification' && kind !== 'binary' && kind !== 'regression') {
      fail(
        `task ${JSON.stringify(name)}: kind must be classification, binary or regression, got ${JSON.stringify(kind)}`,
      );
    }
    const task: ModelTaskConfig = { name, column: tt.column as string, kind: kind as TaskKind };
    if (kind !== 'regression') {
      const classes = strings(tt.classes, `task ${JSON.stringify(name)}: classes`, fail);
      if (kind === 'binary' && classes.length !== 2)
        fail(`binary task ${JSON.stringify(name)} needs 2 classes`);
      if (kind === 'classification' && classes.length < 2)
        fail(`task ${JSON.stringify(name)} needs at least 2 classes`);
      task.classes = classes;
    }
    tasks.push(task);
  });
  return tasks;
}

/** The feature and target standardizers, checked against the feature columns and the tasks. */
function parseStandardizers(
  o: Record<string, unknown>,
  featureNames: readonly string[],
  tasks: readonly ModelTaskConfig[],
  fail: Fail,
): Pick<ModelConfig, 'standardizer' | 'targetStandardizer'> {
  let standardizer: Standardizer;
  let targetStandardizer: TargetStandardizer;
  try {
    standardizer = standardizerFromJSON(o.standardizer);
    targetStandardizer = targetStandardizerFromJSON(o.targetStandardizer);
  } catch (err) {
    if (err instanceof FormatError) fail(err.message);
    throw err;
  }
  if (
    standardizer.featureNames.length !== featureNames.length ||
    standardizer.featureNames.some((n, i) => n !== featureNames[i])
  ) {
    fail('the standardizer was fitted on other feature columns than featureNames');
  }
  for (const t of tasks) {
    if (t.kind === 'regression' && !Object.hasOwn(targetStandardizer.tasks, t.name)) {
      fail(`the target standardizer has no entry for regression task ${JSON.stringify(t.name)}`);
    }
  }
  return { standardizer, targetStandardizer };
}
