/**
 * Task specifications and label handling. A row may lack a label for some task (NaN, null, or
 * −1 for class labels): it is masked out of that task's loss and metrics only.
 */
import { ValueError } from '../errors.js';

/** What a task predicts: one of several classes, a yes/no label (one logit), or a number. */
export type TaskKind = 'classification' | 'binary' | 'regression';

/** The loss a task trains with (defaults: cross-entropy, BCE with logits, MSE). */
export type TaskLoss = 'crossEntropy' | 'bce' | 'mse' | 'l1' | 'huber';

/**
 * The metrics evaluate computes: classification and binary tasks (accuracy, macroF1, logLoss, auc) and
 * regression (mse, mae, r2).
 */
export type MetricName = 'accuracy' | 'macroF1' | 'logLoss' | 'auc' | 'mse' | 'mae' | 'r2';

/**
 * One prediction task: its name (the head's key and the label record's key), its kind and, for classification,
 * the number of classes.
 */
export interface TaskSpec {
  name: string;
  kind: TaskKind;
  /** Number of classes (classification; required there). */
  classes?: number;
  /** Output width for regression (default 1). */
  outputs?: number;
  /** Override the default loss of the kind. */
  loss?: TaskLoss;
  /** Static weight of this task's loss (default 1; used by the EW/Static weightings). */
  weight?: number;
  /** Metrics to report (default: all that apply to the kind). */
  metrics?: MetricName[];
  /** Label smoothing for cross-entropy (default 0). */
  labelSmoothing?: number;
}

/** A task kind's entry in {@link TASK_KINDS}. */
export interface TaskKindEntry {
  description: string;
  /** The losses a task of this kind may train with; the first is the default. */
  losses: readonly [TaskLoss, ...TaskLoss[]];
  /** The metrics reported for this kind by default. */
  metrics: readonly MetricName[];
}

/** Per task kind: a description, the losses it may train with (the first is the default) and its default metrics. */
export const TASK_KINDS: Readonly<Record<TaskKind, TaskKindEntry>> = {
  classification: {
    description: 'two or more classes',
    losses: ['crossEntropy'],
    metrics: ['accuracy', 'macroF1', 'logLoss'],
  },
  binary: {
    description: 'exactly two labels',
    losses: ['bce'],
    metrics: ['accuracy', 'macroF1', 'logLoss', 'auc'],
  },
  regression: { description: 'a number', losses: ['mse', 'l1', 'huber'], metrics: ['mse', 'mae', 'r2'] },
};

/** The task kinds, in the order help texts list them. */
export const TASK_KIND_NAMES = Object.keys(TASK_KINDS) as TaskKind[];

/** Labels of one task: numbers with NaN (or null, or −1 for classes) where missing. */
export type Labels = ArrayLike<number | null>;

/** Width of a task's head output. */
export function outputWidth(task: TaskSpec): number {
  if (task.kind === 'classification') return task.classes!;
  if (task.kind === 'binary') return 1;
  return task.outputs ?? 1;
}

export function defaultLoss(task: TaskSpec): TaskLoss {
  return task.loss ?? TASK_KINDS[task.kind].losses[0];
}

export function defaultMetrics(task: TaskSpec): MetricName[] {
  return task.metrics ?? [...TASK_KINDS[task.kind].metrics];
}

/**
 * Names a task cannot have: '' and dotted names (dots separate the parts of saved weight names),
 * and Object.prototype's keys ('__proto__', 'constructor', ...), which as keys of the per-task
 * records would read the prototype instead of a head.
 */
function checkTaskName(name: unknown): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(`tasks: name '${String(name)}' must be a non-empty string without dots`);
  }
  if (name in Object.prototype || name === '__proto__') {
    throw new ValueError(
      `tasks: the name '${name}' is reserved (a property of every JavaScript object); rename the task`,
    );
  }
}

