import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { fairGrad } from '../../../src/mtl/aggregators/index.js';
import {
  combo,
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  norm,
  permutedArb,
} from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

const alphaArb = fc.constantFrom(0.25, 0.5, 1, 2, 5);

describe('fairGrad', () => {
  it("with α = 1 solves Nash-MTL's equation: torchjd's published NashMTL direction (norm 1)", () => {
    const c = torchjd.aggregators['NashMTL(n_tasks=2)'];
    const d = fairGrad(inputOf(c), { alpha: 1 }).direction;
    const n = norm(d);
    expectClose(
      Array.from(d, (x) => x / n),
      c.direction as number[],
      TORCHJD_TOL,
    );
  });

  it('solves w_t^(1/α) · (g_t·d) = 1 with w > 0, checked on the rows', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), alphaArb, (J, alpha) => {
        const r = fairGrad(J, { alpha });
        expect(r.converged).toBe(true);
        expectLinear(J, r, 1e-8);
        const d = combo(J, r.weights);
        for (let t = 0; t < J.length; t++) {
          expect(r.weights[t]).toBeGreaterThan(0);
          expect(Math.abs(r.weights[t] ** (1 / alpha) * dotp(J[t], d) - 1)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('orthogonal gradients get w_t = ‖g_t‖^(−2α/(1+α)) (from ‖g_t‖² w_t = w_t^(−1/α))', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 5 }),
        alphaArb,
        (scales, alpha) => {
          const T = scales.length;
          const J = scales.map((s, t) => Array.from({ length: T + 1 }, (_, i) => (i === t ? s : 0)));
          const expected = scales.map((s) => s ** ((-2 * alpha) / (1 + alpha)));
          expectClose(fairGrad(J, { alpha }).weights, expected, 1e-8 * Math.max(...expected));
        },
      ),
    );
  });

  it('scaling J by c scales the direction by c^((1−α)/(1+α))', () => {
    fc.assert(
      fc.property(
        independentArb(2, 4, 6),
        alphaArb,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (J, alpha, c) => {
          const a = fairGrad(J, { alpha }).direction;
          const b = fairGrad(
            J.map((g) => g.map((x) => c * x)),
            { alpha },
          ).direction;
          const f = c ** ((1 - alpha) / (1 + alpha));
          expectClose(
            b,
            Array.from(a, (x) => f * x),
            1e-7 * f * norm(a),
          );
        },
      ),
    );
  });

  it('permuting the tasks permutes the weights', () => {
    fc.assert(
      fc.property(permutedArb(independentArb(2, 5, 8)), alphaArb, ({ J, perm, P }, alpha) => {
        const a = fairGrad(J, { alpha }).weights;
        const b = fairGrad(P, { alpha }).weights;
        expectClose(
          b,
          perm.map((i) => a[i]),
          1e-7 * Math.max(...Array.from(a)),
        );
      }),
    );
  });

  it('a zero gradient gets weight 0; opposite gradients (no solution) report converged false', () => {
    const r = fairGrad([
      [0, 0],
      [3, 4],
    ]);
    expect(r.weights[0]).toBe(0);
    expectClose([r.weights[1]], [1 / 5], 1e-9); // 25 w = 1/w
    expect(
      fairGrad([
        [1, 2],
        [-1, -2],
      ]).converged,
    ).toBe(false);
  });

  it('rejects a hostile alpha and bad solver options with a ValueError', () => {
    for (const alpha of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      expect(() => fairGrad([[1, 0]], { alpha })).toThrow(ValueError);
    }
    expect(() => fairGrad([[1, 0]], { alpha: Number.NaN })).toThrow(
      /alpha must be a finite number > 0, got NaN/,
    );
    expect(() => fairGrad([[1, 0]], { maxIter: -1 })).toThrow(ValueError);
    expect(() => fairGrad([[1, 0]], { tol: Number.NaN })).toThrow(ValueError);
  });
});
