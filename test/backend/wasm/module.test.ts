/** The module builder: small programs validate, instantiate and compute what they should. */
import { describe, expect, it } from 'vitest';
import { type WasmApi, type WasmMemory, wasmApi } from '../../../src/backend/wasm/api.js';
import { wasmFeatures } from '../../../src/backend/wasm/features.js';
import { forRange } from '../../../src/backend/wasm/loops.js';
import { ModuleBuilder } from '../../../src/backend/wasm/module.js';

type Fn = (...args: number[]) => number;
const W = wasmApi as WasmApi;

function instantiate(m: ModuleBuilder, memory?: WasmMemory): Record<string, Fn> {
  const bytes = m.encode();
  expect(W.validate(bytes)).toBe(true);
  const imports: Record<string, Record<string, unknown>> = memory === undefined ? {} : { env: { memory } };
  return new W.Instance(new W.Module(bytes), imports).exports as Record<string, Fn>;
}

describe('ModuleBuilder', () => {
  it('starts with the magic number and version 1', () => {
    expect(Array.from(new ModuleBuilder().encode())).toEqual([
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1, 0, 3, 1, 0, 7, 1, 0, 10, 1, 0,
    ]);
  });

  it('runs integer arithmetic, locals, calls and negative constants', () => {
    const m = new ModuleBuilder();
    const twice = m.addFunction('twice', ['i32'], ['i32'], (c) => {
      c.localGet(c.param(0)).i32Const(2).i32Mul();
    });
    m.addFunction('f', ['i32', 'i32'], ['i32'], (c) => {
      const t = c.local('i32');
      c.localGet(c.param(0)).localGet(c.param(1)).i32Sub().localSet(t);
      c.localGet(t).call(twice).i32Const(-1000).i32Add();
    });
    const { f } = instantiate(m);
    expect(f(50, 8)).toBe(2 * 42 - 1000);
    expect(f(-3, 4)).toBe(-1014);
  });

  it('loops over an exported memory (sum of the first n floats)', () => {
    const m = new ModuleBuilder().setMemory({ initial: 1 });
    m.addFunction('sum', ['i32'], ['f32'], (c) => {
      const [i, acc] = [c.local('i32'), c.local('f32')];
      forRange(c, i, 0, c.param(0), 1, () => {
        c.localGet(acc).localGet(i).i32Const(2).i32Shl().f32Load().f32Add().localSet(acc);
      });
      c.localGet(acc);
    });
    const bytes = m.encode();
    const inst = new W.Instance(new W.Module(bytes));
    const mem = new Float32Array((inst.exports.memory as WasmMemory).buffer);
    mem.set([1.5, 2, 3, 100]);
    expect((inst.exports.sum as Fn)(3)).toBe(6.5);
    expect((inst.exports.sum as Fn)(0)).toBe(0);
  });

  it.runIf(wasmFeatures().simd)('runs SIMD: splat loads, multiply-add, max and vector stores', () => {
    const memory = new W.Memory({ initial: 1 });
    const m = new ModuleBuilder().setMemory({ initial: 1, imported: true });
    // out[0..4) = max(x[0..4) * s + y[0..4), 0) with s loaded as a splat from address 32.
    m.addFunction('axpyRelu', [], [], (c) => {
      c.i32Const(48);
      c.i32Const(0).v128Load().i32Const(32).v128Load32Splat().f32x4Mul().i32Const(16).v128Load().f32x4Add();
      c.f32Const(0).f32x4Splat().f32x4Max().v128Store();
    });
    const { axpyRelu } = instantiate(m, memory);
    const f = new Float32Array(memory.buffer);
    f.set([1, -2, 3, 0.5, 10, 10, -10, 0, 2]);
    axpyRelu();
    expect(Array.from(f.subarray(12, 16))).toEqual([12, 6, 0, 1]);
  });

  it('refuses a shared memory without a maximum and unbalanced blocks', () => {
    expect(() => new ModuleBuilder().setMemory({ initial: 1, shared: true })).toThrow(/maximum/);
    const m = new ModuleBuilder();
    m.addFunction('f', [], [], (c) => {
      c.block();
    });
    expect(() => m.encode()).toThrow(/left open/);
  });
});

describe('wasmFeatures', () => {
  it('reports what this runtime validates, consistently', () => {
    const f = wasmFeatures();
    expect(f.wasm).toBe(wasmApi !== undefined);
    if (!f.simd) expect(f.relaxedSimd).toBe(false);
    // Node 20 has SIMD without relaxed SIMD; later versions and Chromium have both.
    if (process.versions.node.startsWith('20.')) expect(f).toMatchObject({ simd: true, relaxedSimd: false });
    expect(f.threads).toBe(typeof SharedArrayBuffer === 'function');
  });
});
