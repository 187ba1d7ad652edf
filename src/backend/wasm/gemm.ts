/**
 * Generator of the float32 GEMM kernel: C[M,N] (+)= op(A)[M,K]·op(B)[K,N] (+ bias, then ReLU).
 *
 * The scheme is GotoBLAS's with XNNPACK's f32-gemm micro-kernel ("loadsplat"): for each K block of
 * depth KC, B is packed into panels of NR = 8 columns ([p][j], zero-padded) and A, MC rows at a time,
 * into panels of MR rows ([p][i]); an MR×8 tile of C lives in MR·2 v128 locals while the kernel
 * streams both panels: per k step it loads two B vectors, and per row splats one A value and
 * multiplies-adds it into both. Transposes are absorbed by the packing (any row/column strides).
 * The store fuses a Linear layer's epilogue: add the old C (accumulate mode, or later K blocks),
 * add the bias on the first block, apply ReLU after the last. Edge tiles go through a scratch tile.
 * All pointers are byte addresses in the module's memory; strides are in bytes.
 */
import type { Code, Local } from './code.js';
import { address, addTo, countDown, forRange, minRest } from './loops.js';
import { type MemorySpec, ModuleBuilder } from './module.js';

export const NR = 8;
export const KC = 256;

export interface GemmKernelOptions {
  /** Rows of the register tile (4 or 6: XNNPACK's 4×8 and 6×8). */
  mr: number;
  /** Use f32x4.relaxed_madd (only where it validates). */
  relaxed: boolean;
  memory: MemorySpec;
}

/** Rows of A packed per block: a multiple of MR near 128 (MC×KC floats ≈ 128 KB, in L2). */
export function mcFor(mr: number): number {
  return Math.floor(128 / mr) * mr;
}

/** Bytes of scratch one `gemm` call needs for its packed panels and edge tile. */
export function gemmScratchBytes(mr: number, n: number): number {
  const npad = Math.ceil(n / NR) * NR;
  return (KC * npad + mcFor(mr) * KC + mr * NR) * 4;
}

/** Flags of the exported gemm. */
export const GEMM_ACCUMULATE = 1;
export const GEMM_RELU = 4;
/** Mode bits of one tile store. */
const ADD_C = 1;
const ADD_BIAS = 2;
const RELU = 4;

/** The locals that describe one panel being packed (see emitPanel). */
interface PanelLocals {
  /** Address of the operand's element (0, 0) of this block. */
  src: Local;
  /** First lane (column of B, row of A) of this panel. */
  lead: Local;
  /** Byte stride between lanes, and between k steps, in the source. */
  laneStride: Local;
  stepStride: Local;
  kc: Local;
  /** Lanes at or beyond this index are padding (zeros). */
  limit: Local;
  dst: Local;
}

/**
 * Packs one panel of `width` lanes, [p][lane]. Two vector paths for a full panel: lanes contiguous
 * in the source (a transposed A, a B that is not) copy whole vectors per k step; k steps contiguous
 * (an A that is not transposed, a transposed B) load four k steps of four lanes and transpose them
 * in registers. Anything else, and a panel with padding lanes, goes lane by lane.
 */
function emitPanel(c: Code, l: PanelLocals, width: number): void {
  const full = () => c.localGet(l.lead).i32Const(width).i32Add().localGet(l.limit).i32LeS();
  full();
  c.localGet(l.laneStride).i32Const(4).i32Eq().i32And().if();
  emitPanelLanesContiguous(c, l, width);
  c.else();
  full();
  c.localGet(l.stepStride).i32Const(4).i32Eq().i32And().if();
  emitPanelStepsContiguous(c, l, width);
  c.else();
  emitPanelScalar(c, l, width);
  c.end();
  c.end();
  c.localGet(l.dst)
    .localGet(l.kc)
    .i32Const(width * 4)
    .i32Mul()
    .i32Add()
    .localSet(l.dst);
}

