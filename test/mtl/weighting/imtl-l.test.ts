import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMTL, IMTLFull, IMTLL } from '../../../src/mtl/weighting/index.js';
import { fitLosses, lossesFell } from '../../support/fit-smoke.js';
import { closeAll, info, rows, scalars } from '../../support/weighting.js';

describe('IMTL-L', () => {
  it('total Σ e^{s}L − s and its gradients, by hand', () => {
    const w = new IMTLL();
    w.init(info(2));
    w.logScales.data.set([0.5, -1]);
    const losses = scalars([2, 3]);
    const total = w.combine(losses);
    expect(total.item()).toBeCloseTo(Math.exp(0.5) * 2 - 0.5 + Math.exp(-1) * 3 + 1, 5);
    total.backward();
    // ∂/∂s = e^{s}L − 1, ∂/∂L = e^{s}
    closeAll(w.logScales.grad!.data, [Math.exp(0.5) * 2 - 1, Math.exp(-1) * 3 - 1], 5);
    closeAll([losses[0].grad!.item(), losses[1].grad!.item()], [Math.exp(0.5), Math.exp(-1)], 6);
    closeAll(w.lastWeights(), [Math.exp(0.5), Math.exp(-1)], 6);
  });

  it('an absent task has no term (its s gets no gradient)', () => {
    const w = new IMTLL();
    w.init(info(2));
    const losses = scalars([2, 0]);
    const total = w.combine(losses, { epoch: 0, step: 0, present: [true, false] });
    expect(total.item()).toBeCloseTo(2, 6);
    total.backward();
    expect(w.logScales.grad!.data[1]).toBe(0);
  });

  it('fit learns the scales towards e^{s}·L = 1 and both losses fall', () => {
    const w = new IMTLL();
    expect(lossesFell(w)).toBe(true);
    expect(w.logScales.data.some((s) => s !== 0)).toBe(true);
  });
});

/** det(JJᵀ) for two or three rows. */
function gramDet(J: number[][]): number {
  const G = J.map((a) => J.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
  if (G.length === 2) return G[0][0] * G[1][1] - G[0][1] * G[1][0];
  const [[a, b, c], [d, e, f], [g, h, i]] = G;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

describe('IMTL full (IMTL-L with IMTL-G)', () => {
  it('one step by hand: rows e^{s}g, equal projections, heads e^{s}, s gradient e^{s}L − 1', () => {
    const w = new IMTLFull();
    w.init(info(2));
    w.logScales.data.set([Math.log(2), 0]);
    // r_1 = (2, 0), r_2 = (0, 1): d = α_1 r_1 + α_2 r_2 has projections 2α_1 and α_2 on e_1, e_2,
    // equal with α_1 + α_2 = 1: α = (1/3, 2/3), d = (2/3, 2/3).
    const r = w.aggregate(
      rows([
        [1, 0],
        [0, 1],
      ]),
      [0.5, 3],
    );
    closeAll(r.direction, [2 / 3, 2 / 3]);
    closeAll(r.weights, [2 / 3, 2 / 3]);
    closeAll(r.headWeights!, [2, 1]);
    closeAll(w.logScales.grad!.data, [0, 2]);
  });

  it('properties: J → cJ scales the direction by c; permuting tasks (and their s) permutes the weights', () => {
    const row = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 });
    const task = fc.tuple(row, fc.double({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(task, { minLength: 2, maxLength: 3 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (tasks, c) => {
          // Linearly independent rows (IMTL-G's system is singular otherwise): det(JJᵀ) ≠ 0.
          fc.pre(Math.abs(gramDet(tasks.map(([g]) => g))) > 1e-6);
          const run = (ts: typeof tasks, scale: number) => {
            const w = new IMTLFull();
            w.init(info(ts.length));
            w.logScales.data.set(ts.map(([, s]) => s));
            return w.aggregate(
              rows(ts.map(([g]) => g.map((v) => v * scale))),
              ts.map(() => 1),
            );
          };
          const base = run(tasks, 1);
          const scaled = run(tasks, c);
          closeAll(
            Array.from(scaled.direction, (v) => v / c),
            base.direction,
            6,
          );
          const rev = run([...tasks].reverse(), 1);
          closeAll(rev.direction, base.direction, 6);
          closeAll(Array.from(rev.weights).reverse(), base.weights, 6);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('with s = 0 it is IMTL-G', () => {
    const w = new IMTLFull();
    w.init(info(3));
    const J = [
      [1, 2, 0],
      [0, 1, -1],
      [3, 0, 1],
    ];
    const g = new IMTL();
    g.init(info(3));
    const a = w.aggregate(rows(J), [1, 1, 1]);
    const b = g.aggregate(rows(J), [1, 1, 1]);
    closeAll(a.direction, b.direction, 10);
    closeAll(a.weights, b.weights, 10);
  });

  it('fit trains the scales with the model and both losses fall', () => {
    const w = new IMTLFull();
    const { first, last } = fitLosses(w);
    expect(last.a).toBeLessThan(0.5 * first.a);
    expect(last.b).toBeLessThan(0.5 * first.b);
    expect(w.logScales.data.some((s) => s !== 0)).toBe(true);
  });
});
