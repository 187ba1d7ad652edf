/**
 * Byte-level encodings of the WebAssembly binary format: LEB128 integers, IEEE floats, names
 * and length-prefixed vectors (spec §5.1–5.2).
 */

/** Unsigned LEB128: 7 bits per byte, low bits first, the high bit set on every byte but the last. */
export function unsignedLeb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`unsignedLeb: expected an integer in [0, 2^32), got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer: stops once the rest is pure sign extension. */
export function signedLeb(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`signedLeb: expected a 32-bit integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0 && !signBit) || (v === -1 && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Little-endian IEEE-754 single. */
export function f32Bytes(value: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return Array.from(b);
}

/** A UTF-8 name with its byte length in front. */
export function nameBytes(name: string): number[] {
  const utf8 = Array.from(new TextEncoder().encode(name));
  return [...unsignedLeb(utf8.length), ...utf8];
}

/** A vector: its element count, then the already-encoded elements. */
export function vector(items: readonly number[][]): number[] {
  const out = unsignedLeb(items.length);
  for (const item of items) for (const b of item) out.push(b);
  return out;
}

/** A section: its id, its byte size, its contents. */
export function section(id: number, contents: readonly number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}
