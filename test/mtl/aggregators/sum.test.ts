import fc from 'fast-check';
import { describe, it } from 'vitest';
import { sumGrad } from '../../../src/mtl/aggregators/index.js';
import { expectClose, matrixArb } from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('sumGrad', () => {
  it("matches torchjd's published values", () => {
    expectClose(
      sumGrad(inputOf(torchjd.aggregators.Sum)).direction,
      torchjd.aggregators.Sum.direction as number[],
      TORCHJD_TOL,
    );
    expectClose(sumGrad(torchjd.J_base).weights, torchjd.weightings.SumWeighting.weights as number[], 0);
  });

  it('is the coordinate-wise sum of the rows', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 5), (J) => {
        const expected = J[0].map((_, i) => J.reduce((s, g) => s + g[i], 0));
        expectClose(sumGrad(J).direction, expected, 1e-12);
      }),
    );
  });
});
