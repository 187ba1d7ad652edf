/** Forward values of reductions, arg-reductions, logSumExp and softmax vs test-side references. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, logSoftmax, softmax, type Tensor, tensor } from '../../src/index.js';
import { softmaxVector } from '../../src/tensor/reduce.js';
import { flattenNested, ravel, reduceRef, sizeOfRef, unravel } from '../support/reference.js';

/** A float64 tensor of random shape (rank 0-4, dims 1-4) with values in [-10, 10]. */
const tensorArb = (minRank = 0, dtype: DType = 'float64') =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minRank, maxLength: 4 }).chain((shape) =>
    fc
      .array(fc.double({ min: -10, max: 10, noNaN: true }), {
        minLength: sizeOfRef(shape),
        maxLength: sizeOfRef(shape),
      })
      .map((v) => tensor(v, { shape, dtype })),
  );

/** An axis argument: undefined, one (maybe negative) axis, or a list of distinct axes. */
const withAxes = (t: fc.Arbitrary<Tensor>) =>
  t.chain((x) => {
    const all = Array.from({ length: x.rank }, (_, i) => i);
    const one = x.rank > 0 ? fc.integer({ min: -x.rank, max: x.rank - 1 }) : fc.constant(undefined);
    const axis = fc.oneof(fc.constant(undefined), one, fc.shuffledSubarray(all));
    return fc.tuple(fc.constant(x), axis, fc.boolean());
  });

const norm = (axis: number | number[] | undefined, rank: number): number[] =>
  axis === undefined
    ? Array.from({ length: rank }, (_, i) => i)
    : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);

describe('reductions vs a reference', () => {
  const cases: [string, 'sum' | 'mean' | 'max' | 'min'][] = [
    ['sum', 'sum'],
    ['mean', 'mean'],
    ['max', 'max'],
    ['min', 'min'],
  ];
  for (const [name, op] of cases) {
    it(`${name} over undefined / one / several axes, keepDims on and off`, () => {
      fc.assert(
        fc.property(withAxes(tensorArb()), ([x, axis, keepDims]) => {
          const axes = norm(axis, x.rank);
          const ref =
            op === 'max'
              ? reduceRef(x.data, x.shape, axes, -Infinity, Math.max)
              : op === 'min'
                ? reduceRef(x.data, x.shape, axes, Infinity, Math.min)
                : reduceRef(x.data, x.shape, axes, 0, (s, v) => s + v);
          const count = axes.reduce((p, a) => p * x.shape[a], 1);
          const want = op === 'mean' ? ref.data.map((v) => v / count) : ref.data;
          const out = x[op](axis, { keepDims });
          const shape = keepDims ? ref.shape : x.shape.filter((_, i) => !axes.includes(i));
          expect(out.shape).toEqual(shape);
          expect(out.size).toBe(want.length);
          out.data.forEach((v, i) => {
            expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want[i])) * x.size);
          });
        }),
        { numRuns: 60 },
      );
    });
  }

  it('sum in float32 stays close to the float64 sum', () => {
    const v = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const s32 = tensor(v, { dtype: 'float32' }).sum().item();
    const s64 = v.reduce((a, b) => a + Math.fround(b), 0);
    expect(Math.abs(s32 - s64)).toBeLessThan(1e-3);
  });

  it('mean of an empty axis is NaN; max of an empty axis throws', () => {
    const x = tensor([], { shape: [0, 3] });
    expect(Array.from(x.mean(0).data).every(Number.isNaN)).toBe(true);
    expect(Array.from(x.sum(0).data)).toEqual([0, 0, 0]);
    expect(() => x.max(0)).toThrow(/max: cannot reduce axis 0 of size 0/);
  });

  it('a concrete example', () => {
    const x = tensor(
      [
        [1, 5, 3],
        [4, 2, 6],
      ],
      { dtype: 'float64' },
    );
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1, { keepDims: true }).toArray()).toEqual([[9], [12]]);
    expect(x.mean([0, 1]).item()).toBe(3.5);
    expect(x.max(1).toArray()).toEqual([5, 6]);
    expect(x.min(0).toArray()).toEqual([1, 2, 3]);
  });
});

