import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../src/errors.js';
import { gradVac, pcgrad } from '../../../src/mtl/aggregators/index.js';
import { GradVac } from '../../../src/mtl/weighting/index.js';
import {
  combo,
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  type Mat,
  norm,
} from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => dotp(a, b) / (norm(a) * norm(b));
const targetArb = fc.double({ min: -0.95, max: 0.95, noNaN: true });

describe('gradVac', () => {
  it("first step (targets 0) is PCGrad: torchjd's published PCGrad value", () => {
    const c = torchjd.aggregators.PCGrad;
    const r = gradVac(inputOf(c), { seed: 1 });
    expectClose(r.direction, c.direction as number[], TORCHJD_TOL);
  });

  it('first step equals pcgrad with the same visiting order, for any T', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), fc.integer(), (J, seed) => {
        const a = gradVac(J, { seed });
        const b = pcgrad(J, { seed });
        expectClose(a.weights, b.weights, 1e-9 * Math.max(1, ...Array.from(b.weights, Math.abs)));
        expectLinear(J, a, 1e-9);
      }),
    );
  });

  it('cosine targets already met change nothing: the plain sum, weights 1', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 8), fc.integer(), (J, seed) => {
        const targets = J.map((g, i) => J.map((h, j) => (i === j ? 0 : Math.max(-1, cos(g, h) - 1e-6))));
        const r = gradVac(J, { seed, targets });
        expectClose(
          r.weights,
          J.map(() => 1),
          0,
        );
      }),
    );
  });

  it('T = 2: an adjusted gradient has exactly the target cosine with the other (Wang et al. eq. 2)', () => {
    fc.assert(
      fc.property(independentArb(2, 2, 6), targetArb, targetArb, (J, t01, t10) => {
        const r = gradVac(J, {
          targets: [
            [0, t01],
            [t10, 0],
          ],
          seed: 0,
        });
        const targets = [t01, t10];
        for (const i of [0, 1]) {
          const adjusted = combo(J, r.coefficients[i]);
          const before = cos(J[i], J[1 - i]);
          const expected = before < targets[i] ? targets[i] : before;
          expect(Math.abs(cos(adjusted, J[1 - i]) - expected)).toBeLessThan(1e-7);
        }
      }),
    );
  });

  it('T = 2: the targets move to (1 − β)·ρ̂ + β·cos(g_i, g_j)', () => {
    fc.assert(
      fc.property(
        independentArb(2, 2, 6),
        targetArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (J, t, beta) => {
          const r = gradVac(J, {
            targets: [
              [0.3, t],
              [t, 0.3],
            ],
            beta,
          });
          const want = (1 - beta) * t + beta * cos(J[0], J[1]);
          expectClose(
            r.targets.flatMap((row) => Array.from(row)),
            [0.3, want, want, 0.3],
            1e-12,
          );
        },
      ),
    );
  });

  it('positive scaling of J keeps the weights (cosines and norm ratios only)', () => {
    fc.assert(
      fc.property(
        independentArb(2, 4, 6),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer(),
        (J, c, seed) => {
          const targets = J.map(() => J.map(() => 0.4));
          const a = gradVac(J, { seed, targets }).weights;
          const scaled: Mat = J.map((g) => g.map((x) => c * x));
          const b = gradVac(scaled, { seed, targets }).weights;
          expectClose(b, a, 1e-9 * Math.max(1, ...Array.from(a, Math.abs)));
        },
      ),
    );
  });

  it('rejects hostile options with named errors', () => {
    const J = [
      [1, 0],
      [0, 1],
    ];
    for (const beta of [Number.NaN, -0.1, 1.5]) expect(() => gradVac(J, { beta })).toThrow(ValueError);
    expect(() => gradVac(J, { targets: [[0, 0]] })).toThrow(ShapeError);
    expect(() =>
      gradVac(J, {
        targets: [
          [0, 2],
          [0, 0],
        ],
      }),
    ).toThrow(/targets\[0\]\[1\] is 2; must be a cosine in \[-1, 1\]/);
  });
});

describe('GradVac weighting', () => {
  const info = { tasks: ['a', 'b'], taskWeights: [1, 1], kinds: ['regression', 'regression'] };
  const J = torchjd.J_base.map((g) => Float64Array.from(g));
  const step = { epoch: 0, step: 0 };

  it('keeps its targets between steps; reset() starts over', () => {
    const w = new GradVac({ seed: 3 });
    w.init(info);
    const first = w.aggregate(J, [1, 1], step).weights;
    const second = w.aggregate(J, [1, 1], step).weights;
    // After one step with β = 0.5 both targets are 0.5·cos(g_0, g_1).
    const t = 0.5 * cos(J[0], J[1]);
    const expected = gradVac(J, {
      targets: [
        [0, t],
        [t, 0],
      ],
    }).weights;
    expectClose(second, expected, 1e-12);
    expect(Math.abs(second[0] - first[0])).toBeGreaterThan(1e-3);
    w.reset();
    expectClose(w.aggregate(J, [1, 1], step).weights, first, 0);
  });
});
