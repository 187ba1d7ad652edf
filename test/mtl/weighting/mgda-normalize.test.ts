import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { createWeighting } from '../../../src/mtl/registry.js';
import { MGDA, type MgdaNormalization } from '../../../src/mtl/weighting/index.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { closeAll, info, rows } from '../../support/weighting.js';

const run = (normalize: MgdaNormalization, J: number[][], losses: number[]) => {
  const m = new MGDA({ normalize });
  m.init(info(J.length));
  const r = m.aggregate(rows(J), losses, { epoch: 0, step: 0 });
  return { direction: Array.from(r.direction), weights: Array.from(r.weights) };
};

const close = (a: number[], b: number[], digits = 10) => closeAll(a, b, digits);

describe('MGDA gradient normalisations (LibMTL mgda_gn)', () => {
  // g_1 = (3, 0), g_2 = (0, 1), L = (2, 4). For orthogonal rows r_1 = a·e_1, r_2 = b·e_2 the min-norm
  // weight on r_1 is γ = b²/(a² + b²) (minimise a²γ² + b²(1 − γ)²), and direction = (aγ, b(1 − γ)).
  const J = [
    [3, 0],
    [0, 1],
  ];
  const L = [2, 4];
  const expected = (a: number, b: number, n: [number, number]) => {
    const g = (b * b) / (a * a + b * b);
    return { direction: [a * g, b * (1 - g)], weights: [g / n[0], (1 - g) / n[1]] };
  };
  it.each([
    ['none', 3, 1, [1, 1]],
    ['l2', 1, 1, [3, 1]],
    ['loss', 3 / 2, 1 / 4, [2, 4]],
    ['loss+', 1 / 2, 1 / 4, [6, 4]],
  ] as const)("'%s': direction Σλ_t g_t/n_t and weights λ_t/n_t by hand", (mode, a, b, n) => {
    const r = run(mode, J, L);
    const e = expected(a, b, [n[0], n[1]]);
    close(r.direction, e.direction);
    close(r.weights, e.weights);
    // direction = Σ weights_t J_t holds for every normalisation; swapping the tasks swaps the weights.
    close(r.direction, [r.weights[0] * 3, r.weights[1] * 1]);
    close(run(mode, [J[1], J[0]], [L[1], L[0]]).weights, [r.weights[1], r.weights[0]]);
  });

  const rowsArb = fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }), {
    minLength: 2,
    maxLength: 4,
  });
  const lossArb = (n: number) =>
    fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: n, maxLength: n });
  const nonZero = (J: number[][]) => J.every((r) => r.some((v) => v !== 0));

  it("scale: 'l2' is unchanged by J → cJ; 'loss+' by J → cJ too, and L → cL divides the direction by c", () => {
    fc.assert(
      fc.property(
        rowsArb.chain((J) =>
          fc.tuple(fc.constant(J), lossArb(J.length), fc.double({ min: 0.2, max: 5, noNaN: true })),
        ),
        ([J, L, c]) => {
          fc.pre(nonZero(J));
          const cJ = J.map((r) => r.map((v) => c * v));
          close(run('l2', cJ, L).direction, run('l2', J, L).direction, 6);
          close(run('loss+', cJ, L).direction, run('loss+', J, L).direction, 6);
          const scaled = run(
            'loss+',
            J,
            L.map((l) => c * l),
          ).direction;
          close(
            scaled.map((v) => v * c),
            run('loss+', J, L).direction,
            6,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('permuting the tasks keeps the direction (the min-norm point is unique; λ may not be)', () => {
    fc.assert(
      fc.property(
        rowsArb.chain((J) => fc.tuple(fc.constant(J), lossArb(J.length))),
        ([J, L]) => {
          fc.pre(nonZero(J));
          for (const mode of ['none', 'l2', 'loss', 'loss+'] as const) {
            const a = run(mode, J, L);
            const b = run(mode, [...J].reverse(), [...L].reverse());
            close(b.direction, a.direction, 6);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a loss of 0 or a zero gradient enters as a zero row, never NaN; bad options are named', () => {
    const r = run('loss', J, [0, 4]);
    expect(r.weights.every(Number.isFinite)).toBe(true);
    expect(r.weights[0]).toBe(0);
    expect(() => new MGDA({ normalize: 'l1' as MgdaNormalization })).toThrow(ValueError);
    expect(() => new MGDA({ normalize: 'l1' as MgdaNormalization })).toThrow(/none, l2, loss, loss\+/);
  });

  it("registry names mgda-l2, mgda-loss and mgda-loss+ build the normalised forms; 'mgda' stays 'none'", () => {
    expect((createWeighting('mgda') as MGDA).normalize).toBe('none');
    expect((createWeighting('mgda-l2') as MGDA).normalize).toBe('l2');
    expect((createWeighting('mgda-loss') as MGDA).normalize).toBe('loss');
    expect((createWeighting('mgda-loss+') as MGDA).normalize).toBe('loss+');
  });

  it.each(['l2', 'loss', 'loss+'] as const)("fit with '%s' makes both losses fall", (normalize) => {
    expect(lossesFell(new MGDA({ normalize }))).toBe(true);
  });
});
