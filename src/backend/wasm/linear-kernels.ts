/**
 * Generators of the two non-product kernels of a Linear layer's backward, run on the operands
 * already staged for its products (so dY is copied into wasm memory once for all of them):
 *
 *   reluMask(g, y, groups):      g ← y > 0 ? g : +0, in place, four lanes at a time (the JS
 *                                 reference is reluMask in src/backend/linear.ts);
 *   colSums(g, rows, cols, out): out[j] = Σ_r g[r, j] accumulated in float64 in row order, then
 *                                 rounded once: the same additions as the JS reference, so the
 *                                 same bits;
 *   scale(x, groups, s):         x ← s·x in place (float32 products, as Math.fround(s·x) for a
 *                                 float32 s): the L2 penalty's λ·W as dW's starting value.
 *
 * Both read and write whole vectors: a region's last vector may run up to three floats past its
 * end, which the runtime's 64-byte region alignment leaves as padding.
 */
import { countDown, forRange } from './loops.js';
import { type MemorySpec, ModuleBuilder } from './module.js';

export function buildLinearKernels(memory: MemorySpec): Uint8Array {
  const m = new ModuleBuilder().setMemory(memory);
  m.addFunction('reluMask', ['i32', 'i32', 'i32'], [], (c) => {
    const [g, y, groups] = [c.param(0), c.param(1), c.param(2)];
    const zero = c.local('v128');
    c.f32Const(0).f32x4Splat().localSet(zero);
    c.localGet(groups).i32Eqz().if().return().end();
    countDown(c, groups, () => {
      // select(g, 0, y > 0) as bits: g AND the comparison mask (NaN y closes it, like the JS).
      c.localGet(g).localGet(g).v128Load();
      c.localGet(y).v128Load().localGet(zero).f32x4Gt().v128And().v128Store();
      c.localGet(g).i32Const(16).i32Add().localSet(g);
      c.localGet(y).i32Const(16).i32Add().localSet(y);
    });
  });
  m.addFunction('scale', ['i32', 'i32', 'f32'], [], (c) => {
    const [x, groups, factor] = [c.param(0), c.param(1), c.param(2)];
    const s = c.local('v128');
    c.localGet(factor).f32x4Splat().localSet(s);
    c.localGet(groups).i32Eqz().if().return().end();
    countDown(c, groups, () => {
      c.localGet(x).localGet(x).v128Load().localGet(s).f32x4Mul().v128Store();
      c.localGet(x).i32Const(16).i32Add().localSet(x);
    });
  });
  m.addFunction('colSums', ['i32', 'i32', 'i32', 'i32'], [], (c) => {
    const [g, rows, cols, out] = [c.param(0), c.param(1), c.param(2), c.param(3)];
    const [j, r, at, stride] = [c.local('i32'), c.local('i32'), c.local('i32'), c.local('i32')];
    const [lo, hi, v] = [c.local('v128'), c.local('v128'), c.local('v128')];
    c.localGet(cols).i32Const(4).i32Mul().localSet(stride);
    forRange(c, j, 0, cols, 4, () => {
      c.f32Const(0).f32x4Splat().localTee(lo).localSet(hi);
      c.localGet(g).localGet(j).i32Const(4).i32Mul().i32Add().localSet(at);
      forRange(c, r, 0, rows, 1, () => {
        c.localGet(at).v128Load().localSet(v);
        c.localGet(lo).localGet(v).f64x2PromoteLowF32x4().f64x2Add().localSet(lo);
        c.localGet(hi).localGet(v).localGet(v);
        c.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
        c.f64x2PromoteLowF32x4().f64x2Add().localSet(hi);
        c.localGet(at).localGet(stride).i32Add().localSet(at);
      });
      c.localGet(out).localGet(j).i32Const(4).i32Mul().i32Add();
      c.localGet(lo).f32x4DemoteF64x2Zero().localGet(hi).f32x4DemoteF64x2Zero();
      c.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]).v128Store();
    });
  });
  return m.encode();
}
