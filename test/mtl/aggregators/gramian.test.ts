import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, type Gramian, type GramianWeighting } from '../../../src/mtl/aggregators/index.js';
import { combo, dotp, expectClose, matrixArb } from '../../support/aggregators.js';

describe('aggregate(J, weighting)', () => {
  it('hands the weighting G = JJᵀ and returns direction = Σ_t w_t J_t with its extras', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 6), (J) => {
        let seen: Gramian | null = null;
        const weighting: GramianWeighting<{ tag: string }> = {
          name: 'test',
          weights(g) {
            seen = g;
            return { weights: Float64Array.from(g.G, (_, t) => t + 1), tag: 'x' };
          },
        };
        const r = aggregate(J, weighting);
        const g = seen as unknown as Gramian;
        expect(g.scale).toBe(1);
        for (let s = 0; s < J.length; s++)
          for (let t = 0; t < J.length; t++) expect(g.G[s][t]).toBeCloseTo(dotp(J[s], J[t]), 9);
        expectClose(
          r.direction,
          combo(
            J,
            Array.from(J, (_, t) => t + 1),
          ),
          1e-9,
        );
        expect(r.tag).toBe('x');
      }),
    );
  });

  it('names the weighting in errors about J', () => {
    const weighting: GramianWeighting = {
      name: 'mine',
      weights: (g) => ({ weights: new Float64Array(g.G.length) }),
    };
    expect(() => aggregate([[1, Number.NaN]], weighting)).toThrow(/^mine: J\[0\]\[1\] is NaN/);
  });
});
