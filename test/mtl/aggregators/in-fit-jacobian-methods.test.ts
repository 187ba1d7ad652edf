import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/autograd/create.js';
import { HardSharing } from '../../../src/mtl/architectures.js';
import { createWeighting } from '../../../src/mtl/registry.js';
import type { TaskSpec } from '../../../src/mtl/tasks.js';
import { fit } from '../../../src/mtl/trainer.js';
import { PCGrad } from '../../../src/mtl/weighting/gradient-methods.js';
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
const train = (weighting: Weighting, epochs = 2) => {
  const model = HardSharing.build({ inputs: 3, hidden: [6], tasks, rng: new Rng(5), dtype: 'float64' });
  const h = fit(model, data(48, 4), { tasks, epochs, batchSize: 16, lr: 0.01, weighting });
  return { params: model.parameters().flatMap((p) => Array.from(p.data)), h };
};
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe('FairGrad, GradVac, GradDrop, ExcessMTL, MoDo and SDMGrad in fit', () => {
  it('train from the registry without NaN and lower the loss', () => {
    for (const spec of [
      'fairgrad',
      'fairgrad:alpha=2',
      'gradvac',
      'graddrop',
      'excess-mtl',
      'modo',
      'sdmgrad',
    ]) {
      const { h } = train(createWeighting(spec, { seed: 1 }), 6);
      const last = h.epochs[h.epochs.length - 1];
      expect(total(last.trainLoss), spec).toBeLessThan(total(h.epochs[0].trainLoss));
      for (const v of Object.values(last.weights)) expect(Number.isFinite(v), spec).toBe(true);
    }
  });

  it('GradVac with β = 0 keeps its targets at 0, so it trains exactly as PCGrad with the same seed', () => {
    const a = train(createWeighting('gradvac:beta=0', { seed: 7 })).params;
    const b = train(new PCGrad({ seed: 7 })).params;
    b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 10));
  });

  it('a second fit after reset() repeats the first: the stateful methods start over', () => {
    for (const spec of ['gradvac', 'excess-mtl', 'modo', 'sdmgrad', 'graddrop']) {
      const w = createWeighting(spec, { seed: 3 });
      const first = train(w).params;
      w.reset();
      const again = train(w).params;
      expect(again, spec).toEqual(first);
    }
  });
});
