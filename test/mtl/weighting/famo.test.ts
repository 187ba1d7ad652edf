import { describe, expect, it } from 'vitest';
import { FAMO } from '../../../src/mtl/weighting/index.js';
import { info } from '../../support/weighting.js';

describe('FAMO', () => {
  it('FAMO raises the weight of the task whose loss fell least', () => {
    const famo = new FAMO();
    famo.init(info(2));
    for (let i = 0; i < 10; i++) famo.afterStep([1, 1], [0.5, 0.99]);
    const [w0, w1] = famo.lastWeights();
    expect(w1).toBeGreaterThan(w0);
    expect(w0 + w1).toBeCloseTo(1, 12);
  });
});
