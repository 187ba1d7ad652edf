/** Forward values of data-movement ops vs test-side references. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, gather, permute, stack, type Tensor, tensor, where } from '../../src/index.js';
import { broadcastIndex, broadcastRef, permuteRef, ravel, sizeOfRef, unravel } from '../support/reference.js';

/** A tensor whose element i holds the value i (so every output value names its source). */
const iota = (shape: number[], dtype: 'float32' | 'float64' = 'float64') =>
  tensor(
    Array.from({ length: sizeOfRef(shape) }, (_, i) => i),
    { shape, dtype },
  );

const shapeArb = (minRank = 1, maxRank = 4) =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minRank, maxLength: maxRank });

describe('slice', () => {
  /** Python slice semantics for one axis, written independently: the list of kept indices. */
  function pyRange(n: number, s: number | undefined, e: number | undefined): number[] {
    const fix = (v: number) => (v < 0 ? Math.max(0, v + n) : Math.min(n, v));
    const lo = s === undefined ? 0 : fix(s);
    const hi = e === undefined ? n : fix(e);
    const out: number[] = [];
    for (let i = lo; i < hi; i++) out.push(i);
    return out;
  }

  it('matches Python slicing with negative, omitted and out-of-range bounds', () => {
    const bound = fc.option(fc.integer({ min: -7, max: 7 }), { nil: undefined });
    const range = fc.oneof(
      fc.constant(null),
      fc.tuple(bound, bound).map(([s, e]) => [s, e] as [number?, number?]),
      bound.map((s) => [s] as [number?]),
      fc.constant([] as [number?, number?]),
    );
    const cases = shapeArb().chain((shape) =>
      fc.array(range, { maxLength: shape.length }).map((ranges) => ({ shape, ranges })),
    );
    fc.assert(
      fc.property(cases, ({ shape, ranges }) => {
        const x = iota(shape);
        const kept = shape.map((n, d) => {
          const r = ranges[d];
          return r === null || r === undefined ? pyRange(n, undefined, undefined) : pyRange(n, r[0], r[1]);
        });
        const outShape = kept.map((k) => k.length);
        const want: number[] = [];
        for (let i = 0; i < sizeOfRef(outShape); i++) {
          const oi = unravel(i, outShape);
          want.push(
            ravel(
              oi.map((v, d) => kept[d][v]),
              shape,
            ),
          );
        }
        const y = x.slice(ranges);
        expect(y.shape).toEqual(outShape);
        expect(Array.from(y.data)).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });

  it('concrete cases', () => {
    const x = iota([3, 4]);
    expect(x.slice([[1]]).toArray()).toEqual([
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(x.slice([null, [-2]]).toArray()).toEqual([
      [2, 3],
      [6, 7],
      [10, 11],
    ]);
    expect(x.slice([[-1], [undefined, -3]]).toArray()).toEqual([[8]]);
    expect(x.slice([[2, 1]]).shape).toEqual([0, 4]);
    expect(x.slice([[-100, 100]]).shape).toEqual([3, 4]);
  });
});

describe('concat and stack', () => {
  it('concat along a random axis equals the reference interleaving', () => {
    const cases = shapeArb().chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.integer({ min: 0, max: s.length - 1 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(cases, ([s, ax, lengths, negative]) => {
        const parts = lengths.map((len, p) => {
          const shape = s.slice();
          shape[ax] = len;
          return tensor(
            Array.from({ length: sizeOfRef(shape) }, (_, i) => 1000 * p + i),
            { shape, dtype: 'float64' },
          );
        });
        const out = concat(parts, negative ? ax - s.length : ax);
        const total = lengths.reduce((a, b) => a + b, 0);
        const outShape = s.slice();
        outShape[ax] = total;
        expect(out.shape).toEqual(outShape);
        for (let i = 0; i < out.size; i++) {
          const idx = unravel(i, outShape);
          let k = idx[ax];
          let p = 0;
          while (k >= lengths[p]) k -= lengths[p++];
          const src = idx.slice();
          src[ax] = k;
          expect(out.data[i]).toBe(parts[p].data[ravel(src, parts[p].shape)]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stack along a random axis: out[..., i, ...] = tensors[i]', () => {
    const cases = shapeArb(0, 3).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.integer({ min: -(s.length + 1), max: s.length }),
        fc.integer({ min: 1, max: 4 }),
      ),
    );
    fc.assert(
      fc.property(cases, ([s, axis, count]) => {
        const parts = Array.from({ length: count }, (_, p) =>
          tensor(
            Array.from({ length: sizeOfRef(s) }, (_, i) => 100 * p + i),
            { shape: s, dtype: 'float32' },
          ),
        );
        const out = stack(parts, axis);
        const ax = axis < 0 ? axis + s.length + 1 : axis;
        const outShape = [...s.slice(0, ax), count, ...s.slice(ax)];
        expect(out.shape).toEqual(outShape);
        for (let i = 0; i < out.size; i++) {
          const idx = unravel(i, outShape);
          const p = idx[ax];
          const src = [...idx.slice(0, ax), ...idx.slice(ax + 1)];
          expect(out.data[i]).toBe(parts[p].data[ravel(src, s)]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('concrete cases', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[5, 6]]);
    expect(concat([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(concat([a, b.T], 1).toArray()).toEqual([
      [1, 2, 5],
      [3, 4, 6],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

describe('gather', () => {
  it('out[.., j, ..] = x[.., index[j], ..] along a random axis, repeats and negatives included', () => {
    const cases = shapeArb().chain((s) =>
      fc
        .integer({ min: 0, max: s.length - 1 })
        .chain((ax) =>
          fc.tuple(
            fc.constant(s),
            fc.constant(ax),
            fc.array(fc.integer({ min: -s[ax], max: s[ax] - 1 }), { maxLength: 6 }),
            fc.constantFrom('array', 'int32', 'tensor'),
          ),
        ),
    );
    fc.assert(
      fc.property(cases, ([s, ax, idx, kind]) => {
        const x = iota(s);
        const index =
          kind === 'array'
            ? idx
            : kind === 'int32'
              ? Int32Array.from(idx)
              : tensor(idx, { dtype: 'float64' });
        const out = gather(x, index, ax);
        const outShape = s.slice();
        outShape[ax] = idx.length;
        expect(out.shape).toEqual(outShape);
        for (let i = 0; i < out.size; i++) {
          const oi = unravel(i, outShape);
          const j = idx[oi[ax]];
          oi[ax] = j < 0 ? j + s[ax] : j;
          expect(out.data[i]).toBe(ravel(oi, s));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('concrete case', () => {
    const x = iota([3, 2]);
    expect(x.gather([2, 0, 2]).toArray()).toEqual([
      [4, 5],
      [0, 1],
      [4, 5],
    ]);
    expect(x.gather([-1], 1).toArray()).toEqual([[1], [3], [5]]);
  });
});

describe('where', () => {
  it('picks a or b elementwise with broadcasting of cond, a and b', () => {
    const cases = fc.tuple(shapeArb(0, 3), fc.nat(), fc.nat(), fc.nat()).chain(([full, ka, kb, kc]) => {
      // Derive three broadcast-compatible shapes from one full shape.
      const derive = (seed: number) =>
        full.slice(seed % (full.length + 1)).map((d, i) => (((seed >> (i + 2)) & 1) === 1 ? 1 : d));
      const [sc, sa, sb] = [derive(kc), derive(ka), derive(kb)];
      return fc.tuple(
        fc.constant(sc),
        fc.constant(sa),
        fc.constant(sb),
        fc.array(fc.boolean(), { minLength: sizeOfRef(sc), maxLength: sizeOfRef(sc) }),
      );
    });
    fc.assert(
      fc.property(cases, ([sc, sa, sb, cv]) => {
        const cond = tensor(cv.map(Number), { shape: sc });
        const a = tensor(
          Array.from({ length: sizeOfRef(sa) }, (_, i) => i + 1),
          { shape: sa, dtype: 'float64' },
        );
        const b = tensor(
          Array.from({ length: sizeOfRef(sb) }, (_, i) => -(i + 1)),
          { shape: sb, dtype: 'float64' },
        );
        const outShape = broadcastRef(broadcastRef(sc, sa)!, sb)!;
        const out = where(cond, a, b);
        expect(out.shape).toEqual(outShape);
        expect(out.dtype).toBe('float64');
        for (let i = 0; i < out.size; i++) {
          const idx = unravel(i, outShape);
          const want = cv[broadcastIndex(idx, sc)]
            ? a.data[broadcastIndex(idx, sa)]
            : b.data[broadcastIndex(idx, sb)];
          expect(out.data[i]).toBe(want);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('accepts a boolean array and number operands', () => {
    expect(where([true, false, true], 1, tensor([5, 6, 7])).toArray()).toEqual([1, 6, 1]);
    expect(where(tensor([0, 2]), tensor([1, 2]), -1).toArray()).toEqual([-1, 2]);
  });
});

describe('permute, transpose, reshape, squeeze, unsqueeze', () => {
  it('permute matches the reference for random permutations', () => {
    const cases = shapeArb(0, 4).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.shuffledSubarray(
          s.map((_, i) => i),
          { minLength: s.length, maxLength: s.length },
        ),
      ),
    );
    fc.assert(
      fc.property(cases, ([s, perm]) => {
        const x = iota(s, 'float32');
        const y = permute(x, perm);
        expect(y.shape).toEqual(perm.map((p) => s[p]));
        expect(Array.from(y.data)).toEqual(permuteRef(x.data, s, perm));
      }),
      { numRuns: 60 },
    );
  });

  it('transpose swaps two axes; .T swaps the last two; rank < 2 is unchanged', () => {
    const x = iota([2, 3, 4]);
    const y = x.transpose(0, 2);
    expect(y.shape).toEqual([4, 3, 2]);
    expect(Array.from(y.data)).toEqual(permuteRef(x.data, x.shape, [2, 1, 0]));
    expect(Array.from(x.T.data)).toEqual(permuteRef(x.data, x.shape, [0, 2, 1]));
    const v = iota([3]);
    expect(v.T).toBe(v);
  });

  it('reshape keeps row-major order and infers -1; squeeze/unsqueeze move size-1 axes', () => {
    const x = iota([2, 3, 4]);
    const y = x.reshape([4, -1]);
    expect(y.shape).toEqual([4, 6]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(x.flatten().shape).toEqual([24]);
    const z = x.unsqueeze(1).unsqueeze(-1);
    expect(z.shape).toEqual([2, 1, 3, 4, 1]);
    expect(z.squeeze().shape).toEqual([2, 3, 4]);
    expect(z.squeeze(1).shape).toEqual([2, 3, 4, 1]);
    expect(z.squeeze(-1).shape).toEqual([2, 1, 3, 4]);
    expect(iota([]).reshape([1, 1]).shape).toEqual([1, 1]);
  });

  it('toArray of a permuted tensor is the nested transpose', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t: Tensor = x.T;
    expect(t.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});
