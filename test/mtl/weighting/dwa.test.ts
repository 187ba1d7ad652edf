import { describe, expect, it } from 'vitest';
import { DWA } from '../../../src/mtl/weighting/index.js';
import { info } from '../../support/weighting.js';

describe('DWA', () => {
  it('DWA: w_t = T·softmax(r_t/2) from the last two epoch losses, 1 before that', () => {
    const dwa = new DWA();
    dwa.init(info(3));
    expect(dwa.lastWeights()).toEqual([1, 1, 1]);
    dwa.onEpochEnd([1, 2, 4]);
    expect(dwa.lastWeights()).toEqual([1, 1, 1]);
    dwa.onEpochEnd([0.5, 2, 2]);
    const r = [0.5, 1, 0.5];
    const e = r.map((v) => Math.exp(v / 2));
    const s = e.reduce((a, b) => a + b);
    const w = dwa.lastWeights();
    e.forEach((v, i) => expect(w[i]).toBeCloseTo((3 * v) / s, 12));
    expect(w.reduce((a, b) => a + b)).toBeCloseTo(3, 12);
  });
});
