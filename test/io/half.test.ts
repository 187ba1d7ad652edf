import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, decodeSafetensors, float16ToNumber } from '../../src/io/index.js';
import { rawFile } from './raw.js';

/** IEEE binary16 by the textbook formula: (-1)^s · 2^(e-15) · 1.m, or 2^-14 · 0.m when e = 0. */
function refFloat16(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0x1f) return m === 0 ? s * Number.POSITIVE_INFINITY : Number.NaN;
  if (e === 0) return s * (m / 1024) * 2 ** -14;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** bfloat16 by the formula: 8 exponent bits (bias 127), 7 mantissa bits. */
function refBfloat16(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 7) & 0xff;
  const m = bits & 0x7f;
  if (e === 0xff) return m === 0 ? s * Number.POSITIVE_INFINITY : Number.NaN;
  if (e === 0) return s * (m / 128) * 2 ** -126;
  return s * (1 + m / 128) * 2 ** (e - 127);
}

/** A file holding one 1-D tensor of all 65536 bit patterns, little-endian. */
function allPatternsFile(dtype: 'F16' | 'BF16'): Uint8Array {
  const data = new Uint8Array(2 * 65536);
  for (let b = 0; b < 65536; b++) {
    data[2 * b] = b & 0xff;
    data[2 * b + 1] = b >> 8;
  }
  return rawFile({ t: { dtype, shape: [256, 256], data_offsets: [0, data.length] } }, data);
}

function expectSame(got: number, want: number, bits: number): void {
  if (Number.isNaN(want)) {
    if (!Number.isNaN(got)) throw new Error(`pattern 0x${bits.toString(16)}: got ${got}, expected NaN`);
  } else if (!Object.is(got, want)) {
    throw new Error(`pattern 0x${bits.toString(16)}: got ${got}, expected ${want}`);
  }
}

describe('float16 and bfloat16 conversion', () => {
  it('matches the formula for all 65536 float16 patterns, through the file decoder too', () => {
    const decoded = decodeSafetensors(allPatternsFile('F16')).tensors.t.data;
    expect(decoded).toBeInstanceOf(Float32Array);
    for (let b = 0; b < 65536; b++) {
      const want = refFloat16(b);
      expectSame(float16ToNumber(b), want, b);
      expectSame(decoded[b], want, b);
    }
  });

  it('matches the formula for all 65536 bfloat16 patterns, through the file decoder too', () => {
    const decoded = decodeSafetensors(allPatternsFile('BF16')).tensors.t.data;
    for (let b = 0; b < 65536; b++) {
      const want = refBfloat16(b);
      expectSame(bfloat16ToNumber(b), want, b);
      expectSame(decoded[b], want, b);
    }
  });

  it('gets the landmark values right', () => {
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(float16ToNumber(0x0400)).toBe(2 ** -14); // smallest normal
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16ToNumber(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(float16ToNumber(0x7e00)).toBeNaN();
    expect(bfloat16ToNumber(0x3f80)).toBe(1);
    expect(bfloat16ToNumber(0x7f7f)).toBe(3.3895313892515355e38);
    expect(bfloat16ToNumber(0x0001)).toBe(2 ** -133);
    expect(bfloat16ToNumber(0xff80)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('keeps the sign and payload of NaNs', () => {
    const decoded = decodeSafetensors(allPatternsFile('F16')).tensors.t.data;
    const bits = new Uint32Array(decoded.buffer);
    expect(bits[0x7c01]).toBe(0x7f802000); // signalling NaN, payload 1 shifted into place
    expect(bits[0xfe00]).toBe(0xffc00000); // negative quiet NaN
    const bf = new Uint32Array(decodeSafetensors(allPatternsFile('BF16')).tensors.t.data.buffer);
    expect(bf[0x7f81]).toBe(0x7f810000);
    expect(bf[0xffc1]).toBe(0xffc10000);
  });
});
