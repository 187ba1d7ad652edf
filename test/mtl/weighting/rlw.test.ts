import { describe, expect, it } from 'vitest';
import { RLW } from '../../../src/mtl/weighting/index.js';
import { info, scalars } from '../../support/weighting.js';

describe('RLW', () => {
  it('RLW weights are positive, sum to 1, and are reproducible from the seed', () => {
    const a = new RLW({ seed: 5 });
    const b = new RLW({ seed: 5 });
    a.init(info(4));
    b.init(info(4));
    for (let i = 0; i < 5; i++) {
      a.combine(scalars([1, 1, 1, 1]));
      b.combine(scalars([1, 1, 1, 1]));
      const w = a.lastWeights();
      expect(w.every((v) => v > 0)).toBe(true);
      expect(w.reduce((x, y) => x + y)).toBeCloseTo(1, 12);
      expect(w).toEqual(b.lastWeights());
    }
  });
});
