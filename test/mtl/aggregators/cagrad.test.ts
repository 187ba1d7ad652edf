import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cagrad } from '../../../src/mtl/aggregators/index.js';
import { Rng } from '../../../src/tensor/rng.js';
import {
  dotp,
  expectClose,
  expectLinear,
  matrixArb,
  maxRowNormSq,
  meanRow,
  norm,
  sumAbs,
  sumOf,
} from '../../support/aggregators.js';

describe('cagrad', () => {
  it('c = 0 gives the mean gradient under every rescale', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 10), fc.constantFrom(0, 1, 2), (J, rescale) => {
        const r = cagrad(J, { c: 0, rescale: rescale as 0 | 1 | 2 });
        expectClose(r.direction, meanRow(J), 1e-12 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
        expectClose(
          r.weights,
          J.map(() => 1 / J.length),
          1e-15,
        );
      }),
    );
  });

  it('rescale 0 stays in the ball ||d − g0|| ≤ c||g0|| and maximises the worst task there', () => {
    fc.assert(
      fc.property(
        matrixArb(2, 5, 1, 8),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer(),
        (J, c, seed) => {
          const r = cagrad(J, { c, rescale: 0 });
          expectLinear(J, r);
          const g0 = meanRow(J);
          const R = c * norm(g0);
          const scale = Math.sqrt(maxRowNormSq(J));
          const d = Array.from(r.direction);
          // d is Σ weights_t g_t in floating point: allow its rounding, which grows with Σ|weights|.
          const rounding = 1e-12 * scale * Math.max(1, sumAbs(r.weights));
          expect(norm(d.map((x, i) => x - g0[i]))).toBeLessThanOrEqual(R * (1 + 1e-9) + rounding);
          for (const w of r.simplexWeights) expect(w).toBeGreaterThanOrEqual(0);
          expect(Math.abs(sumOf(r.simplexWeights) - 1)).toBeLessThan(1e-9);

          // No point of the ball does better for the worst task: random points of the ball, and
          // small moves around d pulled back into the ball (the problem is concave, so local
          // optimality is global).
          const worst = (x: number[]) => Math.min(...J.map((g) => dotp(g, x)));
          const best = worst(d);
          const tol = 1e-7 * scale * scale + 1e-300;
          const rng = new Rng(seed);
          const D = d.length;
          for (let k = 0; k < 300; k++) {
            const u = Array.from({ length: D }, () => rng.normal());
            const un = norm(u) || 1;
            const local = k % 2 === 0;
            const base = local ? d : g0;
            const step = local ? 1e-3 * (R + scale) * rng.uniform() : R * rng.uniform() ** (1 / D);
            let x = base.map((v, i) => v + (step * u[i]) / un);
            const off = norm(x.map((v, i) => v - g0[i]));
            if (off > R) x = x.map((v, i) => g0[i] + ((v - g0[i]) * R) / off);
            expect(worst(x)).toBeLessThanOrEqual(best + tol);
          }
        },
      ),
    );
  });

  it('rescale 1 and 2 divide the rescale-0 direction by 1 + c² and 1 + c', () => {
    fc.assert(
      fc.property(matrixArb(2, 4, 1, 6), fc.double({ min: 0, max: 2, noNaN: true }), (J, c) => {
        const r0 = cagrad(J, { c, rescale: 0 });
        const d0 = r0.direction;
        const d1 = cagrad(J, { c, rescale: 1 }).direction;
        const d2 = cagrad(J, { c, rescale: 2 }).direction;
        // Each direction is its own Σ weights_t g_t: allow the rounding of those sums.
        const tol = 1e-12 * Math.sqrt(maxRowNormSq(J)) * Math.max(1, sumAbs(r0.weights)) + 1e-300;
        expectClose(
          d1,
          Array.from(d0).map((x) => x / (1 + c * c)),
          tol,
        );
        expectClose(
          d2,
          Array.from(d0).map((x) => x / (1 + c)),
          tol,
        );
      }),
    );
  });

  it('hand-derived two-task examples', () => {
    // Orthogonal unit gradients, c = 1/2: by symmetry w = (1/2, 1/2), g_w = g0 = (1/2, 1/2),
    // d = g0 + (c||g0||/||g0||) g0 = 1.5 g0.
    const sym = cagrad(
      [
        [1, 0],
        [0, 1],
      ],
      { c: 0.5, rescale: 0 },
    );
    expectClose(sym.direction, [0.75, 0.75], 1e-12);
    expectClose(sym.simplexWeights, [0.5, 0.5], 1e-9);
    expectClose(
      cagrad([
        [1, 0],
        [0, 1],
      ]).direction,
      [0.75 / 1.25, 0.75 / 1.25],
      1e-12,
    ); // default rescale 1

    // g1 = (2, 0), g2 = (0, 1): g0 = (1, 1/2), R = c·√1.25.
    // Small ball (R ≤ 1.5): the best for task 2 alone, d = g0 + R e2, still leaves task 1 ahead
    // (2·1 ≥ 1/2 + R), so d = (1, 1/2 + R) and w = (0, 1).
    const J = [
      [2, 0],
      [0, 1],
    ];
    const Rs = 0.5 * Math.sqrt(1.25);
    const small = cagrad(J, { c: 0.5, rescale: 0 });
    expectClose(small.direction, [1, 0.5 + Rs], 1e-9);
    expectClose(small.simplexWeights, [0, 1], 1e-9);
    // Large ball (c = 2, R = √5): both tasks tie, 2 d_x = d_y = v, on the sphere
    // (v/2 − 1)² + (v − 1/2)² = 5, i.e. 1.25 v² − 2 v − 3.75 = 0.
    const v = (2 + Math.sqrt(4 + 4 * 1.25 * 3.75)) / 2.5;
    expectClose(cagrad(J, { c: 2, rescale: 0 }).direction, [v / 2, v], 1e-9);
    expectClose(cagrad(J, { c: 2, rescale: 2 }).direction, [v / 6, v / 3], 1e-9);

    // Hull containing 0 (1-D, opposite signs), c = 2: g0 = −1/2, the ball [−1.5, 0.5] contains
    // d = 0, the only point where neither task gets worse.
    expectClose(cagrad([[1], [-2]], { c: 2, rescale: 0 }).direction, [0], 1e-12);
  });
});