/** Per k step, the panel's `width` contiguous source floats as whole vectors. */
function emitPanelLanesContiguous(c: Code, l: PanelLocals, width: number): void {
  const [s, d, p] = [c.local('i32'), c.local('i32'), c.local('i32')];
  c.localGet(l.src).localGet(l.lead).i32Const(2).i32Shl().i32Add().localSet(s);
  c.localGet(l.dst).localSet(d);
  c.localGet(l.kc).localSet(p);
  countDown(c, p, () => {
    for (let v = 0; v < width / 4; v++)
      c.localGet(d)
        .localGet(s)
        .v128Load(16 * v)
        .v128Store(16 * v);
    addTo(c, s, l.stepStride);
    addTo(c, d, width * 4);
  });
}

/** r0..r3 (four lanes' k..k+3) transposed in place into k..k+3's four lanes, via t0..t3. */
function emitTranspose4(c: Code, r: Local[], t: Local[]): void {
  const pick = (x: Local, y: Local, lanes: number[], out: Local) => {
    c.localGet(x).localGet(y);
    c.i8x16Shuffle(lanes.flatMap((q) => [4 * q, 4 * q + 1, 4 * q + 2, 4 * q + 3])).localSet(out);
  };
  pick(r[0], r[1], [0, 4, 1, 5], t[0]); // a0 b0 a1 b1
  pick(r[0], r[1], [2, 6, 3, 7], t[1]); // a2 b2 a3 b3
  pick(r[2], r[3], [0, 4, 1, 5], t[2]); // c0 d0 c1 d1
  pick(r[2], r[3], [2, 6, 3, 7], t[3]); // c2 d2 c3 d3
  pick(t[0], t[2], [0, 1, 4, 5], r[0]); // a0 b0 c0 d0
  pick(t[0], t[2], [2, 3, 6, 7], r[1]);
  pick(t[1], t[3], [0, 1, 4, 5], r[2]);
  pick(t[1], t[3], [2, 3, 6, 7], r[3]);
}

/** Four lanes at a time: four k steps of each lane loaded, transposed, stored; the last kc % 4 steps one by one. */
function emitPanelStepsContiguous(c: Code, l: PanelLocals, width: number): void {
  const ptr = Array.from({ length: 4 }, () => c.local('i32'));
  const [d, q, k] = [c.local('i32'), c.local('i32'), c.local('i32')];
  const r = Array.from({ length: 4 }, () => c.local('v128'));
  const t = Array.from({ length: 4 }, () => c.local('v128'));
  const row = width * 4;
  for (let g = 0; g < width / 4; g++) {
    ptr.forEach((pt, i) => {
      c.localGet(l.lead)
        .i32Const(4 * g + i)
        .i32Add()
        .localGet(l.laneStride)
        .i32Mul();
      c.localGet(l.src).i32Add().localSet(pt);
    });
    c.localGet(l.dst)
      .i32Const(16 * g)
      .i32Add()
      .localSet(d);
    forRange(c, q, 0, l.kc, 4, () => {
      c.localGet(q).i32Const(4).i32Add().localGet(l.kc).i32GtS().brIf(1); // fewer than 4 steps left
      ptr.forEach((pt, i) => c.localGet(pt).v128Load().localSet(r[i]));
      emitTranspose4(c, r, t);
      r.forEach((x, j) =>
        c
          .localGet(d)
          .localGet(x)
          .v128Store(j * row),
      );
      for (const pt of ptr) addTo(c, pt, 16);
      addTo(c, d, 4 * row);
    });
    // The remaining kc % 4 steps (from q, where the loop stopped), lane by lane.
    forRange(c, k, q, l.kc, 1, () => {
      ptr.forEach((pt, i) => {
        c.localGet(d)
          .localGet(pt)
          .f32Load()
          .f32Store(4 * i);
        addTo(c, pt, 4);
      });
      addTo(c, d, row);
    });
  }
}

