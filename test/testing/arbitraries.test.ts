/** tensorArbitraries: shapes in range, broadcastable pairs (independent rule), `avoid` keeps off kinks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { tensorArbitraries } from '../../src/testing/index.js';

const arb = tensorArbitraries(fc);

/** NumPy broadcasting, right-aligned, written here independently: null when incompatible. */
function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 1; i <= Math.max(a.length, b.length); i++) {
    const da = i <= a.length ? a[a.length - i] : 1;
    const db = i <= b.length ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.unshift(Math.max(da, db));
  }
  return out;
}

const product = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

describe('shape()', () => {
  it('defaults: rank 0-3, dims 1-4', () => {
    fc.assert(
      fc.property(arb.shape(), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(0);
        expect(s.length).toBeLessThanOrEqual(3);
        for (const d of s) expect(Number.isInteger(d) && d >= 1 && d <= 4).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('respects the given rank and dim ranges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 5 }),
        (r0, dr, d0, dd) => {
          const c = { minRank: r0, maxRank: r0 + dr, minDim: d0, maxDim: d0 + dd };
          const s = fc.sample(arb.shape(c), { numRuns: 5 });
          for (const shape of s) {
            expect(shape.length >= c.minRank && shape.length <= c.maxRank).toBe(true);
            for (const d of shape) expect(d >= c.minDim && d <= c.maxDim).toBe(true);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reaches the extremes of the range', () => {
    const samples = fc.sample(arb.shape(), { numRuns: 500, seed: 1 });
    const ranks = new Set(samples.map((s) => s.length));
    const dims = new Set(samples.flat());
    expect([...ranks].sort()).toEqual([0, 1, 2, 3]);
    expect([...dims].sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('tensor()', () => {
  it('defaults: float64, values in [-2, 2], finite, consistent shape and size', () => {
    fc.assert(
      fc.property(arb.tensor(), (t) => {
        expect(t).toBeInstanceOf(Tensor);
        expect(t.dtype).toBe('float64');
        expect(t.size).toBe(product(t.shape));
        expect(t.requiresGrad).toBe(false);
        for (const v of t.data) expect(Number.isFinite(v) && v >= -2 && v <= 2).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('respects dtype, value range, fixed shape and requiresGrad', () => {
    fc.assert(
      fc.property(
        arb.tensor({ dtype: 'float32', min: 0.5, max: 3, shape: [2, 3], requiresGrad: true }),
        (t) => {
          expect(t.dtype).toBe('float32');
          expect(t.shape).toEqual([2, 3]);
          expect(t.requiresGrad).toBe(true);
          for (const v of t.data) expect(v >= 0.5 && v <= 3).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('respects shape constraints', () => {
    fc.assert(
      fc.property(arb.tensor({ minRank: 2, maxRank: 2, minDim: 3, maxDim: 3 }), (t) => {
        expect(t.shape).toEqual([3, 3]);
      }),
      { numRuns: 20 },
    );
  });

  it('avoid keeps every value at least kinkMargin away from each kink', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<readonly number[]>([0], [-0.5, 1], [0.3], [-1, 0, 1]),
        fc.constantFrom(1e-3, 0.05, 0.2),
        fc.constantFrom('float32' as const, 'float64' as const),
        (kinks, margin, dtype) => {
          const samples = fc.sample(arb.tensor({ avoid: kinks, kinkMargin: margin, dtype }), { numRuns: 20 });
          for (const t of samples) {
            for (const v of t.data) {
              for (const k of kinks) {
                // A hair of slack for rounding of k ± margin (float32 storage included).
                expect(Math.abs(v - k)).toBeGreaterThanOrEqual(margin * (1 - 1e-6));
              }
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('avoid moves a value inside the margin onto the edge of the margin', () => {
    // The generator biases toward the range bounds and 0: 0 itself must become +margin.
    const samples = fc.sample(arb.tensor({ avoid: [0], kinkMargin: 0.1, shape: [50] }), {
      numRuns: 50,
      seed: 3,
    });
    const values = samples.flatMap((t) => Array.from(t.data));
    expect(values.some((v) => v === 0.1 || v === -0.1)).toBe(true);
    for (const v of values) expect(Math.abs(v)).toBeGreaterThanOrEqual(0.1);
  });

  it('without avoid, values near kinks do occur (the option is what removes them)', () => {
    const samples = fc.sample(arb.tensor({ shape: [20] }), { numRuns: 100, seed: 5 });
    const near0 = samples.some((t) => Array.from(t.data).some((v) => Math.abs(v) < 1e-3));
    expect(near0).toBe(true);
  });
});

describe('broadcastShapes() and broadcastTensors()', () => {
  it('every pair broadcasts by the independent rule; shapes stay within the constraints', () => {
    fc.assert(
      fc.property(arb.broadcastShapes(), ([a, b]) => {
        expect(broadcast(a, b)).not.toBeNull();
        expect(a.length).toBeLessThanOrEqual(3);
        expect(b.length).toBeLessThanOrEqual(3);
        for (const d of [...a, ...b]) expect(d >= 1 && d <= 4).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('pairs really exercise broadcasting: size-1 dims, missing leading dims, unequal shapes', () => {
    const pairs = fc.sample(arb.broadcastShapes(), { numRuns: 300, seed: 11 });
    const differentRank = pairs.filter(([a, b]) => a.length !== b.length).length;
    const stretched = pairs.filter(([a, b]) => {
      const out = broadcast(a, b)!;
      return product(out) > product(a) && product(out) > product(b);
    }).length;
    expect(differentRank).toBeGreaterThan(30);
    expect(stretched).toBeGreaterThan(10);
  });

  it('broadcastTensors: shapes broadcast, values and dtype follow the constraints', () => {
    fc.assert(
      fc.property(arb.broadcastTensors({ dtype: 'float32', min: -1, max: 1, maxRank: 2 }), ([a, b]) => {
        expect(broadcast(a.shape, b.shape)).not.toBeNull();
        expect(a.dtype).toBe('float32');
        expect(b.dtype).toBe('float32');
        expect(a.rank).toBeLessThanOrEqual(2);
        for (const v of [...a.data, ...b.data]) expect(v >= -1 && v <= 1).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('broadcastTensors honours avoid', () => {
    fc.assert(
      fc.property(arb.broadcastTensors({ avoid: [0], kinkMargin: 0.25 }), ([a, b]) => {
        for (const v of [...a.data, ...b.data]) expect(Math.abs(v)).toBeGreaterThanOrEqual(0.25);
      }),
      { numRuns: 100 },
    );
  });
});
