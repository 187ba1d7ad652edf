/** DSelect-k (Hazimeh et al. 2021): the smooth step and the binary selectors by hand, gradients, extra losses, training. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { add, mul } from '../../src/autograd/ops/binary.js';
import { sum } from '../../src/autograd/ops/reduce.js';
import { concat } from '../../src/autograd/ops/shape.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { toOnnx } from '../../src/io/index.js';
import { DSelectK, DSelectKGate, PCGrad, smoothStep } from '../../src/mtl/index.js';
import { Adam } from '../../src/optim/index.js';
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

type Opts = Partial<Parameters<typeof DSelectK.build>[0]>;
const build = (seed: number, o: Opts = {}) =>
  DSelectK.build({ inputs: 3, experts: 4, k: 2, hidden: [4], tasks, rng: new Rng(seed), ...o });
const all = (out: Record<string, Tensor>) => concat([out.cls, out.bin, out.reg], 1);
const f64 = (values: number[], shape: number[]) => new Tensor(Float64Array.from(values), shape, true);

/** A gate whose selectors ignore x: zero weights, the given biases (the logits) for z and w. */
function fixedGate(experts: number, k: number, zBias: number[], wBias: number[], gamma = 1): DSelectKGate {
  const gate = new DSelectKGate(2, experts, k, { gamma, dtype: 'float64' });
  gate.zLogits.weight.data.fill(0);
  gate.wLogits.weight.data.fill(0);
  gate.zLogits.bias?.data.set(zBias);
  gate.wLogits.bias?.data.set(wBias);
  return gate.eval();
}
const x2 = tensor([[0.3, -1]], { dtype: 'float64' });

/**
 * A gate over E = 5 experts (3 bits: codes 101, 110 and 111 name no expert), k = 2, selector logits z = b + W·x.
 * At x₀ = 0 both selectors weigh unused codes only, so Σ_e s = 0: selector 1 has bits 1 and 3 clipped at 1
 * (z ≈ 2 ≥ γ/2) and bit 2 free (z ≈ 0.1), so it weighs 101 and 111; selector 2 has bits 1 and 2 clipped at 1
 * and bit 3 free, so it weighs 110 and 111. At x₀ = 1 every |z| ≤ 0.21, inside the cubic: Σ_e s > 0. The x₁
 * column moves the logits by 0.01·x₁, far from any clip point.
 */
function unusedCodesGate(dtype: 'float32' | 'float64'): DSelectKGate {
  const gate = new DSelectKGate(2, 5, 2, { dtype });
  // Rows j·3 + l: selector j, bit l.
  gate.zLogits.bias?.data.set([2, 0.1, 2, 2, 2, -0.1]);
  gate.zLogits.weight.data.set([-1.8, 0.01, 0, -0.01, -1.8, 0.01, -1.8, 0.01, -1.8, -0.01, 0, 0.01]);
  gate.wLogits.bias?.data.set([0, 0.5]);
  gate.wLogits.weight.data.set([0.3, -0.2, -0.1, 0.4]);
  return gate;
}
/** Row 0 on unused codes only (Σ_e s = 0), row 1 not. */
const unusedX = (dtype: 'float32' | 'float64') =>
  tensor(
    [
      [0, 0.5],
      [1, -0.5],
    ],
    { dtype, requiresGrad: true },
  );
/** Σ_e s of selector j in row n of selector outputs [N, 2, 5]. */
const selectorTotal = (s: Tensor, n: number, j: number) =>
  Array.from(s.data.subarray((n * 2 + j) * 5, (n * 2 + j + 1) * 5)).reduce((a, b) => a + b, 0);
const finite = (t: Tensor | null) => t !== null && Array.from(t.data).every(Number.isFinite);

describe('smoothStep', () => {
  it('is 0 below −γ/2, 1 above γ/2, and −2t³/γ³ + 3t/(2γ) + ½ between (values by hand)', () => {
    const t = tensor([-3, -1, -0.5, 0, 0.25, 0.5, 0.75], { dtype: 'float64' });
    const want = [0, 0, 0, 0.5, 0.5 + 0.75 / 2 - 2 / 64, 1, 1];
    Array.from(smoothStep(t, 1).data).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    // γ = 4: t = 1 is a quarter of the way, −2/64 + 3/8 + ½.
    expect(smoothStep(tensor([1], { dtype: 'float64' }), 4).data[0]).toBeCloseTo(0.84375, 12);
  });

  it('has exact gradients inside and outside the polynomial region', () => {
    assertGradcheck((t) => smoothStep(t, 2), [f64([-2.5, -0.7, 0.1, 0.9, 1.6], [5])]);
  });

  it('rejects a bad gamma', () => {
    expect(() => smoothStep(tensor([1]), 0)).toThrow(/smoothStep: gamma must be a finite number > 0, got 0/);
  });
});

