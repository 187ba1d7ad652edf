/**
 * A function body, written one instruction at a time: `f.localGet(x).i32Const(4).i32Add()`.
 * Only the instructions our kernels use are here; each method appends its opcode and immediates.
 * Opcodes: WebAssembly core spec §5.4, fixed-width SIMD and relaxed SIMD proposals, threads proposal.
 */
import { f32Bytes, signedLeb, unsignedLeb } from './encoding.js';

export type ValType = 'i32' | 'f32' | 'v128';

export const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** A local variable (or parameter) of a function being built. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

const SIMD = 0xfd;
const ATOMIC = 0xfe;

export class Code {
  readonly bytes: number[] = [];
  /** Locals declared after the parameters, in order. */
  readonly extraLocals: ValType[] = [];
  private readonly paramCount: number;
  private depth = 0;

  constructor(readonly params: readonly ValType[]) {
    this.paramCount = params.length;
  }

  /** The i-th parameter as a local. */
  param(i: number): Local {
    if (i < 0 || i >= this.paramCount) throw new RangeError(`Code.param: no parameter ${i}`);
    return { index: i, type: this.params[i] };
  }

  /** Declares a new local. */
  local(type: ValType): Local {
    this.extraLocals.push(type);
    return { index: this.paramCount + this.extraLocals.length - 1, type };
  }

  private emit(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private simd(op: number, ...imm: number[]): this {
    return this.emit(SIMD, ...unsignedLeb(op), ...imm);
  }

  /** Memory immediate: alignment exponent and constant byte offset. */
  private memarg(align: number, offset: number): number[] {
    return [...unsignedLeb(align), ...unsignedLeb(offset)];
  }

  // Control. Blocks are typeless (0x40): our kernels keep values in locals.
  block(): this {
    this.depth++;
    return this.emit(0x02, 0x40);
  }
  loop(): this {
    this.depth++;
    return this.emit(0x03, 0x40);
  }
  if(): this {
    this.depth++;
    return this.emit(0x04, 0x40);
  }
  else(): this {
    return this.emit(0x05);
  }
  end(): this {
    this.depth--;
    return this.emit(0x0b);
  }
  /** Branch to the `label`-th enclosing block (0 = innermost). */
  br(label: number): this {
    return this.emit(0x0c, ...unsignedLeb(label));
  }
  brIf(label: number): this {
    return this.emit(0x0d, ...unsignedLeb(label));
  }
  return(): this {
    return this.emit(0x0f);
  }
  /** Calls function `index` of the module (arguments on the stack). */
  call(index: number): this {
    return this.emit(0x10, ...unsignedLeb(index));
  }
  drop(): this {
    return this.emit(0x1a);
  }

  // Locals.
  localGet(l: Local): this {
    return this.emit(0x20, ...unsignedLeb(l.index));
  }
  localSet(l: Local): this {
    return this.emit(0x21, ...unsignedLeb(l.index));
  }
  localTee(l: Local): this {
    return this.emit(0x22, ...unsignedLeb(l.index));
  }

  // Scalar memory.
  i32Load(offset = 0): this {
    return this.emit(0x28, ...this.memarg(2, offset));
  }
  f32Load(offset = 0): this {
    return this.emit(0x2a, ...this.memarg(2, offset));
  }
  i32Store(offset = 0): this {
    return this.emit(0x36, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.emit(0x38, ...this.memarg(2, offset));
  }

  // Scalar arithmetic.
  i32Const(v: number): this {
    return this.emit(0x41, ...signedLeb(v));
  }
  f32Const(v: number): this {
    return this.emit(0x43, ...f32Bytes(v));
  }
  i32Eqz(): this {
    return this.emit(0x45);
  }
  i32Eq(): this {
    return this.emit(0x46);
  }
  i32Ne(): this {
    return this.emit(0x47);
  }
  i32LtS(): this {
    return this.emit(0x48);
  }
  i32GtS(): this {
    return this.emit(0x4a);
  }
  i32LeS(): this {
    return this.emit(0x4c);
  }
  i32GeS(): this {
    return this.emit(0x4e);
  }
  i32Add(): this {
    return this.emit(0x6a);
  }
  i32Sub(): this {
    return this.emit(0x6b);
  }
  i32Mul(): this {
    return this.emit(0x6c);
  }
  i32And(): this {
    return this.emit(0x71);
  }
  i32Shl(): this {
    return this.emit(0x74);
  }
  f32Add(): this {
    return this.emit(0x92);
  }
  f32Mul(): this {
    return this.emit(0x94);
  }
  f32Max(): this {
    return this.emit(0x97);
  }
  select(): this {
    return this.emit(0x1b);
  }

  // SIMD (128-bit).
  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(4, offset));
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(2, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(4, offset));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Neg(): this {
    return this.simd(0xe1);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  /** Lanes 0 and 1 of an f32x4 widened to an f64x2 (exactly). */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  /** An f64x2 rounded to float32 into lanes 0 and 1; lanes 2 and 3 are zero. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  /** Lane-wise a > b: all ones where true (NaN compares false). */
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** Lane-wise comparisons: all ones where true, zeros where false (NaN compares false, but ne). */
  f64x2Eq(): this {
    return this.simd(0x47);
  }
  f64x2Ne(): this {
    return this.simd(0x48);
  }
  f64x2Gt(): this {
    return this.simd(0x4a);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** a & ~b. */
  v128AndNot(): this {
    return this.simd(0x4f);
  }
  v128Xor(): this {
    return this.simd(0x51);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  /** 1 (i32) when any bit of the vector is set, else 0. */
  v128AnyTrue(): this {
    return this.simd(0x53);
  }
  /** A constant vector: its 16 bytes, little-endian lane order. */
  v128Const(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new RangeError('Code.v128Const: expected 16 bytes');
    return this.simd(0x0c, ...Array.from(bytes, (b) => b & 0xff));
  }
  /** Lane-wise 64-bit integer equality: all ones where equal. */
  i64x2Eq(): this {
    return this.simd(0xd6);
  }
  f64x2Abs(): this {
    return this.simd(0xec);
  }
  f64x2Lt(): this {
    return this.simd(0x49);
  }
  /** (a & mask) | (b & ~mask), operands pushed as a, b, mask. */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  /** Bytes of a and b picked by 16 constant lane indices (0–15 from a, 16–31 from b). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !(Number.isInteger(l) && l >= 0 && l < 32)))
      throw new RangeError('Code.i8x16Shuffle: expected 16 lane indices in [0, 32)');
    return this.simd(0x0d, ...lanes);
  }
  /** Relaxed SIMD fused (or not) multiply-add: a·b + c. Validate before using it. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  // Threads.
  i32AtomicLoad(offset = 0): this {
    return this.emit(ATOMIC, 0x10, ...this.memarg(2, offset));
  }
  i32AtomicStore(offset = 0): this {
    return this.emit(ATOMIC, 0x17, ...this.memarg(2, offset));
  }

  /** The encoded body: local declarations (run-length grouped), instructions, final `end`. */
  encode(): number[] {
    if (this.depth !== 0) throw new Error(`Code.encode: ${this.depth} block(s) left open`);
    const groups: number[][] = [];
    for (let i = 0; i < this.extraLocals.length; ) {
      let j = i;
      while (j < this.extraLocals.length && this.extraLocals[j] === this.extraLocals[i]) j++;
      groups.push([...unsignedLeb(j - i), VALTYPE[this.extraLocals[i]]]);
      i = j;
    }
    const body = [...unsignedLeb(groups.length), ...groups.flat(), ...this.bytes, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  }
}
