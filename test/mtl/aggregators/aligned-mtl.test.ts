import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { alignedMTL } from '../../../src/mtl/aggregators/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  type Mat,
  permutedArb,
  sumAbs,
} from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

const gram = (J: Mat) => J.map((a) => J.map((b) => dotp(a, b)));

describe('alignedMTL', () => {
  it("matches torchjd's published direction and weights on J_base", () => {
    const r = alignedMTL(inputOf(torchjd.aggregators.AlignedMTL));
    expectClose(r.direction, torchjd.aggregators.AlignedMTL.direction as number[], TORCHJD_TOL);
    expectClose(r.weights, torchjd.weightings.AlignedMTLWeighting.weights as number[], TORCHJD_TOL);
  });

  it('T = 2: B = √λ_min·G^{-1/2} makes the aligned rows orthonormal times √λ_min (closed-form λ_min)', () => {
    fc.assert(
      fc.property(independentArb(2, 2, 5), (J) => {
        const [[a, b], [, d]] = gram(J);
        const lmin = (a + d) / 2 - Math.sqrt(((a - d) / 2) ** 2 + b * b);
        // Columns of B from the unit preferences; BᵀGB must be λ_min·I.
        const B = [0, 1].map((t) => Array.from(alignedMTL(J, { pref: t === 0 ? [1, 0] : [0, 1] }).weights));
        const G = gram(J);
        for (let s = 0; s < 2; s++) {
          for (let t = 0; t < 2; t++) {
            const v = B[s].reduce(
              (acc, bs, i) => acc + bs * B[t].reduce((x, bt, j) => x + G[i][j] * bt, 0),
              0,
            );
            expect(Math.abs(v - (s === t ? lmin : 0))).toBeLessThan(1e-8 * (a + d));
          }
        }
      }),
    );
  });

  it('the aligned components are orthogonal with equal norms for any T, and the weights are scale free', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (J, k) => {
        const T = J.length;
        const G = gram(J);
        const cols = [...Array(T).keys()].map((t) => {
          const e = new Array(T).fill(0);
          e[t] = 1;
          return Array.from(alignedMTL(J, { pref: e }).weights);
        });
        const M = cols.map((bs) =>
          cols.map((bt) => bs.reduce((acc, x, i) => acc + x * G[i].reduce((y, g, j) => y + g * bt[j], 0), 0)),
        );
        const c = M[0][0];
        const tr = G.reduce((s, row, i) => s + row[i], 0);
        M.forEach((row, s) => {
          row.forEach((v, t) => {
            expect(Math.abs(v - (s === t ? c : 0))).toBeLessThan(1e-7 * tr);
          });
        });
        const r = alignedMTL(J);
        expectLinear(J, r, 1e-9);
        const scaled = alignedMTL(J.map((g) => g.map((x) => x * k)));
        expectClose(scaled.weights, r.weights, 1e-8 * Math.max(1, sumAbs(r.weights)));
      }),
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(permutedArb(independentArb(2, 4, 6)), ({ J, perm, P }) => {
        const a = alignedMTL(J);
        expectClose(
          alignedMTL(P).weights,
          perm.map((i) => a.weights[i]),
          1e-8 * Math.max(1, sumAbs(a.weights)),
        );
      }),
    );
  });

  it('a zero J keeps the preference weights; bad options are a ValueError', () => {
    expectClose(
      alignedMTL([
        [0, 0],
        [0, 0],
      ]).weights,
      [0.5, 0.5],
      0,
    );
    expect(() => alignedMTL([[1]], { scaleMode: 'max' as 'min' })).toThrow(ValueError);
    expect(() => alignedMTL([[1], [2]], { pref: [1] })).toThrow(/pref has length 1/);
  });
});
