import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { krum } from '../../../src/mtl/aggregators/index.js';
import { expectClose } from '../../support/aggregators.js';
import { inputOf, TORCHJD_TOL, torchjd } from '../../support/torchjd-values.js';

describe('krum', () => {
  it("matches torchjd's published values (f = 1, m = 4: the adversarial row is dropped)", () => {
    const c = torchjd.aggregators['Krum(n_byzantine=1, n_selected=4)'];
    const r = krum(inputOf(c), { byzantine: 1, selected: 4 });
    expectClose(r.direction, c.direction as number[], TORCHJD_TOL);
    expectClose(r.weights, torchjd.weightings['KrumWeighting(1, 4)'].weights as number[], 0);
  });

  it('with m = 1 picks the row with the smallest summed distance to its T − f − 2 nearest', () => {
    // Rows on a line at 0, 1, 3, 10; f = 1 → each row sums its 1 nearest distance: 1, 1, 2, 7.
    // Rows 0 and 1 tie; the lower index wins.
    const r = krum([[0], [1], [3], [10]], { byzantine: 1 });
    expectClose(r.weights, [1, 0, 0, 0], 0);
    // f = 0 → 2 nearest: 0: 1 + 3 = 4, 1: 1 + 2 = 3, 3: 2 + 3 = 5, 10: 7 + 9 = 16.
    expectClose(krum([[0], [1], [3], [10]], { byzantine: 0 }).weights, [0, 1, 0, 0], 0);
  });

  it('rejects too few rows and bad options with a ValueError', () => {
    expect(() => krum([[0], [1], [2]], { byzantine: 1 })).toThrow(
      /at least max\(byzantine \+ 3, selected\) = 4 rows, got 3/,
    );
    expect(() => krum([[0], [1], [2]], { byzantine: -1 })).toThrow(ValueError);
    expect(() => krum([[0], [1], [2]], { byzantine: 0, selected: 0 })).toThrow(ValueError);
    expect(() => krum([[0], [1], [2]], { byzantine: 0, selected: 4 })).toThrow(ValueError);
  });
});
