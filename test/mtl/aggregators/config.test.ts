import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conFIG } from '../../../src/mtl/aggregators/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  maxRowNormSq,
  norm,
  permutedArb,
  sumAbs,
} from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('conFIG', () => {
  it("matches torchjd's published direction on J_base", () => {
    expectClose(
      conFIG(inputOf(torchjd.aggregators.ConFIG)).direction,
      torchjd.aggregators.ConFIG.direction as number[],
      TORCHJD_TOL,
    );
  });

  it('independent rows: equal positive cosines with every task, and ‖d‖² = Σ_t g_t·d', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), (J) => {
        const r = conFIG(J);
        expectLinear(J, r, 1e-8);
        const d = r.direction;
        const cos = J.map((g) => dotp(g, d) / (norm(g) * norm(d)));
        for (const c of cos) {
          expect(c).toBeGreaterThan(0);
          expect(Math.abs(c - cos[0])).toBeLessThan(1e-7);
        }
        const proj = J.reduce((s, g) => s + dotp(g, d), 0);
        expect(Math.abs(dotp(d, d) - proj)).toBeLessThan(1e-7 * maxRowNormSq(J) * J.length ** 2);
      }),
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(permutedArb(independentArb(2, 4, 6)), ({ J, perm, P }) => {
        const a = conFIG(J);
        expectClose(
          conFIG(P).weights,
          perm.map((i) => a.weights[i]),
          1e-7 * Math.max(1, sumAbs(a.weights)),
        );
      }),
    );
  });

  it('a zero row gets weight 0 and a zero J gives a zero direction', () => {
    const r = conFIG([
      [0, 0],
      [1, 0],
      [0, 2],
    ]);
    expect(r.weights[0]).toBe(0);
    // Units e1, e2: x = [1, 1], e = x/√2, length = (1 + 2)/√2, d = length·e = [1.5, 1.5].
    expectClose(r.direction, [1.5, 1.5], 1e-12);
    expectClose(
      conFIG([
        [0, 0],
        [0, 0],
      ]).direction,
      [0, 0],
      0,
    );
  });
});
