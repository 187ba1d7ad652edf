/** Creating tensors, seeded randomness, toArray/item. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange,
  DTypeError,
  defaultRng,
  eye,
  full,
  manualSeed,
  ones,
  onesLike,
  Rng,
  rand,
  randn,
  ShapeError,
  Tensor,
  tensor,
  ValueError,
  zeros,
  zerosLike,
} from '../../src/index.js';
import { flattenNested } from '../support/reference.js';

describe('tensor()', () => {
  it('from a number: a float32 scalar', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.dtype).toBe('float32');
    expect(t.item()).toBe(2.5);
    expect(t.toArray()).toBe(2.5);
    expect(t.requiresGrad).toBe(false);
  });

  it('from nested arrays: infers the shape, round-trips through toArray', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('float32', 'float64' as const),
        (shape, dtype) => {
          // Build a nested array of that shape whose entries are small integers (exact in float32).
          let counter = 0;
          const build = (d: number): unknown =>
            d === shape.length ? counter++ : Array.from({ length: shape[d] }, () => build(d + 1));
          const nested = build(0) as number[];
          const t = tensor(nested, { dtype });
          expect(t.shape).toEqual(shape);
          expect(t.dtype).toBe(dtype);
          expect(Array.from(t.data)).toEqual(Array.from({ length: counter }, (_, i) => i));
          expect(t.toArray()).toEqual(nested);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('from typed arrays: Float64Array keeps float64, others default to float32; data is copied', () => {
    const src64 = new Float64Array([0.1, 0.2, 0.3]);
    const t64 = tensor(src64);
    expect(t64.dtype).toBe('float64');
    expect(Array.from(t64.data)).toEqual([0.1, 0.2, 0.3]);
    src64[0] = 99;
    expect(t64.data[0]).toBe(0.1);
    const t32 = tensor(new Int32Array([1, 2, 3]));
    expect(t32.dtype).toBe('float32');
    expect(t32.shape).toEqual([3]);
    const forced = tensor(new Float64Array([1, 2]), { dtype: 'float32' });
    expect(forced.dtype).toBe('float32');
    expect(tensor(new Float32Array([0.1])).data[0]).toBe(Math.fround(0.1));
  });

  it('the shape option reshapes flat values', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const u = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 1, 2] });
    expect(u.shape).toEqual([2, 1, 2]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: shape [2,2] needs 4 values, got 3');
  });

  it('requiresGrad option and empty arrays', () => {
    expect(tensor([1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('float32 storage rounds values', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).toBe(0.1);
  });
});

describe('filled constructors', () => {
  it('zeros / ones / full', () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const o = ones([4], { dtype: 'float64' });
    expect(o.dtype).toBe('float64');
    expect(Array.from(o.data)).toEqual([1, 1, 1, 1]);
    const f = full([2, 2], -1.5, { requiresGrad: true });
    expect(Array.from(f.data)).toEqual([-1.5, -1.5, -1.5, -1.5]);
    expect(f.requiresGrad).toBe(true);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).size).toBe(1);
    expect(zeros([3, 0]).size).toBe(0);
  });

  it('zerosLike / onesLike keep shape and dtype', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float64' });
    const z = zerosLike(x);
    const o = onesLike(x);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('float64');
    expect(Array.from(o.data)).toEqual([1, 1, 1]);
  });

  it('eye(n) and eye(n, m)', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3, { dtype: 'float64' }).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 2).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
  });

  it('arange like Python range', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 6).toArray()).toEqual([2, 3, 4, 5]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(3, 0).shape).toEqual([0]);
    const frac = arange(0, 1, 0.25, { dtype: 'float64' });
    expect(frac.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(ValueError);
  });

  it('bad shapes and dtypes are rejected', () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([1.5])).toThrow(ShapeError);
    expect(() => zeros([2], { dtype: 'int32' as 'float32' })).toThrow(DTypeError);
  });
});

describe('seeded random tensors', () => {
  it('rand/randn are reproducible with manualSeed and differ with another seed', () => {
    manualSeed(123);
    const a = rand([50]);
    const an = randn([50]);
    manualSeed(123);
    const b = rand([50]);
    const bn = randn([50]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(bn.data)).toEqual(Array.from(an.data));
    manualSeed(124);
    const c = rand([50]);
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
    manualSeed(0);
  });

  it('an explicit Rng gives the same stream as the global one with the same seed', () => {
    manualSeed(7);
    const g = randn([20], { dtype: 'float64' });
    const r = randn([20], { dtype: 'float64', rng: new Rng(7) });
    expect(Array.from(r.data)).toEqual(Array.from(g.data));
    expect(defaultRng()).toBeInstanceOf(Rng);
    manualSeed(0);
  });

  it('rand is in [0, 1) with mean ≈ 1/2 and variance ≈ 1/12', () => {
    const x = rand([20000], { dtype: 'float64', rng: new Rng(1) });
    expect(Array.from(x.data).every((v) => v >= 0 && v < 1)).toBe(true);
    let mean = 0;
    for (const v of x.data) mean += v;
    mean /= x.size;
    let variance = 0;
    for (const v of x.data) variance += (v - mean) ** 2;
    variance /= x.size;
    // Standard errors: 0.0020 for the mean, 0.0006 for the variance; allow 5σ.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.003);
  });

  it('randn over 10k samples has mean ≈ 0 and std ≈ 1 (several seeds)', () => {
    for (const seed of [0, 1, 42, 2 ** 40]) {
      const x = randn([10000], { dtype: 'float64', rng: new Rng(seed) });
      let mean = 0;
      for (const v of x.data) mean += v;
      mean /= x.size;
      let variance = 0;
      for (const v of x.data) variance += (v - mean) ** 2;
      const std = Math.sqrt(variance / x.size);
      // Standard errors: 0.01 for the mean, 0.007 for the std; allow 5σ.
      expect(Math.abs(mean)).toBeLessThan(0.05);
      expect(Math.abs(std - 1)).toBeLessThan(0.035);
      // A normal puts ~68.3% within one σ.
      const inside = Array.from(x.data).filter((v) => Math.abs(v) < 1).length / x.size;
      expect(Math.abs(inside - 0.6827)).toBeLessThan(0.025);
    }
  });

  it('float32 random tensors are stored in float32', () => {
    const x = randn([3], { rng: new Rng(3) });
    expect(x.dtype).toBe('float32');
    expect(x.data).toBeInstanceOf(Float32Array);
  });
});

describe('Rng', () => {
  it('same seed, same stream; different seeds, different streams; reseeding restarts', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const c = new Rng(6);
    const sa = Array.from({ length: 10 }, () => a.nextUint32());
    expect(Array.from({ length: 10 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 10 }, () => c.nextUint32())).not.toEqual(sa);
    a.seed(5);
    expect(a.nextUint32()).toBe(sa[0]);
    // Large seeds are not folded onto small ones.
    expect(new Rng(2 ** 32).nextUint32()).not.toBe(new Rng(0).nextUint32());
  });

  it('nextUint32 is an unsigned 32-bit integer', () => {
    const r = new Rng(9);
    for (let i = 0; i < 1000; i++) {
      const v = r.nextUint32();
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    }
  });

  it('int(n) is in range for many n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer(), (n, seed) => {
        const r = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const v = r.int(n);
          if (!(Number.isInteger(v) && v >= 0 && v < n)) throw new Error(`int(${n}) gave ${v}`);
        }
      }),
      { numRuns: 100 },
    );
    expect(() => new Rng(0).int(0)).toThrow(RangeError);
    expect(() => new Rng(0).int(1.5)).toThrow(RangeError);
    expect(() => new Rng(0).int(2 ** 32 + 1)).toThrow(RangeError);
  });

  it('int(7) is uniform (chi-square over 70k draws)', () => {
    const r = new Rng(2024);
    const counts = new Array<number>(7).fill(0);
    const draws = 70000;
    for (let i = 0; i < draws; i++) counts[r.int(7)]++;
    const expected = draws / 7;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // df = 6: the 0.999 quantile is 22.46.
    expect(chi2).toBeLessThan(22.46);
  });

  it('int(n) has no modulo bias for n = 3·2^30 (plain modulo would give P(v < 2^30) = 1/2)', () => {
    const r = new Rng(77);
    const n = 3 * 2 ** 30;
    let low = 0;
    const draws = 30000;
    for (let i = 0; i < draws; i++) if (r.int(n) < 2 ** 30) low++;
    // Unbiased: 1/3 (standard error 0.0027).
    expect(Math.abs(low / draws - 1 / 3)).toBeLessThan(0.015);
  });

  it('uniformRange, shuffle, permutation, fork', () => {
    const r = new Rng(11);
    for (let i = 0; i < 100; i++) {
      const v = r.uniformRange(-3, 5);
      expect(v >= -3 && v < 5).toBe(true);
    }
    const p = r.permutation(50);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const arr = [1, 2, 3, 4, 5, 6];
    const same = r.shuffle(arr);
    expect(same).toBe(arr);
    expect(arr.slice().sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const f1 = new Rng(3).fork();
    const f2 = new Rng(3).fork();
    expect(f1.nextUint32()).toBe(f2.nextUint32());
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });
});

describe('toArray and item', () => {
  it('toArray mirrors the shape', () => {
    const x = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 1, 2]);
    expect(x.toArray()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    expect(flattenNested(x.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Tensor(new Float32Array(0), [2, 0]).toArray()).toEqual([[], []]);
  });

  it('item works on any one-element tensor and throws otherwise', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError);
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor of shape [2] has 2 elements, expected 1');
  });

  it('size, rank, isLeaf, toString, clone, detach', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    expect(x.size).toBe(3);
    expect(x.rank).toBe(2);
    expect(x.isLeaf).toBe(true);
    expect(String(x)).toBe('Tensor([1,3], float32, requiresGrad)');
    const c = x.clone();
    c.data[0] = 9;
    expect(x.data[0]).toBe(1);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    d.data[0] = 5;
    expect(x.data[0]).toBe(5);
  });

  it('the Tensor constructor validates data and shape', () => {
    expect(() => new Tensor([1, 2] as unknown as Float32Array, [2])).toThrow(DTypeError);
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow(ShapeError);
  });
});
