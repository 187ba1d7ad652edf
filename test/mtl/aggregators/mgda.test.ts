import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mgda, minNormWeights } from '../../../src/mtl/aggregators/index.js';
import {
  combo,
  dotp,
  expectClose,
  expectLinear,
  matrixArb,
  maxRowNormSq,
  norm,
  randomSimplexPoints,
  sumOf,
} from '../../support/aggregators.js';

describe('mgda', () => {
  it('returns weights on the simplex and direction = Σ w_t g_t', () => {
    fc.assert(
      fc.property(matrixArb(1, 6, 1, 20), (J) => {
        const r = mgda(J);
        for (const w of r.weights) expect(w).toBeGreaterThanOrEqual(0);
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-12);
        expectClose(r.weights, r.simplexWeights, 0);
        expectLinear(J, r);
      }),
    );
  });

  it('satisfies the min-norm optimality condition d·g_t ≥ ||d||² for every task', () => {
    fc.assert(
      fc.property(matrixArb(2, 5, 1, 20), (J) => {
        const d = mgda(J).direction;
        const tol = 1e-6 * maxRowNormSq(J) + 1e-300;
        const dd = dotp(d, d);
        for (const g of J) expect(dotp(d, g)).toBeGreaterThanOrEqual(dd - tol);
      }),
    );
  });

  it('is no longer than any row or any of 200 random convex combinations of the rows', () => {
    fc.assert(
      fc.property(matrixArb(2, 5, 1, 20), fc.integer(), (J, seed) => {
        const dn = norm(mgda(J).direction);
        const tol = 1e-7 * Math.sqrt(maxRowNormSq(J)) + 1e-300;
        for (const g of J) expect(dn).toBeLessThanOrEqual(norm(g) + tol);
        for (const c of randomSimplexPoints(J.length, seed)) {
          expect(dn).toBeLessThanOrEqual(norm(combo(J, c)) + tol);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('T = 2: the closed form agrees with the iterative solver', () => {
    fc.assert(
      fc.property(matrixArb(2, 2, 1, 20), (J) => {
        const closed = mgda(J);
        const iterative = mgda(J, { solver: 'frank-wolfe', tol: 0 });
        const scale = Math.sqrt(maxRowNormSq(J));
        expectClose(closed.direction, iterative.direction, 1e-9 * scale + 1e-300);
        // The weights are unique unless the two rows coincide.
        const diff = norm(J[0].map((x, i) => x - J[1][i]));
        if (diff > 1e-3 * scale) expectClose(closed.weights, iterative.weights, 1e-6);
      }),
    );
  });

  it('a duplicated task does not change the min-norm direction', () => {
    fc.assert(
      fc.property(matrixArb(2, 4, 1, 10), (J) => {
        const a = mgda(J).direction;
        const b = mgda([...J, J[0]]).direction;
        expectClose(a, b, 1e-9 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
      }),
    );
  });

  it('known cases', () => {
    // Orthogonal unit vectors: the midpoint of the segment.
    expectClose(
      mgda([
        [1, 0],
        [0, 1],
      ]).weights,
      [0.5, 0.5],
      1e-15,
    );
    expectClose(
      mgda([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]).weights,
      [1 / 3, 1 / 3, 1 / 3],
      1e-12,
    );
    // (1,0) is the point of the segment to (1,1) nearest the origin.
    expectClose(
      mgda([
        [1, 0],
        [1, 1],
      ]).weights,
      [1, 0],
      0,
    );
    // e1 and 2e2: argmin (w)² + 4(1−w)² → w = 4/5.
    expectClose(
      mgda([
        [1, 0],
        [0, 2],
      ]).weights,
      [0.8, 0.2],
      1e-15,
    );
    // 'l2' normalisation: the unit vectors get 1/2 each; weights on the raw rows are λ/||g||.
    const l2 = mgda(
      [
        [2, 0],
        [0, 4],
      ],
      { normalize: 'l2' },
    );
    expectClose(l2.simplexWeights, [0.5, 0.5], 1e-15);
    expectClose(l2.weights, [0.25, 0.125], 1e-15);
    expectClose(l2.direction, [0.5, 0.5], 1e-15);
    // Opposite gradients: Pareto stationary, d = 0.
    expectClose(
      mgda([
        [1, 2],
        [-1, -2],
      ]).direction,
      [0, 0],
      1e-15,
    );
  });

  it('minNormWeights works on a Gram matrix directly', () => {
    expectClose(
      minNormWeights([
        [1, 0],
        [0, 4],
      ]),
      [0.8, 0.2],
      1e-15,
    );
    fc.assert(
      fc.property(matrixArb(3, 5, 1, 10), (J) => {
        const G = J.map((g) => J.map((h) => dotp(g, h)));
        const w = minNormWeights(G);
        const fromJ = mgda(J).direction;
        expectClose(combo(J, w), fromJ, 1e-9 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
      }),
    );
  });
});