/** Checks the specs: unique names, valid kinds, class counts, positive weights. */
export function validateTasks(tasks: readonly TaskSpec[]): void {
  if (!Array.isArray(tasks) || tasks.length === 0)
    throw new ValueError('tasks: expected a non-empty array of task specs');
  const seen = new Set<string>();
  for (const t of tasks) {
    if (t === null || typeof t !== 'object')
      throw new ValueError(`tasks: each task spec must be an object, got ${String(t)}`);
    checkTaskName(t.name);
    if (seen.has(t.name)) throw new ValueError(`tasks: the name '${t.name}' is used twice`);
    seen.add(t.name);
    if (!(TASK_KIND_NAMES as string[]).includes(t.kind)) {
      throw new ValueError(`task '${t.name}': kind '${t.kind}' must be ${TASK_KIND_NAMES.join(', ')}`);
    }
    const losses: readonly string[] = TASK_KINDS[t.kind as TaskKind].losses;
    if (t.loss !== undefined && !losses.includes(t.loss)) {
      throw new ValueError(
        `task '${t.name}': loss '${t.loss}' does not apply to ${t.kind}; use ${losses.join(', ')}`,
      );
    }
    if (t.kind === 'classification' && !(Number.isInteger(t.classes) && (t.classes as number) >= 2)) {
      throw new ValueError(`task '${t.name}': classification needs classes ≥ 2, got ${t.classes}`);
    }
    if (t.outputs !== undefined && !(Number.isInteger(t.outputs) && t.outputs >= 1)) {
      throw new ValueError(`task '${t.name}': outputs must be a positive integer, got ${t.outputs}`);
    }
    if (t.weight !== undefined && !(Number.isFinite(t.weight) && t.weight >= 0)) {
      throw new ValueError(`task '${t.name}': weight must be a finite number ≥ 0, got ${t.weight}`);
    }
  }
}

/**
 * Normalises one task's labels to a Float64Array with NaN for missing, checking values:
 * classes must be integers in [0, classes), binary labels 0/1 (or probabilities in [0,1]).
 * `width` > 1 (multi-output regression) expects n·width values, row-major.
 */
export function normalizeLabels(task: TaskSpec, labels: Labels, n: number): Float64Array {
  const width = task.kind === 'regression' ? (task.outputs ?? 1) : 1;
  if (labels === null || labels === undefined || typeof labels.length !== 'number') {
    throw new ValueError(`task '${task.name}': labels are missing (expected ${n * width} values)`);
  }
  if (labels.length !== n * width) {
    throw new ValueError(
      `task '${task.name}': ${labels.length} labels for ${n} rows (expected ${n * width})`,
    );
  }
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === null || v === undefined || Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValueError(
        `task '${task.name}': label at row ${Math.floor(i / width)} is ${String(v)}, expected a finite number`,
      );
    }
    if (task.kind === 'classification') {
      if (v === -1) {
        out[i] = Number.NaN;
        continue;
      }
      if (!Number.isInteger(v) || v < 0 || v >= task.classes!) {
        throw new ValueError(
          `task '${task.name}': label ${v} at row ${i} is not a class index in [0, ${task.classes! - 1}] (use -1, NaN or null for missing)`,
        );
      }
    } else if (task.kind === 'binary') {
      if (v === -1) {
        out[i] = Number.NaN;
        continue;
      }
      if (v < 0 || v > 1) {
        throw new ValueError(
          `task '${task.name}': binary label ${v} at row ${i} must be 0 or 1 (or a probability in [0, 1])`,
        );
      }
    }
    out[i] = v;
  }
  return out;
}

/** 1 for rows whose label (all outputs, for multi-output) is present, else 0. */
export function presentMask(values: Float64Array, width: number): Uint8Array {
  const n = values.length / width;
  const mask = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    let ok = 1;
    for (let j = 0; j < width; j++) if (Number.isNaN(values[r * width + j])) ok = 0;
    mask[r] = ok;
  }
  return mask;
}
