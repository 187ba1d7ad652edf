/**
 * The Protocol Buffers wire format, as much of it as an ONNX model needs: varint fields (int32, int64,
 * enums), fixed32 fields (float) and length-delimited fields (strings, bytes, packed numbers, messages).
 * See https://protobuf.dev/programming-guides/encoding/.
 */
import { ValueError } from '../../errors.js';

/** Wire types: a field's tag is (field number << 3) | wire type. */
export const WIRE = { varint: 0, fixed32: 5, lengthDelimited: 2 } as const;

const TWO_64 = 1n << 64n;

/**
 * The base-128 varint of an integer: 7 bits per byte, least significant first, the high bit set on every
 * byte but the last. Negative numbers are written as their 64-bit two's complement (ten bytes), as
 * protobuf writes a negative int32 or int64.
 *
 * @throws ValueError for a value that is not a safe integer.
 */
export function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new ValueError(`protobuf varint: ${value} is not a safe integer`);
  let v = value < 0 ? BigInt(value) + TWO_64 : BigInt(value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

const encoder = new TextEncoder();

/** Builds one message: fields are appended in call order; `finish` gives the bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private tag(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff)
      throw new ValueError(`protobuf: field number ${field} is not in [1, 2^29 - 1]`);
    this.push(varint(field * 8 + wire));
  }

  /** A varint field (int32, int64, enum). */
  int(field: number, value: number): this {
    this.tag(field, WIRE.varint);
    this.push(varint(value));
    return this;
  }

  /** A fixed32 field holding a float (little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.tag(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A length-delimited field holding raw bytes (bytes fields, embedded messages). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE.lengthDelimited);
    this.push(varint(value.length));
    this.push(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** An embedded message. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated varint field (proto3's encoding of `repeated int64`). */
  packedInts(field: number, values: readonly number[]): this {
    const body = new ProtoWriter();
    for (const v of values) body.push(varint(v));
    return this.bytes(field, body.finish());
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
