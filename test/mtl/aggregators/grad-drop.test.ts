import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { gradDrop } from '../../../src/mtl/aggregators/index.js';
import { GradDrop } from '../../../src/mtl/weighting/index.js';
import { combo, expectClose, type Mat, matrixArb, permutedArb } from '../../support/aggregators.js';
import { inputOf, torchjd } from '../../support/torchjd-values.js';

/** Entries bounded away from 0 with a fixed sign per column. */
const sameSignArb = fc
  .record({ T: fc.integer({ min: 1, max: 5 }), D: fc.integer({ min: 1, max: 8 }) })
  .chain(({ T, D }) =>
    fc.array(fc.boolean(), { minLength: D, maxLength: D }).chain((signs) =>
      fc
        .array(fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: D, maxLength: D }), {
          minLength: T,
          maxLength: T,
        })
        .map((J) => J.map((g) => g.map((x, i) => (signs[i] ? x : -x)))),
    ),
  );

describe('gradDrop', () => {
  it("torchjd's published value [6, 2, 2]: agreeing columns kept whole, column 0 is + with P = 0.6", () => {
    const c = torchjd.aggregators.GradDrop;
    const J = inputOf(c);
    let positive = 0;
    const n = 2000;
    for (let seed = 0; seed < n; seed++) {
      const d = gradDrop(J, { seed }).direction;
      expectClose([d[1], d[2]], (c.direction as number[]).slice(1), 0);
      // Column 0 is −4 and 6: P = ½ (1 + 2/10) = 0.6; torchjd's draw kept the positive one.
      expect([6, -4]).toContain(d[0]);
      if (d[0] === c.direction?.[0]) positive++;
    }
    // Binomial(2000, 0.6): the standard deviation of the share is 0.011.
    expect(Math.abs(positive / n - 0.6)).toBeLessThan(0.05);
  });

  it('gradients of the same sign in every coordinate are kept: the sum, weights 1', () => {
    fc.assert(
      fc.property(sameSignArb, fc.integer(), (J, seed) => {
        const r = gradDrop(J, { seed });
        expectClose(
          r.direction,
          combo(
            J,
            J.map(() => 1),
          ),
          1e-12 * 10 * J.length,
        );
        expectClose(
          r.weights,
          J.map(() => 1),
          1e-12,
        );
      }),
    );
  });

  it('each coordinate is the sum of its positive or of its negative entries; leak 1 keeps all', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 8), fc.integer(), (J, seed) => {
        const d = gradDrop(J, { seed }).direction;
        d.forEach((v, i) => {
          const pos = J.reduce((s, g) => s + Math.max(g[i], 0), 0);
          const neg = J.reduce((s, g) => s + Math.min(g[i], 0), 0);
          expect(Math.min(Math.abs(v - pos), Math.abs(v - neg))).toBeLessThanOrEqual(1e-12 * 50);
        });
        const all = gradDrop(J, { seed, leak: 1 }).direction;
        expectClose(
          all,
          combo(
            J,
            J.map(() => 1),
          ),
          1e-12 * 50,
        );
      }),
    );
  });

  it('positive scaling scales the direction; permuting the tasks changes nothing but the weight order', () => {
    fc.assert(
      fc.property(
        permutedArb(matrixArb(2, 5, 1, 8)),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer(),
        ({ J, perm, P }, c, seed) => {
          const a = gradDrop(J, { seed });
          const scaled: Mat = J.map((g) => g.map((x) => c * x));
          expectClose(
            gradDrop(scaled, { seed }).direction,
            Array.from(a.direction, (x) => c * x),
            1e-9 * c * 50,
          );
          const b = gradDrop(P, { seed });
          expectClose(b.direction, a.direction, 1e-9 * 50);
          expectClose(
            b.weights,
            perm.map((i) => a.weights[i]),
            1e-12,
          );
        },
      ),
    );
  });

  it('a per-task leak lets that share of a dropped entry through', () => {
    // Column: 1 and −3 → P = ¼. Whichever sign is dropped passes at its task's leak.
    for (let seed = 0; seed < 50; seed++) {
      const d = gradDrop([[1], [-3]], { seed, leak: [0.5, 0.25] }).direction[0];
      expect([1 + 0.25 * -3, 0.5 * 1 - 3]).toContain(d);
    }
  });

  it('rejects a hostile leak with a ValueError', () => {
    for (const leak of [-0.1, 2, Number.NaN, [0.5], [0, 0, 0]]) {
      expect(() => gradDrop([[1], [2]], { leak })).toThrow(ValueError);
    }
    expect(() => new GradDrop({ leak: -1 })).toThrow(/leak\[0\] is -1; must be in \[0, 1\]/);
    const w = new GradDrop({ leak: [0, 0, 0] });
    expect(() =>
      w.aggregate([new Float64Array([1]), new Float64Array([2])], [1, 1], { epoch: 0, step: 0 }),
    ).toThrow(/3 leak values given, but there are 2 tasks/);
  });
});