describe('argmax / argmin', () => {
  /** First index of the extremum along `axis` (flattened when undefined). */
  function argRef(x: Tensor, axis: number | undefined, better: (a: number, b: number) => boolean): number[] {
    if (axis === undefined) {
      let bi = 0;
      for (let i = 1; i < x.size; i++) if (better(x.data[i], x.data[bi])) bi = i;
      return [bi];
    }
    const ax = axis < 0 ? axis + x.rank : axis;
    const outShape = x.shape.filter((_, i) => i !== ax);
    const out: number[] = [];
    for (let o = 0; o < sizeOfRef(outShape); o++) {
      const oi = unravel(o, outShape);
      let bi = 0;
      let best = Number.NaN;
      for (let k = 0; k < x.shape[ax]; k++) {
        const idx = [...oi.slice(0, ax), k, ...oi.slice(ax)];
        const v = x.data[ravel(idx, x.shape)];
        if (k === 0 || better(v, best)) {
          best = v;
          bi = k;
        }
      }
      out.push(bi);
    }
    return out;
  }

  it('match the first-occurrence reference on data with ties', () => {
    // Small integer values make ties frequent.
    const small = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
      .chain((shape) =>
        fc
          .array(fc.integer({ min: -2, max: 2 }), {
            minLength: sizeOfRef(shape),
            maxLength: sizeOfRef(shape),
          })
          .map((v) => tensor(v, { shape })),
      )
      .chain((x) =>
        fc.tuple(
          fc.constant(x),
          fc.option(fc.integer({ min: -x.rank, max: x.rank - 1 }), { nil: undefined }),
        ),
      );
    fc.assert(
      fc.property(small, fc.boolean(), ([x, axis], keepDims) => {
        const amax = x.argmax(axis, { keepDims });
        const amin = x.argmin(axis, { keepDims });
        expect(Array.from(amax.data)).toEqual(argRef(x, axis, (a, b) => a > b));
        expect(Array.from(amin.data)).toEqual(argRef(x, axis, (a, b) => a < b));
        const ax = axis === undefined ? undefined : axis < 0 ? axis + x.rank : axis;
        const shape =
          ax === undefined
            ? keepDims
              ? x.shape.map(() => 1)
              : []
            : keepDims
              ? x.shape.map((d, i) => (i === ax ? 1 : d))
              : x.shape.filter((_, i) => i !== ax);
        expect(amax.shape).toEqual(shape);
      }),
      { numRuns: 60 },
    );
  });

  it('a concrete example', () => {
    const x = tensor([
      [1, 9, 9],
      [7, 0, 7],
    ]);
    expect(x.argmax().item()).toBe(1);
    expect(x.argmin().item()).toBe(4);
    expect(x.argmax(1).toArray()).toEqual([1, 0]);
    expect(x.argmin(0).toArray()).toEqual([0, 1, 1]);
    expect(x.argmax(-2, { keepDims: true }).toArray()).toEqual([[1, 0, 0]]);
  });
});

