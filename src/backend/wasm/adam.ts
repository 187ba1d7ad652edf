/**
 * Generator of the float32 Adam/AdamW update, bit-exact with PyTorch's single-tensor loop (the JS
 * reference is adamF32 in src/optim/adam.ts; the op order and its comments are there).
 *
 * Four lanes per step: float32 mul, div, sqrt and add are correctly rounded in f32x4 as in
 * Math.fround(a ∘ b) (for these operations rounding to float64 first and then to float32 is
 * harmless). torch's fused multiply-adds (exact.ts, fma32) are emulated two lanes at a time in
 * float64: the product of two floats is exact there, the sum rounds once, and rounding that sum to
 * float32 is only wrong when it lies exactly halfway between two floats, where the TwoSum error
 * term says which way the true value leans. The whole emulation is branch-free (lane masks).
 *
 * Memory: [p][g][m][v][vmax], each region padded to whole vectors; the options that decide the
 * loop's shape (decoupled decay, an L2 term, AMSGrad, maximize) are baked into the module.
 */
import type { Code, Local } from './code.js';
import { countDown } from './loops.js';
import { type MemorySpec, ModuleBuilder } from './module.js';

export interface AdamKernelOptions {
  /** AdamW: p ← p·decay before the step (else Adam). */
  decoupled: boolean;
  /** Adam with weightDecay ≠ 0: g ← fma(λ, p, g). */
  l2: boolean;
  amsgrad: boolean;
  maximize: boolean;
  memory: MemorySpec;
}

/**
 * Parameters of the exported `adam`: the number of 4-lane groups, the byte address of each region,
 * then the float32 scalars in the order of ADAM_SCALARS.
 */
export const ADAM_SCALARS = [
  'beta1',
  'beta2',
  'omb1',
  'omb2',
  'negStep',
  'bc2Sqrt',
  'eps',
  'l2',
  'decay',
] as const;

/** The scratch locals of the float64 fused multiply-add. */
export interface FmaLocals {
  a: Local;
  b: Local;
  c: Local;
  p: Local;
  s: Local;
  r: Local;
  t: Local;
  e: Local;
  lo: Local;
  /** The low half's result while the high half is computed. */
  half: Local;
  zero: Local;
  /** The float64 sums of lanes 0–1 and 2–3 (the fast path's). */
  sLow: Local;
  sHigh: Local;
  /** Constants of the midpoint test: the 29 bits below float32's precision, their midpoint pattern. */
  lowBits: Local;
  midpoint: Local;
  /** Float32's smallest normal magnitude, 2^-126, in both f64 lanes. */
  tiny: Local;
}

/** Two equal 64-bit lanes as the 16 bytes of a v128 constant. */
function i64x2Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, v, true);
  view.setBigUint64(8, v, true);
  return out;
}

/** Declares the fused multiply-add's scratch locals and sets its constants. */
export function fmaLocals(c: Code): FmaLocals {
  const names = ['a', 'b', 'c', 'p', 's', 'r', 't', 'e', 'lo', 'half', 'zero'] as const;
  const L = Object.fromEntries(names.map((k) => [k, c.local('v128')])) as unknown as FmaLocals;
  for (const k of ['sLow', 'sHigh', 'lowBits', 'midpoint', 'tiny'] as const) L[k] = c.local('v128');
  c.f32Const(0).f32x4Splat().localSet(L.zero);
  c.v128Const(i64x2Bytes(0x1fffffffn)).localSet(L.lowBits);
  c.v128Const(i64x2Bytes(0x10000000n)).localSet(L.midpoint);
  const tiny = new Uint8Array(16);
  new DataView(tiny.buffer).setFloat64(0, 2 ** -126, true);
  new DataView(tiny.buffer).setFloat64(8, 2 ** -126, true);
  c.v128Const(tiny).localSet(L.tiny);
  return L;
}

