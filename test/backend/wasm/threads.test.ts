/**
 * The worker pool: a product split across threads equals the single-threaded one bit for bit (each
 * element is computed by the same instructions in the same order), and a script that used the
 * threads exits by itself.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { wasmFeatures } from '../../../src/backend/wasm/features.js';
import { type GemmCall, runGemm, splitC, WasmKernels } from '../../../src/backend/wasm/runtime.js';
import { MAX_PARTS, ThreadPool } from '../../../src/backend/wasm/threads.js';
import { randomValues, testRng } from '../../support/reference.js';

function call(m: number, n: number, k: number, ta: boolean, tb: boolean, seed: number): GemmCall {
  const rand = testRng(seed);
  return {
    a: Float32Array.from(randomValues(rand, m * k)),
    aOffset: 0,
    b: Float32Array.from(randomValues(rand, k * n)),
    bOffset: 0,
    c: Float32Array.from(randomValues(rand, m * n)),
    cOffset: 0,
    m,
    n,
    k,
    transposeA: ta,
    transposeB: tb,
    accumulate: seed % 2 === 0,
    bias: seed % 3 === 0 ? Float32Array.from(randomValues(rand, n)) : null,
    relu: seed % 5 === 0,
  };
}

describe('splitC', () => {
  it('covers C exactly once, by column panels when wide and by rows when narrow', () => {
    for (const [m, n, threads] of [
      [256, 256, 2],
      [256, 10, 2],
      [300, 1000, 3],
      [5, 5, 4],
    ]) {
      const parts = splitC(m, n, 256, threads);
      const seen = new Uint8Array(m * n);
      for (const p of parts)
        for (let i = p.i0; i < p.i1; i++) for (let j = p.j0; j < p.j1; j++) seen[i * n + j]++;
      expect(seen.every((x) => x === 1)).toBe(true);
      expect(parts.length).toBeLessThanOrEqual(2 * threads);
      for (const p of parts) if (p.j0 > 0) expect(p.j0 % 8).toBe(0);
    }
    expect(splitC(256, 256, 256, 2)).toHaveLength(4);
    expect(splitC(128, 128, 128, 2)).toHaveLength(2);
    expect(splitC(64, 128, 64, 2)).toHaveLength(1);
    // Never more parts than the control block holds, whatever the thread count.
    expect(splitC(1024, 1024, 1024, 32).length).toBeLessThanOrEqual(MAX_PARTS);
    expect(splitC(256, 10, 256, 2).every((p) => p.j0 === 0 && p.j1 === 10)).toBe(true);
  });
});

describe.runIf(wasmFeatures().threads && wasmFeatures().simd)('ThreadPool', () => {
  it('a threaded product equals the single-threaded one bit for bit', () => {
    const kernels = new WasmKernels(true);
    const pool = new ThreadPool(kernels.module, kernels.memory, (a) => kernels.run(a), 2);
    try {
      expect(pool.size).toBe(2);
      let seed = 0;
      for (const [m, n, k] of [
        [256, 256, 256],
        [129, 300, 65],
        [257, 10, 300],
        [64, 1000, 17],
      ]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const one = call(m, n, k, ta, tb, ++seed);
            const many = { ...one, c: one.c.slice() };
            expect(runGemm(kernels, one, null)).toBe(true);
            expect(runGemm(kernels, many, pool)).toBe(true);
            expect(Buffer.from(many.c.buffer).equals(Buffer.from(one.c.buffer))).toBe(true);
          }
        }
      }
    } finally {
      pool.close();
    }
  });

  it('a script that trains with threads exits by itself', () => {
    const script = `
      import { matmul, randn, setNumThreads, backendInfo } from './src/index.ts';
      setNumThreads(2);
      const a = randn([256, 256]);
      for (let i = 0; i < 3; i++) matmul(a, a);
      console.log(JSON.stringify(backendInfo()));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim())).toMatchObject({ backend: 'wasm', threads: 2 });
  });
});
