/** Nice ticks and log ticks, checked independently of how they are computed. */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { logTicks, niceTicks } from '../../src/report/index.js';

/** Independent check of the "nice" contract for ticks covering [min, max]. */
function checkNice(min: number, max: number, values: number[], tight = true): void {
  expect(values.length, `[${min}, ${max}] → ${values}`).toBeGreaterThanOrEqual(3);
  expect(values.length, `[${min}, ${max}] → ${values}`).toBeLessThanOrEqual(10);
  const diff = values[1]! - values[0]!;
  expect(diff).toBeGreaterThan(0);
  // The spacing, measured, must be 1, 2 or 5 × 10^k (up to float noise); then use the exact nice step.
  const k = Math.floor(Math.log10(diff) + 1e-9);
  const mant = diff / 10 ** k;
  const m = [1, 2, 5, 10].find((c) => Math.abs(mant - c) < 1e-4 * c);
  expect(m, `spacing ${diff} is not 1/2/5×10^k`).toBeDefined();
  const step = m! * 10 ** k;
  const tol = step * 1e-6;
  for (let i = 0; i < values.length; i++) {
    const q = values[i]! / step;
    const qTol = 1e-6 * Math.max(1, Math.abs(q));
    expect(Math.abs(q - Math.round(q)), `${values[i]} is not a multiple of ${step}`).toBeLessThan(qTol);
    if (i > 0) expect(Math.abs(values[i]! - values[i - 1]! - step)).toBeLessThan(Math.max(tol, qTol * step));
  }
  expect(values[0]!).toBeLessThanOrEqual(min + tol);
  expect(values[values.length - 1]!).toBeGreaterThanOrEqual(max - tol);
  if (!tight) return;
  // Tight: no whole empty step outside the data.
  expect(values[1]!).toBeGreaterThan(min - tol);
  expect(values[values.length - 2]!).toBeLessThan(max + tol);
}

describe('niceTicks', () => {
  const cases: [number, number][] = [
    [0, 1],
    [0, 10],
    [0.21, 2.4],
    [-3.1, 2.9],
    [0.3, 0.6],
    [1e-6, 3.7e-6],
    [12_345, 98_765],
    [-1, 1],
    [0, 30_000],
    [0.998, 1.003],
    [-250, -3],
    [0, 0.003],
    [5, 5.0001],
    [-100.000000001, -99.999999999],
  ];
  for (const [lo, hi] of cases) {
    it(`[${lo}, ${hi}]`, () => {
      const t = niceTicks(lo, hi);
      checkNice(lo, hi, t.values);
      expect(t.min).toBe(t.values[0]);
      expect(t.max).toBe(t.values[t.values.length - 1]);
      expect(t.values[1]! - t.values[0]!).toBeCloseTo(t.step, 12);
    });
  }

  it('gives exact, short decimal values (no 0.30000000000000004)', () => {
    expect(niceTicks(0, 0.6).values).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(niceTicks(0.21, 2.4).values).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(-3.1, 2.9).values).toEqual([-4, -2, 0, 2, 4]);
  });

  it('widens a degenerate range', () => {
    checkNice(0, 0, niceTicks(0, 0).values, false);
    const t = niceTicks(7, 7);
    expect(t.min).toBeLessThan(7);
    expect(t.max).toBeGreaterThan(7);
    checkNice(7, 7, t.values, false);
  });

  it('holds for random ranges', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (lo, span) => {
          const hi = lo + span;
          if (hi - lo < Math.abs(lo) * 1e-9) return; // below float resolution: covered by the degenerate test
          checkNice(lo, hi, niceTicks(lo, hi).values);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects non-finite ranges', () => {
    expect(() => niceTicks(0, Number.NaN)).toThrow(ValueError);
    expect(() => niceTicks(-Infinity, 1)).toThrow(ValueError);
  });
});

describe('logTicks', () => {
  it('uses decades over wide ranges and covers the data', () => {
    const t = logTicks(1e-5, 1e-2);
    expect(t.values).toEqual([1e-5, 1e-4, 1e-3, 1e-2]);
    expect(t.minor.length).toBeGreaterThan(0);
    const w = logTicks(3e-9, 2e4);
    expect(w.min).toBeLessThanOrEqual(3e-9);
    expect(w.max).toBeGreaterThanOrEqual(2e4);
    expect(w.values.length).toBeLessThanOrEqual(10);
    for (const v of w.values) expect(Math.log10(v) % 1).toBeCloseTo(0, 9);
  });

  it('uses 1/2/5 multiples over short ranges, snapped tightly', () => {
    const t = logTicks(0.17, 2.5);
    expect(t.values).toEqual([0.1, 0.2, 0.5, 1, 2, 5]);
    expect(t.min).toBe(0.1);
    expect(t.max).toBe(5);
  });

  it('falls back to linear ticks inside less than half a decade', () => {
    const t = logTicks(0.3, 0.45);
    expect(t.min).toBeLessThanOrEqual(0.3);
    expect(t.max).toBeGreaterThanOrEqual(0.45);
    expect(t.values.length).toBeGreaterThanOrEqual(2);
    for (const v of t.values) expect(v).toBeGreaterThan(0);
  });

  it('rejects non-positive ranges', () => {
    expect(() => logTicks(0, 1)).toThrow(ValueError);
    expect(() => logTicks(-1, 1)).toThrow(ValueError);
  });
});