/** Lane by lane with strided loads; padding lanes (at or past `limit`) get zeros. */
function emitPanelScalar(c: Code, l: PanelLocals, width: number): void {
  const [lane, at, p, s, d] = [
    c.local('i32'),
    c.local('i32'),
    c.local('i32'),
    c.local('i32'),
    c.local('i32'),
  ];
  forRange(c, lane, 0, width, 1, () => {
    c.localGet(l.lead).localGet(lane).i32Add().localSet(at);
    c.localGet(l.dst).localGet(lane).i32Const(2).i32Shl().i32Add().localSet(d);
    c.localGet(l.src).localGet(at).localGet(l.laneStride).i32Mul().i32Add().localSet(s);
    c.localGet(l.kc).localSet(p);
    c.localGet(at).localGet(l.limit).i32LtS().if();
    countDown(c, p, () => {
      c.localGet(d).localGet(s).f32Load().f32Store();
      addTo(c, s, l.stepStride);
      addTo(c, d, width * 4);
    });
    c.else();
    countDown(c, p, () => {
      c.localGet(d).f32Const(0).f32Store();
      addTo(c, d, width * 4);
    });
    c.end();
  });
}

/** Packs op(B)'s block rows [0,kc) × all n columns into NR-column panels, [jp][p][j], zero-padded. */
function emitPackB(c: Code): void {
  const [src, rs, cs, kc, n, dst] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
  const j = c.local('i32');
  const panel = { src, lead: j, laneStride: cs, stepStride: rs, kc, limit: n, dst };
  forRange(c, j, 0, n, NR, () => emitPanel(c, panel, NR));
}

/** Packs op(A)'s rows [0,mc) × block columns [0,kc) into MR-row panels, [ip][p][i], zero-padded. */
function emitPackA(c: Code, mr: number): void {
  const [src, rs, cs, mc, kc, dst] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
  const i = c.local('i32');
  const panel = { src, lead: i, laneStride: rs, stepStride: cs, kc, limit: mc, dst };
  forRange(c, i, 0, mc, mr, () => emitPanel(c, panel, mr));
}

/** The MR×8 micro-kernel over one pair of panels, then the fused store into C. */
function emitTile(c: Code, mr: number, relaxed: boolean): void {
  const [pa, pb, kc, cp, ldc, rows, cols, mode, bias, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) =>
    c.param(i),
  );
  const acc: Local[][] = [];
  for (let r = 0; r < mr; r++) acc.push([c.local('v128'), c.local('v128')]);
  const [b0, b1, av, zero] = [c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128')];
  const p = c.local('i32');
  c.f32Const(0).f32x4Splat().localSet(zero);
  for (const row of acc) for (const a of row) c.localGet(zero).localSet(a);
  c.localGet(kc).localSet(p);
  countDown(c, p, () => {
    c.localGet(pb).v128Load(0).localSet(b0);
    c.localGet(pb).v128Load(16).localSet(b1);
    for (let r = 0; r < mr; r++) {
      c.localGet(pa)
        .v128Load32Splat(4 * r)
        .localSet(av);
      for (let v = 0; v < 2; v++) madd(c, acc[r][v], av, v === 0 ? b0 : b1, relaxed);
    }
    addTo(c, pa, mr * 4);
    addTo(c, pb, NR * 4);
  });
  emitEpilogue(c, acc, { cp, ldc, rows, cols, mode, bias, tmp, zero }, mr);
}

/** acc = a·b + acc (fused where relaxed SIMD allows it). */
function madd(c: Code, acc: Local, a: Local, b: Local, relaxed: boolean): void {
  if (relaxed) {
    c.localGet(a).localGet(b).localGet(acc).f32x4RelaxedMadd().localSet(acc);
  } else {
    c.localGet(acc).localGet(a).localGet(b).f32x4Mul().f32x4Add().localSet(acc);
  }
}

interface StoreLocals {
  cp: Local;
  ldc: Local;
  rows: Local;
  cols: Local;
  mode: Local;
  bias: Local;
  tmp: Local;
  zero: Local;
}

function ifMode(c: Code, mode: Local, bit: number, body: () => void): void {
  c.localGet(mode).i32Const(bit).i32And().if();
  body();
  c.end();
}

