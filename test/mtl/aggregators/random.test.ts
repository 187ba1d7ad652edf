import { describe, expect, it } from 'vitest';
import { randomGrad } from '../../../src/mtl/aggregators/index.js';
import { Rng } from '../../../src/tensor/rng.js';
import { expectLinear, sumOf } from '../../support/aggregators.js';

describe('randomGrad', () => {
  const J = [
    [-4, 1, 1],
    [6, 1, 1],
    [0, 2, -1],
  ];

  it('draws positive weights summing to 1, seeded and new at each call', () => {
    const rng = new Rng(3);
    const a = randomGrad(J, { rng });
    const b = randomGrad(J, { rng });
    for (const r of [a, b]) {
      expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-12);
      for (const w of r.weights) expect(w).toBeGreaterThan(0);
      expectLinear(J, r);
    }
    expect(Array.from(a.weights)).not.toEqual(Array.from(b.weights));
    expect(Array.from(randomGrad(J, { rng: new Rng(3) }).weights)).toEqual(Array.from(a.weights));
  });

  it('is softmax of standard normals: w_s/w_t = exp(z_s − z_t) with z drawn from the same generator', () => {
    const r = randomGrad(J, { rng: new Rng(11) });
    const z = new Rng(11);
    const draws = J.map(() => z.normal());
    for (let t = 1; t < J.length; t++) {
      expect(r.weights[t] / r.weights[0]).toBeCloseTo(Math.exp(draws[t] - draws[0]), 12);
    }
  });
});
