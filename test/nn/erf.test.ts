/** erf against CPython's math.erf (glibc), and its symmetry and limits. */
import { describe, expect, it } from 'vitest';
import { erf } from '../../src/nn/index.js';
import { fc } from './helpers.js';

// [x, math.erf(x)] from CPython 3 (glibc's erf), covering every branch of the fdlibm algorithm.
const REFERENCE: [number, number][] = [
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [-3, -0.9999779095030014],
  [1e-10, 1.1283791670955126e-10],
  [-1e-300, -1.1283791670955126e-300],
  [0.84375, 0.7672256612323416],
  [1.25, 0.9229001282564582],
  [-2.5, -0.999593047982555],
  [2.8571434020996094, 0.9999466878638202],
  [3.7, 0.9999998328489421],
  [5.99, 1.0],
  [6.5, 1.0],
  [-0.3, -0.3286267594591274],
  [0.1, 0.1124629160182849],
];

describe('erf', () => {
  it('agrees with glibc to 1 ulp', () => {
    for (const [x, y] of REFERENCE) {
      expect(Math.abs(erf(x) - y)).toBeLessThanOrEqual(Number.EPSILON * Math.abs(y));
    }
  });

  it('is odd, monotone, bounded, with the limits at ±∞ and NaN', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, d) => {
          expect(erf(-x)).toBe(-erf(x));
          expect(Math.abs(erf(x))).toBeLessThanOrEqual(1);
          expect(erf(x + d)).toBeGreaterThanOrEqual(erf(x));
        },
      ),
    );
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erf(0)).toBe(0);
  });
});
