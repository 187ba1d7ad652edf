/**
 * The generated float32 Adam kernel: its fused multiply-add against exact rational arithmetic,
 * and whole steps bit for bit against the JS reference kernel for every variant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/autograd/tensor.js';
import { getBackend, setBackend } from '../../../src/backend/index.js';
import { emitFma4, fmaLocals } from '../../../src/backend/wasm/adam.js';
import { type AdamVariant, ResidentAdam } from '../../../src/backend/wasm/adam-runtime.js';
import { type WasmApi, wasmApi } from '../../../src/backend/wasm/api.js';
import { wasmFeatures } from '../../../src/backend/wasm/features.js';
import { ModuleBuilder } from '../../../src/backend/wasm/module.js';
import { Adam, AdamW, adamF32 } from '../../../src/optim/adam.js';
import { exact32 } from '../../optim/exact-reference.js';

const W = wasmApi as WasmApi;
const simd = wasmFeatures().simd;

/** fma4(a, b, c) over arrays of 4k floats: an exported function around the generated emulation. */
function fmaKernel(): (a: number[], b: number[], c: number[]) => Float32Array {
  const memory = new W.Memory({ initial: 1 });
  const m = new ModuleBuilder().setMemory({ initial: 1, imported: true });
  m.addFunction('fma', ['i32'], [], (c) => {
    const L = fmaLocals(c);
    const [x, y, z, out] = [c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128')];
    const at = c.param(0);
    c.localGet(at).v128Load(0).localSet(x);
    c.localGet(at).v128Load(16).localSet(y);
    c.localGet(at).v128Load(32).localSet(z);
    emitFma4(c, L, x, y, z, out);
    c.localGet(at).localGet(out).v128Store(48);
  });
  const bytes = m.encode();
  expect(W.validate(bytes)).toBe(true);
  const fn = new W.Instance(new W.Module(bytes), { env: { memory } }).exports.fma as (p: number) => void;
  const view = new Float32Array(memory.buffer);
  return (a, b, c) => {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i += 4) {
      view.set(a.slice(i, i + 4), 0);
      view.set(b.slice(i, i + 4), 4);
      view.set(c.slice(i, i + 4), 8);
      fn(0);
      out.set(view.subarray(12, 16), i);
    }
    return out;
  };
}

const f32 = fc.float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const quad = fc.array(f32, { minLength: 4, maxLength: 4 });

