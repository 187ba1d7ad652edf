/**
 * Test-side builders of raw safetensors bytes, independent of the library's encoder, so tests can
 * forge any header, header length or data section.
 */
import { expect } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { FormatError } from '../../src/errors.js';
import type { DecodedSafetensors } from '../../src/io/index.js';

export interface RawOptions {
  /** Header length to write in the prefix instead of the real one (a bigint for values ≥ 2^53). */
  headerLength?: number | bigint;
  /** Pad the header with spaces to a multiple of 8 (default true). */
  pad?: boolean;
}

/** Bytes of a file: u64 LE header length, the header (JSON text, an object, or raw bytes), the data. */
export function rawFile(
  header: string | object | Uint8Array,
  data: Uint8Array | number = new Uint8Array(0),
  opts: RawOptions = {},
): Uint8Array {
  let h: Uint8Array;
  if (header instanceof Uint8Array) h = header;
  else h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (opts.pad !== false && h.length % 8 !== 0) {
    const p = new Uint8Array(Math.ceil(h.length / 8) * 8).fill(0x20);
    p.set(h);
    h = p;
  }
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(opts.headerLength ?? h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) v.setFloat32(4 * i, values[i], true);
  return out;
}

/** Little-endian bytes of float64 values. */
export function f64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) v.setFloat64(8 * i, values[i], true);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The header length stored in a file's prefix. */
export function headerLengthOf(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
}

/** The JSON header of a file, parsed. */
export function headerOf(bytes: Uint8Array): Record<string, unknown> {
  const n = headerLengthOf(bytes);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Runs `f` and returns the FormatError it throws (failing the test for anything else). */
export function formatErrorOf(f: () => unknown): FormatError {
  try {
    f();
  } catch (err) {
    if (!(err instanceof FormatError)) throw new Error(`expected a FormatError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a FormatError, but nothing was thrown');
}

/**
 * Checks a decode result is complete and consistent: null-prototype records, real tensors whose
 * data length matches their shape, string metadata, and (given the file) tensors that exactly
 * tile its data section.
 */
export function expectWellFormed(r: DecodedSafetensors, file?: Uint8Array): void {
  expect(Object.getPrototypeOf(r.tensors)).toBe(null);
  expect(Object.getPrototypeOf(r.metadata)).toBe(null);
  const sizes: Record<string, number> = {
    BOOL: 1,
    U8: 1,
    I8: 1,
    U16: 2,
    I16: 2,
    F16: 2,
    BF16: 2,
    U32: 4,
    I32: 4,
    F32: 4,
    F64: 8,
    U64: 8,
    I64: 8,
  };
  let bytes = 0;
  for (const k of Object.keys(r.tensors)) {
    const t = r.tensors[k];
    expect(t).toBeInstanceOf(Tensor);
    expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
    for (const d of t.shape) expect(Number.isSafeInteger(d) && d >= 0).toBe(true);
    expect(sizes[r.dtypes[k]]).toBeGreaterThan(0);
    bytes += t.data.length * sizes[r.dtypes[k]];
  }
  for (const k of Object.keys(r.metadata)) expect(typeof r.metadata[k]).toBe('string');
  if (file !== undefined) expect(8 + headerLengthOf(file) + bytes).toBe(file.length);
}
