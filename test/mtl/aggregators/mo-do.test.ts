import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../src/errors.js';
import { mgda, moDo } from '../../../src/mtl/aggregators/index.js';
import { MoDo } from '../../../src/mtl/weighting/index.js';
import {
  dotp,
  expectClose,
  expectLinear,
  independentArb,
  type Mat,
  matrixArb,
  sumOf,
} from '../../support/aggregators.js';

describe('moDo', () => {
  it('hand derivation: J = diag(2, 1), γ = ρ = 0.1 → λ = Π([0.295, 0.445]) = [0.425, 0.575]', () => {
    // λ − γ(Gλ + ρλ) = 0.5 − 0.1·(4·0.5 + 0.05), 0.5 − 0.1·(0.5 + 0.05); shifting both by 0.13 sums to 1.
    const r = moDo(
      [
        [2, 0],
        [0, 1],
      ],
      { gamma: 0.1, rho: 0.1 },
    );
    expectClose(r.weights, [0.425, 0.575], 1e-15);
    expectClose(r.direction, [0.85, 0.575], 1e-15);
  });

  it('weights on the simplex, direction = Σ λ_t g_t; pair [J, J] is the default; γ = 0 keeps λ', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 6), fc.double({ min: 0, max: 1, noNaN: true }), (J, gamma) => {
        const r = moDo(J, { gamma });
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-12);
        for (const w of r.weights) expect(w).toBeGreaterThanOrEqual(0);
        expectLinear(J, r, 1e-12);
        expectClose(moDo(J, { gamma, pair: [J, J] }).weights, r.weights, 0);
        const lambda = J.map((_, t) => (t === 0 ? 1 : 0));
        expectClose(moDo(J, { gamma: 0, lambda }).weights, lambda, 0);
      }),
    );
  });

  it('the update uses J₁J₂ᵀ from the pair (checked by plain loops)', () => {
    const J: Mat = [
      [1, 2],
      [3, -1],
    ];
    const A: Mat = [
      [0.5, 1],
      [-2, 1],
    ];
    const B: Mat = [
      [1, 0],
      [1, 1],
    ];
    const lambda = [0.3, 0.7];
    const gamma = 0.05;
    const v = [0, 1].map((i) => lambda[0] * B[0][i] + lambda[1] * B[1][i]);
    const step = A.map((a, t) => lambda[t] - gamma * (dotp(a, v) + 0.1 * lambda[t]));
    const shift = (1 - sumOf(step)) / 2; // both stay positive here
    expectClose(
      moDo(J, { gamma, lambda, pair: [A, B] }).weights,
      step.map((x) => x + shift),
      1e-15,
    );
  });

  it('repeated steps with ρ = 0 converge to MGDA’s min-norm weights', () => {
    fc.assert(
      fc.property(independentArb(2, 3, 5), (J) => {
        const trace = J.reduce((s, g) => s + dotp(g, g), 0);
        let lambda: Float64Array | undefined;
        for (let k = 0; k < 20000; k++) lambda = moDo(J, { gamma: 1 / trace, rho: 0, lambda }).weights;
        const m = mgda(J);
        const d = moDo(J, { gamma: 0, rho: 0, lambda }).direction;
        // Compare the min-norm directions (unique even when the weights are not).
        expectClose(d, m.direction, 1e-3 * Math.sqrt(trace));
      }),
      { numRuns: 20 },
    );
  });

  it('rejects hostile options with named errors', () => {
    const J = [
      [1, 0],
      [0, 1],
    ];
    for (const gamma of [Number.NaN, -1]) expect(() => moDo(J, { gamma })).toThrow(ValueError);
    expect(() => moDo(J, { rho: -0.1 })).toThrow(ValueError);
    expect(() => moDo(J, { lambda: [1] })).toThrow(/lambda must hold 2 numbers/);
    expect(() => moDo(J, { lambda: [1, Number.NaN] })).toThrow(ValueError);
    expect(() => moDo(J, { pair: [J, [[1, 0]]] })).toThrow(ShapeError);
    expect(() => new MoDo({ gamma: Number.NaN })).toThrow(ValueError);
  });
});

describe('MoDo weighting', () => {
  it('keeps λ between steps; reset() restores 1/T', () => {
    const w = new MoDo({ gamma: 0.1 });
    const J = [Float64Array.of(2, 0), Float64Array.of(0, 1)];
    const s = { epoch: 0, step: 0 };
    const first = w.aggregate(J, [1, 1], s).weights;
    const second = w.aggregate(J, [1, 1], s).weights;
    expectClose(second, moDo(J, { gamma: 0.1, lambda: first }).weights, 0);
    w.reset();
    expectClose(w.aggregate(J, [1, 1], s).weights, first, 0);
  });
});
