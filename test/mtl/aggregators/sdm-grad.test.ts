import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { sdmGrad } from '../../../src/mtl/aggregators/index.js';
import { SDMGrad } from '../../../src/mtl/weighting/index.js';
import {
  expectClose,
  expectLinear,
  independentArb,
  type Mat,
  meanRow,
  permutedArb,
  sumOf,
} from '../../support/aggregators.js';

describe('sdmGrad', () => {
  it('hand derivation: J = diag(2, 1), λ = 0.3, one iteration', () => {
    // s = (2 + 1)/2, Ĝ = diag(4, 1)/2.25, row means Ĝ1/2 = [0.8889, 0.2222]; the SGD step from
    // [0.5, 0.5] is 0.5 − 5·(Ĝw + 0.3·mean) = [−5.2778, −0.9444], projected to [0, 1].
    const r = sdmGrad(
      [
        [2, 0],
        [0, 1],
      ],
      { iterations: 1 },
    );
    expectClose(r.simplexWeights, [0, 1], 1e-15);
    expectClose(r.weights, [0.15 / 1.3, 1.15 / 1.3], 1e-15);
    expectClose(r.direction, [0.3 / 1.3, 1.15 / 1.3], 1e-15);
  });

  it('no iterations keep w = 1/T: the mean gradient', () => {
    fc.assert(
      fc.property(independentArb(1, 5, 8), (J) => {
        expectClose(sdmGrad(J, { iterations: 0 }).direction, meanRow(J), 1e-12);
      }),
    );
  });

  it('weights sum to 1 and are ≥ λ/(T(1 + λ)); direction = Σ w_t g_t; pair [J, J] is the default', () => {
    fc.assert(
      fc.property(independentArb(1, 5, 8), fc.double({ min: 0, max: 2, noNaN: true }), (J, lambda) => {
        const r = sdmGrad(J, { lambda });
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-12);
        for (const w of r.weights)
          expect(w).toBeGreaterThanOrEqual(lambda / (J.length * (1 + lambda)) - 1e-15);
        expectLinear(J, r, 1e-12);
        expectClose(sdmGrad(J, { lambda, pair: [J, J] }).weights, r.weights, 0);
      }),
    );
  });

  // The inner SGD (learning rate 5) amplifies rounding, so these compare in exact arithmetic:
  // swapping two tasks reorders only sums of two terms, and powers of 2 scale without rounding.
  it('T = 2: swapping the tasks swaps the weights; scaling J by 2^k keeps them, exactly', () => {
    fc.assert(
      fc.property(
        permutedArb(independentArb(2, 2, 8)),
        fc.integer({ min: -20, max: 20 }),
        ({ J, perm, P }, k) => {
          const a = sdmGrad(J).weights;
          expectClose(
            sdmGrad(P).weights,
            perm.map((i) => a[i]),
            0,
          );
          const scaled: Mat = J.map((g) => g.map((x) => x * 2 ** k));
          expectClose(sdmGrad(scaled).weights, a, 0);
        },
      ),
    );
  });

  it('rejects hostile options with named errors', () => {
    const J = [
      [1, 0],
      [0, 1],
    ];
    for (const lambda of [Number.NaN, -1]) expect(() => sdmGrad(J, { lambda })).toThrow(ValueError);
    expect(() => sdmGrad(J, { iterations: 1.5 })).toThrow(ValueError);
    expect(() => sdmGrad(J, { simplexWeights: [1, 0, 0] })).toThrow(/simplexWeights must hold 2 numbers/);
    expect(() => new SDMGrad({ iterations: -1 })).toThrow(ValueError);
  });
});

describe('SDMGrad weighting', () => {
  it('warm-starts from the last w; reset() restores 1/T', () => {
    const w = new SDMGrad();
    const J = [Float64Array.of(2, 0.5), Float64Array.of(-1, 1)];
    const s = { epoch: 0, step: 0 };
    const first = sdmGrad(J);
    expectClose(w.aggregate(J, [1, 1], s).weights, first.weights, 0);
    const second = sdmGrad(J, { simplexWeights: first.simplexWeights });
    expectClose(w.aggregate(J, [1, 1], s).weights, second.weights, 0);
    w.reset();
    expectClose(w.aggregate(J, [1, 1], s).weights, first.weights, 0);
  });
});
