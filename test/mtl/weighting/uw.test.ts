import { describe, expect, it } from 'vitest';
import { UW } from '../../../src/mtl/weighting/index.js';
import { info, scalars } from '../../support/weighting.js';

describe('UW', () => {
  it('UW: value and gradients follow Kendall et al. (regression ½e^{-s}L + ½s, classification e^{-s}L + ½s)', () => {
    const uw = new UW();
    uw.init(info(2, ['regression', 'classification']));
    uw.logVars.data.set([0.3, -0.2]);
    const losses = scalars([2, 5]);
    const total = uw.combine(losses);
    const expected = 0.5 * Math.exp(-0.3) * 2 + 0.15 + Math.exp(0.2) * 5 - 0.1;
    expect(total.item()).toBeCloseTo(expected, 6);
    total.backward();
    // d/ds (½e^{-s}L + ½s) = −½e^{-s}L + ½
    expect(uw.logVars.grad!.data[0]).toBeCloseTo(-0.5 * Math.exp(-0.3) * 2 + 0.5, 5);
    expect(uw.logVars.grad!.data[1]).toBeCloseTo(-Math.exp(0.2) * 5 + 0.5, 4);
    expect(losses[0].grad!.item()).toBeCloseTo(0.5 * Math.exp(-0.3), 6);
    expect(uw.lastWeights().every((w) => w > 0)).toBe(true);
  });
});