/** Bias, then either a vector store of the full tile or a spill to `tmp` and a scalar edge store. */
function emitEpilogue(c: Code, acc: Local[][], s: StoreLocals, mr: number): void {
  const mapAll = (f: (a: Local, v: number, r: number) => void) =>
    acc.forEach((row, r) => row.forEach((a, v) => f(a, v, r)));
  const vecOp = (a: Local, load: () => void, op: 'add' | 'max') => {
    c.localGet(a);
    load();
    if (op === 'add') c.f32x4Add();
    else c.f32x4Max();
    c.localSet(a);
  };
  ifMode(c, s.mode, ADD_BIAS, () =>
    mapAll((a, v) => vecOp(a, () => c.localGet(s.bias).v128Load(16 * v), 'add')),
  );
  c.localGet(s.rows).i32Const(mr).i32Eq().localGet(s.cols).i32Const(NR).i32Eq().i32And();
  c.if();
  const rowAddr = (r: number) => {
    c.localGet(s.cp).localGet(s.ldc).i32Const(r).i32Mul().i32Add();
  };
  ifMode(c, s.mode, ADD_C, () =>
    mapAll((a, v, r) =>
      vecOp(
        a,
        () => {
          rowAddr(r);
          c.v128Load(16 * v);
        },
        'add',
      ),
    ),
  );
  ifMode(c, s.mode, RELU, () => mapAll((a) => vecOp(a, () => c.localGet(s.zero), 'max')));
  mapAll((a, v, r) => {
    rowAddr(r);
    c.localGet(a).v128Store(16 * v);
  });
  c.else();
  mapAll((a, v, r) =>
    c
      .localGet(s.tmp)
      .localGet(a)
      .v128Store((r * NR + 4 * v) * 4),
  );
  emitEdgeStore(c, s);
  c.end();
}

/** Scalar store of the valid rows × cols of the spilled tile, with the accumulate and ReLU modes. */
function emitEdgeStore(c: Code, s: StoreLocals): void {
  const [i, j, src, dst, x] = [
    c.local('i32'),
    c.local('i32'),
    c.local('i32'),
    c.local('i32'),
    c.local('f32'),
  ];
  forRange(c, i, 0, s.rows, 1, () => {
    forRange(c, j, 0, s.cols, 1, () => {
      c.localGet(s.tmp).localGet(i).i32Const(NR).i32Mul().localGet(j).i32Add().i32Const(2).i32Shl().i32Add();
      c.localSet(src);
      c.localGet(s.cp)
        .localGet(i)
        .localGet(s.ldc)
        .i32Mul()
        .i32Add()
        .localGet(j)
        .i32Const(2)
        .i32Shl()
        .i32Add();
      c.localSet(dst);
      c.localGet(src).f32Load().localSet(x);
      ifMode(c, s.mode, ADD_C, () => c.localGet(x).localGet(dst).f32Load().f32Add().localSet(x));
      ifMode(c, s.mode, RELU, () => c.localGet(x).f32Const(0).f32Max().localSet(x));
      c.localGet(dst).localGet(x).f32Store();
    });
  });
}

interface DriverLocals {
  n: Local;
  k: Local;
  cc: Local;
  ldc: Local;
  flags: Local;
  bias: Local;
  scratch: Local;
  pc: Local;
  kc: Local;
  ic: Local;
  mc: Local;
  mode: Local;
  packA: Local;
  tmp: Local;
}

/**
 * The tile mode of a K block: old C is added unless this is the first block of an overwrite; the
 * bias on the first block; ReLU only once the last block is in.
 */
function emitBlockMode(c: Code, d: DriverLocals): void {
  c.localGet(d.pc).i32Eqz().if();
  c.localGet(d.flags).i32Const(GEMM_ACCUMULATE).i32And();
  c.localGet(d.bias).i32Const(0).i32Ne().i32Const(ADD_BIAS).i32Mul().i32Add().localSet(d.mode);
  c.else().i32Const(ADD_C).localSet(d.mode).end();
  c.localGet(d.pc).localGet(d.kc).i32Add().localGet(d.k).i32GeS().if();
  c.localGet(d.mode).localGet(d.flags).i32Const(GEMM_RELU).i32And().i32Add().localSet(d.mode).end();
}