/** Pushes lanes 0–1 (high = false) or 2–3 (high = true) of an f32x4 local as an f64x2. */
function widen(c: Code, x: Local, high: boolean): void {
  c.localGet(x);
  if (high) c.localGet(x).i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
  c.f64x2PromoteLowF32x4();
}

/** Pushes the f64x2 value of local `x` rounded to float32 and back (exact for float32 values). */
function roundTrip(c: Code, x: Local): void {
  c.localGet(x).f32x4DemoteF64x2Zero().f64x2PromoteLowF32x4();
}

/** Leaves fma32(a, b, c) of two lanes (f64x2 locals L.a, L.b, L.c) as an f64x2 on the stack. */
function emitFma2(c: Code, L: FmaLocals): void {
  c.localGet(L.a).localGet(L.b).f64x2Mul().localTee(L.p).localGet(L.c).f64x2Add().localSet(L.s);
  roundTrip(c, L.s);
  c.localSet(L.r);
  // t = 2s − r: r's neighbour on the other side of s, if s is halfway between them.
  c.localGet(L.s).localGet(L.s).f64x2Add().localGet(L.r).f64x2Sub().localSet(L.t);
  // e = the error of s = p + c (TwoSum, with z = s − c).
  c.localGet(L.s).localGet(L.c).f64x2Sub().localSet(L.e);
  c.localGet(L.c).localGet(L.s).localGet(L.e).f64x2Sub().f64x2Sub();
  c.localGet(L.p).localGet(L.e).f64x2Sub().f64x2Add().localSet(L.e);
  // Choose t where s is halfway (t a finite float32 ≠ r) and e ≠ 0 leans towards t.
  c.localGet(L.t).localGet(L.r);
  roundTrip(c, L.t);
  c.localGet(L.t).f64x2Eq();
  c.localGet(L.t).localGet(L.r).f64x2Ne().v128And();
  c.localGet(L.t).localGet(L.t).f64x2Sub().localTee(L.lo).localGet(L.lo).f64x2Eq().v128And();
  c.localGet(L.e).localGet(L.zero).f64x2Ne().v128And();
  c.localGet(L.e).localGet(L.zero).f64x2Gt().localGet(L.t).localGet(L.r).f64x2Gt().v128Xor();
  c.v128AndNot().v128Bitselect();
}

/** The exact emulation of out = fma32(a, b, acc), two lanes at a time with the tie test. */
function emitExactFma4(c: Code, L: FmaLocals, a: Local, b: Local, acc: Local, out: Local): void {
  for (const high of [false, true]) {
    widen(c, a, high);
    c.localSet(L.a);
    widen(c, b, high);
    c.localSet(L.b);
    widen(c, acc, high);
    c.localSet(L.c);
    emitFma2(c, L);
    c.f32x4DemoteF64x2Zero();
    if (!high) c.localSet(L.half);
  }
  joinHalves(c, L, out);
}

/** out = the low half's two float32 results (L.half) then the two on the stack. */
function joinHalves(c: Code, L: FmaLocals, out: Local): void {
  c.localSet(L.lo);
  c.localGet(L.half).localGet(L.lo);
  c.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]).localSet(out);
}

/**
 * Pushes, per f64 lane of `s`, all ones where rounding s to float32 might not be the fused result:
 * s sits exactly halfway between two floats (its 29 bits below float32's precision are 1000…0), or
 * is a nonzero value below float32's normal range (where float32 has fewer bits). Elsewhere the
 * nearest float32 to s is the nearest to the exact a·b + c too: the exact value is within half a
 * float64 ulp of s, and the nearest float32 to s is further from any midpoint than that.
 */
function emitHardLanes(c: Code, L: FmaLocals, s: Local): void {
  c.localGet(s).localGet(L.lowBits).v128And().localGet(L.midpoint).i64x2Eq();
  c.localGet(s).f64x2Abs().localGet(L.tiny).f64x2Lt();
  c.localGet(s).localGet(L.zero).f64x2Ne().v128And();
  c.v128Or();
}

