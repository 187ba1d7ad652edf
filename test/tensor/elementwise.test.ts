/** Forward values of elementwise ops vs test-side references (index-walking broadcast, Math.*). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  type DType,
  div,
  maximum,
  minimum,
  mul,
  ShapeError,
  sub,
  Tensor,
  tensor,
} from '../../src/index.js';
import { binaryRef, broadcastRef, sizeOfRef } from '../support/reference.js';

const dims = fc.integer({ min: 1, max: 4 });

/** Two shapes that may or may not broadcast: each dim of a random template is kept, set to 1, or mutated. */
const shapePair = fc
  .array(fc.tuple(dims, fc.constantFrom('same', 'oneA', 'oneB', 'other'), dims), {
    minLength: 0,
    maxLength: 4,
  })
  .chain((spec) =>
    fc
      .tuple(fc.integer({ min: 0, max: spec.length }), fc.integer({ min: 0, max: spec.length }))
      .map(([da, db]) => {
        const a = spec.map(([d, kind]) => (kind === 'oneA' ? 1 : d));
        const b = spec.map(([d, kind, e]) => (kind === 'oneB' ? 1 : kind === 'other' ? e : d));
        return [a.slice(da), b.slice(db)] as [number[], number[]];
      }),
  );

const valuesOf = (shape: number[]) =>
  fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
    minLength: sizeOfRef(shape),
    maxLength: sizeOfRef(shape),
  });

const binaryOps: [
  string,
  (a: Tensor | number, b: Tensor | number) => Tensor,
  (x: number, y: number) => number,
][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['maximum', maximum, (x, y) => (x > y || Number.isNaN(x) ? x : y)],
  ['minimum', minimum, (x, y) => (x < y || Number.isNaN(x) ? x : y)],
];

/** Rounds a reference value to the storage precision of `dtype`. */
const round = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number) => v);

describe('binary ops with broadcasting vs an index-walking reference', () => {
  for (const [name, op, f] of binaryOps) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} (${dtype})`, () => {
        fc.assert(
          fc.property(
            shapePair.chain(([sa, sb]) =>
              fc.tuple(fc.constant(sa), fc.constant(sb), valuesOf(sa), valuesOf(sb)),
            ),
            ([sa, sb, va, vb]) => {
              const a = tensor(va, { shape: sa, dtype });
              const b = tensor(vb, { shape: sb, dtype });
              const shape = broadcastRef(sa, sb);
              if (shape === null) {
                expect(() => op(a, b)).toThrow(ShapeError);
                return;
              }
              // The reference works on the stored (possibly float32-rounded) inputs.
              const ref = binaryRef(f, a.data, sa, b.data, sb);
              const out = op(a, b);
              expect(out.shape).toEqual(ref.shape);
              expect(out.dtype).toBe(dtype);
              expect(Array.from(out.data)).toEqual(ref.data.map(round(dtype)));
            },
          ),
          { numRuns: 60 },
        );
      });
    }

    it(`${name} with a number on either side`, () => {
      fc.assert(
        fc.property(
          dims.chain((d) => fc.tuple(fc.constant([d, 2]), valuesOf([d, 2]))),
          fc.double({ min: -10, max: 10, noNaN: true }),
          fc.constantFrom<DType>('float32', 'float64'),
          ([shape, values], c, dtype) => {
            const x = tensor(values, { shape, dtype });
            const r = round(dtype);
            const left = op(c, x);
            const right = op(x, c);
            expect(left.dtype).toBe(dtype);
            expect(right.shape).toEqual(shape);
            // A number operand takes the tensor's dtype, so it is rounded to it first.
            expect(Array.from(left.data)).toEqual(Array.from(x.data, (v) => r(f(r(c), v))));
            expect(Array.from(right.data)).toEqual(Array.from(x.data, (v) => r(f(v, r(c)))));
          },
        ),
        { numRuns: 30 },
      );
    });
  }

  it('specific broadcast: [2,1,3] + [4,1] gives [2,4,3]', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 1, 3], dtype: 'float64' });
    const b = tensor([10, 20, 30, 40], { shape: [4, 1], dtype: 'float64' });
    const c = a.add(b);
    expect(c.shape).toEqual([2, 4, 3]);
    expect(c.toArray()).toEqual([
      [
        [11, 12, 13],
        [21, 22, 23],
        [31, 32, 33],
        [41, 42, 43],
      ],
      [
        [14, 15, 16],
        [24, 25, 26],
        [34, 35, 36],
        [44, 45, 46],
      ],
    ]);
  });

  it('maximum/minimum propagate NaN (as NumPy and PyTorch)', () => {
    const a = tensor([Number.NaN, 1, 2]);
    const b = tensor([0, Number.NaN, 3]);
    expect(Array.from(maximum(a, b).data).map(Number.isNaN)).toEqual([true, true, false]);
    expect(Array.from(minimum(a, b).data).map(Number.isNaN)).toEqual([true, true, false]);
  });

  it('zero-size broadcast results are empty', () => {
    const a = new Tensor(new Float32Array(0), [0, 3]);
    const b = tensor([1, 2, 3]);
    const c = a.mul(b);
    expect(c.shape).toEqual([0, 3]);
    expect(c.size).toBe(0);
  });
});

describe('unary ops vs Math', () => {
  const unary: [string, (t: Tensor) => Tensor, (x: number) => number, number, number][] = [
    ['neg', (t) => t.neg(), (x) => -x, -5, 5],
    ['exp', (t) => t.exp(), Math.exp, -5, 5],
    ['log', (t) => t.log(), Math.log, 0.01, 100],
    ['sqrt', (t) => t.sqrt(), Math.sqrt, 0, 100],
    ['abs', (t) => t.abs(), Math.abs, -5, 5],
    ['sin', (t) => t.sin(), Math.sin, -5, 5],
    ['cos', (t) => t.cos(), Math.cos, -5, 5],
    ['tanh', (t) => t.tanh(), Math.tanh, -5, 5],
    ['sigmoid', (t) => t.sigmoid(), (x) => 1 / (1 + Math.exp(-x)), -30, 30],
    ['relu', (t) => t.relu(), (x) => Math.max(x, 0), -5, 5],
    ['square', (t) => t.square(), (x) => x * x, -5, 5],
    ['pow 3', (t) => t.pow(3), (x) => x ** 3, -5, 5],
    ['pow 0.5', (t) => t.pow(0.5), Math.sqrt, 0, 10],
    ['pow -1', (t) => t.pow(-1), (x) => 1 / x, 0.1, 10],
    ['clamp(-1, 2)', (t) => t.clamp(-1, 2), (x) => Math.min(2, Math.max(-1, x)), -5, 5],
  ];
  for (const [name, fn, ref, lo, hi] of unary) {
    it(name, () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: 1, maxLength: 20 }),
          (v) => {
            const x = tensor(v, { dtype: 'float64' });
            const y = fn(x);
            expect(y.shape).toEqual(x.shape);
            y.data.forEach((got, i) => {
              const want = ref(v[i]);
              expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
            });
          },
        ),
        { numRuns: 30 },
      );
    });
  }

  it('sigmoid does not overflow for large |x|', () => {
    const y = tensor([-1000, -50, 0, 50, 1000], { dtype: 'float64' }).sigmoid();
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    expect(y.data[0]).toBe(0);
    expect(y.data[2]).toBe(0.5);
    expect(y.data[4]).toBe(1);
  });
});
