/**
 * Weightings never write NaN into a model: tasks missing from a batch or an epoch, losses of 0,
 * and skipped non-finite batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import { createWeighting, WEIGHTING_NAMES, WEIGHTINGS, type WeightingEntry } from '../../src/mtl/registry.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { fit } from '../../src/mtl/trainer.js';
import { DWA } from '../../src/mtl/weighting/dwa.js';
import { MGDA } from '../../src/mtl/weighting/gradient-methods.js';
import { GradNorm, gradNorm } from '../../src/mtl/weighting/gradnorm.js';
import { Adam } from '../../src/optim/index.js';
import { Rng } from '../../src/tensor/rng.js';

const tasks: TaskSpec[] = [
  { name: 'reg', kind: 'regression' },
  { name: 'rare', kind: 'binary' },
  { name: 'cls', kind: 'classification', classes: 3 },
];

/** 64 rows; 'rare' is labelled on about 10 % of them, so most batches of 8 lack it. */
function sparseData(seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y = { reg: [] as number[], rare: [] as number[], cls: [] as number[] };
  for (let i = 0; i < 64; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x.push([a, b]);
    y.reg.push(a - b);
    y.rare.push(rng.uniform() < 0.1 ? (a > 0 ? 1 : 0) : Number.NaN);
    y.cls.push(a > 0.5 ? 2 : a < -0.5 ? 0 : 1);
  }
  return { x: tensor(x), y };
}

const allFinite = (values: Iterable<number>) => Array.from(values).every(Number.isFinite);

/** Byzantine-robust methods, whose row count must exceed the rows they may drop. */
const ROBUST: readonly string[] = ['krum', 'trimmedmean'];

describe('a task labelled on 10 % of the rows, batches of 8', () => {
  for (const name of WEIGHTING_NAMES) {
    it(`${name}: every parameter and weight stays finite over 10 seeds`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
          const model = HardSharing.build({ inputs: 2, hidden: [8], tasks, rng: new Rng(seed) });
          const weighting = createWeighting((WEIGHTINGS[name] as WeightingEntry).example ?? name, { seed });
          const train = () =>
            fit(model, sparseData(seed), { tasks, epochs: 3, batchSize: 8, lr: 0.01, weighting, seed });
          if (ROBUST.includes(name)) {
            // They need at least 3 rows; a batch without 'rare' has 2: a named error, not a guess.
            expect(train).toThrow(/at least .*3 rows, got 2/);
            return;
          }
          const h = train();
          for (const p of model.parameters()) expect(allFinite(p.data), `${name} seed ${seed}`).toBe(true);
          for (const e of h.epochs) expect(allFinite(Object.values(e.weights)), `${name} weights`).toBe(true);
        }),
        { numRuns: 10, seed: 11 },
      );
    });
  }
});

describe('GradNorm with absent tasks', () => {
  it('takes L_t(0) from the first batch where the task has labels, not a 0 from an earlier one', () => {
    const g = new GradNorm({ alpha: 1 });
    g.init({ tasks: ['a', 'b'], taskWeights: [1, 1], kinds: ['regression', 'regression'] });
    const J = [Float64Array.from([1, 0]), Float64Array.from([0, 0])];
    // Task b has no label in the first batch: the trainer passes a 0 loss and a zero row.
    g.aggregate(J, [2, 0], { epoch: 0, step: 0, present: [true, false] });
    expect(g.lastWeights()).toEqual([1, 1]); // nothing to balance yet: v did not move
    const J2 = [Float64Array.from([1, 0]), Float64Array.from([0, 3])];
    for (let s = 1; s < 5; s++) g.aggregate(J2, [2, 4], { epoch: 0, step: s, present: [true, true] });
    const w = g.lastWeights();
    expect(allFinite(w)).toBe(true);
    expect(w[0] + w[1]).toBeCloseTo(2, 12);
    // Both ratios are 1 (b's L(0) = 4 from step 1), so the larger gradient (b) loses weight.
    expect(w[1]).toBeLessThan(w[0]);
  });

  it('the pure function guards every ratio: zero or NaN losses give finite weights and gradients', () => {
    const J = [Float64Array.from([1, 2]), Float64Array.from([3, -1]), Float64Array.from([0, 0])];
    for (const [losses, init] of [
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [1, Number.NaN, 2],
        [1, 1, Number.NaN],
      ],
      [
        [1, 2, 3],
        [0, 2, 3],
      ],
    ]) {
      const r = gradNorm(J, losses, [0, 0, 0], init, 1.5);
      expect(allFinite(r.gradV)).toBe(true);
      expect(allFinite(r.direction)).toBe(true);
      expect(Number.isFinite(r.lossGrad)).toBe(true);
    }
  });
});

describe('DWA with an epoch lacking a task', () => {
  it('takes r_t = 1 for a NaN epoch mean or a previous mean of 0', () => {
    const dwa = new DWA();
    dwa.init({ tasks: ['a', 'b', 'c'], taskWeights: [1, 1, 1], kinds: [] });
    dwa.onEpochEnd([1, Number.NaN, 0]);
    dwa.onEpochEnd([0.5, 1, 2]);
    // r = [0.5, 1 (NaN before), 1 (0 before)]; w = 3·softmax(r/2).
    const e = [Math.exp(0.25), Math.exp(0.5), Math.exp(0.5)];
    const s = e[0] + e[1] + e[2];
    const w = dwa.lastWeights();
    for (let t = 0; t < 3; t++) expect(w[t]).toBeCloseTo((3 * e[t]) / s, 12);
  });
});

describe("nonFinite: 'skip'", () => {
  it('a skipped batch leaves the parameters and the optimiser state unchanged', () => {
    const spec: TaskSpec[] = [{ name: 'y', kind: 'regression' }];
    const model = HardSharing.build({ inputs: 1, hidden: [4], tasks: spec, rng: new Rng(2) });
    const before = model.parameters().map((p) => Float32Array.from(p.data));
    let adam: Adam | null = null;
    // (1 − 1e38)² overflows float32: every batch has a loss of Infinity.
    const h = fit(
      model,
      { x: tensor([[1], [2], [3], [4]]), y: { y: [1e38, 1e38, 1e38, 1e38] } },
      {
        tasks: spec,
        epochs: 2,
        batchSize: 2,
        nonFinite: 'skip',
        optimizer: (groups) => {
          adam = new Adam(groups);
          return adam;
        },
      },
    );
    expect(h.epochs.map((e) => e.skippedBatches)).toEqual([2, 2]);
    model.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(before[i])));
    expect((adam as unknown as Adam).stateDict().state.every((s) => s === null)).toBe(true);
  });
});

describe('gradient methods with an absent task', () => {
  it('aggregate only the present rows: MGDA is not pulled to 0 by the zero row of the absent task', () => {
    const m = new MGDA();
    m.init({ tasks: ['a', 'b', 'c'], taskWeights: [1, 1, 1], kinds: [] });
    const J = [Float64Array.from([1, 0]), new Float64Array(2), Float64Array.from([0, 1])];
    const { direction, weights } = m.aggregate(J, [1, 0, 1], {
      epoch: 0,
      step: 0,
      present: [true, false, true],
    });
    // Min-norm point of (1,0) and (0,1): (½, ½), by hand.
    expect(Array.from(weights)).toEqual([0.5, 0, 0.5]);
    expect(Array.from(direction)).toEqual([0.5, 0.5]);
  });
});