describe('DSelectKGate', () => {
  it('encodes experts in binary, most significant bit first: saturated bits select one expert', () => {
    // m = 2 bits; S(z) = [1, 0] is the code "10": expert 2.
    const gate = fixedGate(4, 1, [5, -5], [0]);
    expect(Array.from(gate.forward(x2).data)).toEqual([0, 0, 1, 0]);
    expect(Array.from(fixedGate(4, 1, [-5, 5], [0]).forward(x2).data)).toEqual([0, 1, 0, 0]);
  });

  it('weights expert e by Π_l (b_el ? S_l : 1 − S_l) and mixes the k selectors by a softmax (by hand)', () => {
    // Selector 1: S = [½, 0.84375]; selector 2: S = [1, 1] (expert 3). Softmax of [0, ln 3]: ¼, ¾.
    const gate = fixedGate(4, 2, [0, 0.25, 5, 5], [0, Math.log(3)]);
    const s1 = [0.5 * 0.15625, 0.5 * 0.84375, 0.5 * 0.15625, 0.5 * 0.84375];
    const want = s1.map((v, e) => 0.25 * v + 0.75 * (e === 3 ? 1 : 0));
    const got = gate.forward(x2).data;
    want.forEach((v, e) => expect(got[e]).toBeCloseTo(v, 12));
    expect(gate.selectorOutputs(x2).shape).toEqual([1, 2, 4]);
  });

  it('rows sum to 1 for a power-of-two expert count, and to at most 1 otherwise', () => {
    const x = inputs(5, 1, 'float64');
    for (const [E, exact] of [
      [4, true],
      [8, true],
      [3, false],
      [5, false],
    ] as const) {
      const gate = new DSelectKGate(3, E, 2, { rng: new Rng(E), dtype: 'float64' }).eval();
      const w = gate.forward(x);
      expect(w.shape).toEqual([5, E]);
      for (let n = 0; n < 5; n++) {
        const row = Array.from(w.data.subarray(n * E, (n + 1) * E));
        for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
        const total = row.reduce((a, b) => a + b, 0);
        if (exact) expect(total).toBeCloseTo(1, 12);
        else expect(total).toBeLessThan(1);
      }
    }
  });

  it("starts near uniform: the authors' U(±γ/100) selector logits put every bit near ½", () => {
    const gate = new DSelectKGate(3, 4, 2, { gamma: 1, rng: new Rng(1), dtype: 'float64' }).eval();
    for (const v of gate.forward(inputs(4, 2, 'float64')).data) expect(Math.abs(v - 0.25)).toBeLessThan(0.02);
  });

  it('has exact gradients through the selectors (float64, evaluation mode)', () => {
    const gate = new DSelectKGate(3, 4, 2, { gamma: 0.5, rng: new Rng(3), dtype: 'float64' }).eval();
    // Larger logits so some bits sit in the polynomial region and some are saturated.
    for (const p of gate.zLogits.parameters()) for (let i = 0; i < p.size; i++) p.data[i] *= 30;
    assertGradcheck((x) => gate.forward(x), [inputs(3, 4, 'float64')]);
    const x = inputs(3, 5, 'float64');
    expect(moduleGradError(gate, () => sum(mul(gate.forward(x), fixedR([3, 4]))))).toBeLessThan(1e-6);
  });

  it("in training mode adds the extra loss's gradient: entropy and, for 3 experts, Σ 1/(Σ_e s + 1e-6)", () => {
    const gate = new DSelectKGate(3, 3, 2, { entropyReg: 0.05, rng: new Rng(4), dtype: 'float64' });
    for (const p of gate.zLogits.parameters()) for (let i = 0; i < p.size; i++) p.data[i] *= 20;
    const x = inputs(4, 6, 'float64');
    const R = fixedR([4, 3]);
    gate.train();
    gate.zeroGrad();
    sum(mul(gate.forward(x), R)).backward();
    // The objective those gradients belong to, written out: the output term plus the extra loss.
    const objective = () => {
      const s = gate.selectorOutputs(x);
      const entropy = mul(sum(mul(s, add(s, 1e-6).log())), -0.05);
      const reachable = sum(add(sum(s, -1), 1e-6).pow(-1));
      return add(add(sum(mul(gate.forward(x), R)), entropy), reachable).item();
    };
    gate.eval();
    const eps = 1e-6;
    for (const p of gate.parameters()) {
      for (let i = 0; i < p.size; i++) {
        const orig = p.data[i];
        const numeric = noGrad(() => {
          p.data[i] = orig + eps;
          const plus = objective();
          p.data[i] = orig - eps;
          const minus = objective();
          p.data[i] = orig;
          return (plus - minus) / (2 * eps);
        });
        expect(p.grad?.data[i]).toBeCloseTo(numeric, 5);
      }
    }
    expect(gate.extraLoss(gate.selectorOutputs(x))).not.toBeNull();
    expect(new DSelectKGate(3, 4, 2).extraLoss(gate.selectorOutputs(x))).toBeNull();
  });

  it('puts the constructed selectors on unused codes only for row 0: Σ_e s = 0 there, > 0 for row 1', () => {
    const s = unusedCodesGate('float64').selectorOutputs(unusedX('float64'));
    expect([selectorTotal(s, 0, 0), selectorTotal(s, 0, 1)]).toEqual([0, 0]);
    expect(Math.min(selectorTotal(s, 1, 0), selectorTotal(s, 1, 1))).toBeGreaterThan(0.05);
  });

  it('keeps the term for E not a power of two finite when Σ_e s = 0: 1/ε per such selector (by hand)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const gate = unusedCodesGate(dtype);
      const s = gate.selectorOutputs(unusedX(dtype));
      // Row 0: two selectors at 1/(0 + ε); row 1: 1/(Σ_e s + ε) each.
      const want = 2 / 1e-6 + 1 / (selectorTotal(s, 1, 0) + 1e-6) + 1 / (selectorTotal(s, 1, 1) + 1e-6);
      const got = gate.extraLoss(s)?.item() ?? Number.NaN;
      expect(Math.abs(got - want) / want, dtype).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6);
    }
  });

  it('trains without NaN when every selector of a row sits on unused codes (training-mode backward)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const gate = unusedCodesGate(dtype).train();
      const x = unusedX(dtype);
      const w = gate.forward(x);
      expect(finite(w)).toBe(true);
      sum(mul(w, fixedR([2, 5]).to(dtype))).backward();
      expect(finite(x.grad)).toBe(true);
      for (const [name, p] of gate.namedParameters()) expect(finite(p.grad), name).toBe(true);
      // Adam steps stay finite too (one NaN gradient would poison every weight of the gate).
      const opt = new Adam(gate.parameters(), { lr: 0.01 });
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        sum(mul(gate.forward(unusedX(dtype)), fixedR([2, 5]).to(dtype))).backward();
        opt.step();
      }
      for (const [name, p] of gate.namedParameters()) expect(finite(p), name).toBe(true);
    }
  });

  it("gives a Σ_e s = 0 row a zero extra-loss gradient: training-mode gradients are the outputs' (float64)", () => {
    // Σ_e s ≥ 0 has its minimum at row 0, so the ε-guarded term is flat there: finite differences of the outputs
    // alone (which never contain the extra loss) must match the training-mode gradients, for x and the parameters.
    const gate = unusedCodesGate('float64').train();
    const row0 = tensor([[0, 0.5]], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((x) => gate.forward(x), [row0]);
    const R = fixedR([1, 5]);
    expect(moduleGradError(gate, () => sum(mul(gate.forward(row0), R)))).toBeLessThan(1e-8);
  });

  it('has exact extra-loss gradients where Σ_e s > 0, and a Σ_e s = 0 row leaves them alone (float64)', () => {
    const gate = unusedCodesGate('float64');
    const row0 = tensor([[0, 0.5]], { dtype: 'float64' });
    const row1 = tensor([[1, -0.5]], { dtype: 'float64', requiresGrad: true });
    const R = fixedR([2, 5]);
    const R0 = new Tensor(R.data.slice(0, 5), [1, 5]);
    const R1 = new Tensor(R.data.slice(5), [1, 5]);
    // Row 1's objective written out (evaluation mode: the extra loss counted once), against finite differences.
    gate.eval();
    const objective = (x: Tensor) =>
      add(sum(mul(gate.forward(x), R1)), gate.extraLoss(gate.selectorOutputs(x)) as Tensor);
    assertGradcheck(objective, [row1]);
    expect(moduleGradError(gate, () => objective(row1))).toBeLessThan(1e-6);
    const grads = () => gate.parameters().map((p) => Array.from(p.grad?.data ?? []));
    const want1 = grads();
    // Training mode: the batch's gradients are row 1's (outputs + extra loss) plus row 0's (outputs alone).
    gate.train();
    gate.zeroGrad();
    sum(mul(gate.forward(row0), R0)).backward();
    const want0 = grads();
    gate.zeroGrad();
    sum(mul(gate.forward(unusedX('float64')), R)).backward();
    grads().forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want0[i][j] + want1[i][j], 9)));
  });

  it('rejects bad options with named errors', () => {
    expect(() => new DSelectKGate(3, 1, 1)).toThrow(/DSelectKGate: experts must be an integer ≥ 2, got 1/);
    expect(() => new DSelectKGate(3, 4, 5)).toThrow(/k must be an integer in \[1, experts = 4\], got 5/);
    expect(() => new DSelectKGate(3, 4, 2, { gamma: -1 })).toThrow(/gamma must be a finite number > 0/);
    expect(() => new DSelectKGate(3, 4, 2, { entropyReg: -1 })).toThrow(
      /entropyReg must be a finite number ≥ 0/,
    );
    expect(() => new DSelectKGate(3, 4, 2, { gama: 1 } as never)).toThrow(ValueError);
  });
});

