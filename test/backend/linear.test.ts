/**
 * The Linear backward backend call: the wasm path (dY staged once, mask and bias sums in wasm)
 * against the JS reference, bit for bit, and the reference against plain loops.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend, setNumThreads } from '../../src/backend/index.js';
import { type LinearBackwardArgs, type LinearGrads, linearBackward } from '../../src/backend/linear.js';
import { wasmFeatures } from '../../src/backend/wasm/features.js';

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function argsFor(rows: number, inF: number, outF: number, relu: boolean, seed: number): LinearBackwardArgs {
  const y = random(rows * outF, seed + 1);
  if (relu) for (let i = 0; i < y.length; i += 7) y[i] = 0; // exact zeros: PyTorch's mask is closed at 0
  return {
    dtype: 'float32',
    g: random(rows * outF, seed),
    y: relu ? y : null,
    w: random(outF * inF, seed + 2),
    x: random(rows * inF, seed + 3),
    rows,
    inF,
    outF,
    needDx: true,
    needDw: true,
    needDb: true,
  };
}

function on(backend: 'js' | 'wasm', args: LinearBackwardArgs): LinearGrads {
  const before = getBackend();
  setBackend(backend);
  try {
    return linearBackward(args);
  } finally {
    setBackend(before);
  }
}

function expectSameBits(a: ArrayLike<number> | null, b: ArrayLike<number> | null, what: string): void {
  expect(a === null).toBe(b === null);
  if (a === null || b === null) return;
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) expect(`${what}[${i}] = ${a[i]}`).toBe(`${b[i]}`);
}

const SHAPES: [number, number, number][] = [
  [256, 256, 256],
  [37, 19, 13],
  [256, 256, 1],
  [5, 3, 10],
  [130, 64, 7],
];

describe('linearBackward: the JS reference', () => {
  it('masks dY by y > 0 and sums the masked rows in float64', () => {
    const a = argsFor(9, 4, 6, true, 11);
    const { dx, dw, db } = on('js', a);
    const y = a.y as Float32Array;
    const gd = a.g.map((v, i) => (y[i] > 0 ? v : 0));
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let r = 0; r < 9; r++) s += gd[r * 6 + j];
      expect((db as Float32Array)[j]).toBe(Math.fround(s));
    }
    for (let r = 0; r < 9; r++) {
      for (let i = 0; i < 4; i++) {
        let s = 0;
        for (let o = 0; o < 6; o++) s += gd[r * 6 + o] * a.w[o * 4 + i];
        expect((dx as Float32Array)[r * 4 + i]).toBeCloseTo(s, 5);
      }
    }
    for (let o = 0; o < 6; o++) {
      for (let i = 0; i < 4; i++) {
        let s = 0;
        for (let r = 0; r < 9; r++) s += gd[r * 6 + o] * a.x[r * 4 + i];
        expect((dw as Float32Array)[o * 4 + i]).toBeCloseTo(s, 5);
      }
    }
  });
});

describe.runIf(wasmFeatures().simd)('linearBackward on wasm', () => {
  for (const threads of [1, 2]) {
    for (const [rows, inF, outF] of SHAPES) {
      for (const relu of [false, true]) {
        it(`${rows}×${inF}→${outF}, relu ${relu}, ${threads} thread(s): the JS reference's bits`, () => {
          setNumThreads(threads);
          const a = argsFor(rows, inF, outF, relu, rows + inF + outF);
          // The products round like the JS kernel only up to summation order: compare those with
          // the wasm gemm alone (same kernel, same order), the mask and bias sums bit for bit.
          const got = on('wasm', a);
          const ref = on('js', a);
          expectSameBits(got.db, ref.db, 'db');
          const masked = { ...a, y: null, g: maskedCopy(a) };
          const prod = on('wasm', { ...masked, needDb: false });
          expectSameBits(got.dx, prod.dx, 'dx');
          expectSameBits(got.dw, prod.dw, 'dw');
          for (const k of ['dx', 'dw'] as const) {
            const r = ref[k] as Float32Array;
            const g = got[k] as Float32Array;
            let worst = 0;
            for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(g[i] - r[i]));
            expect(worst).toBeLessThan(1e-4);
          }
        });
      }
    }
  }

  it('computes only the gradients asked for', () => {
    const a = { ...argsFor(64, 32, 16, true, 3), needDx: false, needDb: false };
    const got = on('wasm', a);
    expect(got.dx).toBeNull();
    expect(got.db).toBeNull();
    expectSameBits(got.dw, on('wasm', { ...a, y: null, g: maskedCopy(a) }).dw, 'dw');
  });

  it('passes NaN gradients through where the mask is open, and closes it for NaN outputs', () => {
    const a = argsFor(8, 8, 8, true, 5);
    (a.g as Float32Array)[0] = Number.NaN;
    (a.y as Float32Array)[0] = 1;
    (a.y as Float32Array)[1] = Number.NaN;
    const got = on('wasm', a);
    const ref = on('js', a);
    expectSameBits(got.db, ref.db, 'db');
    expect(Number.isNaN((got.db as Float32Array)[0])).toBe(true);
  });
});

function maskedCopy(a: LinearBackwardArgs): Float32Array {
  const y = a.y;
  return (a.g as Float32Array).map((v, i) => (y === null || y[i] > 0 ? v : 0));
}
