/** matmul forward vs a test-side triple loop (float64 accumulation), both dtypes, all transposes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendName,
  backendInfo,
  type DType,
  getBackend,
  matmul,
  ShapeError,
  setBackend,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { matmulKernel, retainedScratchBytes } from '../../src/tensor/matmul.js';
import { matmulRef, randomValues, sizeOfRef, testRng } from '../support/reference.js';

const SIZES = [1, 3, 17, 63, 65, 257];
const FLAGS = [
  { transposeA: false, transposeB: false },
  { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: true },
];

function make(dtype: DType, shape: number[], rand: () => number): Tensor {
  return tensor(randomValues(rand, sizeOfRef(shape)), { shape, dtype });
}

function stored(
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  aBatch: number[] = [],
  bBatch: number[] = [],
) {
  return {
    sa: [...aBatch, ...(ta ? [k, m] : [m, k])],
    sb: [...bBatch, ...(tb ? [n, k] : [k, n])],
  };
}

/** The backends the suites below run on: the JS reference always, wasm where SIMD validates. */
const BACKENDS: BackendName[] = backendInfo().simd ? ['js', 'wasm'] : ['js'];

/** Runs a suite's tests with `name` as the backend, restoring the previous one afterwards. */
function onBackend(name: BackendName): void {
  let before: BackendName;
  beforeAll(() => {
    before = getBackend();
    setBackend(name);
  });
  afterAll(() => setBackend(before));
}

/**
 * Checks C against the reference built from the stored inputs. float64 (always the JS kernel): only
 * summation order differs (≤ 1e-13·Σ|ab|). float32 on the JS kernel: it accumulates in float64 and
 * rounds once, so each element is within half an ulp of float32 of the exact product plus the same
 * tiny term. float32 on wasm: the SIMD kernel accumulates in float32 (as BLAS and PyTorch do), so
 * the classic bound for a k-term sum applies: |error| ≤ γ_k·Σ|a·b| with γ_k ≈ k·2⁻²⁴.
 */
function expectMatches(c: Tensor, a: Tensor, b: Tensor, ta: boolean, tb: boolean): void {
  const ref = matmulRef(a.data, a.shape, b.data, b.shape, ta, tb);
  expect(c.shape).toEqual(ref.shape);
  expect(c.dtype).toBe(a.dtype);
  const k = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const f32Sum = c.dtype === 'float32' && getBackend() === 'wasm' ? (k + 1) * 2 ** -24 : 0;
  let bad = -1;
  for (let i = 0; i < c.size; i++) {
    const err = Math.abs(c.data[i] - ref.data[i]);
    const bound =
      (c.dtype === 'float32' ? 2 ** -24 * Math.abs(ref.data[i]) : 0) +
      (1e-13 + f32Sum) * ref.absSum[i] +
      1e-300;
    if (!(err <= bound)) {
      bad = i;
      break;
    }
  }
  if (bad >= 0) throw new Error(`element ${bad}: got ${c.data[bad]}, reference ${ref.data[bad]}`);
}

describe.each(BACKENDS)('matmul vs triple-loop reference (%s backend)', (backend) => {
  onBackend(backend);
  // Every combination of sizes below 257 (M, N, K ∈ {1, 3, 17, 63, 65}), a few flag/dtype variants each.
  const small = SIZES.filter((s) => s < 257);
  let variant = 0;
  for (const m of small) {
    for (const k of small) {
      it(`M=${m} K=${k}, N ∈ {${small.join(',')}}`, () => {
        for (const n of small) {
          const f = FLAGS[variant % 4];
          const dtype: DType = variant % 3 === 0 ? 'float32' : 'float64';
          variant++;
          const rand = testRng(m * 1000 + k * 10 + n);
          const { sa, sb } = stored(m, k, n, f.transposeA, f.transposeB);
          const a = make(dtype, sa, rand);
          const b = make(dtype, sb, rand);
          expectMatches(a.matmul(b, f), a, b, f.transposeA, f.transposeB);
        }
      });
    }
  }

  // Sizes with 257 (more than one K block of the blocked kernel), all flags and both dtypes.
  const big: [number, number, number][] = [
    [257, 65, 257],
    [3, 257, 257],
    [257, 257, 63],
    [65, 1, 257],
    [257, 17, 1],
  ];
  for (const [m, k, n] of big) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`M=${m} K=${k} N=${n} (${dtype}), all four transpose combinations`, () => {
        for (const f of FLAGS) {
          const rand = testRng(m + k + n);
          const { sa, sb } = stored(m, k, n, f.transposeA, f.transposeB);
          const a = make(dtype, sa, rand);
          const b = make(dtype, sb, rand);
          expectMatches(matmul(a, b, f), a, b, f.transposeA, f.transposeB);
        }
      });
    }
  }

  it('one 257³ product (float64)', () => {
    const rand = testRng(257);
    const a = make('float64', [257, 257], rand);
    const b = make('float64', [257, 257], rand);
    expectMatches(a.matmul(b), a, b, false, false);
  });

  it('N wider than one packed column block (N = 1100)', () => {
    const rand = testRng(1100);
    for (const f of [FLAGS[0], FLAGS[3]]) {
      const { sa, sb } = stored(9, 20, 1100, f.transposeA, f.transposeB);
      const a = make('float64', sa, rand);
      const b = make('float64', sb, rand);
      expectMatches(a.matmul(b, f), a, b, f.transposeA, f.transposeB);
    }
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`K = 0 gives zeros (${dtype})`, () => {
      for (const f of FLAGS) {
        for (const [m, n] of [
          [3, 4],
          [65, 70],
        ]) {
          const { sa, sb } = stored(m, 0, n, f.transposeA, f.transposeB);
          const c = matmul(tensor([], { shape: sa, dtype }), tensor([], { shape: sb, dtype }), f);
          expect(c.shape).toEqual([m, n]);
          expect(Array.from(c.data).every((v) => v === 0)).toBe(true);
        }
      }
    });
  }

  it('M = 0 or N = 0 gives an empty result', () => {
    expect(matmul(tensor([], { shape: [0, 3] }), tensor([], { shape: [3, 0] })).shape).toEqual([0, 0]);
    expect(matmul(tensor([], { shape: [0, 3] }), tensor([1, 2, 3], { shape: [3, 1] })).shape).toEqual([0, 1]);
  });

  it('a product written out by hand', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(a.matmul(b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(b.matmul(a, { transposeA: true, transposeB: true }).toArray()).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });
});

