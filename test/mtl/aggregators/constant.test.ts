import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { constantGrad } from '../../../src/mtl/aggregators/index.js';
import { expectClose } from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('constantGrad', () => {
  it("matches torchjd's published values for weights [1, 2]", () => {
    const c = torchjd.aggregators['Constant([1, 2])'];
    const r = constantGrad(inputOf(c), { weights: [1, 2] });
    expectClose(r.direction, c.direction as number[], TORCHJD_TOL);
    expectClose(r.weights, torchjd.weightings['ConstantWeighting([1, 2])'].weights as number[], 0);
  });

  it('rejects a wrong count or non-finite weights with a ValueError', () => {
    expect(() => constantGrad([[1], [2]], { weights: [1] })).toThrow(/1 weights given, but J has 2 rows/);
    expect(() => constantGrad([[1]], { weights: [Number.NaN] })).toThrow(ValueError);
  });
});
