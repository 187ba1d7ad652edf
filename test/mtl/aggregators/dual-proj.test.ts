import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dualProj } from '../../../src/mtl/aggregators/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  matrixArb,
  maxRowNormSq,
  meanRow,
  permutedArb,
  sumAbs,
} from '../../support/aggregators.js';
import {
  bruteForceDualCone,
  frobSq,
  inputOf,
  TORCHJD_TOL,
  torchjd,
  torchjdGramian,
} from '../../support/torchjd-values.js';

describe('dualProj', () => {
  it("matches torchjd's published direction and weights on J_base", () => {
    const r = dualProj(inputOf(torchjd.aggregators.DualProj));
    expectClose(r.direction, torchjd.aggregators.DualProj.direction as number[], TORCHJD_TOL);
    expectClose(r.weights, torchjd.weightings.DualProjWeighting.weights as number[], TORCHJD_TOL);
  });

  it('the weights are the brute-force projection of the mean (T ≤ 5)', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 6), (J) => {
        fc.pre(frobSq(J) >= 1e-3);
        const T = J.length;
        const expected = bruteForceDualCone(torchjdGramian(J), new Array(T).fill(1 / T));
        const r = dualProj(J);
        expectClose(r.weights, expected, 1e-7 * Math.max(1, sumAbs(expected)));
        expectLinear(J, r, 1e-9);
      }),
    );
  });

  it('never conflicts without regularisation, and is the mean when the mean conflicts with no task', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), (J) => {
        const r = dualProj(J, { regEps: 0 });
        for (const g of J) {
          expect(dotp(g, r.direction)).toBeGreaterThanOrEqual(-1e-9 * maxRowNormSq(J) * sumAbs(r.weights));
        }
        const mean = meanRow(J);
        if (J.every((g) => dotp(g, mean) >= 0))
          expectClose(r.direction, mean, 1e-9 * Math.sqrt(maxRowNormSq(J)));
      }),
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(permutedArb(matrixArb(2, 5, 1, 6)), ({ J, perm, P }) => {
        fc.pre(frobSq(J) >= 1e-3);
        const a = dualProj(J);
        expectClose(
          dualProj(P).weights,
          perm.map((i) => a.weights[i]),
          1e-9 * Math.max(1, sumAbs(a.weights)),
        );
      }),
    );
  });
});
