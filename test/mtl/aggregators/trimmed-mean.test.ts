import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { trimmedMean } from '../../../src/mtl/aggregators/index.js';
import { expectClose, matrixArb, meanRow, sumOf } from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('trimmedMean', () => {
  it("matches torchjd's published values (trim 1 removes the 1e10-sized outliers)", () => {
    const c = torchjd.aggregators['TrimmedMean(trim_number=1)'];
    expectClose(trimmedMean(inputOf(c), { trim: 1 }).direction, c.direction as number[], TORCHJD_TOL);
  });

  it('trim 0 is the mean; otherwise each coordinate is the mean of its middle T − 2k values', () => {
    fc.assert(
      fc.property(matrixArb(1, 6, 1, 4), (J) => {
        expectClose(trimmedMean(J, { trim: 0 }).direction, meanRow(J), 1e-12);
        const k = Math.floor((J.length - 1) / 2);
        const r = trimmedMean(J, { trim: k });
        J[0].forEach((_, i) => {
          const col = J.map((g) => g[i]).sort((a, b) => a - b);
          const mid = col.slice(k, J.length - k);
          expect(r.direction[i]).toBeCloseTo(mid.reduce((s, v) => s + v, 0) / mid.length, 12);
        });
        // The per-row average coordinate weights sum to 1.
        expect(sumOf(r.weights)).toBeCloseTo(1, 12);
      }),
    );
  });

  it('rejects too few rows and a bad trim with a ValueError', () => {
    expect(() => trimmedMean([[1], [2]], { trim: 1 })).toThrow(/needs at least 2·trim \+ 1 = 3 rows, got 2/);
    expect(() => trimmedMean([[1]], { trim: 0.5 })).toThrow(ValueError);
  });
});
