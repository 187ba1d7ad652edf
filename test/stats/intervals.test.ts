import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { bootstrapInterval, meanStd, tCdf, tInterval, tQuantile } from '../../src/stats/index.js';

describe('tQuantile', () => {
  // Two-sided 95 % (0.975), 99 % (0.995) and one-sided 95 % critical values, as printed in t tables
  // (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), to three decimals.
  it.each([
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 3, 3.182],
    [0.975, 4, 2.776],
    [0.975, 5, 2.571],
    [0.975, 9, 2.262],
    [0.975, 10, 2.228],
    [0.975, 30, 2.042],
    [0.975, 100, 1.984],
    [0.995, 4, 4.604],
    [0.995, 10, 3.169],
    [0.95, 4, 2.132],
    [0.95, 20, 1.725],
  ])('t(%f, df %i) = %f as in the table', (p, df, expected) => {
    expect(tQuantile(p, df)).toBeCloseTo(expected, 3);
    expect(tQuantile(1 - p, df)).toBeCloseTo(-expected, 3);
  });

  it('tends to the normal quantile 1.95996 for large df', () => {
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 4);
  });

  it('inverts the closed-form CDFs of df 1 (Cauchy) and df 2', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (t) => {
        // Near 0 too: t = 1e-12 must give 0.5 + 3.2e-13, not a rounded 0.5.
        expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
        expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(t * t + 2)), 12);
      }),
      { numRuns: 2000 },
    );
    expect(tCdf(1e-12, 1) - 0.5).toBeCloseTo(1e-12 / Math.PI, 16);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), (p) => {
        expect(Math.tan(Math.PI * (p - 0.5))).toBeCloseTo(tQuantile(p, 1), 6);
      }),
    );
  });

  it('rejects p outside (0, 1) and df ≤ 0 with a ValueError', () => {
    expect(() => tQuantile(1, 3)).toThrow(ValueError);
    expect(() => tQuantile(0.5, 0)).toThrow(/df must be > 0/);
  });
});

describe('tInterval', () => {
  it('is mean ± t·s/√n, computed by hand for 5 values', () => {
    // values 1..5: mean 3, s = √2.5, t(0.975, 4) = 2.7764451
    const r = tInterval([1, 2, 3, 4, 5]);
    const half = (2.7764451 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(r.estimate).toBe(3);
    expect(r.lo).toBeCloseTo(3 - half, 6);
    expect(r.hi).toBeCloseTo(3 + half, 6);
    expect(r.n).toBe(5);
  });

  it('has zero width for equal values, and needs two finite values', () => {
    expect(tInterval([2, 2, 2])).toMatchObject({ lo: 2, hi: 2 });
    expect(() => tInterval([1])).toThrow(/at least 2 values/);
    expect(() => tInterval([1, Number.NaN])).toThrow(/values\[1\] is NaN/);
  });

  it('covers the true mean about 95 % of the time for normal samples of 5', () => {
    let covered = 0;
    let seed = 1;
    const normal = () => {
      // Box–Muller on a small LCG, independent of the library's Rng.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const u = (seed + 1) / 2147483649;
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const v = (seed + 1) / 2147483649;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const r = tInterval(Array.from({ length: 5 }, normal));
      if (r.lo <= 0 && 0 <= r.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });
});

describe('bootstrapInterval', () => {
  it('on {0, 1} gives the exact resampling distribution of the mean: 0, ½, 1 with ¼, ½, ¼', () => {
    const wide = bootstrapInterval([0, 1], { resamples: 20000, seed: 3 });
    expect([wide.lo, wide.hi]).toEqual([0, 1]);
    // The 30 % and 70 % quantiles both fall in the ½ block (cumulative ¼ … ¾).
    const narrow = bootstrapInterval([0, 1], { resamples: 20000, seed: 3, level: 0.4 });
    expect([narrow.lo, narrow.hi]).toEqual([0.5, 0.5]);
  });

  it('approaches mean ± 1.96·σ̂/√n for a large sample (σ̂ the plug-in std)', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 20) - 9.5); // mean 0, plug-in variance 33.25
    const r = bootstrapInterval(values, { resamples: 4000, seed: 1 });
    const half = (1.959964 * Math.sqrt(33.25)) / Math.sqrt(400);
    expect(r.estimate).toBeCloseTo(0, 12);
    expect(r.lo).toBeCloseTo(-half, 1);
    expect(r.hi).toBeCloseTo(half, 1);
  });

  it('takes any statistic and is reproducible for a seed', () => {
    const median = (s: readonly number[]) => [...s].sort((a, b) => a - b)[s.length >> 1];
    const a = bootstrapInterval([5, 1, 9, 3, 7], { statistic: median, seed: 2 });
    expect(a.estimate).toBe(5);
    expect(a).toEqual(bootstrapInterval([5, 1, 9, 3, 7], { statistic: median, seed: 2 }));
    expect(a.lo).toBeGreaterThanOrEqual(1);
    expect(a.hi).toBeLessThanOrEqual(9);
    expect(bootstrapInterval([4, 4, 4])).toMatchObject({ lo: 4, hi: 4 });
  });

  it('rejects bad options with a ValueError', () => {
    expect(() => bootstrapInterval([], {})).toThrow(ValueError);
    expect(() => bootstrapInterval([1, 2], { resamples: 1 })).toThrow(/resamples/);
    expect(() => bootstrapInterval([1, 2], { level: 1 })).toThrow(/level/);
  });
});

describe('meanStd', () => {
  it('uses n − 1', () => {
    expect(meanStd([1, 2, 3, 4, 5])).toEqual({ mean: 3, std: Math.sqrt(2.5) });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0 });
  });
});
