import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { fit } from '../../src/mtl/trainer.js';
import {
  DWA,
  EW,
  FAMO,
  GradNorm,
  gradNorm,
  NashMTL,
  RLW,
  Static,
  UW,
} from '../../src/mtl/weighting/index.js';
import { Rng } from '../../src/tensor/rng.js';

const info = (T: number, kinds?: string[]) => ({
  tasks: Array.from({ length: T }, (_, i) => `t${i}`),
  taskWeights: Array.from({ length: T }, () => 1),
  kinds: kinds ?? Array.from({ length: T }, () => 'regression'),
});
const scalars = (vals: number[]) => vals.map((v) => tensor(v, { dtype: 'float64', requiresGrad: true }));

describe('loss-based weightings', () => {
  it('EW sums the task losses; Static uses the given weights', () => {
    const ew = new EW();
    ew.init(info(3));
    expect(ew.combine(scalars([1, 2, 3])).item()).toBeCloseTo(6, 12);
    const st = new Static({ t0: 2, t1: 0, t2: 0.5 });
    st.init(info(3));
    expect(st.combine(scalars([1, 2, 3])).item()).toBeCloseTo(2 + 1.5, 12);
    expect(() => new Static([1, 2]).init(info(3))).toThrow(/2 weights for 3 tasks/);
  });

  it('UW: value and gradients follow Kendall et al. (regression ½e^{-s}L + ½s, classification e^{-s}L + ½s)', () => {
    const uw = new UW();
    uw.init(info(2, ['regression', 'classification']));
    uw.logVars.data.set([0.3, -0.2]);
    const losses = scalars([2, 5]);
    const total = uw.combine(losses);
    const expected = 0.5 * Math.exp(-0.3) * 2 + 0.15 + Math.exp(0.2) * 5 - 0.1;
    expect(total.item()).toBeCloseTo(expected, 6);
    total.backward();
    // d/ds (½e^{-s}L + ½s) = −½e^{-s}L + ½
    expect(uw.logVars.grad!.data[0]).toBeCloseTo(-0.5 * Math.exp(-0.3) * 2 + 0.5, 5);
    expect(uw.logVars.grad!.data[1]).toBeCloseTo(-Math.exp(0.2) * 5 + 0.5, 4);
    expect(losses[0].grad!.item()).toBeCloseTo(0.5 * Math.exp(-0.3), 6);
    expect(uw.lastWeights().every((w) => w > 0)).toBe(true);
  });

  it('DWA: w_t = T·softmax(r_t/2) from the last two epoch losses, 1 before that', () => {
    const dwa = new DWA();
    dwa.init(info(3));
    expect(dwa.lastWeights()).toEqual([1, 1, 1]);
    dwa.onEpochEnd([1, 2, 4]);
    expect(dwa.lastWeights()).toEqual([1, 1, 1]);
    dwa.onEpochEnd([0.5, 2, 2]);
    const r = [0.5, 1, 0.5];
    const e = r.map((v) => Math.exp(v / 2));
    const s = e.reduce((a, b) => a + b);
    const w = dwa.lastWeights();
    e.forEach((v, i) => expect(w[i]).toBeCloseTo((3 * v) / s, 12));
    expect(w.reduce((a, b) => a + b)).toBeCloseTo(3, 12);
  });

  it('RLW weights are positive, sum to 1, and are reproducible from the seed', () => {
    const a = new RLW({ seed: 5 });
    const b = new RLW({ seed: 5 });
    a.init(info(4));
    b.init(info(4));
    for (let i = 0; i < 5; i++) {
      a.combine(scalars([1, 1, 1, 1]));
      b.combine(scalars([1, 1, 1, 1]));
      const w = a.lastWeights();
      expect(w.every((v) => v > 0)).toBe(true);
      expect(w.reduce((x, y) => x + y)).toBeCloseTo(1, 12);
      expect(w).toEqual(b.lastWeights());
    }
  });

  it('FAMO raises the weight of the task whose loss fell least', () => {
    const famo = new FAMO();
    famo.init(info(2));
    for (let i = 0; i < 10; i++) famo.afterStep([1, 1], [0.5, 0.99]);
    const [w0, w1] = famo.lastWeights();
    expect(w1).toBeGreaterThan(w0);
    expect(w0 + w1).toBeCloseTo(1, 12);
  });
});

