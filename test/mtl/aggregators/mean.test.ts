import fc from 'fast-check';
import { describe, it } from 'vitest';
import { meanGrad } from '../../../src/mtl/aggregators/index.js';
import { entry, expectClose, matrixArb, meanRow } from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('meanGrad', () => {
  it("matches torchjd's published values", () => {
    expectClose(
      meanGrad(inputOf(torchjd.aggregators.Mean)).direction,
      torchjd.aggregators.Mean.direction as number[],
      TORCHJD_TOL,
    );
    expectClose(meanGrad(torchjd.J_base).weights, torchjd.weightings.MeanWeighting.weights as number[], 0);
  });

  it('the mean of T copies of a row is that row, and in general the coordinate-wise average', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), (g, T) => {
        expectClose(
          meanGrad(Array.from({ length: T }, () => g)).direction,
          g,
          1e-12 * Math.max(1, ...g.map(Math.abs)),
        );
      }),
    );
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 5), (J) => expectClose(meanGrad(J).direction, meanRow(J), 1e-12)),
    );
  });
});
