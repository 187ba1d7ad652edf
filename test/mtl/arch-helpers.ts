/** Data shared by the architecture tests: a three-task toy problem and the penguins as a two-task problem. */

import { expect } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { PENGUIN_MEASUREMENTS, penguinsRows } from '../../src/data/index.js';
import { evaluate, fit, type MultiTaskModel, type TaskSpec, type Weighting } from '../../src/mtl/index.js';
import { Rng } from '../../src/tensor/rng.js';

/** Three tasks of every kind, on 3 inputs. */
export const toyTasks: TaskSpec[] = [
  { name: 'cls', kind: 'classification', classes: 3 },
  { name: 'bin', kind: 'binary' },
  { name: 'reg', kind: 'regression' },
];
export const toyWidths = { cls: 3, bin: 1, reg: 1 } as const;

/** n rows of 3 standard normal features. */
export function inputs(n: number, seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const rng = new Rng(seed);
  return tensor(
    Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]),
    { dtype },
  );
}

/** A three-task problem where every task depends on the same two directions of x. */
export function toyData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y = { cls: [] as number[], bin: [] as number[], reg: [] as number[] };
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x.push([a, b, a * b]);
    y.cls.push(a > 0.5 ? 2 : a < -0.5 ? 0 : 1);
    y.bin.push(b > 0 ? 1 : 0);
    y.reg.push(a + 2 * b);
  }
  return { x: tensor(x), y };
}

/** Species (3 classes) and sex (binary, missing for a few birds) from the four measurements, standardised. */
export function penguinData() {
  const rows = penguinsRows().filter((r) => PENGUIN_MEASUREMENTS.every((c) => r[c] !== null));
  const cols = PENGUIN_MEASUREMENTS.map((c) => rows.map((r) => r[c] as number));
  const stats = cols.map((v) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
  });
  return {
    x: tensor(rows.map((_, i) => cols.map((v, j) => (v[i] - stats[j].mean) / stats[j].sd))),
    y: {
      species: rows.map((r) => ['Adelie', 'Chinstrap', 'Gentoo'].indexOf(r.Species)),
      sex: rows.map((r) => (r.Sex === 'MALE' ? 1 : r.Sex === 'FEMALE' ? 0 : Number.NaN)),
    },
  };
}

export const penguinTasks: TaskSpec[] = [
  { name: 'species', kind: 'classification', classes: 3 },
  { name: 'sex', kind: 'binary' },
];

/** Trains `model` on the toy problem and expects every task's held-out loss to fall by at least 20 %. */
export function expectLowersHeldOutLoss(model: MultiTaskModel, weighting?: Weighting): void {
  const test = toyData(100, 2);
  const before = evaluate(model, test, { tasks: toyTasks });
  fit(model, toyData(200, 1), { tasks: toyTasks, epochs: 15, batchSize: 32, lr: 0.01, weighting });
  const after = evaluate(model, test, { tasks: toyTasks });
  for (const t of toyTasks) expect(after[t.name].loss).toBeLessThan(0.8 * before[t.name].loss);
}

/** Trains `model` (4 inputs, penguinTasks) on the penguins and expects it to learn species and sex. */
export function expectLearnsPenguins(model: MultiTaskModel): void {
  const data = penguinData();
  fit(model, data, { tasks: penguinTasks, epochs: 30, batchSize: 32, lr: 0.01, seed: 1 });
  const m = evaluate(model, data, { tasks: penguinTasks });
  expect(m.species.accuracy).toBeGreaterThan(0.95);
  expect(m.sex.accuracy).toBeGreaterThan(0.8);
}
