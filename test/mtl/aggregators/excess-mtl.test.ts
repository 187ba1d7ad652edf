import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../src/errors.js';
import { type ExcessMtlState, excessMTL } from '../../../src/mtl/aggregators/index.js';
import { ExcessMTL } from '../../../src/mtl/weighting/index.js';
import {
  combo,
  expectClose,
  expectLinear,
  independentArb,
  type Mat,
  permutedArb,
} from '../../support/aggregators.js';

/** Runs excessMTL over a sequence of Jacobians, threading the state. */
function run(Js: Mat[], stepSize?: number) {
  let state: ExcessMtlState | undefined;
  let last = excessMTL(Js[0], { stepSize });
  state = last.state;
  for (const J of Js.slice(1)) {
    last = excessMTL(J, { stepSize, state });
    state = last.state;
  }
  return last;
}

describe('excessMTL', () => {
  it('the first step only records the estimates: weights 1, the sum of the gradients', () => {
    fc.assert(
      fc.property(independentArb(1, 5, 8), (J) => {
        const r = excessMTL(J);
        expectClose(
          r.weights,
          J.map(() => 1),
          0,
        );
        expectLinear(J, r, 1e-12);
      }),
    );
  });

  it('hand derivation: a task whose gradient doubles gains weight exp(η·(e₂/e₁ − e₂′/e₁′))', () => {
    const g = [0.5, -1, 2];
    const h = [1, 0.25, -0.5];
    const eta = 0.7;
    const r = run(
      [
        [g, h],
        [g.map((x) => 2 * x), h],
      ],
      eta,
    );
    // e after k steps of a row: Σ_i x_i² / √(accumulated x_i² + 1e-7).
    const e = (x: number[], acc: number[]) =>
      x.reduce((s, v, i) => s + (v * v) / Math.sqrt(acc[i] + 1e-7), 0);
    const r0 =
      e(
        g.map((x) => 2 * x),
        g.map((x) => 5 * x * x),
      ) /
      e(
        g,
        g.map((x) => x * x),
      );
    const r1 =
      e(
        h,
        h.map((x) => 2 * x * x),
      ) /
      e(
        h,
        h.map((x) => x * x),
      );
    const a = Math.exp(eta * r0);
    const b = Math.exp(eta * r1);
    expectClose(r.weights, [(2 * a) / (a + b), (2 * b) / (a + b)], 1e-12);
    expectClose(r.direction, combo([g.map((x) => 2 * x), h], r.weights), 1e-12);
  });

  it('a constant J keeps equal weights (every task’s ratio is 1/√k, up to the 1e-7 in the root)', () => {
    fc.assert(
      fc.property(independentArb(2, 4, 6), (J) => {
        expectClose(
          run([J, J, J, J]).weights,
          J.map(() => 1),
          1e-6,
        );
      }),
    );
  });

  it('permutation equivariance and scale invariance of the weights over steps', () => {
    fc.assert(
      fc.property(
        permutedArb(independentArb(2, 4, 6)),
        fc.double({ min: 1, max: 100, noNaN: true }),
        ({ J, perm, P }, c) => {
          const second = J.map((g, t) => g.map((x) => x * (t + 2)));
          const a = run([J, second], 0.5).weights;
          const b = run([P, perm.map((i) => second[i])], 0.5).weights;
          expectClose(
            b,
            perm.map((i) => a[i]),
            1e-12,
          );
          const s = run(
            [J, second].map((M) => M.map((g) => g.map((x) => c * x))),
            0.5,
          ).weights;
          // Only the 1e-7 inside the square root is not scale free: rows of norm ≥ 0.1 keep its share of
          // each e_t below about 1e-4 (scaling up only shrinks it).
          expectClose(s, a, 1e-3);
        },
      ),
    );
  });

  it('a zero row (an absent task) keeps its weight until it has an estimate', () => {
    const first = excessMTL([
      [0, 0],
      [1, 2],
    ]);
    expect(Number.isNaN(first.state.initial[0])).toBe(true);
    const second = excessMTL(
      [
        [3, 1],
        [1, 2],
      ],
      { state: first.state, stepSize: 1 },
    );
    // Task 0 records its estimate now; task 1's ratio is 1/√2.
    const b = Math.exp(1 / Math.SQRT2);
    expectClose(second.weights, [2 / (1 + b), (2 * b) / (1 + b)], 1e-6);
  });

  it('rejects a bad step size or a state of another shape with named errors', () => {
    for (const stepSize of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => excessMTL([[1]], { stepSize })).toThrow(ValueError);
    }
    const { state } = excessMTL([[1, 2]]);
    expect(() => excessMTL([[1, 2, 3]], { state })).toThrow(ShapeError);
    expect(() => new ExcessMTL({ stepSize: -1 })).toThrow(ValueError);
  });
});

describe('ExcessMTL weighting', () => {
  it('threads the state, reports 0 for an absent task, and reset() starts over', () => {
    const w = new ExcessMTL({ stepSize: 0.5 });
    w.init({ tasks: ['a', 'b'], taskWeights: [1, 1], kinds: ['regression', 'regression'] });
    const J1 = [Float64Array.of(1, 2), Float64Array.of(-1, 0.5)];
    const J2 = [Float64Array.of(3, 2), Float64Array.of(-1, 0.5)];
    const s = { epoch: 0, step: 0 };
    w.aggregate(J1, [1, 1], s);
    const expected = run(
      [
        [
          [1, 2],
          [-1, 0.5],
        ],
        [
          [3, 2],
          [-1, 0.5],
        ],
      ],
      0.5,
    );
    expectClose(w.aggregate(J2, [1, 1], s).weights, expected.weights, 1e-15);
    w.reset();
    expectClose(w.aggregate(J1, [1, 1], s).weights, [1, 1], 0);
    const absent = w.aggregate([Float64Array.of(0, 0), J2[1]], [1, 1], { ...s, present: [false, true] });
    expect(absent.weights[0]).toBe(0);
  });
});
