import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imtl } from '../../../src/mtl/aggregators/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  maxRowNormSq,
  norm,
  sumOf,
} from '../../support/aggregators.js';

describe('imtl', () => {
  it('the direction has equal projections on every unit gradient, and α sums to 1', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 10), (J) => {
        const r = imtl(J);
        expect(r.exact).toBe(true);
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-9);
        expectLinear(J, r, 1e-8);
        const proj = J.map((g) => dotp(r.direction, g) / norm(g));
        const scale = Math.max(1, ...Array.from(r.weights).map(Math.abs)) * Math.sqrt(maxRowNormSq(J));
        for (const p of proj) expect(Math.abs(p - proj[0])).toBeLessThanOrEqual(1e-7 * scale);
      }),
    );
  });

  it('hand-derived cases and fallbacks', () => {
    // e1 and 2e2: α1 = 2 α2 (equal projections), α1 + α2 = 1.
    const r = imtl([
      [1, 0],
      [0, 2],
    ]);
    expectClose(r.weights, [2 / 3, 1 / 3], 1e-15);
    expectClose(r.direction, [2 / 3, 2 / 3], 1e-15);
    // Identical gradients: singular system, equal weights, no NaN.
    const same = imtl([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(same.exact).toBe(false);
    expectClose(same.weights, [1 / 3, 1 / 3, 1 / 3], 1e-9);
    expectClose(same.direction, [1, 2], 1e-9);
    // A zero gradient gets weight 0; the others are solved without it.
    const withZero = imtl([
      [0, 0],
      [1, 0],
      [0, 2],
    ]);
    expectClose(withZero.weights, [0, 2 / 3, 1 / 3], 1e-15);
  });
});
