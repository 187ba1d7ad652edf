/** Cross-stitch networks (Misra et al. 2016): the unit by hand, the paper's initialisation, gradients, training. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { mul } from '../../src/autograd/ops/binary.js';
import { sum } from '../../src/autograd/ops/reduce.js';
import { concat } from '../../src/autograd/ops/shape.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { ShapeError, ValueError } from '../../src/errors.js';
import { toOnnx } from '../../src/io/index.js';
import { CrossStitch, CrossStitchUnit, PCGrad } from '../../src/mtl/index.js';
import { linear } from '../../src/nn/linear.js';
import { Rng } from '../../src/tensor/rng.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { fixedR, moduleGradError } from '../nn/helpers.js';
import {
  expectLearnsPenguins,
  expectLowersHeldOutLoss,
  inputs,
  penguinTasks,
  toyTasks as tasks,
} from './arch-helpers.js';

type Opts = Partial<Parameters<typeof CrossStitch.build>[0]>;
const build = (seed: number, o: Opts = {}) =>
  CrossStitch.build({ inputs: 3, hidden: [4, 3], tasks, rng: new Rng(seed), ...o });
const all = (out: Record<string, Tensor>) => concat([out.cls, out.bin, out.reg], 1);

describe('CrossStitchUnit', () => {
  it("starts at the paper's 0.9 / 0.1 split (two columns) and keeps rows summing to 1 for more", () => {
    expect(Array.from(new CrossStitchUnit(2, { dtype: 'float64' }).alpha.data)).toEqual(
      [0.9, 0.1, 0.1, 0.9].map((v) => expect.closeTo(v, 12)),
    );
    const three = new CrossStitchUnit(3, { selfWeight: 0.7, dtype: 'float64' }).alpha.data;
    expect(Array.from(three)).toEqual(
      [0.7, 0.15, 0.15, 0.15, 0.7, 0.15, 0.15, 0.15, 0.7].map((v) => expect.closeTo(v, 12)),
    );
    expect(Array.from(new CrossStitchUnit(1).alpha.data)).toEqual([1]);
  });

  it('mixes the columns as out[:, i] = Σ_j α_ij in[:, j], by hand', () => {
    const unit = new CrossStitchUnit(3, { dtype: 'float64' });
    const alpha = [0.5, -1, 2, 0, 1, 0, 3, 0.25, -0.5];
    unit.alpha.data.set(alpha);
    const rng = new Rng(1);
    const N = 2;
    const H = 4;
    const z = tensor(
      Array.from({ length: N }, () =>
        Array.from({ length: 3 }, () => Array.from({ length: H }, () => rng.normal())),
      ),
      { dtype: 'float64' },
    );
    const out = unit.forward(z);
    expect(out.shape).toEqual([N, 3, H]);
    for (let n = 0; n < N; n++)
      for (let i = 0; i < 3; i++)
        for (let h = 0; h < H; h++) {
          let want = 0;
          for (let j = 0; j < 3; j++) want += alpha[i * 3 + j] * z.data[(n * 3 + j) * H + h];
          expect(out.data[(n * 3 + i) * H + h]).toBeCloseTo(want, 12);
        }
  });

  it('has exact gradients with respect to the columns and α (float64)', () => {
    const unit = new CrossStitchUnit(3, { selfWeight: 0.6, dtype: 'float64' });
    const rng = new Rng(2);
    const z = new Tensor(
      Float64Array.from({ length: 2 * 3 * 2 }, () => rng.normal()),
      [2, 3, 2],
      true,
    );
    assertGradcheck((zz) => unit.forward(zz), [z]);
    expect(moduleGradError(unit, () => sum(mul(unit.forward(z), fixedR([2, 3, 2]))))).toBeLessThan(1e-7);
  });

  it('rejects bad options and inputs with named errors', () => {
    expect(() => new CrossStitchUnit(2, { selfWeight: 1.5 })).toThrow(
      /CrossStitchUnit: selfWeight must be a number in \[0, 1\], got 1.5/,
    );
    expect(() => new CrossStitchUnit(0)).toThrow(/columns must be an integer ≥ 1/);
    expect(() => new CrossStitchUnit(2).forward(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => new CrossStitchUnit(2).forward(tensor([[1, 2]]))).toThrow(
      /expected columns \[N, 2, H\], got \[1,2\]/,
    );
  });
});

describe('CrossStitch', () => {
  it('gives one output per task, and α = I leaves every column an independent MLP', () => {
    const model = build(1, { selfWeight: 1, activation: 'tanh' });
    const x = inputs(5, 1);
    const out = model.forward(x);
    const sd = model.stateDict();
    for (const t of ['cls', 'bin', 'reg']) {
      const h1 = linear(x, sd[`columns.${t}.0.weight`], sd[`columns.${t}.0.bias`]).tanh();
      const h2 = linear(h1, sd[`columns.${t}.1.weight`], sd[`columns.${t}.1.bias`]).tanh();
      const want = linear(h2, sd[`towers.${t}.weight`], sd[`towers.${t}.bias`]);
      expect(out[t].shape).toEqual(want.shape);
      Array.from(want.data).forEach((v, i) => expect(out[t].data[i]).toBeCloseTo(v, 5));
    }
  });

  it('encodes the mixed columns [N, T, H] and splits parameters into shared (columns, α) and towers', () => {
    const model = build(1, { towerHidden: [2] });
    expect(model.encode(inputs(4, 2)).shape).toEqual([4, 3, 3]);
    expect(Object.keys(model.stateDict())).toContain('units.1.alpha');
    const parts = [...model.sharedParameters(), ...model.taskNames.flatMap((t) => model.taskParameters(t))];
    expect(new Set(parts).size).toBe(parts.length);
    expect(new Set(parts)).toEqual(new Set(model.parameters()));
    expect(model.sharedParameters()).toContain(model.units.at(0).alpha);
  });

  it('has exact gradients with respect to the input and every parameter (float64)', () => {
    const model = build(3, { activation: 'tanh', dtype: 'float64', towerHidden: [2] });
    assertGradcheck((x) => all(model.forward(x)), [inputs(3, 4, 'float64')]);
    const x = inputs(3, 5, 'float64');
    expect(
      moduleGradError(model as never, () => sum(mul(all(model.forward(x)), fixedR([3, 5])))),
    ).toBeLessThan(1e-6);
  });

  it('lowers every held-out loss on a synthetic problem, with loss and gradient weightings', () => {
    for (const weighting of [undefined, new PCGrad({ seed: 1 })]) {
      const model = build(1, { hidden: [8], towerHidden: [8] });
      expectLowersHeldOutLoss(model, weighting);
    }
  });

  it('learns species and sex on the penguins', () => {
    const model = CrossStitch.build({ inputs: 4, hidden: [8], tasks: penguinTasks, rng: new Rng(1) });
    expectLearnsPenguins(model);
  });

  it('rejects bad options and parts with named errors', () => {
    expect(() => build(1, { hidden: [] })).toThrow(
      /CrossStitch.build: hidden must list positive layer sizes/,
    );
    expect(() => build(1, { selfWeight: -0.1 })).toThrow(/selfWeight must be a number in \[0, 1\]/);
    expect(() => build(1, { alpha: 1 } as never)).toThrow(ValueError);
    const m = build(1);
    const columns = {
      cls: [...m.columns.modules.cls],
      bin: [...m.columns.modules.bin],
      reg: [...m.columns.modules.reg],
    };
    const towers = m.towers.modules;
    expect(() => new CrossStitch({ columns, units: [...m.units].slice(1), towers })).toThrow(
      /CrossStitch: expected 2 cross-stitch units over 3 columns/,
    );
    expect(() => new CrossStitch({ columns, units: [...m.units], towers: { cls: towers.cls } })).toThrow(
      /expected one tower per column \(cls, bin, reg\), got cls/,
    );
    expect(() => m.taskParameters('nope')).toThrow(/CrossStitch: no task 'nope'/);
    // It exports (test/io/onnx/architectures.test.ts runs the graph against predict).
    expect(toOnnx(m)).toBeInstanceOf(Uint8Array);
  });
});