/** All tiles of one packed row block (MC rows of A) against the packed K block of B. */
function emitRowBlock(c: Code, d: DriverLocals, mr: number, tile: number): void {
  const [jr, ir, cols, rows] = [c.local('i32'), c.local('i32'), c.local('i32'), c.local('i32')];
  forRange(c, jr, 0, d.n, NR, () => {
    minRest(c, cols, NR, d.n, jr);
    forRange(c, ir, 0, d.mc, mr, () => {
      minRest(c, rows, mr, d.mc, ir);
      // tile(pa, pb, kc, &C[ic+ir, jr], ldc, rows, cols, mode, &bias[jr], tmp); panels are kc·width floats.
      c.localGet(d.packA).localGet(ir).localGet(d.kc).i32Mul().i32Const(2).i32Shl().i32Add();
      c.localGet(d.scratch).localGet(jr).localGet(d.kc).i32Mul().i32Const(2).i32Shl().i32Add();
      c.localGet(d.kc);
      c.localGet(d.cc).localGet(d.ic).localGet(ir).i32Add().localGet(d.ldc).i32Mul().i32Add();
      c.localGet(jr).i32Const(2).i32Shl().i32Add();
      c.localGet(d.ldc).localGet(rows).localGet(cols).localGet(d.mode);
      c.localGet(d.bias).localGet(jr).i32Const(2).i32Shl().i32Add().localGet(d.tmp).call(tile);
    });
  });
}

/** The block loops: K blocks of KC (B packed once each), row blocks of MC (A packed), then tiles. */
function emitDriver(c: Code, mr: number, fn: { packA: number; packB: number; tile: number }): void {
  const [m, n, k, a, ars, acs, b, brs, bcs, cc, ldc, flags, bias, scratch] = Array.from(
    { length: 14 },
    (_, i) => c.param(i),
  );
  const [pc, kc, ic, mc, mode, packA, tmp] = Array.from({ length: 7 }, () => c.local('i32'));
  const d: DriverLocals = { n, k, cc, ldc, flags, bias, scratch, pc, kc, ic, mc, mode, packA, tmp };
  const MC = mcFor(mr);
  // Scratch: packed B (KC × n rounded up to NR), packed A (MC × KC), the edge tile.
  c.localGet(n)
    .i32Const(NR - 1)
    .i32Add()
    .i32Const(-NR)
    .i32And()
    .localSet(tmp);
  address(c, scratch, tmp, KC * 4);
  c.localSet(packA);
  c.localGet(packA)
    .i32Const(MC * KC * 4)
    .i32Add()
    .localSet(tmp);
  forRange(c, pc, 0, k, KC, () => {
    minRest(c, kc, KC, k, pc);
    emitBlockMode(c, d);
    address(c, b, pc, brs);
    c.localGet(brs).localGet(bcs).localGet(kc).localGet(n).localGet(scratch).call(fn.packB);
    forRange(c, ic, 0, m, MC, () => {
      minRest(c, mc, MC, m, ic);
      address(c, a, ic, ars);
      c.localGet(pc).localGet(acs).i32Mul().i32Add();
      c.localGet(ars).localGet(acs).localGet(mc).localGet(kc).localGet(packA).call(fn.packA);
      emitRowBlock(c, d, mr, fn.tile);
    });
  });
}

/** A module exporting `gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, flags, bias, scratch)`. */
export function buildGemmModule(options: GemmKernelOptions): Uint8Array {
  const { mr, relaxed } = options;
  const m = new ModuleBuilder().setMemory(options.memory);
  const i6 = Array<'i32'>(6).fill('i32');
  const packB = m.addFunction('packB', i6, [], emitPackB, false);
  const packA = m.addFunction('packA', i6, [], (c) => emitPackA(c, mr), false);
  const tile = m.addFunction(
    'tile',
    Array<'i32'>(10).fill('i32'),
    [],
    (c) => emitTile(c, mr, relaxed),
    false,
  );
  m.addFunction('gemm', Array<'i32'>(14).fill('i32'), [], (c) => emitDriver(c, mr, { packA, packB, tile }));
  return m.encode();
}
