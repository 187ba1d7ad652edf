/** CGC and PLE (Tang et al. 2020): shapes, gates, gradients, state dicts, training, and PLE(1 level) = CGC. */
import { describe, expect, it } from 'vitest';
import { mul } from '../../src/autograd/ops/binary.js';
import { sum } from '../../src/autograd/ops/reduce.js';
import { concat } from '../../src/autograd/ops/shape.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import { CGC, ExtractionLayer, PCGrad, PLE } from '../../src/mtl/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { fixedR, moduleGradError } from '../nn/helpers.js';
import {
  expectLearnsPenguins,
  expectLowersHeldOutLoss,
  inputs,
  penguinTasks,
  toyTasks,
  toyWidths,
} from './arch-helpers.js';

const tasks = toyTasks;
const widths = toyWidths;
type Opts = Partial<Parameters<typeof CGC.build>[0]>;
const cgc = (seed: number, o: Opts = {}) =>
  CGC.build({
    inputs: 3,
    tasks,
    sharedExperts: 2,
    taskExperts: 1,
    expertHidden: [4],
    rng: new Rng(seed),
    ...o,
  });
const ple = (seed: number, levels: number, o: Opts = {}) =>
  PLE.build({
    inputs: 3,
    tasks,
    sharedExperts: 2,
    taskExperts: 1,
    expertHidden: [4],
    levels,
    rng: new Rng(seed),
    ...o,
  });

const all = (out: Record<string, Tensor>) => concat([out.cls, out.bin, out.reg], 1);

describe('CGC and PLE shapes', () => {
  it('give one output per task sized for its kind, with and without towers', () => {
    const x = inputs(7, 1);
    for (const model of [
      cgc(1),
      cgc(1, { towerHidden: [5, 3] }),
      ple(1, 1),
      ple(1, 3, { towerHidden: [6] }),
    ]) {
      const out = model.forward(x);
      expect(Object.keys(out)).toEqual(['cls', 'bin', 'reg']);
      for (const t of tasks) expect(out[t.name].shape).toEqual([7, widths[t.name as keyof typeof widths]]);
    }
  });

  it('encode the shared experts (and, above one level, each task input of the last level)', () => {
    const x = inputs(5, 2);
    expect(cgc(1).encode(x).shape).toEqual([5, 2, 4]);
    expect(ple(1, 1).encode(x).shape).toEqual([5, 2, 4]);
    expect(ple(1, 3).encode(x).shape).toEqual([5, 2 + 3, 4]);
  });

  it('towers are MLPs over towerHidden; without it the heads are linear', () => {
    const keys = Object.keys(cgc(1, { towerHidden: [5] }).stateDict());
    expect(keys).toContain('towers.cls.layers.1.weight');
    expect(Object.keys(cgc(1).stateDict())).toContain('towers.cls.weight');
  });

  it('split parameters into shared and per-task sets that cover the model exactly once', () => {
    for (const model of [cgc(1), ple(1, 1), ple(1, 3, { towerHidden: [4] })]) {
      const parts = [...model.sharedParameters(), ...model.taskNames.flatMap((t) => model.taskParameters(t))];
      expect(new Set(parts).size).toBe(parts.length);
      expect(new Set(parts)).toEqual(new Set(model.parameters()));
    }
  });
});

describe('gates', () => {
  it('are softmax weights: positive, each row summing to 1, over own plus shared experts', () => {
    const x = inputs(6, 3);
    const layers = [cgc(2, { taskExperts: 3 }).extraction, ple(2, 2).levels.at(0)];
    for (const layer of layers) {
      for (const name of ['cls', 'bin', 'reg']) {
        const g = layer.gateWeights(name, x);
        const width = layer.experts.modules[name].length + layer.shared.length;
        expect(g.shape).toEqual([6, width]);
        for (let r = 0; r < 6; r++) {
          const row = Array.from(g.data.subarray(r * width, (r + 1) * width));
          for (const v of row) expect(v).toBeGreaterThan(0);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        }
      }
    }
  });

  it("a task's mixture is Σ_e g_e·expert_e, its own experts first, computed by hand", () => {
    const layer = cgc(4, { taskExperts: 2 }).extraction;
    const x = inputs(3, 4);
    const own = layer.taskOutputs('bin', x);
    const shared = layer.sharedOutputs(x);
    const g = layer.gateWeights('bin', x);
    const mixed = layer.taskMixture('bin', x, own, shared);
    const H = 4;
    for (let r = 0; r < 3; r++) {
      for (let h = 0; h < H; h++) {
        const experts = [own[0].data[r * H + h], own[1].data[r * H + h]];
        for (let s = 0; s < 2; s++) experts.push(shared.data[(r * 2 + s) * H + h]);
        const want = experts.reduce((acc, e, i) => acc + g.data[r * 4 + i] * e, 0);
        expect(mixed.data[r * H + h]).toBeCloseTo(want, 5);
      }
    }
  });
});

