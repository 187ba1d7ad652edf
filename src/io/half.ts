/**
 * Exact conversions from the 16-bit float formats to float32, working on bit patterns.
 * Every float16 and bfloat16 value (subnormals, ±0, ±inf, NaN with its payload) is exactly
 * representable in float32, so these conversions never round.
 */

/** float32 bit pattern of an IEEE 754 binary16 bit pattern (`bits` in [0, 0xffff]). */
export function float16BitsToFloat32Bits(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exp = (bits >>> 10) & 0x1f;
  let mant = bits & 0x3ff;
  if (exp === 0x1f) {
    // inf (mant 0) or NaN: keep the payload in the top mantissa bits.
    return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  }
  if (exp !== 0) {
    // Normal: re-bias the exponent from 15 to 127.
    return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal: value = mant · 2^-24. Shift the leading 1 up to the implicit bit.
  let e = 113; // biased float32 exponent of 2^-14, the float16 subnormal scale
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** float32 bit pattern of a bfloat16 bit pattern: bfloat16 is the top half of a float32. */
export function bfloat16BitsToFloat32Bits(bits: number): number {
  return (bits << 16) >>> 0;
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The value of an IEEE 754 binary16 bit pattern, as a number (exactly a float32). */
export function float16ToNumber(bits: number): number {
  scratchU32[0] = float16BitsToFloat32Bits(bits & 0xffff);
  return scratchF32[0];
}

/** The value of a bfloat16 bit pattern, as a number (exactly a float32). */
export function bfloat16ToNumber(bits: number): number {
  scratchU32[0] = bfloat16BitsToFloat32Bits(bits & 0xffff);
  return scratchF32[0];
}
