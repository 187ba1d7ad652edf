import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nashMTL } from '../../../src/mtl/aggregators/index.js';
import { combo, dotp, expectClose, expectLinear, independentArb, norm } from '../../support/aggregators.js';

describe('nashMTL', () => {
  it('solves α_t (Gα)_t = 1 with α > 0', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 10), (J) => {
        const r = nashMTL(J);
        expect(r.converged).toBe(true);
        expectLinear(J, r, 1e-8);
        for (let t = 0; t < J.length; t++) {
          expect(r.weights[t]).toBeGreaterThan(0);
          // (Gα)_t = g_t·d with d = Σ α_s g_s.
          expect(Math.abs(r.weights[t] * dotp(J[t], combo(J, r.weights)) - 1)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('orthogonal gradients get α_t = 1/||g_t||', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (scales, flip) => {
          const T = scales.length;
          // Scaled (possibly negated) standard basis vectors in T + 1 dimensions.
          const J = scales.map((s, t) =>
            Array.from({ length: T + 1 }, (_, i) => (i === t ? (flip ? -s : s) : 0)),
          );
          const r = nashMTL(J);
          expectClose(
            r.weights,
            scales.map((s) => 1 / s),
            1e-9 * Math.max(...scales.map((s) => 1 / s)),
          );
        },
      ),
    );
  });

  it('two tasks: α_t = 1/(||g_t|| √(1 + cos))', () => {
    // With β_t = α_t ||g_t||, the system is β_t (β_t + cos · β_s) = 1, solved by β = 1/√(1 + cos).
    const J = [
      [3, 0],
      [1, 1],
    ];
    const cos = 3 / (3 * Math.SQRT2);
    const b = 1 / Math.sqrt(1 + cos);
    expectClose(nashMTL(J).weights, [b / 3, b / Math.SQRT2], 1e-12);
  });

  it('the direction does not change when all gradients are scaled', () => {
    fc.assert(
      fc.property(independentArb(2, 4, 8), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (J, k) => {
        const a = nashMTL(J).direction;
        const b = nashMTL(J.map((g) => g.map((x) => k * x))).direction;
        expectClose(a, b, 1e-6 * (norm(a) + 1));
      }),
    );
  });

  it('reports non-convergence when no solution exists', () => {
    // g and −g: α_1 (Gα)_1 = ||g||² α_1 (α_1 − α_2) and the same with 1 ↔ 2 cannot both be 1.
    const r = nashMTL([
      [1, 2],
      [-1, -2],
    ]);
    expect(r.converged).toBe(false);
    expect(r.residual).toBeGreaterThan(1e-3);
  });
});
