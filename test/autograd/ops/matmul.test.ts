/** matmul gradients: gradcheck on small cases, and the blocked path's backward vs a triple loop. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matmul, Tensor } from '../../../src/index.js';
import { tensorArbitraries } from '../../../src/testing/index.js';
import { expectGradOk, f64, RUNS } from '../../support/grad.js';
import { matmulRef, randomValues, sizeOfRef, testRng } from '../../support/reference.js';

const arb = tensorArbitraries(fc);
const dim = fc.integer({ min: 1, max: 4 });
const flags = fc.record({ transposeA: fc.boolean(), transposeB: fc.boolean() });

/** Stored shapes of A and B for op(A)[m,k] · op(B)[k,n] with the given batch prefixes. */
function storedShapes(
  aBatch: number[],
  bBatch: number[],
  m: number,
  k: number,
  n: number,
  f: { transposeA: boolean; transposeB: boolean },
): [number[], number[]] {
  return [
    [...aBatch, ...(f.transposeA ? [k, m] : [m, k])],
    [...bBatch, ...(f.transposeB ? [n, k] : [k, n])],
  ];
}

const valuesFor = (shape: number[]) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
    minLength: sizeOfRef(shape),
    maxLength: sizeOfRef(shape),
  });

describe('matmul gradients (gradcheck, float64)', () => {
  it('2-D, every transposeA/transposeB combination', () => {
    const cases = fc.tuple(dim, dim, dim, flags).chain(([m, k, n, f]) => {
      const [sa, sb] = storedShapes([], [], m, k, n, f);
      return fc
        .tuple(valuesFor(sa), valuesFor(sb))
        .map(([va, vb]) => ({ a: f64(va, sa), b: f64(vb, sb), f }));
    });
    fc.assert(
      fc.property(cases, ({ a, b, f }) => {
        expectGradOk((x, y) => x.matmul(y, f), [a, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('all four flag combinations explicitly', () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const f = { transposeA, transposeB };
        const [sa, sb] = storedShapes([], [], 3, 4, 2, f);
        const rand = testRng(7);
        const a = f64(randomValues(rand, 12), sa);
        const b = f64(randomValues(rand, 8), sb);
        expectGradOk((x, y) => matmul(x, y, f), [a, b]);
      }
    }
  });

  it('batched 3-D with broadcast batch dimensions, every flag combination', () => {
    const cases = fc
      .tuple(arb.broadcastShapes({ maxRank: 2, maxDim: 3 }), dim, dim, dim, flags)
      .chain(([[ba, bb], m, k, n, f]) => {
        const [sa, sb] = storedShapes(ba, bb, m, k, n, f);
        return fc
          .tuple(valuesFor(sa), valuesFor(sb))
          .map(([va, vb]) => ({ a: f64(va, sa), b: f64(vb, sb), f }));
      });
    fc.assert(
      fc.property(cases, ({ a, b, f }) => {
        expectGradOk((x, y) => x.matmul(y, f), [a, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('3-D @ 2-D and 2-D @ 3-D (one operand shared by all batches)', () => {
    const rand = testRng(11);
    for (const f of [
      { transposeA: false, transposeB: false },
      { transposeA: true, transposeB: true },
    ]) {
      const [sa, sb] = storedShapes([3], [], 2, 3, 2, f);
      expectGradOk(
        (x, y) => x.matmul(y, f),
        [f64(randomValues(rand, 18), sa), f64(randomValues(rand, 6), sb)],
      );
      const [sc, sd] = storedShapes([], [2, 2], 2, 3, 2, f);
      expectGradOk(
        (x, y) => x.matmul(y, f),
        [f64(randomValues(rand, 6), sc), f64(randomValues(rand, 24), sd)],
      );
    }
  });
});

describe('matmul backward on the blocked path (large sizes) vs a triple-loop reference', () => {
  // dA = G·op(B)ᵀ (stored transposed when transposeA), dB = op(A)ᵀ·G (stored transposed when transposeB),
  // summed over broadcast batch dimensions. These sizes exceed the kernel's small-product cutoff.
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`transposeA=${transposeA} transposeB=${transposeB}, batch [2,1] x [3]`, () => {
        const f = { transposeA, transposeB };
        const [m, k, n] = [67, 70, 9];
        const [sa, sb] = storedShapes([2, 1], [3], m, k, n, f);
        const rand = testRng(transposeA ? (transposeB ? 1 : 2) : transposeB ? 3 : 4);
        const a = new Tensor(Float64Array.from(randomValues(rand, sizeOfRef(sa))), sa, true);
        const b = new Tensor(Float64Array.from(randomValues(rand, sizeOfRef(sb))), sb, true);
        const c = a.matmul(b, f);
        expect(c.shape).toEqual([2, 3, m, n]);
        const g = Float64Array.from(randomValues(rand, c.size));
        c.backward(new Tensor(g, c.shape));
        // Reference gradients, element by element from the definition.
        const da = new Float64Array(a.size);
        const db = new Float64Array(b.size);
        const aBatchSize = m * k;
        const bBatchSize = k * n;
        for (let i0 = 0; i0 < 2; i0++) {
          for (let i1 = 0; i1 < 3; i1++) {
            const ao = i0 * aBatchSize;
            const bo = i1 * bBatchSize;
            const go = (i0 * 3 + i1) * m * n;
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                const gv = g[go + i * n + j];
                for (let p = 0; p < k; p++) {
                  const ai = transposeA ? ao + p * m + i : ao + i * k + p;
                  const bi = transposeB ? bo + j * k + p : bo + p * n + j;
                  da[ai] += gv * b.data[bi];
                  db[bi] += gv * a.data[ai];
                }
              }
            }
          }
        }
        const close = (x: ArrayLike<number>, y: ArrayLike<number>) => {
          let worst = 0;
          for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
          return worst;
        };
        expect(close(a.grad!.data, da)).toBeLessThan(1e-11);
        expect(close(b.grad!.data, db)).toBeLessThan(1e-11);
      });
    }
  }

  it('the forward of the same product agrees with matmulRef', () => {
    const rand = testRng(5);
    const a = f64(randomValues(rand, 2 * 67 * 70), [2, 1, 67, 70]);
    const b = f64(randomValues(rand, 3 * 70 * 9), [3, 70, 9]);
    const ref = matmulRef(a.data, a.shape, b.data, b.shape);
    const c = a.matmul(b);
    expect(c.shape).toEqual(ref.shape);
    for (let i = 0; i < c.size; i++)
      expect(Math.abs(c.data[i] - ref.data[i])).toBeLessThan(1e-12 * (1 + ref.absSum[i]));
  });
});