describe('DSelectK', () => {
  it('mixes the shared experts with each task gate and has MMoE-like state-dict keys', () => {
    const model = build(1);
    model.eval();
    const x = inputs(5, 2);
    const z = model.encode(x);
    expect(z.shape).toEqual([5, 4, 4]);
    expect(Object.keys(model.stateDict())).toContain('gates.bin.zLogits.weight');
    const g = model.gateWeights('bin', x);
    const mixed = sum(mul(z, g.reshape([5, 4, 1])), 1);
    const head = model.heads.modules.bin;
    expect(Array.from(model.forward(x).bin.data)).toEqual(Array.from(head.forward(mixed).data));
  });

  it('has exact gradients with respect to the input and every parameter (float64)', () => {
    const model = build(3, { activation: 'tanh', dtype: 'float64', towerHidden: [2], gamma: 0.1 });
    model.eval();
    assertGradcheck((x) => all(model.forward(x)), [inputs(3, 4, 'float64')]);
    const x = inputs(3, 5, 'float64');
    expect(
      moduleGradError(model as never, () => sum(mul(all(model.forward(x)), fixedR([3, 5])))),
    ).toBeLessThan(1e-6);
  });

  it('lowers every held-out loss on a synthetic problem, with a loss and a gradient weighting', () => {
    // Four experts with the loss-based default; three (the extra term for unreachable codes) with PCGrad.
    for (const [experts, weighting] of [
      [4, undefined],
      [3, new PCGrad({ seed: 1 })],
    ] as const) {
      const model = build(1, { experts, hidden: [8], towerHidden: [8], entropyReg: 1e-4 });
      expectLowersHeldOutLoss(model, weighting);
    }
  });

  it('learns species and sex on the penguins', () => {
    const model = DSelectK.build({
      inputs: 4,
      experts: 4,
      k: 2,
      hidden: [8],
      tasks: penguinTasks,
      rng: new Rng(1),
    });
    expectLearnsPenguins(model);
  });

  it('rejects bad options and parts with named errors', () => {
    expect(() => build(1, { k: 0 })).toThrow(
      /DSelectK.build: k must be an integer in \[1, experts = 4\], got 0/,
    );
    expect(() => build(1, { experts: 1, k: 1 })).toThrow(
      /DSelectK.build: experts must be an integer ≥ 2, got 1/,
    );
    expect(() => build(1, { hidden: [] })).toThrow(/DSelectK.build: hidden must list positive layer sizes/);
    expect(() => build(1, { gates: 2 } as never)).toThrow(ValueError);
    const m = build(1);
    const gates = { ...m.gates.modules, bin: new DSelectKGate(3, 3, 1) } as Record<string, DSelectKGate>;
    expect(() => new DSelectK({ experts: [...m.experts], gates, heads: m.heads.modules })).toThrow(
      /DSelectK: the gate of task 'bin' must be a DSelectKGate over the 4 experts/,
    );
    expect(() => m.taskParameters('nope')).toThrow(/DSelectK: no task 'nope'/);
    // A DSelectK is an MMoE subclass; the ONNX exporter must not take its gates for softmax gates: the graph is
    // DSelectK's (test/io/onnx/architectures.test.ts runs it against predict).
    expect(new TextDecoder().decode(toOnnx(m))).toContain('DSelectK');
  });
});
