/** The bridge from a loaded Table to the trainer's `{x, y}` data and task specs. */
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import type { MultiTaskData } from '../mtl/data.js';
import type { TaskSpec } from '../mtl/tasks.js';
import { allocate, type DType } from '../tensor/dtype.js';
import type { Table } from './table.js';

/**
 * Task specs for every task of a table (classification classes from its label list).
 * Pass `only` to keep a subset, in that order.
 */
export function tableTasks(table: Table, only?: readonly string[]): TaskSpec[] {
  const names = only ?? Object.keys(table.tasks);
  return names.map((name) => {
    const t = table.tasks[name];
    if (!t)
      throw new ValueError(`tableTasks: no task '${name}' (tasks: ${Object.keys(table.tasks).join(', ')})`);
    if (t.kind === 'classification') return { name, kind: t.kind, classes: t.classes!.length };
    return { name, kind: t.kind };
  });
}

/** `{x, y}` for fit/evaluate: x as a [rows, features] tensor (float32 by default), labels with NaN for missing. */
export function tableToData(table: Table, options: { dtype?: DType } = {}): MultiTaskData {
  if (table.impute) {
    throw new ValueError(
      'tableToData: the table still has missing features to impute; apply a fitted standardizer first',
    );
  }
  const data = allocate(options.dtype ?? 'float32', table.x.length);
  data.set(table.x);
  const y: Record<string, Float64Array> = {};
  for (const [name, t] of Object.entries(table.tasks)) y[name] = t.values;
  return { x: new Tensor(data, [table.nRows, table.nFeatures]), y };
}