/**
 * out = fma32(a, b, acc) on four float32 lanes (f32x4 locals; out may be one of the inputs). The
 * float64 sum a·b + c (the product is exact) rounded once more to float32 is the answer unless a
 * lane is hard (emitHardLanes), which random data almost never gives: then all four lanes take the
 * exact emulation.
 */
export function emitFma4(c: Code, L: FmaLocals, a: Local, b: Local, acc: Local, out: Local): void {
  for (const [high, s] of [
    [false, L.sLow],
    [true, L.sHigh],
  ] as const) {
    widen(c, a, high);
    widen(c, b, high);
    c.f64x2Mul();
    widen(c, acc, high);
    c.f64x2Add().localSet(s);
  }
  emitHardLanes(c, L, L.sLow);
  emitHardLanes(c, L, L.sHigh);
  c.v128Or().v128AnyTrue().if();
  emitExactFma4(c, L, a, b, acc, out);
  c.else();
  c.localGet(L.sLow).f32x4DemoteF64x2Zero().localSet(L.half);
  c.localGet(L.sHigh).f32x4DemoteF64x2Zero();
  joinHalves(c, L, out);
  c.end();
}

function emitAdam(c: Code, o: AdamKernelOptions): void {
  const [groups, pA, gA, mA, vA, vmaxA] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
  const scalar = Object.fromEntries(
    ADAM_SCALARS.map((name, i) => {
      const l = c.local('v128');
      c.localGet(c.param(6 + i))
        .f32x4Splat()
        .localSet(l);
      return [name, l];
    }),
  ) as Record<(typeof ADAM_SCALARS)[number], Local>;
  const L = fmaLocals(c);
  const v128 = () => c.local('v128');
  const [g, p, m, v, tmp, g2] = [v128(), v128(), v128(), v128(), v128(), v128()];
  const at = c.local('i32');
  const load = (base: Local, out: Local) => c.localGet(base).localGet(at).i32Add().v128Load().localSet(out);
  const store = (base: Local, x: Local) => c.localGet(base).localGet(at).i32Add().localGet(x).v128Store();
  const mulInto = (x: Local, s: Local, out: Local) => c.localGet(x).localGet(s).f32x4Mul().localSet(out);
  c.localGet(groups).i32Eqz().if().return().end();
  countDown(c, groups, () => {
    load(gA, g);
    if (o.maximize) c.localGet(g).f32x4Neg().localSet(g);
    load(pA, p);
    if (o.decoupled) mulInto(p, scalar.decay, p);
    else if (o.l2) emitFma4(c, L, scalar.l2, p, g, g);
    load(mA, m);
    mulInto(m, scalar.beta1, tmp);
    emitFma4(c, L, scalar.omb1, g, tmp, m);
    store(mA, m);
    load(vA, v);
    mulInto(v, scalar.beta2, tmp);
    mulInto(g, scalar.omb2, g2);
    emitFma4(c, L, g2, g, tmp, v);
    store(vA, v);
    if (o.amsgrad) {
      load(vmaxA, tmp);
      c.localGet(tmp).localGet(v).f32x4Max().localSet(v);
      store(vmaxA, v);
    }
    // p + (−step·m) / (√v / √bc2 + eps)
    c.localGet(p).localGet(scalar.negStep).localGet(m).f32x4Mul();
    c.localGet(v).f32x4Sqrt().localGet(scalar.bc2Sqrt).f32x4Div().localGet(scalar.eps).f32x4Add();
    c.f32x4Div().f32x4Add().localSet(p);
    store(pA, p);
    c.localGet(at).i32Const(16).i32Add().localSet(at);
  });
}

/** The module: one exported function `adam(groups, p, g, m, v, vmax, ...ADAM_SCALARS)`. */
export function buildAdamModule(o: AdamKernelOptions): Uint8Array {
  const m = new ModuleBuilder().setMemory(o.memory);
  const params = [...Array<'i32'>(6).fill('i32'), ...ADAM_SCALARS.map(() => 'f32' as const)];
  m.addFunction('adam', params, [], (c) => emitAdam(c, o));
  return m.encode();
}
