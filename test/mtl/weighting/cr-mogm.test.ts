import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { createWeighting } from '../../../src/mtl/registry.js';
import { CAGrad, CRMOGM, EW, IMTL, MGDA, UPGrad, type Weighting } from '../../../src/mtl/weighting/index.js';
import type { GradientWeighting } from '../../../src/mtl/weighting/types.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { info, rows } from '../../support/weighting.js';

describe('CR-MOGM', () => {
  const inners: [string, () => GradientWeighting][] = [
    ['MGDA', () => new MGDA()],
    ['IMTL', () => new IMTL()],
    ['UPGrad', () => new UPGrad()],
    ['CAGrad', () => new CAGrad()],
  ];
  const matrices = fc.array(
    fc.array(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 3, maxLength: 3 }), {
      minLength: 2,
      maxLength: 2,
    }),
    { minLength: 1, maxLength: 4 },
  );

  it.each(inners)('decay 0 gives exactly the inner method (%s) at every step', (_, make) => {
    fc.assert(
      fc.property(matrices, (steps) => {
        const inner = make();
        const cr = new CRMOGM(make(), { decay: 0 });
        inner.init(info(2));
        cr.init(info(2));
        for (const J of steps) {
          const a = inner.aggregate(rows(J), [1, 1], { epoch: 0, step: 0 });
          const b = cr.aggregate(rows(J), [1, 1], { epoch: 0, step: 0 });
          expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
          expect(Array.from(b.direction)).toEqual(Array.from(a.direction));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('decay 0.5 over two MGDA steps, by hand', () => {
    const cr = new CRMOGM(new MGDA(), { decay: 0.5 });
    cr.init(info(2));
    // Step 1: g = (3, 0), (0, 1): min-norm weight on g_1 is 1/(9 + 1) = 0.1.
    const r1 = cr.aggregate(
      rows([
        [3, 0],
        [0, 1],
      ]),
      [1, 1],
    );
    expect(Array.from(r1.weights)).toEqual([expect.closeTo(0.1, 12), expect.closeTo(0.9, 12)]);
    // Step 2: g = (1, 0), (0, 1): MGDA gives (0.5, 0.5); average (0.3, 0.7); direction 0.3·g_1 + 0.7·g_2.
    const r2 = cr.aggregate(
      rows([
        [1, 0],
        [0, 1],
      ]),
      [1, 1],
    );
    expect(r2.weights[0]).toBeCloseTo(0.3, 12);
    expect(r2.weights[1]).toBeCloseTo(0.7, 12);
    expect(Array.from(r2.direction)).toEqual([expect.closeTo(0.3, 12), expect.closeTo(0.7, 12)]);
    expect(cr.lastWeights()[0]).toBeCloseTo(0.3, 12);
    cr.reset();
    const r3 = cr.aggregate(
      rows([
        [1, 0],
        [0, 1],
      ]),
      [1, 1],
    );
    expect(r3.weights[0]).toBeCloseTo(0.5, 12);
  });

  it('wraps gradient methods only, decay in [0, 1); the registry entry wraps MGDA', () => {
    expect(() => new CRMOGM(new EW() as Weighting)).toThrow(ValueError);
    expect(() => new CRMOGM(new EW() as Weighting)).toThrow(/gradient-based/);
    expect(() => new CRMOGM(new MGDA(), { decay: 1 })).toThrow(/decay/);
    const w = createWeighting('cr-mogm') as CRMOGM;
    expect(w.name).toBe('CR-MOGM(MGDA)');
    expect(w.decay).toBe(0.9);
  });

  it('fit makes both losses fall', () => {
    expect(lossesFell(new CRMOGM(new MGDA()))).toBe(true);
  });
});
