/** The emulated fused multiply-adds and integer powers against exact rational arithmetic (BigInt). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fma32, fma64, powInt } from '../../src/optim/exact.js';
import { decompose, exact32, exact64, roundTo } from './exact-reference.js';

const moderate = fc.double({ min: -1e30, max: 1e30, noNaN: true, noDefaultInfinity: true });
const small = fc.double({ min: -1e-3, max: 1e-3, noNaN: true, noDefaultInfinity: true });
const unitF32 = fc.float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe('fma64', () => {
  it('is correctly rounded on random operands', () => {
    fc.assert(
      fc.property(moderate, moderate, moderate, (a, b, c) => {
        fc.pre(Math.abs(a * b) > 1e-280 || a === 0 || b === 0);
        expect(fma64(a, b, c)).toBe(exact64(a, b, c));
      }),
      { numRuns: 3000 },
    );
  });

  it('is correctly rounded under cancellation (c ≈ −a·b) and for optimiser-like magnitudes', () => {
    fc.assert(
      fc.property(moderate, moderate, fc.integer({ min: -2000, max: 2000 }), (a, b, k) => {
        const c = -(a * b) * (1 + k * 2 ** -50);
        fc.pre(Number.isFinite(c) && (Math.abs(a * b) > 1e-280 || a === 0 || b === 0));
        expect(fma64(a, b, c)).toBe(exact64(a, b, c));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(small, moderate, fc.double({ min: -10, max: 10, noNaN: true }), (a, b, c) => {
        fc.pre(Math.abs(a * b) > 1e-280 || a === 0 || b === 0);
        expect(fma64(a, b, c)).toBe(exact64(a, b, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('breaks exact-looking ties by the discarded low part', () => {
    // a·b = 1 + 2^-26 + 2^-27 + 2^-53: exactly halfway between two doubles.
    const a = 1 + 2 ** -27;
    const b = 1 + 2 ** -26;
    const lo = 1 + 2 ** -27 + 2 ** -26;
    const hi = lo + 2 ** -52;
    expect(fma64(a, b, 0)).toBe(lo); // tie → even
    expect(fma64(a, b, 2 ** -100)).toBe(hi);
    expect(fma64(a, b, -(2 ** -100))).toBe(lo);
    expect(fma64(-a, b, -(2 ** -100))).toBe(-hi);
    expect(fma64(-a, b, 2 ** -100)).toBe(-lo);
    // A plain a·b + c rounds twice and gets these wrong.
    expect(a * b + 2 ** -100).toBe(lo);
  });

  it('matches exact arithmetic on structured (few-bit) operands', () => {
    const ints = fc.integer({ min: -(2 ** 26), max: 2 ** 26 });
    fc.assert(
      fc.property(ints, ints, ints, fc.integer({ min: -60, max: 0 }), (i, j, k, s) => {
        const a = 1 + i * 2 ** -26;
        const b = 1 + j * 2 ** -26;
        const c = k * 2 ** (s - 26);
        expect(fma64(a, b, c)).toBe(exact64(a, b, c));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps IEEE semantics for infinities and NaN, and huge operands', () => {
    expect(fma64(Number.POSITIVE_INFINITY, 2, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(fma64(-0.1, Number.POSITIVE_INFINITY, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(fma64(0.1, 2, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(fma64(Number.NaN, 2, 1)).toBeNaN();
    expect(fma64(1e300, 1e10, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(fma64(1e300, 1e-10, 5)).toBe(1e300 * 1e-10 + 5);
    expect(fma64(0, 5, 3)).toBe(3);
    expect(fma64(2, 3, 4)).toBe(10);
  });
});

describe('fma32', () => {
  it('is correctly rounded to float32 on random float32 operands', () => {
    fc.assert(
      fc.property(unitF32, unitF32, unitF32, (a, b, c) => {
        expect(fma32(a, b, c)).toBe(exact32(a, b, c));
      }),
      { numRuns: 3000 },
    );
  });

  it('breaks ties by the low part that float64 rounding would hide', () => {
    const a = Math.fround(1 + 2 ** -12); // a² = 1 + 2^-11 + 2^-24: halfway between two floats
    const lo = Math.fround(1 + 2 ** -11);
    const hi = Math.fround(1 + 2 ** -11 + 2 ** -23);
    expect(fma32(a, a, 0)).toBe(lo);
    expect(fma32(a, a, 2 ** -80)).toBe(hi);
    expect(fma32(a, a, -(2 ** -80))).toBe(lo);
    expect(fma32(-a, a, -(2 ** -80))).toBe(-hi);
    expect(Math.fround(a * a + 2 ** -80)).toBe(lo); // double rounding
    const ints = fc.integer({ min: -(2 ** 12), max: 2 ** 12 });
    fc.assert(
      fc.property(
        ints,
        ints,
        fc.integer({ min: -1, max: 1 }),
        fc.integer({ min: 30, max: 100 }),
        (i, j, sgn, s) => {
          const x = Math.fround(1 + i * 2 ** -12);
          const y = Math.fround(1 + j * 2 ** -12);
          const c = sgn * 2 ** -s;
          expect(fma32(x, y, c)).toBe(exact32(x, y, c));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps IEEE semantics for infinities and NaN', () => {
    expect(fma32(Number.POSITIVE_INFINITY, 2, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(fma32(Number.NaN, 2, 1)).toBeNaN();
    expect(fma32(3e38, 10, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

/** b^n correctly rounded, from the exact integer power of b's mantissa. */
function exactPow(b: number, n: number): number {
  const [m, e] = decompose(b);
  return roundTo(m ** BigInt(n), e * n, 53, -1074);
}

describe('powInt', () => {
  it('is correctly rounded for Adam-like betas and step counts', () => {
    for (const b of [0.9, 0.999, 0.99, 0.8, 0.95, 0.5, 0.3]) {
      for (let t = 0; t <= 600 && b ** t > 1e-280; t++)
        expect(powInt(b, t)).toBe(t === 0 ? 1 : exactPow(b, t));
    }
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.9999, noNaN: true }),
        fc.integer({ min: 1, max: 100000 }),
        (b, t0) => {
          const t = Math.min(t0, Math.floor(Math.log(1e-280) / Math.log(b))); // stay above the subnormal range
          expect(powInt(b, t)).toBe(exactPow(b, t));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rounds 0.9^4 correctly (in Node 20, 0.9 ** 4 is one ulp off)', () => {
    expect(powInt(0.9, 4)).toBe(exactPow(0.9, 4));
  });

  it('falls back to ** outside integer exponents', () => {
    expect(powInt(2, 0.5)).toBe(2 ** 0.5);
    expect(powInt(0, 3)).toBe(0);
    expect(powInt(Number.NaN, 2)).toBeNaN();
  });
});
