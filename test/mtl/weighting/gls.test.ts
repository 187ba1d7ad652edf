import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GLS } from '../../../src/mtl/weighting/index.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { info, scalars } from '../../support/weighting.js';

const combine = (vals: number[], present?: boolean[]) => {
  const g = new GLS();
  g.init(info(vals.length));
  const losses = scalars(vals);
  const total = g.combine(losses, { epoch: 0, step: 0, present });
  total.backward();
  return { total: total.item(), grads: losses.map((l) => l.grad?.item() ?? 0), weights: g.lastWeights() };
};

describe('GLS', () => {
  it('total (L_1·L_2)^{1/2} and gradient total/(2·L_t), by hand', () => {
    const r = combine([2, 8]);
    expect(r.total).toBeCloseTo(4, 12);
    expect(r.grads[0]).toBeCloseTo(1, 12); // 4 / (2·2)
    expect(r.grads[1]).toBeCloseTo(0.25, 12); // 4 / (2·8)
    r.weights.forEach((w, t) => expect(w).toBeCloseTo(r.grads[t], 12));
  });

  it('an absent task is left out: the geometric mean of the others', () => {
    const r = combine([2, 100, 8], [true, false, true]);
    expect(r.total).toBeCloseTo(4, 12);
    expect(r.grads[1]).toBe(0);
    expect(r.weights[1]).toBe(0);
  });

  const lossesArb = fc.array(fc.double({ min: 0.01, max: 50, noNaN: true }), { minLength: 2, maxLength: 5 });
  it('properties: w_t·L_t = total/T for every task; L → cL scales the total by c, keeps the weights; permuting permutes them', () => {
    fc.assert(
      fc.property(lossesArb, fc.double({ min: 0.1, max: 10, noNaN: true }), (L, c) => {
        const a = combine(L);
        a.weights.forEach((w, t) => expect(w * L[t]).toBeCloseTo(a.total / L.length, 8));
        const b = combine(L.map((l) => c * l));
        expect(b.total / (c * a.total)).toBeCloseTo(1, 10);
        b.weights.forEach((w, t) => expect(w / a.weights[t]).toBeCloseTo(1, 10));
        const p = combine([...L].reverse());
        const reversed = a.weights.slice().reverse();
        p.weights.forEach((w, t) => expect(w).toBeCloseTo(reversed[t], 10));
      }),
      { numRuns: 50 },
    );
  });

  it('fit makes both losses fall', () => {
    expect(lossesFell(new GLS())).toBe(true);
  });
});
