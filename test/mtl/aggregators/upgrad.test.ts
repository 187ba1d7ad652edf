import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { upgrad } from '../../../src/mtl/aggregators/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  matrixArb,
  maxRowNormSq,
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

describe('upgrad', () => {
  it("matches torchjd's published direction and weights on J_base", () => {
    const r = upgrad(inputOf(torchjd.aggregators.UPGrad));
    expectClose(r.direction, torchjd.aggregators.UPGrad.direction as number[], TORCHJD_TOL);
    expectClose(r.weights, torchjd.weightings.UPGradWeighting.weights as number[], TORCHJD_TOL);
  });

  it('the weights are the sum of the brute-force projections of each scaled row (T ≤ 5)', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 6), (J) => {
        fc.pre(frobSq(J) >= 1e-3);
        const G = torchjdGramian(J);
        const T = J.length;
        const expected = new Array<number>(T).fill(0);
        for (let t = 0; t < T; t++) {
          const u = new Array<number>(T).fill(0);
          u[t] = 1 / T;
          bruteForceDualCone(G, u).forEach((v, s) => {
            expected[s] += v;
          });
        }
        const r = upgrad(J);
        expectClose(r.weights, expected, 1e-7 * Math.max(1, sumAbs(expected)));
        expectLinear(J, r, 1e-9);
      }),
    );
  });

  it('never conflicts: J·d ≥ 0 exactly without regularisation, ≥ −regEps·‖J‖²_F·w_t with it', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), (J) => {
        const scale = maxRowNormSq(J);
        const exact = upgrad(J, { regEps: 0 });
        for (const g of J) {
          expect(dotp(g, exact.direction)).toBeGreaterThanOrEqual(-1e-9 * scale * sumAbs(exact.weights));
        }
        const reg = upgrad(J);
        J.forEach((g, t) => {
          const bound = -1e-4 * frobSq(J) * reg.weights[t] - 1e-9 * scale * sumAbs(reg.weights);
          expect(dotp(g, reg.direction)).toBeGreaterThanOrEqual(bound);
        });
      }),
    );
  });

  it('without conflict (all g_s·g_t ≥ 0) it is the mean gradient', () => {
    const positive = fc.double({ min: 0, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (T, D) => {
        fc.assert(
          fc.property(
            fc.array(fc.array(positive, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
            (J) => {
              fc.pre(frobSq(J) >= 1e-3);
              expectClose(upgrad(J).weights, new Array(T).fill(1 / T), 1e-12);
            },
          ),
          { numRuns: 5 },
        );
      }),
      { numRuns: 20 },
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(permutedArb(matrixArb(2, 5, 1, 6)), ({ J, perm, P }) => {
        fc.pre(frobSq(J) >= 1e-3);
        const a = upgrad(J);
        const b = upgrad(P);
        const tol = 1e-9 * Math.max(1, sumAbs(a.weights));
        expectClose(
          b.weights,
          perm.map((i) => a.weights[i]),
          tol,
        );
      }),
    );
  });

  it('scaling J by k > 0 scales the direction by k (while ‖J‖²_F stays above normEps)', () => {
    fc.assert(
      fc.property(matrixArb(2, 4, 1, 5), fc.double({ min: 0.01, max: 1e6, noNaN: true }), (J, k) => {
        fc.pre(frobSq(J) * Math.min(1, k * k) >= 1e-3);
        const a = upgrad(J);
        const b = upgrad(J.map((g) => g.map((x) => x * k)));
        expectClose(b.weights, a.weights, 1e-9 * Math.max(1, sumAbs(a.weights)));
        expectClose(
          b.direction,
          Array.from(a.direction, (x) => k * x),
          1e-9 * k * Math.sqrt(maxRowNormSq(J)) * Math.max(1, sumAbs(a.weights)),
        );
      }),
    );
  });

  it('as torchjd, a J with ‖J‖²_F below normEps gets the preference weights (its Gramian is zeroed)', () => {
    const J = [
      [-4e-3, 1e-3],
      [6e-3, 1e-3],
    ];
    expectClose(upgrad(J).weights, [0.5, 0.5], 1e-15);
    expect(upgrad(J, { normEps: 0 }).weights[0]).toBeGreaterThan(0.6); // then the conflict is resolved
  });

  it('a preference vector weights the projected rows', () => {
    // Orthogonal rows never conflict: the projections are the scaled rows themselves.
    const r = upgrad(
      [
        [1, 0],
        [0, 1],
      ],
      { pref: [2, 3] },
    );
    expectClose(r.weights, [2, 3], 1e-12);
  });

  it('rejects bad options with a ValueError', () => {
    const J = [
      [1, 0],
      [0, 1],
    ];
    expect(() => upgrad(J, { regEps: -1 })).toThrow(ValueError);
    expect(() => upgrad(J, { normEps: Number.NaN })).toThrow(ValueError);
    expect(() => upgrad(J, { pref: [1] })).toThrow(/pref has length 1, but J has 2 rows/);
    expect(() => upgrad(J, { pref: [1, Number.POSITIVE_INFINITY] })).toThrow(ValueError);
  });
});
