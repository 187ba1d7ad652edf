import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pcgrad } from '../../../src/mtl/aggregators/index.js';
import { Rng } from '../../../src/tensor/rng.js';
import {
  combo,
  dotp,
  expectClose,
  expectLinear,
  matrixArb,
  maxRowNormSq,
  sumAbs,
} from '../../support/aggregators.js';

describe('pcgrad', () => {
  it('T = 2: the projected gradients no longer conflict', () => {
    fc.assert(
      fc.property(matrixArb(2, 2, 1, 20), fc.integer(), (J, seed) => {
        const { projected } = pcgrad(J, { seed });
        const tol = 1e-9 * maxRowNormSq(J) + 1e-300;
        expect(dotp(projected[0], J[1])).toBeGreaterThanOrEqual(-tol);
        expect(dotp(projected[1], J[0])).toBeGreaterThanOrEqual(-tol);
        expect(dotp(projected[0], projected[1])).toBeGreaterThanOrEqual(-tol);
      }),
    );
  });

  it('without conflicts the direction is the plain sum and every weight is 1', () => {
    const nonNegative = fc.double({ min: 0, max: 10, noNaN: true });
    const arb = fc
      .record({ T: fc.integer({ min: 1, max: 5 }), D: fc.integer({ min: 1, max: 10 }) })
      .chain(({ T, D }) =>
        fc.array(fc.array(nonNegative, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
      );
    fc.assert(
      fc.property(arb, fc.integer(), (J, seed) => {
        const r = pcgrad(J, { seed });
        expectClose(
          r.direction,
          combo(
            J,
            J.map(() => 1),
          ),
          0,
        );
        expectClose(
          r.weights,
          J.map(() => 1),
          0,
        );
      }),
    );
  });

  it('is deterministic for a seed, and a seeded rng gives the same result', () => {
    fc.assert(
      fc.property(matrixArb(2, 6, 1, 10), fc.integer(), (J, seed) => {
        const a = pcgrad(J, { seed });
        const b = pcgrad(J, { seed });
        const c = pcgrad(J, { rng: new Rng(seed) });
        expectClose(a.direction, b.direction, 0);
        expectClose(a.weights, b.weights, 0);
        expectClose(a.direction, c.direction, 0);
      }),
    );
  });

  it('direction = Σ weights_t g_t, and each projected row is its coefficient row times J', () => {
    fc.assert(
      fc.property(
        matrixArb(1, 6, 1, 12),
        fc.integer(),
        fc.constantFrom('sum', 'mean'),
        (J, seed, reduction) => {
          const r = pcgrad(J, { seed, reduction: reduction as 'sum' | 'mean' });
          expectLinear(J, r);
          const scale = Math.sqrt(maxRowNormSq(J));
          for (let i = 0; i < J.length; i++) {
            const bound = 1e-9 * scale * Math.max(1, sumAbs(r.coefficients[i]));
            expectClose(r.projected[i], combo(J, r.coefficients[i]), bound + 1e-300);
          }
          const sum = combo(
            r.projected,
            r.projected.map(() => (reduction === 'mean' ? 1 / J.length : 1)),
          );
          expectClose(r.direction, sum, 1e-12 * scale * J.length + 1e-300);
        },
      ),
    );
  });

  it('hand-derived two-task example', () => {
    // g1·g2 = −1: pc1 = g1 + g2/2 = (0.5, 0.5), pc2 = g2 + g1 = (0, 1).
    const r = pcgrad(
      [
        [1, 0],
        [-1, 1],
      ],
      { seed: 1 },
    );
    expectClose(r.projected[0], [0.5, 0.5], 1e-15);
    expectClose(r.projected[1], [0, 1], 1e-15);
    expectClose(r.direction, [0.5, 1.5], 1e-15);
    expectClose(r.weights, [2, 1.5], 1e-15);
    const mean = pcgrad(
      [
        [1, 0],
        [-1, 1],
      ],
      { seed: 1, reduction: 'mean' },
    );
    expectClose(mean.direction, [0.25, 0.75], 1e-15);
  });
});
