/** LEB128 and float encodings against the spec's worked examples and an independent decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f32Bytes, signedLeb, unsignedLeb } from '../../../src/backend/wasm/encoding.js';

/** Test-side decoders, written from the spec's definition (7 bits per byte, little-endian groups). */
function decodeUnsigned(bytes: number[]): number {
  let v = 0;
  let scale = 1;
  for (const b of bytes) {
    v += (b & 0x7f) * scale;
    scale *= 128;
  }
  return v;
}

function decodeSigned(bytes: number[]): number {
  const v = decodeUnsigned(bytes);
  const bits = 7 * bytes.length;
  return (bytes[bytes.length - 1] & 0x40) !== 0 ? v - 2 ** bits : v;
}

describe('LEB128', () => {
  it('matches the worked examples', () => {
    expect(unsignedLeb(0)).toEqual([0]);
    expect(unsignedLeb(127)).toEqual([0x7f]);
    expect(unsignedLeb(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(signedLeb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb(63)).toEqual([0x3f]);
    expect(signedLeb(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb(-64)).toEqual([0x40]);
    expect(signedLeb(-65)).toEqual([0xbf, 0x7f]);
  });

  it('round-trips through an independent decoder, with the continuation bit on all but the last byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
        const b = unsignedLeb(x);
        return decodeUnsigned(b) === x && b.slice(0, -1).every((y) => y >= 0x80) && b[b.length - 1] < 0x80;
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (x) => decodeSigned(signedLeb(x)) === x),
    );
  });

  it('rejects values outside the encodable range', () => {
    expect(() => unsignedLeb(-1)).toThrow(RangeError);
    expect(() => unsignedLeb(2 ** 32)).toThrow(RangeError);
    expect(() => signedLeb(2 ** 31)).toThrow(RangeError);
    expect(() => signedLeb(0.5)).toThrow(RangeError);
  });

  it('encodes float32 little-endian', () => {
    expect(f32Bytes(1)).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(f32Bytes(-2)).toEqual([0x00, 0x00, 0x00, 0xc0]);
  });
});
