import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectSimplex } from '../../../src/mtl/aggregators/index.js';
import { expectClose } from '../../support/aggregators.js';

/** The projection by bisection on θ in Σ max(v − θ, 0) = 1 (independent of the sorting method). */
function bisectionProjection(v: number[]): number[] {
  let lo = Math.min(...v) - 1;
  let hi = Math.max(...v);
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    const s = v.reduce((acc, x) => acc + Math.max(x - mid, 0), 0);
    if (s > 1) lo = mid;
    else hi = mid;
  }
  return v.map((x) => Math.max(x - (lo + hi) / 2, 0));
}

describe('projectSimplex', () => {
  it('matches the projection found by bisection, and lands on the simplex', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (v) => {
          const p = projectSimplex(v);
          expectClose(p, bisectionProjection(v), 1e-9);
          expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          for (const x of p) expect(x).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('keeps a point of the simplex; [2, 0] → [1, 0]; [0.3, 0.3] → [0.5, 0.5]', () => {
    expectClose(projectSimplex([0.2, 0.3, 0.5]), [0.2, 0.3, 0.5], 1e-15);
    expectClose(projectSimplex([2, 0]), [1, 0], 0);
    expectClose(projectSimplex([0.3, 0.3]), [0.5, 0.5], 1e-15);
  });
});
