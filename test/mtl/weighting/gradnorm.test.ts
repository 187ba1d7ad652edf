import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GradNorm, gradNorm } from '../../../src/mtl/weighting/index.js';
import { info } from '../../support/weighting.js';

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
