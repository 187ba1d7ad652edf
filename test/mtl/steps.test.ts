import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { gradientConflict } from '../../src/mtl/analysis.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import type { EpochRecord, StepRecord } from '../../src/mtl/config.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { fit } from '../../src/mtl/trainer.js';
import { EW } from '../../src/mtl/weighting/ew.js';
import { GramianMethod, MGDA } from '../../src/mtl/weighting/gradient-methods.js';
import type { Weighting } from '../../src/mtl/weighting/types.js';
import { UW } from '../../src/mtl/weighting/uw.js';
import { Rng } from '../../src/tensor/rng.js';

const tasks: TaskSpec[] = [
  { name: 'a', kind: 'regression' },
  { name: 'b', kind: 'binary' },
];

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]);
  return {
    x: tensor(x, { dtype: 'float64' }),
    y: { a: x.map((r) => r[0] - r[2]), b: x.map((r, i) => (i % 4 === 0 ? Number.NaN : r[1] > 0 ? 1 : 0)) },
  };
}
const build = () => HardSharing.build({ inputs: 3, hidden: [6], tasks, rng: new Rng(5), dtype: 'float64' });

describe('recordConflict', () => {
  const cases: [string, () => Weighting][] = [
    ['EW', () => new EW()],
    ['UW', () => new UW()],
    ['MGDA-UB', () => new MGDA({ representation: true })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: measuring conflict does not change what is learned`, () => {
      const train = (recordConflict: boolean) => {
        const model = build();
        const h = fit(model, data(48, 1), {
          tasks,
          epochs: 2,
          batchSize: 16,
          lr: 0.01,
          weighting: make(),
          recordConflict,
        });
        return { params: model.parameters().flatMap((p) => Array.from(p.data)), h };
      };
      const plain = train(false);
      const measured = train(true);
      plain.params.forEach((v, i) => expect(measured.params[i]).toBeCloseTo(v, 12));
      const c = measured.h.epochs[0].conflict as number[][];
      expect(c).toHaveLength(2);
      expect(c[0][0]).toBe(1);
      expect(c[0][1]).toBe(c[1][0]);
      expect(plain.h.epochs[0].conflict).toBeUndefined();
    });
  }

  it('at lr 0 the recorded conflict equals gradientConflict on each single batch', () => {
    const model = build();
    const d = data(16, 2);
    const h = fit(model, d, { tasks, epochs: 1, batchSize: 16, lr: 0, recordConflict: true });
    // lr 0 leaves the weights where gradientConflict then measures them; one batch holds every row.
    const direct = gradientConflict(model, d, { tasks }).cosine;
    const recorded = h.epochs[0].conflict as number[][];
    for (let s = 0; s < 2; s++)
      for (let t = 0; t < 2; t++) expect(recorded[s][t]).toBeCloseTo(direct[s][t], 10);
  });
});

describe('reporter', () => {
  it('receives start, every step, every epoch and the end, in order', () => {
    const events: string[] = [];
    const h = fit(build(), data(20, 3), {
      tasks,
      epochs: 2,
      batchSize: 10,
      reporter: {
        start: (info) => events.push(`start ${info.epochs} ${info.tasks.join(',')}`),
        step: (r: StepRecord) => events.push(`step ${r.step}`),
        epoch: (r: EpochRecord) => events.push(`epoch ${r.epoch}`),
        end: (hist) => events.push(`end ${hist.epochs.length}`),
      },
    });
    expect(h.epochs).toHaveLength(2);
    expect(events).toEqual([
      'start 2 a,b',
      'step 0',
      'step 1',
      'epoch 0',
      'step 2',
      'step 3',
      'epoch 1',
      'end 2',
    ]);
  });
});

describe('the parameter-Jacobian step', () => {
  it('a GramianMethod with all weights 1 trains exactly as EW (Σ_t J_t on the shared part, own gradients on the heads)', () => {
    const ones = new GramianMethod('ones', {
      name: 'ones',
      weights: ({ G }) => ({ weights: new Float64Array(G.length).fill(1) }),
    });
    const train = (weighting: Weighting) => {
      const model = build();
      fit(model, data(48, 4), { tasks, epochs: 2, batchSize: 16, lr: 0.01, weighting });
      return model.parameters().flatMap((p) => Array.from(p.data));
    };
    const ew = train(new EW());
    const viaJ = train(ones);
    ew.forEach((v, i) => expect(viaJ[i]).toBeCloseTo(v, 12));
  });
});
