import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { MoCo } from '../../../src/mtl/weighting/index.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { closeAll, info, rows } from '../../support/weighting.js';

const softmax = (v: number[]) => {
  const e = v.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('MoCo', () => {
  it('two steps by hand with the defaults β = 0.5, σ_β = 0.5, γ = 0.1, σ_γ = 0.5, ρ = 0', () => {
    const m = new MoCo();
    m.init(info(2));
    // Step 1: h_1 = 2·(0.6, 0.8), h_2 = 1·(0, 1); y = 0.5·h; YYᵀ = [[1, 0.4], [0.4, 0.25]].
    const r1 = m.aggregate(
      rows([
        [3, 4],
        [0, 2],
      ]),
      [2, 1],
    );
    const y1 = [
      [0.6, 0.8],
      [0, 0.5],
    ];
    const l1 = softmax([0.5 - 0.1 * (0.5 + 0.2), 0.5 - 0.1 * (0.2 + 0.125)]);
    closeAll(r1.weights, l1);
    closeAll(r1.direction, [l1[0] * 0.6, l1[0] * 0.8 + l1[1] * 0.5]);
    // Step 2: β_2 = 0.5/√2; h_1 = 1·(1, 0), h_2 = 1·(0, 1).
    const b = 0.5 / Math.SQRT2;
    const r2 = m.aggregate(
      rows([
        [5, 0],
        [0, 3],
      ]),
      [1, 1],
    );
    const y2 = [
      [y1[0][0] - b * (y1[0][0] - 1), y1[0][1] - b * y1[0][1]],
      [y1[1][0] - b * y1[1][0], y1[1][1] - b * (y1[1][1] - 1)],
    ];
    const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1];
    const g = 0.1 / Math.SQRT2;
    const q = [0, 1].map((s) => dot(y2[s], y2[0]) * l1[0] + dot(y2[s], y2[1]) * l1[1]);
    const l2 = softmax([l1[0] - g * q[0], l1[1] - g * q[1]]);
    closeAll(r2.weights, l2);
    closeAll(r2.direction, [l2[0] * y2[0][0] + l2[1] * y2[1][0], l2[0] * y2[0][1] + l2[1] * y2[1][1]]);
  });

  it('ρ adds ρ·λ to the λ step; reset() restarts from λ = 1/T and y = 0', () => {
    const m = new MoCo({ rho: 2, beta: 1, betaSigma: 0 });
    m.init(info(2));
    // y = h = [(1, 0), (0, 1)]: (YYᵀ + 2I)λ = 3·(0.5, 0.5), equal, so λ stays (0.5, 0.5).
    const r = m.aggregate(
      rows([
        [4, 0],
        [0, 9],
      ]),
      [1, 1],
    );
    closeAll(r.weights, [0.5, 0.5]);
    closeAll(r.direction, [0.5, 0.5]);
    m.reset();
    expect(m.lastWeights()).toEqual([0.5, 0.5]);
    expect(() => new MoCo({ gamma: -1 })).toThrow(ValueError);
  });

  it('properties: J → cJ changes nothing (gradients enter normalised); permuting tasks permutes λ, keeps the direction', () => {
    const row = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 });
    const task = fc.tuple(row, row, fc.double({ min: 0.1, max: 5, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(task, { minLength: 2, maxLength: 4 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (tasks, c) => {
          fc.pre(tasks.every(([g1, g2]) => g1.some((v) => v !== 0) && g2.some((v) => v !== 0)));
          const run = (ts: typeof tasks, scale: number) => {
            const m = new MoCo();
            m.init(info(ts.length));
            const L = ts.map(([, , l]) => l);
            m.aggregate(rows(ts.map(([g]) => g.map((v) => v * scale))), L);
            return m.aggregate(rows(ts.map(([, g]) => g.map((v) => v * scale))), L);
          };
          const base = run(tasks, 1);
          const scaled = run(tasks, c);
          closeAll(scaled.direction, base.direction, 6);
          closeAll(scaled.weights, base.weights, 6);
          const rev = run([...tasks].reverse(), 1);
          closeAll(rev.direction, base.direction, 10);
          closeAll(Array.from(rev.weights).reverse(), base.weights, 10);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('an absent task keeps its tracked gradient', () => {
    const m = new MoCo({ beta: 1, betaSigma: 0, gamma: 0 });
    m.init(info(2));
    m.aggregate(
      rows([
        [2, 0],
        [0, 2],
      ]),
      [1, 1],
    ); // y = [(1, 0), (0, 1)]
    const r = m.aggregate(
      rows([
        [0, 7],
        [0, 0],
      ]),
      [1, 0],
      { epoch: 0, step: 1, present: [true, false] },
    );
    closeAll(r.direction, [0, 0.5 + 0.5]); // y_1 = (0, 1) now, y_2 kept (0, 1); λ = 1/2 each
  });

  it('fit makes both losses fall', () => {
    expect(lossesFell(new MoCo())).toBe(true);
  });
});