describe('matmulKernel rounding (float32 output)', () => {
  // The kernel accumulates in float64 and rounds once on store, also when K spans several blocks
  // (K > 256) and when adding into an existing C (accumulate, as the backward of batched matmul does).
  for (const accumulate of [false, true]) {
    it(`K = 600, accumulate=${accumulate}: every element is the correctly rounded exact value`, () => {
      const [m, n, k] = [5, 6, 600];
      const rand = testRng(600 + Number(accumulate));
      const a = Float32Array.from(randomValues(rand, m * k));
      const b = Float32Array.from(randomValues(rand, k * n));
      const c = Float32Array.from(randomValues(rand, m * n + 3));
      const before = Float64Array.from(c);
      matmulKernel({
        a,
        aOffset: 0,
        b,
        bOffset: 0,
        c,
        cOffset: 3,
        m,
        n,
        k,
        transA: false,
        transB: false,
        accumulate,
      });
      const ref = matmulRef(a, [m, k], b, [k, n]);
      for (let i = 0; i < 3; i++) expect(c[i]).toBe(before[i]);
      for (let i = 0; i < m * n; i++) {
        // The exact float64 sum differs from ref only by summation order (~1e-15 relative); allow that.
        const exact = ref.data[i] + (accumulate ? before[3 + i] : 0);
        const lo = Math.fround(exact - 1e-13 * (ref.absSum[i] + 1));
        const hi = Math.fround(exact + 1e-13 * (ref.absSum[i] + 1));
        expect(c[3 + i] === lo || c[3 + i] === hi).toBe(true);
      }
    });
  }
});

describe.each(BACKENDS)('batched matmul with broadcast batch dimensions (%s backend)', (backend) => {
  onBackend(backend);
  const cases: { a: number[]; b: number[] }[] = [
    { a: [2], b: [2] },
    { a: [3], b: [] },
    { a: [], b: [4] },
    { a: [2, 1], b: [3] },
    { a: [1, 3], b: [2, 1] },
    { a: [2, 3], b: [1] },
  ];
  for (const { a: ab, b: bb } of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`batch [${ab}] x [${bb}] (${dtype}), all flags, small and blocked sizes`, () => {
        for (const f of FLAGS) {
          for (const [m, k, n] of [
            [2, 3, 4],
            [17, 65, 9],
          ]) {
            const rand = testRng(m * k * n + ab.length);
            const { sa, sb } = stored(m, k, n, f.transposeA, f.transposeB, ab, bb);
            const a = make(dtype, sa, rand);
            const b = make(dtype, sb, rand);
            expectMatches(a.matmul(b, f), a, b, f.transposeA, f.transposeB);
          }
        }
      });
    }
  }

  it('batch dimensions that cannot broadcast throw a ShapeError', () => {
    expect(() => matmul(tensor([], { shape: [2, 0, 3] }), tensor([], { shape: [3, 3, 0] }))).toThrow(
      ShapeError,
    );
    expect(() => matmul(tensor([], { shape: [2, 0, 3] }), tensor([], { shape: [3, 3, 0] }))).toThrow(
      /batch dimensions \[2\] and \[3\] cannot be broadcast/,
    );
  });
});

describe('float32 vs float64 agreement', () => {
  it('relative (normwise) error ~1e-6 or better', () => {
    for (const [m, k, n] of [
      [63, 257, 65],
      [257, 17, 63],
      [65, 65, 65],
    ]) {
      for (const f of FLAGS) {
        const rand = testRng(m * k + n);
        const { sa, sb } = stored(m, k, n, f.transposeA, f.transposeB);
        const va = randomValues(rand, sizeOfRef(sa));
        const vb = randomValues(rand, sizeOfRef(sb));
        const c64 = tensor(va, { shape: sa, dtype: 'float64' }).matmul(
          tensor(vb, { shape: sb, dtype: 'float64' }),
          f,
        );
        const c32 = tensor(va, { shape: sa, dtype: 'float32' }).matmul(
          tensor(vb, { shape: sb, dtype: 'float32' }),
          f,
        );
        let num = 0;
        let den = 0;
        for (let i = 0; i < c64.size; i++) {
          num += (c32.data[i] - c64.data[i]) ** 2;
          den += c64.data[i] ** 2;
        }
        expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
      }
    }
  });
});

describe('scratch memory after a big product', () => {
  it('the JS kernel keeps at most a few MiB between calls (a 1500×300×1500 float32 product)', () => {
    const [m, k, n] = [1500, 300, 1500];
    const c = new Float32Array(m * n);
    matmulKernel({
      a: new Float32Array(m * k).fill(1),
      aOffset: 0,
      b: new Float32Array(k * n).fill(2),
      bOffset: 0,
      c,
      cOffset: 0,
      m,
      n,
      k,
      transA: false,
      transB: false,
      accumulate: false,
    });
    expect(c[0]).toBe(600);
    expect(c[m * n - 1]).toBe(600);
    expect(retainedScratchBytes()).toBeLessThanOrEqual(6 * 1024 * 1024);
  });
});
