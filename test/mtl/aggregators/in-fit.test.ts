import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/autograd/create.js';
import { HardSharing } from '../../../src/mtl/architectures.js';
import { createWeighting } from '../../../src/mtl/registry.js';
import type { TaskSpec } from '../../../src/mtl/tasks.js';
import { fit } from '../../../src/mtl/trainer.js';
import { EW } from '../../../src/mtl/weighting/ew.js';
import { Constant, Krum, Sum, TrimmedMean, UPGrad } from '../../../src/mtl/weighting/gradient-methods.js';
import type { Weighting } from '../../../src/mtl/weighting/types.js';
import { Rng } from '../../../src/tensor/rng.js';

const tasks: TaskSpec[] = [
  { name: 'a', kind: 'regression' },
  { name: 'b', kind: 'regression' },
  { name: 'c', kind: 'binary' },
];

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]);
  return {
    x: tensor(x, { dtype: 'float64' }),
    y: { a: x.map((r) => r[0] - r[2]), b: x.map((r) => r[0] * r[1]), c: x.map((r) => (r[1] > 0 ? 1 : 0)) },
  };
}
const build = () => HardSharing.build({ inputs: 3, hidden: [6], tasks, rng: new Rng(5), dtype: 'float64' });
const train = (weighting: Weighting, epochs = 2) => {
  const model = build();
  const h = fit(model, data(48, 4), { tasks, epochs, batchSize: 16, lr: 0.01, weighting });
  return { params: model.parameters().flatMap((p) => Array.from(p.data)), h };
};

describe('the torchjd methods in fit', () => {
  it('Sum and Constant(1, 1, 1) train exactly as EW (the gradient of Σ_t L_t)', () => {
    const ew = train(new EW()).params;
    for (const w of [new Sum(), new Constant([1, 1, 1])]) {
      const p = train(w).params;
      ew.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 12));
    }
  });

  it('every new registry name and Krum / TrimmedMean train without NaN and lower the loss', () => {
    const names = ['upgrad', 'dualproj', 'aligned-mtl', 'config', 'mean', 'sum', 'random'];
    const methods = [
      ...names.map((n) => createWeighting(n, { seed: 1 })),
      new Krum({ byzantine: 0, selected: 2 }),
      new TrimmedMean({ trim: 1 }),
    ];
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    for (const w of methods) {
      const { h } = train(w, 6);
      const last = h.epochs[h.epochs.length - 1];
      expect(Number.isFinite(total(last.trainLoss)), w.name).toBe(true);
      expect(total(last.trainLoss), w.name).toBeLessThan(total(h.epochs[0].trainLoss));
      for (const v of Object.values(last.weights)) expect(Number.isFinite(v), w.name).toBe(true);
    }
  });

  it('Constant drops the weight of a task absent from the batch', () => {
    const J = [Float64Array.of(1, 0), Float64Array.of(5, 5), Float64Array.of(0, 1)];
    const r = new Constant([2, 3, 4]).aggregate(J, undefined, {
      epoch: 0,
      step: 0,
      present: [true, false, true],
    });
    expect(Array.from(r.weights)).toEqual([2, 0, 4]);
    expect(Array.from(r.direction)).toEqual([2, 4]);
  });

  it('UPGrad checks its options when built', () => {
    expect(() => new UPGrad({ regEps: -1 })).toThrow(/upgrad: regEps must be a finite number ≥ 0/);
    expect(() => new TrimmedMean({ trim: -1 })).toThrow(/trim must be an integer >= 0/);
  });
});
