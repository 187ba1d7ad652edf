import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { DBMTL } from '../../../src/mtl/weighting/index.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { closeAll, info, rows } from '../../support/weighting.js';

describe('DB-MTL', () => {
  it('two steps by hand: log-loss gradients, EMA buffer from 0, rescaled to the largest norm', () => {
    const m = new DBMTL();
    m.init(info(2));
    // Step 1: h = g/L = [(3,4), (0,4)], buffer = h + 0.9(0 − h) = 0.1h; norms 0.5, 0.4; α = (1, 1.25).
    const r1 = m.aggregate(
      rows([
        [3, 4],
        [0, 2],
      ]),
      [1, 0.5],
    );
    closeAll(r1.weights, [1, 1.25]);
    closeAll(r1.direction, [0.3, 0.4 + 1.25 * 0.4]);
    closeAll(r1.headWeights!, [1, 2]);
    // Step 2: h = [(0,1), (1,0)]; buffer = 0.1h + 0.9·buffer = [(0.27, 0.46), (0.1, 0.36)].
    const r2 = m.aggregate(
      rows([
        [0, 1],
        [1, 0],
      ]),
      [1, 1],
    );
    const n = [Math.hypot(0.27, 0.46), Math.hypot(0.1, 0.36)];
    const a = [1, n[0] / n[1]];
    closeAll(r2.weights, a);
    closeAll(r2.direction, [0.27 + a[1] * 0.1, 0.46 + a[1] * 0.36]);
  });

  it('betaSigma decays the EMA factor as β/k^σ', () => {
    const m = new DBMTL({ beta: 0.5, betaSigma: 1 });
    m.init(info(1));
    m.aggregate(rows([[2]]), [1]); // β_1 = 0.5: buffer 1
    const r = m.aggregate(rows([[4]]), [1]); // β_2 = 0.25: 4 + 0.25(1 − 4) = 3.25
    closeAll(r.direction, [3.25]);
  });

  it('is invariant to rescaling any task loss (L_t → c_t·L_t, g_t → c_t·g_t), and permutation equivariant', () => {
    const row = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            row,
            fc.double({ min: 0.5, max: 4, noNaN: true }),
            fc.double({ min: 0.1, max: 10, noNaN: true }),
          ),
          {
            minLength: 2,
            maxLength: 4,
          },
        ),
        (tasks) => {
          fc.pre(tasks.every(([g]) => g.some((v) => v !== 0)));
          const run = (J: number[][], L: number[]) => {
            const m = new DBMTL();
            m.init(info(J.length));
            m.aggregate(rows(J), L);
            return m.aggregate(rows(J.map((r) => r.map((v) => -v))), L);
          };
          const J = tasks.map(([g]) => g);
          const L = tasks.map(([, l]) => l);
          const base = run(J, L);
          const scaled = run(
            J.map((g, t) => g.map((v) => v * tasks[t][2])),
            L.map((l, t) => l * tasks[t][2]),
          );
          closeAll(scaled.direction, base.direction, 5);
          const rev = run([...J].reverse(), [...L].reverse());
          closeAll(rev.direction, base.direction, 8);
          closeAll(Array.from(rev.weights).reverse(), base.weights, 8);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an absent task keeps its buffer and sits out the step; bad options are named', () => {
    const m = new DBMTL({ beta: 0 });
    m.init(info(2));
    m.aggregate(
      rows([
        [1, 0],
        [0, 2],
      ]),
      [1, 1],
    );
    const r = m.aggregate(
      rows([
        [3, 0],
        [0, 0],
      ]),
      [1, 0],
      { epoch: 0, step: 1, present: [true, false] },
    );
    closeAll(r.weights, [1, 0]);
    closeAll(r.direction, [3, 0]);
    const r3 = m.aggregate(
      rows([
        [3, 0],
        [0, 1],
      ]),
      [1, 1],
    );
    closeAll(r3.direction, [3, 3]); // task 1's buffer (0, 1) rescaled to norm 3
    expect(() => new DBMTL({ beta: 2 })).toThrow(ValueError);
  });

  it('fit makes both losses fall', () => {
    expect(lossesFell(new DBMTL())).toBe(true);
  });
});
