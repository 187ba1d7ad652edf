import { describe, expect, it } from 'vitest';
import { IMTL, IMTLFull, IMTLL } from '../../../src/mtl/weighting/index.js';
import { fitLosses, lossesFell } from '../../support/fit-smoke.js';
import { closeAll, info, rows, scalars } from '../../support/weighting.js';

describe('IMTL-L', () => {
  it('total Σ e^{s}L − s and its gradients, by hand', () => {
    const w = new IMTLL();
    w.init(info(2));
    w.logScales.data.set([0.5, -1]);
    const losses = scalars([2, 3]);
    const total = w.combine(losses);
    expect(total.item()).toBeCloseTo(Math.exp(0.5) * 2 - 0.5 + Math.exp(-1) * 3 + 1, 5);
    total.backward();
    // ∂/∂s = e^{s}L − 1, ∂/∂L = e^{s}
    closeAll(w.logScales.grad!.data, [Math.exp(0.5) * 2 - 1, Math.exp(-1) * 3 - 1], 5);
    closeAll([losses[0].grad!.item(), losses[1].grad!.item()], [Math.exp(0.5), Math.exp(-1)], 6);
    closeAll(w.lastWeights(), [Math.exp(0.5), Math.exp(-1)], 6);
  });

  it('an absent task has no term (its s gets no gradient)', () => {
    const w = new IMTLL();
    w.init(info(2));
    const losses = scalars([2, 0]);
    const total = w.combine(losses, { epoch: 0, step: 0, present: [true, false] });
    expect(total.item()).toBeCloseTo(2, 6);
    total.backward();
    expect(w.logScales.grad!.data[1]).toBe(0);
  });

  it('fit learns the scales towards e^{s}·L = 1 and both losses fall', () => {
    const w = new IMTLL();
    expect(lossesFell(w)).toBe(true);
    expect(w.logScales.data.some((s) => s !== 0)).toBe(true);
  });
});

describe('IMTL full (IMTL-L with IMTL-G)', () => {
  it('one step by hand: rows e^{s}g, equal projections, heads e^{s}, s gradient e^{s}L − 1', () => {
    const w = new IMTLFull();
    w.init(info(2));
    w.logScales.data.set([Math.log(2), 0]);
    // r_1 = (2, 0), r_2 = (0, 1): d = α_1 r_1 + α_2 r_2 has projections 2α_1 and α_2 on e_1, e_2,
    // equal with α_1 + α_2 = 1: α = (1/3, 2/3), d = (2/3, 2/3).
    const r = w.aggregate(
      rows([
        [1, 0],
        [0, 1],
      ]),
      [0.5, 3],
    );
    closeAll(r.direction, [2 / 3, 2 / 3]);
    closeAll(r.weights, [2 / 3, 2 / 3]);
    closeAll(r.headWeights!, [2, 1]);
    closeAll(w.logScales.grad!.data, [0, 2]);
  });

  it('with s = 0 it is IMTL-G', () => {
    const w = new IMTLFull();
    w.init(info(3));
    const J = [
      [1, 2, 0],
      [0, 1, -1],
      [3, 0, 1],
    ];
    const g = new IMTL();
    g.init(info(3));
    const a = w.aggregate(rows(J), [1, 1, 1]);
    const b = g.aggregate(rows(J), [1, 1, 1]);
    closeAll(a.direction, b.direction, 10);
    closeAll(a.weights, b.weights, 10);
  });

  it('fit trains the scales with the model and both losses fall', () => {
    const w = new IMTLFull();
    const { first, last } = fitLosses(w);
    expect(last.a).toBeLessThan(0.5 * first.a);
    expect(last.b).toBeLessThan(0.5 * first.b);
    expect(w.logScales.data.some((s) => s !== 0)).toBe(true);
  });
});
