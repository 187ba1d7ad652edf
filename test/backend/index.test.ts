/** The backend switch: validation, what backendInfo reports, and that both backends agree. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  backendInfo,
  getBackend,
  matmul,
  Rng,
  randn,
  setBackend,
  setNumThreads,
  ValueError,
} from '../../src/index.js';

const start = { backend: getBackend(), threads: backendInfo().threads };
afterEach(() => {
  setBackend(start.backend);
  setNumThreads(start.threads);
});

describe('setBackend / getBackend / backendInfo', () => {
  it('defaults to wasm where SIMD validates, and reports the features', () => {
    const info = backendInfo();
    expect(info.backend).toBe(info.simd ? 'wasm' : 'js');
    expect(typeof info.relaxedSimd).toBe('boolean');
    expect(Number.isInteger(info.threads) && info.threads >= 1 && info.threads <= 4).toBe(true);
  });

  it('switches, and js reports one thread', () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(backendInfo()).toMatchObject({ backend: 'js', threads: 1 });
    if (backendInfo().simd) {
      setBackend('wasm');
      expect(getBackend()).toBe('wasm');
    }
  });

  it('rejects unknown names with a named error', () => {
    expect(() => setBackend('gpu' as never)).toThrow(ValueError);
    expect(() => setBackend('gpu' as never)).toThrow(/unknown backend "gpu"; use 'wasm' or 'js'/);
  });

  it('setNumThreads validates and is reported where threads exist', () => {
    for (const bad of [0, -1, 1.5, 33, Number.NaN, '2' as never]) {
      expect(() => setNumThreads(bad)).toThrow(/setNumThreads: expected an integer from 1 to 32/);
    }
    setNumThreads(1);
    expect(backendInfo().threads).toBe(1);
    setNumThreads(3);
    const info = backendInfo();
    expect(info.threads).toBe(info.backend === 'wasm' && typeof SharedArrayBuffer === 'function' ? 3 : 1);
  });

  it('switching between one thread and several keeps the pool: the same bits, the counts reported', () => {
    if (!backendInfo().simd) return;
    setBackend('wasm');
    const rng = new Rng(12);
    const a = randn([96, 160], { rng });
    const b = randn([160, 120], { rng });
    setNumThreads(2);
    const first = Array.from(matmul(a, b).data);
    const threaded = typeof SharedArrayBuffer === 'function' ? 2 : 1;
    for (const t of [1, 2, 1, 2]) {
      setNumThreads(t);
      expect(Array.from(matmul(a, b).data)).toEqual(first);
      expect(backendInfo().threads).toBe(t === 1 ? 1 : threaded);
    }
  });

  it('the same product on js, wasm 1 thread and wasm 3 threads agrees to float32 accumulation error', () => {
    const rng = new Rng(11);
    const a = randn([130, 200], { rng });
    const b = randn([200, 150], { rng });
    setBackend('js');
    const ref = matmul(a, b).data;
    const runs: Float32Array[] = [];
    if (backendInfo().simd) {
      setBackend('wasm');
      for (const t of [1, 3]) {
        setNumThreads(t);
        runs.push(matmul(a, b).data as Float32Array);
      }
      // Splitting C among threads does not change any element's arithmetic.
      expect(Array.from(runs[1])).toEqual(Array.from(runs[0]));
    }
    for (const r of runs) {
      for (let i = 0; i < r.length; i++) expect(Math.abs(r[i] - ref[i])).toBeLessThan(200 * 2 ** -24 * 60);
    }
  });
});
