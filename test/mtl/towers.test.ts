/** Towers: every architecture's heads may be MLPs over `towerHidden`; default linear heads keep their keys. */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/autograd/ops/shape.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import {
  CGC,
  CrossStitch,
  DSelectK,
  HardSharing,
  MMoE,
  type MultiTaskModel,
  PLE,
} from '../../src/mtl/index.js';
import { linear } from '../../src/nn/linear.js';
import { Rng } from '../../src/tensor/rng.js';
import { expectLearnsPenguins, inputs, penguinTasks, toyTasks, toyWidths } from './arch-helpers.js';

const tasks = toyTasks;
type Tower = { towerHidden?: number[] };
const builders: [string, (seed: number, o: Tower) => MultiTaskModel, string][] = [
  [
    'HardSharing',
    (s, o) => HardSharing.build({ inputs: 3, hidden: [4], tasks, rng: new Rng(s), ...o }),
    'heads',
  ],
  [
    'MMoE',
    (s, o) => MMoE.build({ inputs: 3, experts: 2, hidden: [4], tasks, rng: new Rng(s), ...o }),
    'heads',
  ],
  [
    'CGC',
    (s, o) =>
      CGC.build({
        inputs: 3,
        sharedExperts: 1,
        taskExperts: 1,
        expertHidden: [4],
        tasks,
        rng: new Rng(s),
        ...o,
      }),
    'towers',
  ],
  [
    'PLE',
    (s, o) =>
      PLE.build({
        inputs: 3,
        sharedExperts: 1,
        taskExperts: 1,
        expertHidden: [4],
        levels: 2,
        tasks,
        rng: new Rng(s),
        ...o,
      }),
    'towers',
  ],
  [
    'CrossStitch',
    (s, o) => CrossStitch.build({ inputs: 3, hidden: [4], tasks, rng: new Rng(s), ...o }),
    'towers',
  ],
  [
    'DSelectK',
    (s, o) => DSelectK.build({ inputs: 3, experts: 4, k: 2, hidden: [4], tasks, rng: new Rng(s), ...o }),
    'heads',
  ],
];

const all = (out: Record<string, Tensor>) => concat([out.cls, out.bin, out.reg], 1);

describe('towers', () => {
  for (const [label, build, heads] of builders) {
    it(`${label}: towerHidden [5, 3] gives MLP heads [4, 5, 3, outputs]; without it the heads are linear`, () => {
      const sd = build(1, { towerHidden: [5, 3] }).stateDict();
      expect(sd[`${heads}.cls.layers.0.weight`].shape).toEqual([5, 4]);
      expect(sd[`${heads}.cls.layers.1.weight`].shape).toEqual([3, 5]);
      expect(sd[`${heads}.cls.layers.2.weight`].shape).toEqual([3, 3]);
      expect(sd[`${heads}.reg.layers.2.bias`].shape).toEqual([1]);
      const linearHeads = build(1, {}).stateDict();
      expect(linearHeads[`${heads}.cls.weight`].shape).toEqual([3, 4]);
      expect(Object.keys(linearHeads).some((k) => k.includes('layers') && k.startsWith(heads))).toBe(false);
      const out = build(1, { towerHidden: [5, 3] }).forward(inputs(6, 2));
      for (const t of tasks)
        expect(out[t.name].shape).toEqual([6, toyWidths[t.name as keyof typeof toyWidths]]);
    });

    it(`${label}: state dicts with towers round-trip through safetensors`, () => {
      const a = build(1, { towerHidden: [5] });
      const b = build(2, { towerHidden: [5] });
      a.eval();
      b.eval();
      const x = inputs(7, 3);
      const want = Array.from(all(a.forward(x)).data);
      expect(Array.from(all(b.forward(x)).data)).not.toEqual(want);
      b.loadStateDict(decodeSafetensors(encodeSafetensors(a.stateDict())).tensors);
      expect(Array.from(all(b.forward(x)).data)).toEqual(want);
    });

    it(`${label}: a bad towerHidden is a ValueError naming it`, () => {
      expect(() => build(1, { towerHidden: [0] })).toThrow(ValueError);
      expect(() => build(1, { towerHidden: [0] })).toThrow(
        /towerHidden must list positive layer sizes, got \[0\]/,
      );
    });
  }

  it('a tower computes Linear → activation → Linear on the representation, by hand', () => {
    const model = HardSharing.build({
      inputs: 3,
      hidden: [4],
      tasks,
      towerHidden: [2],
      activation: 'tanh',
      rng: new Rng(4),
    });
    const x = inputs(3, 5);
    const z = model.encode(x);
    const sd = model.stateDict();
    const h = linear(z, sd['heads.reg.layers.0.weight'], sd['heads.reg.layers.0.bias']);
    const zd = z.data;
    // reg = w1 · tanh(W0 z + b0) + b1, written out element by element.
    const W0 = sd['heads.reg.layers.0.weight'].data;
    const b0 = sd['heads.reg.layers.0.bias'].data;
    const w1 = sd['heads.reg.layers.1.weight'].data;
    const b1 = sd['heads.reg.layers.1.bias'].data[0];
    const out = model.forward(x).reg.data;
    for (let n = 0; n < 3; n++) {
      let want = b1;
      for (let j = 0; j < 2; j++) {
        let pre = b0[j];
        for (let i = 0; i < 4; i++) pre += W0[j * 4 + i] * zd[n * 4 + i];
        expect(h.data[n * 2 + j]).toBeCloseTo(pre, 5);
        want += w1[j] * Math.tanh(pre);
      }
      expect(out[n]).toBeCloseTo(want, 5);
    }
  });
});

describe('hard sharing and MMoE with towers', () => {
  it('learn species and sex on the penguins', () => {
    const common = { inputs: 4, hidden: [8], tasks: penguinTasks, towerHidden: [8], rng: new Rng(1) };
    expectLearnsPenguins(HardSharing.build(common));
    expectLearnsPenguins(MMoE.build({ ...common, experts: 3 }));
  });
});