describe('logSumExp, softmax, logSoftmax', () => {
  it('logSumExp matches the naive formula for moderate values', () => {
    fc.assert(
      fc.property(withAxes(tensorArb()), ([x, axis, keepDims]) => {
        const axes = norm(axis, x.rank);
        const ref = reduceRef(x.data, x.shape, axes, 0, (s, v) => s + Math.exp(v));
        const out = x.logSumExp(axis, { keepDims });
        expect(out.size).toBe(ref.data.length);
        out.data.forEach((v, i) => {
          const want = Math.log(ref.data[i]);
          expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('logSumExp over non-contiguous axes of a 3-D tensor', () => {
    const values = Array.from({ length: 24 }, (_, i) => Math.cos(i));
    const x = tensor(values, { shape: [2, 3, 4], dtype: 'float64' });
    const out = x.logSumExp([0, 2]);
    expect(out.shape).toEqual([3]);
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s += Math.exp(values[i * 12 + j * 4 + k]);
      expect(out.data[j]).toBeCloseTo(Math.log(s), 12);
    }
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`stable for logits around ±1e4 (${dtype})`, () => {
      const rows = [
        [1e4, 1e4 - 1, 1e4 - 2],
        [-1e4, -1e4 + 1, -1e4 + 3],
        [1e4, -1e4, 0],
      ];
      const x = tensor(rows, { dtype });
      const lse = x.logSumExp(-1);
      const sm = x.softmax(-1);
      const lsm = x.logSoftmax(-1);
      for (const t of [lse, sm, lsm]) expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
      rows.forEach((row, r) => {
        const stored = row.map((v) => (dtype === 'float32' ? Math.fround(v) : v));
        const m = Math.max(...stored);
        const ref = m + Math.log(stored.reduce((s, v) => s + Math.exp(v - m), 0));
        const tol = dtype === 'float32' ? 2e-3 : 1e-9;
        expect(Math.abs(lse.data[r] - ref)).toBeLessThan(tol);
        let total = 0;
        for (let k = 0; k < 3; k++) {
          total += sm.data[r * 3 + k];
          expect(Math.abs(lsm.data[r * 3 + k] - (stored[k] - ref))).toBeLessThan(tol);
          expect(Math.abs(sm.data[r * 3 + k] - Math.exp(stored[k] - ref))).toBeLessThan(tol);
        }
        expect(Math.abs(total - 1)).toBeLessThan(dtype === 'float32' ? 1e-6 : 1e-14);
      });
    });
  }

  it('softmax rows sum to 1 along every axis, logSoftmax = x − logSumExp', () => {
    const arb = tensorArb(1).chain((x) =>
      fc.tuple(fc.constant(x), fc.integer({ min: -x.rank, max: x.rank - 1 })),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom(0, 1e4, -1e4), ([x0, axis], shift) => {
        const x = tensor(
          Array.from(x0.data, (v) => v + shift),
          { shape: x0.shape, dtype: 'float64' },
        );
        const sm = softmax(x, axis);
        const lsm = logSoftmax(x, axis);
        expect(Array.from(sm.data).every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
        const sums = sm.sum(axis);
        for (const s of sums.data) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        const lse = x.logSumExp(axis, { keepDims: true });
        const want = x.sub(lse);
        lsm.data.forEach((v, i) => {
          expect(Math.abs(v - want.data[i])).toBeLessThan(1e-9);
        });
        // softmax = exp(x - max) / Σ exp(x - max), computed here directly.
        const ax = axis < 0 ? axis + x.rank : axis;
        const mx = reduceRef(x.data, x.shape, [ax], -Infinity, Math.max);
        const den = new Array<number>(mx.data.length).fill(0);
        const keepIdx = (i: number) =>
          ravel(
            unravel(i, x.shape).map((v, d) => (d === ax ? 0 : v)),
            mx.shape,
          );
        for (let i = 0; i < x.size; i++) den[keepIdx(i)] += Math.exp(x.data[i] - mx.data[keepIdx(i)]);
        for (let i = 0; i < x.size; i++) {
          const want2 = Math.exp(x.data[i] - mx.data[keepIdx(i)]) / den[keepIdx(i)];
          expect(Math.abs(sm.data[i] - want2)).toBeLessThan(1e-14);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('softmax default axis is the last one', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 5],
      ],
      { dtype: 'float64' },
    );
    expect(flattenNested(x.softmax().toArray())).toEqual(flattenNested(x.softmax(1).toArray()));
    expect(flattenNested(x.logSoftmax().toArray())).toEqual(flattenNested(x.logSoftmax(-1).toArray()));
  });
});

describe('softmaxVector', () => {
  it('matches hand values, also from an offset', () => {
    // softmax(0, ln 3) = (1, 3) / 4
    const p = softmaxVector([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    const q = softmaxVector([9, 9, 0, Math.log(3), 9], 2, 2);
    expect(q).toHaveLength(2);
    expect(q[1]).toBeCloseTo(0.75, 15);
  });

  it('is stable for large logits and equal to exp(x − max)/Σ computed here', () => {
    expect(softmaxVector([1000, 1000])).toEqual([0.5, 0.5]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (v) => {
          const m = Math.max(...v);
          const e = v.map((x) => Math.exp(x - m));
          const s = e.reduce((a, b) => a + b, 0);
          const p = softmaxVector(v);
          p.forEach((pi, i) => expect(pi).toBeCloseTo(e[i] / s, 14));
        },
      ),
      { numRuns: 100 },
    );
  });
});
