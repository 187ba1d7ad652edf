import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AggregatorResult,
  cagrad,
  gradientCosine,
  imtl,
  mgda,
  nashMTL,
  pcgrad,
} from '../../../src/mtl/aggregators/index.js';
import {
  expectClose,
  independentArb,
  type Mat,
  maxRowNormSq,
  permutedArb,
  sumAbs,
} from '../../support/aggregators.js';

describe('permutation equivariance', () => {
  const cases: [string, (J: Mat) => AggregatorResult][] = [
    ['mgda', (J) => mgda(J)],
    ['cagrad', (J) => cagrad(J)],
    ['imtl', (J) => imtl(J)],
    ['nashMTL', (J) => nashMTL(J)],
  ];
  for (const [name, f] of cases) {
    it(`${name}: permuting the tasks permutes the weights`, () => {
      fc.assert(
        fc.property(permutedArb(independentArb(2, 5, 8)), ({ J, perm, P }) => {
          const a = f(J);
          const b = f(P);
          const scale = Math.max(1, ...Array.from(a.weights).map(Math.abs));
          expectClose(
            b.weights,
            perm.map((i) => a.weights[i]),
            1e-6 * scale,
          );
          expectClose(b.direction, a.direction, 1e-6 * scale * Math.sqrt(maxRowNormSq(J)));
        }),
      );
    });
  }
});

describe('extreme scales', () => {
  it('gradients of size 1e-200 or 1e200 give the same weights as size 1 (Nash-MTL: scaled by 1/k)', () => {
    fc.assert(
      fc.property(
        independentArb(2, 4, 6),
        fc.constantFrom(1e-200, 1e-160, 1e160, 1e200),
        fc.integer(),
        (J, k, seed) => {
          const K = J.map((g) => g.map((x) => x * k));
          const rel = (r: AggregatorResult) => 1e-9 * Math.max(1, sumAbs(r.weights));
          for (const f of [(m: Mat) => mgda(m), (m: Mat) => cagrad(m), (m: Mat) => imtl(m)]) {
            const a = f(J);
            expectClose(f(K).weights, a.weights, rel(a));
          }
          const p = pcgrad(J, { seed });
          expectClose(pcgrad(K, { seed }).weights, p.weights, rel(p));
          const n = nashMTL(J);
          const nk = nashMTL(K);
          expect(nk.converged).toBe(true);
          expectClose(
            Array.from(nk.weights, (w) => w * k),
            n.weights,
            1e-9 * Math.max(...Array.from(n.weights)),
          );
          expectClose(gradientCosine(K)[0], gradientCosine(J)[0], 1e-12);
        },
      ),
    );
  });
});