describe.runIf(simd)('wasm fma32 emulation', () => {
  const fma = fmaKernel();

  it('is correctly rounded on random float32 operands', () => {
    fc.assert(
      fc.property(quad, quad, quad, (a, b, c) => {
        const got = fma(a, b, c);
        for (let i = 0; i < 4; i++) expect(got[i]).toBe(exact32(a[i], b[i], c[i]));
      }),
      { numRuns: 1500 },
    );
  });

  it('breaks ties by the low part that float64 rounding hides, in every lane', () => {
    // a² = 1 + 2^-11 + 2^-24 lies halfway between two floats; a tiny c decides the rounding.
    const a = Math.fround(1 + 2 ** -12);
    const lo = Math.fround(1 + 2 ** -11);
    const hi = Math.fround(1 + 2 ** -11 + 2 ** -23);
    const c = [0, 2 ** -80, -(2 ** -80), 2 ** -100];
    expect(Array.from(fma([a, a, a, a], [a, a, a, a], c))).toEqual([lo, hi, lo, hi]);
    const ints = fc.integer({ min: -(2 ** 12), max: 2 ** 12 });
    const tie = fc.tuple(ints, ints, fc.integer({ min: -1, max: 1 }), fc.integer({ min: 30, max: 100 }));
    fc.assert(
      fc.property(fc.array(tie, { minLength: 4, maxLength: 4 }), (lanes) => {
        const x = lanes.map(([i]) => Math.fround(1 + i * 2 ** -12));
        const y = lanes.map(([, j]) => Math.fround(1 + j * 2 ** -12));
        const z = lanes.map(([, , s, e]) => s * 2 ** -e);
        const got = fma(x, y, z);
        for (let i = 0; i < 4; i++) expect(got[i]).toBe(exact32(x[i], y[i], z[i]));
      }),
      { numRuns: 1000 },
    );
  });

  it('is correctly rounded where the result is subnormal or crosses into the normal range', () => {
    // |a·b| near 2^-130 .. 2^-120: float32 keeps fewer bits there, so float64 rounding alone can be wrong.
    const tinyF = fc.float({ min: 2 ** -66, max: 2 ** -60, noNaN: true });
    const signed = fc.tuple(tinyF, fc.boolean()).map(([x, neg]) => (neg ? -x : x));
    const tinyC = fc.float({ min: -(2 ** -120), max: 2 ** -120, noNaN: true });
    const lanes = (arb: fc.Arbitrary<number>) => fc.array(arb, { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(lanes(signed), lanes(signed), lanes(tinyC), (a, b, c) => {
        const got = fma(a, b, c);
        for (let i = 0; i < 4; i++) expect(got[i]).toBe(exact32(a[i], b[i], c[i]));
      }),
      { numRuns: 1000 },
    );
  });

  it('breaks ties on the subnormal grid, where float32 has fewer bits than in the normal range', () => {
    // a·b = 2^-150 − i²·2^-196 (just under half the smallest subnormal); c an odd multiple of 2^-149
    // near 2^-127. In float64 the sum lands exactly halfway between two subnormals; the exact value
    // is just below, so the fused result is c, where rounding the float64 sum gives c + 2^-149.
    const c = (2 ** 22 + 1) * 2 ** -149;
    for (const i of [1, 3, 1000]) {
      const a = Math.fround(2 ** -75 * (1 + i * 2 ** -23));
      const b = Math.fround(2 ** -75 * (1 - i * 2 ** -23));
      const got = fma([a, -a, a, a], [b, b, b, 1], [c, -c, 0.5, 0.25]);
      expect(got[0]).toBe(c);
      expect(got[1]).toBe(-c);
      expect(Array.from(got)).toEqual(
        [0, 1, 2, 3].map((l) => exact32([a, -a, a, a][l], [b, b, b, 1][l], [c, -c, 0.5, 0.25][l])),
      );
    }
  });

  it('rounds every lane right when only one lane of four is a tie', () => {
    const a = Math.fround(1 + 2 ** -12);
    const hi = Math.fround(1 + 2 ** -11 + 2 ** -23);
    for (let tieLane = 0; tieLane < 4; tieLane++) {
      const x = [1.5, -2.25, 3.125, 0.75];
      const y = [0.3, 0.7, -1.1, 2.9].map(Math.fround);
      const z = [0.1, -0.2, 0.3, -0.4].map(Math.fround);
      x[tieLane] = a;
      y[tieLane] = a;
      z[tieLane] = 2 ** -80;
      const got = fma(x, y, z);
      for (let i = 0; i < 4; i++) expect(got[i]).toBe(exact32(x[i], y[i], z[i]));
      expect(got[tieLane]).toBe(hi);
    }
  });

  it('keeps IEEE semantics: infinities, NaN, overflow, signed zero', () => {
    const got = fma([Number.POSITIVE_INFINITY, Number.NaN, 3e38, -0], [2, 2, 10, 1], [1, 1, 0, -0]);
    expect(got[0]).toBe(Number.POSITIVE_INFINITY);
    expect(got[1]).toBeNaN();
    expect(got[2]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(got[3], -0)).toBe(true);
  });
});

const VARIANTS: AdamVariant[] = [];
for (let bits = 0; bits < 16; bits++) {
  VARIANTS.push({
    decoupled: !!(bits & 1),
    l2: !!(bits & 2) && !(bits & 1),
    amsgrad: !!(bits & 4),
    maximize: !!(bits & 8),
  });
}

function randomArray(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

describe.runIf(simd)('ResidentAdam', () => {
  it('matches the JS kernel bit for bit in every variant, over several steps', () => {
    const n = 1031; // not a multiple of 4: the last vector is partly padding
    for (const variant of VARIANTS) {
      const r = new ResidentAdam(n);
      const pW = randomArray(n, 1, 1);
      const pJ = pW.slice();
      const [mJ, vJ, vmaxJ] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const lr = 3e-3;
      const [beta1, beta2, eps, wd] = [0.9, 0.999, 1e-8, variant.decoupled ? 0.01 : variant.l2 ? 0.05 : 0];
      for (let t = 1; t <= 4; t++) {
        const g = randomArray(n, 100 + t, 10 ** (t - 3));
        const stepSize = lr / (1 - beta1 ** t);
        const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
        const decay = variant.decoupled ? 1 - lr * wd : 1;
        const l2 = variant.decoupled ? 0 : wd;
        r.step(pW, g, variant, {
          beta1,
          beta2,
          omb1: 1 - beta1,
          omb2: 1 - beta2,
          negStep: -stepSize,
          bc2Sqrt,
          eps,
          l2,
          decay,
        });
        const vmax = variant.amsgrad ? vmaxJ : null;
        adamF32(
          pJ,
          g,
          mJ,
          vJ,
          vmax,
          beta1,
          beta2,
          eps,
          l2,
          variant.decoupled,
          decay,
          stepSize,
          bc2Sqrt,
          variant.maximize,
        );
      }
      const what = JSON.stringify(variant);
      expectSame(pW, pJ, `p ${what}`);
      expectSame(r.m, mJ, `m ${what}`);
      expectSame(r.v, vJ, `v ${what}`);
      if (variant.amsgrad) expectSame(r.vmax, vmaxJ, `vmax ${what}`);
    }
  });
});

function expectSame(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) expect(`${what}[${i}] = ${a[i]}`).toBe(`${b[i]}`);
}

describe.runIf(simd)('Adam on the wasm backend', () => {
  /** A trajectory of `steps` Adam steps on a 2000-element float32 parameter, on one backend. */
  function run(backend: 'js' | 'wasm', make: (p: Tensor) => Adam | AdamW, steps: number, switchAt = -1) {
    const before = getBackend();
    setBackend(backend);
    try {
      const p = new Tensor(randomArray(2000, 7, 1), [40, 50], true);
      const opt = make(p);
      for (let t = 0; t < steps; t++) {
        if (t === switchAt) setBackend(backend === 'js' ? 'wasm' : 'js');
        p.grad = new Tensor(randomArray(2000, 50 + t, 0.1), [40, 50]);
        opt.step();
      }
      return { p: p.data as Float32Array, state: opt.stateDict() };
    } finally {
      setBackend(before);
    }
  }
  const makers = {
    adam: (p: Tensor) => new Adam([p], { lr: 1e-2, weightDecay: 1e-3 }),
    amsgrad: (p: Tensor) => new Adam([p], { lr: 1e-2, amsgrad: true, maximize: true }),
    adamw: (p: Tensor) => new AdamW([p], { lr: 1e-2 }),
  };

  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: same parameters and state as the js backend, also when switching mid-way`, () => {
      const js = run('js', make, 6);
      const wasm = run('wasm', make, 6);
      expectSame(wasm.p, js.p, `${name} p`);
      expect(wasm.state).toEqual(js.state);
      expectSame(run('wasm', make, 6, 3).p, js.p, `${name} wasm→js`);
      expectSame(run('js', make, 6, 3).p, js.p, `${name} js→wasm`);
    });
  }

  it('continues exactly from a loaded state dict', () => {
    setBackend('wasm');
    try {
      const full = run('wasm', makers.adam, 6);
      const p = new Tensor(randomArray(2000, 7, 1), [40, 50], true);
      const opt = makers.adam(p);
      for (let t = 0; t < 3; t++) {
        p.grad = new Tensor(randomArray(2000, 50 + t, 0.1), [40, 50]);
        opt.step();
      }
      const p2 = new Tensor((p.data as Float32Array).slice(), [40, 50], true);
      const opt2 = makers.adam(p2);
      opt2.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict())));
      for (let t = 3; t < 6; t++) {
        p2.grad = new Tensor(randomArray(2000, 50 + t, 0.1), [40, 50]);
        opt2.step();
      }
      expectSame(p2.data as Float32Array, full.p, 'resumed p');
    } finally {
      setBackend('wasm');
    }
  });
});