describe('GradNorm', () => {
  const rows = fc.integer({ min: 2, max: 5 }).chain((T) =>
    fc.tuple(
      fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), {
        minLength: T,
        maxLength: T,
      }),
      fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: T, maxLength: T }),
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: T, maxLength: T }),
    ),
  );

  it('weights are positive and sum to T; direction = Σ w_t g_t', () => {
    fc.assert(
      fc.property(rows, ([J, losses, v]) => {
        const Jf = J.map((r) => Float64Array.from(r));
        const out = gradNorm(
          Jf,
          losses,
          v,
          losses.map(() => 1),
        );
        const T = J.length;
        expect(out.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(T, 10);
        expect(Array.from(out.weights).every((w) => w > 0)).toBe(true);
        for (let i = 0; i < 4; i++) {
          let s = 0;
          for (let t = 0; t < T; t++) s += out.weights[t] * J[t][i];
          expect(out.direction[i]).toBeCloseTo(s, 9);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(rows, ([J, losses, v]) => {
        const perm = J.map((_, i) => J.length - 1 - i);
        const a = gradNorm(
          J.map((r) => Float64Array.from(r)),
          losses,
          v,
          losses.map(() => 1),
        );
        const b = gradNorm(
          perm.map((p) => Float64Array.from(J[p])),
          perm.map((p) => losses[p]),
          perm.map((p) => v[p]),
          losses.map(() => 1),
        );
        perm.forEach((p, i) => expect(b.weights[i]).toBeCloseTo(a.weights[p], 10));
        perm.forEach((p, i) => expect(b.gradV[i]).toBeCloseTo(a.gradV[p], 10));
      }),
      { numRuns: 30 },
    );
  });

  it('the gradient w.r.t. the logits matches finite differences of L_grad (target held fixed)', () => {
    const J = [Float64Array.from([1, 2, 0]), Float64Array.from([0, -1, 3]), Float64Array.from([2, 2, 2])];
    const losses = [1, 0.5, 2];
    const init = [2, 1, 1];
    const v = [0.1, -0.3, 0.2];
    const base = gradNorm(J, losses, v, init, 1.5);
    // Hold the target fixed at its value at v, as GradNorm does.
    const norms = J.map((g) => Math.hypot(...g));
    const target = norms.map((_, t) => {
      const w = base.weights;
      const G = norms.map((n, k) => w[k] * n);
      const Gbar = G.reduce((a, b) => a + b) / 3;
      const r = losses.map((l, k) => l / init[k]);
      const mr = r.reduce((a, b) => a + b) / 3;
      return Gbar * (r[t] / mr) ** 1.5;
    });
    const lossAt = (vv: number[]) => {
      const e = vv.map(Math.exp);
      const s = e.reduce((a, b) => a + b);
      return norms.reduce((acc, n, t) => acc + Math.abs(((3 * e[t]) / s) * n - target[t]), 0);
    };
    for (let j = 0; j < 3; j++) {
      const h = 1e-6;
      const up = v.slice();
      const dn = v.slice();
      up[j] += h;
      dn[j] -= h;
      expect(base.gradV[j]).toBeCloseTo((lossAt(up) - lossAt(dn)) / (2 * h), 5);
    }
  });

  it('the stateful method keeps weights summing to T across steps', () => {
    const g = new GradNorm({ alpha: 1 });
    g.init(info(3));
    const J = [Float64Array.from([1, 0]), Float64Array.from([0, 10]), Float64Array.from([1, 1])];
    for (let i = 0; i < 20; i++) g.aggregate(J, [1, 1, 1]);
    const w = g.lastWeights();
    expect(w.reduce((a, b) => a + b)).toBeCloseTo(3, 10);
    // The task with the largest gradient gets the smallest weight.
    expect(w[1]).toBeLessThan(w[0]);
  });
});

describe('NashMTL weighting', () => {
  it("defaults fit's maxGradNorm to 1, the official clip of the shared gradient; 0 turns it off", () => {
    const tasks: TaskSpec[] = [
      { name: 'a', kind: 'regression' },
      { name: 'b', kind: 'regression' },
    ];
    const rng = new Rng(3);
    const x = Array.from({ length: 32 }, () => [rng.normal(), rng.normal()]);
    const data = { x: tensor(x), y: { a: x.map((r) => 5 * r[0]), b: x.map((r) => -3 * r[1]) } };
    const norms = (maxGradNorm?: number) => {
      const model = HardSharing.build({ inputs: 2, hidden: [8], tasks, rng: new Rng(1) });
      const shared = model.sharedParameters();
      const seen: number[] = [];
      const optimizer = () => ({
        step: () => {
          let sq = 0;
          for (const p of shared) for (const g of p.grad?.data ?? []) sq += g * g;
          seen.push(Math.sqrt(sq));
        },
        zeroGrad: () => model.zeroGrad(),
      });
      fit(model, data, { tasks, epochs: 2, batchSize: 8, weighting: new NashMTL(), optimizer, maxGradNorm });
      return seen;
    };
    // α_t ≈ 1/‖g_t‖, so the unclipped direction has norm about √T > 1.
    expect(Math.max(...norms(0))).toBeGreaterThan(1.05);
    for (const n of norms()) expect(n).toBeLessThanOrEqual(1 + 1e-6);
    expect(new NashMTL({ maxNorm: 0.5 }).maxGradNorm).toBe(0.5);
  });
});
