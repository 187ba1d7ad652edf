import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradientCosine } from '../../../src/mtl/aggregators/index.js';
import { dotp, expectClose, matrixArb, norm } from '../../support/aggregators.js';

describe('gradientCosine', () => {
  it('is the symmetric matrix of pairwise cosines, 0 for zero rows', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 10), (J) => {
        const C = gradientCosine(J);
        expect(C.length).toBe(J.length);
        for (let s = 0; s < J.length; s++) {
          for (let t = 0; t < J.length; t++) {
            const ns = norm(J[s]);
            const nt = norm(J[t]);
            const expected = ns === 0 || nt === 0 ? 0 : s === t ? 1 : dotp(J[s], J[t]) / (ns * nt);
            expect(Math.abs(C[s][t] - expected)).toBeLessThanOrEqual(1e-12);
            expect(C[s][t]).toBe(C[t][s]);
            expect(Math.abs(C[s][t])).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
    const C = gradientCosine([
      [1, 0],
      [0, 0],
      [-1, 1],
    ]);
    expectClose(C[0], [1, 0, -Math.SQRT1_2], 1e-15);
    expectClose(C[1], [0, 0, 0], 0);
  });
});
