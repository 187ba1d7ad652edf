import { describe, expect, it } from 'vitest';
import { EW, Static } from '../../../src/mtl/weighting/index.js';
import { info, scalars } from '../../support/weighting.js';

describe('EW and Static', () => {
  it('EW sums the task losses; Static uses the given weights', () => {
    const ew = new EW();
    ew.init(info(3));
    expect(ew.combine(scalars([1, 2, 3])).item()).toBeCloseTo(6, 12);
    const st = new Static({ t0: 2, t1: 0, t2: 0.5 });
    st.init(info(3));
    expect(st.combine(scalars([1, 2, 3])).item()).toBeCloseTo(2 + 1.5, 12);
    expect(() => new Static([1, 2]).init(info(3))).toThrow(/2 weights for 3 tasks/);
  });
});
