/**
 * The generated SIMD GEMM against the test-side triple loop, on the odd sizes that exercise every
 * edge of the tiling (1, 3, 17, 63, 65, 257), all transposes, overwrite and accumulate, with and
 * without the fused bias and ReLU, and with operands at offsets inside larger arrays.
 */
import { describe, expect, it } from 'vitest';
import { wasmFeatures } from '../../../src/backend/wasm/features.js';
import { buildGemmModule } from '../../../src/backend/wasm/gemm.js';
import { type GemmCall, MAX_BYTES, runGemm, WasmKernels } from '../../../src/backend/wasm/runtime.js';
import { matmulRef, randomValues, testRng } from '../../support/reference.js';

const SIZES = [1, 3, 17, 63, 65, 257];

function check(
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  mode: { acc: boolean; bias: boolean; relu: boolean },
) {
  const rand = testRng(m * 7919 + n * 31 + k);
  const pad = 5;
  const a = Float32Array.from(randomValues(rand, m * k + pad));
  const b = Float32Array.from(randomValues(rand, k * n + pad));
  const c = Float32Array.from(randomValues(rand, m * n + 2 * pad));
  const bias = mode.bias ? Float32Array.from(randomValues(rand, n)) : null;
  const before = Float64Array.from(c);
  const call: GemmCall = {
    a,
    aOffset: pad,
    b,
    bOffset: pad,
    c,
    cOffset: pad,
    m,
    n,
    k,
    transposeA: ta,
    transposeB: tb,
    accumulate: mode.acc,
    bias,
    relu: mode.relu,
  };
  expect(runGemm(kernels(), call, null)).toBe(true);
  const ref = matmulRef(a.subarray(pad), ta ? [k, m] : [m, k], b.subarray(pad), tb ? [n, k] : [k, n], ta, tb);
  for (let i = 0; i < pad; i++) expect(c[i]).toBe(before[i]);
  for (let i = m * n + pad; i < c.length; i++) expect(c[i]).toBe(before[i]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const q = i * n + j;
      let exact = ref.data[q] + (mode.acc ? before[pad + q] : 0) + (bias ? bias[j] : 0);
      let scale = ref.absSum[q] + (mode.acc ? Math.abs(before[pad + q]) : 0) + (bias ? Math.abs(bias[j]) : 0);
      if (mode.relu && exact < 0) {
        // Near zero the sign can flip within rounding; either side is then correct.
        exact = Math.abs(exact) <= (k + 3) * 2 ** -24 * scale ? c[pad + q] : 0;
        scale = 0;
      }
      const bound = (k + 3) * 2 ** -24 * scale + 2 ** -24 * Math.abs(exact);
      const err = Math.abs(c[pad + q] - exact);
      if (!(err <= bound)) throw new Error(`C[${i},${j}] = ${c[pad + q]}, expected ${exact} ± ${bound}`);
    }
  }
}

let shared: WasmKernels | null = null;
function kernels(): WasmKernels {
  shared ??= new WasmKernels(false);
  return shared;
}

describe('the generated module', () => {
  it('stays under 4 KB, the most Chrome compiles synchronously on the main thread of a page', () => {
    for (const relaxed of [false, true]) {
      const bytes = buildGemmModule({
        mr: 4,
        relaxed,
        memory: { initial: 1, maximum: 1024, shared: true, imported: true },
      });
      expect(bytes.length).toBeLessThan(4096);
    }
  });
});

describe.runIf(wasmFeatures().simd)('wasm f32 GEMM vs the triple loop', () => {
  const modes = [
    { acc: false, bias: false, relu: false },
    { acc: true, bias: false, relu: false },
    { acc: false, bias: true, relu: false },
    { acc: false, bias: true, relu: true },
    { acc: true, bias: true, relu: true },
  ];
  for (const m of SIZES) {
    it(`M=${m}: every N, K in {1,3,17,63,65,257}, transposes and modes rotating`, () => {
      let v = m;
      for (const n of SIZES) {
        for (const k of SIZES) {
          if (m * n * k > 257 * 257 * 65) continue;
          v++;
          check(m, n, k, v % 2 === 1, (v >> 1) % 2 === 1, modes[v % modes.length]);
        }
      }
    });
  }

  it('K spanning several K blocks (K = 600) in every transpose and mode', () => {
    for (const ta of [false, true])
      for (const tb of [false, true]) for (const mode of modes) check(9, 21, 600, ta, tb, mode);
  });

  it('a product beyond the memory cap runs in bands of rows, within the cap, in every transpose', () => {
    // C alone is 3000 × 3000 floats (36 MB): with A and B the product does not fit in one staging.
    const [m, n, k] = [3000, 3000, 40];
    for (const [ta, tb] of [
      [false, false],
      [true, true],
    ]) {
      const rand = testRng(m + Number(ta));
      const a = Float32Array.from(randomValues(rand, m * k));
      const b = Float32Array.from(randomValues(rand, k * n));
      const c = new Float32Array(m * n);
      const call: GemmCall = {
        ...{ a, aOffset: 0, b, bOffset: 0, c, cOffset: 0, m, n, k },
        ...{ transposeA: ta, transposeB: tb, accumulate: false, bias: null, relu: false },
      };
      expect(runGemm(kernels(), call, null)).toBe(true);
      expect(kernels().memory.buffer.byteLength).toBeLessThanOrEqual(MAX_BYTES);
      // Spot-check rows across every band against the triple loop.
      for (const i of [0, 1, 1234, 2047, 2999]) {
        for (const j of [0, 7, 2999]) {
          let exact = 0;
          let scale = 0;
          for (let p = 0; p < k; p++) {
            const x = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
            exact += x;
            scale += Math.abs(x);
          }
          expect(Math.abs(c[i * n + j] - exact)).toBeLessThanOrEqual((k + 2) * 2 ** -24 * scale);
        }
      }
    }
  });

  it('refuses (returns false) a product where not even a band of rows fits (B alone over the cap)', () => {
    const [m, n, k] = [8, 4100, 4100]; // B is 67 MB
    const call: GemmCall = {
      ...{ a: new Float32Array(m * k), aOffset: 0, b: new Float32Array(k * n), bOffset: 0 },
      ...{ c: new Float32Array(m * n), cOffset: 0, m, n, k, transposeA: false, transposeB: false },
      ...{ accumulate: false, bias: null, relu: false },
    };
    expect(runGemm(kernels(), call, null)).toBe(false);
    expect(kernels().memory.buffer.byteLength).toBeLessThanOrEqual(MAX_BYTES);
  });
});