describe('gradients (float64, central differences)', () => {
  const tanh64 = { activation: 'tanh', dtype: 'float64', towerHidden: [3] } as const;
  for (const [label, build] of [
    ['CGC', () => cgc(5, tanh64)],
    ['PLE, 2 levels', () => ple(5, 2, tanh64)],
  ] as const) {
    it(`${label}: with respect to the input`, () => {
      const model = build();
      assertGradcheck((x) => all(model.forward(x)), [inputs(3, 6, 'float64')]);
    });

    it(`${label}: with respect to every parameter`, () => {
      const model = build();
      const x = inputs(3, 7, 'float64');
      const R = fixedR([3, 5]);
      expect(moduleGradError(model as never, () => sum(mul(all(model.forward(x)), R)))).toBeLessThan(1e-6);
    });
  }
});

describe('state dicts', () => {
  it('round-trip through safetensors and give identical predictions', () => {
    const x = inputs(9, 8);
    for (const [a, b] of [
      [cgc(1, { towerHidden: [4] }), cgc(2, { towerHidden: [4] })],
      [ple(1, 3, { towerHidden: [4] }), ple(2, 3, { towerHidden: [4] })],
    ]) {
      const want = Array.from(all(a.forward(x)).data);
      expect(Array.from(all(b.forward(x)).data)).not.toEqual(want);
      b.loadStateDict(decodeSafetensors(encodeSafetensors(a.stateDict())).tensors);
      expect(Array.from(all(b.forward(x)).data)).toEqual(want);
    }
  });

  it('a PLE with one level is a CGC with the same weights', () => {
    const c = cgc(3, { towerHidden: [4] });
    const p = ple(4, 1, { towerHidden: [4] });
    const renamed = Object.fromEntries(
      Object.entries(c.stateDict()).map(([k, v]) => [k.replace(/^extraction\./, 'levels.0.'), v]),
    );
    p.loadStateDict(renamed); // strict: the key sets must match exactly
    const x = inputs(6, 9);
    expect(Array.from(all(p.forward(x)).data)).toEqual(Array.from(all(c.forward(x)).data));
  });
});

describe('training with fit', () => {
  for (const [label, build] of [
    ['CGC', () => cgc(1, { expertHidden: [8], towerHidden: [8] })],
    ['PLE', () => ple(1, 2, { expertHidden: [8], towerHidden: [8] })],
  ] as const) {
    it(`${label} lowers every task's held-out loss, with loss and gradient weightings`, () => {
      for (const weighting of [undefined, new PCGrad({ seed: 1 })]) {
        expectLowersHeldOutLoss(build(), weighting);
      }
    });
  }
});

describe('build options', () => {
  it('reject bad values and unknown keys with a ValueError naming them', () => {
    expect(() => cgc(1, { sharedExperts: 0 })).toThrow(
      /CGC.build: sharedExperts must be an integer ≥ 1, got 0/,
    );
    expect(() => cgc(1, { taskExperts: -1 })).toThrow(/taskExperts must be an integer ≥ 0/);
    expect(() => cgc(1, { expertHidden: [] })).toThrow(/expertHidden must list positive layer sizes/);
    expect(() => cgc(1, { towerHidden: [2.5] })).toThrow(/towerHidden must list positive layer sizes/);
    expect(() => ple(1, 0)).toThrow(/PLE.build: levels must be an integer ≥ 1, got 0/);
    expect(() => ple(1, 2, { taskExpert: 1 } as never)).toThrow(ValueError);
    expect(() => ple(1, 2, { taskExpert: 1 } as never)).toThrow(/taskExpert/);
  });

  it('the constructors check the parts they are given', () => {
    const withGate = ple(1, 2).levels.at(0);
    const towers = cgc(1).towers.modules;
    expect(() => new CGC({ extraction: withGate, towers })).toThrow(
      /CGC: the extraction layer must not have a shared gate/,
    );
    expect(() => new CGC({ extraction: cgc(1).extraction, towers: { cls: towers.cls } })).toThrow(
      /CGC: expected one tower per task \(cls, bin, reg\), got towers for cls/,
    );
    expect(() => new PLE({ levels: [], towers })).toThrow(/PLE: expected \{levels/);
    expect(() => new PLE({ levels: [withGate], towers })).toThrow(
      /PLE: level 0 is the last and must not have a shared gate/,
    );
    expect(() => new ExtractionLayer({ shared: [], experts: {}, gates: {} })).toThrow(
      /ExtractionLayer: expected/,
    );
  });

  it('taskExperts 0 leaves only the shared experts in every gate', () => {
    const layer = cgc(1, { taskExperts: 0 }).extraction;
    expect(layer.gateWeights('reg', inputs(2, 1)).shape).toEqual([2, 2]);
    expect(cgc(1, { taskExperts: 0 }).forward(inputs(2, 1)).cls.shape).toEqual([2, 3]);
  });
});

describe('on the penguins data', () => {
  const base = {
    inputs: 4,
    tasks: penguinTasks,
    sharedExperts: 2,
    taskExperts: 1,
    expertHidden: [8],
    towerHidden: [8],
  };
  for (const [label, build] of [
    ['CGC', () => CGC.build({ ...base, rng: new Rng(1) })],
    ['PLE', () => PLE.build({ ...base, levels: 2, rng: new Rng(1) })],
  ] as const) {
    it(`${label} learns species and sex`, () => {
      expectLearnsPenguins(build());
    });
  }
});
