/**
 * The safetensors format (https://github.com/huggingface/safetensors), bytes in and bytes out.
 * No file system here: this module is browser-safe. `mtlgrad/node` adds file helpers.
 *
 * Layout: an 8-byte little-endian u64 N, then N bytes of a UTF-8 JSON header
 * `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__"?: {string: string}}`,
 * then the data section. Offsets are relative to the start of the data section; data is
 * little-endian and row-major.
 *
 * Reading (`decodeSafetensors`):
 * - F32 → float32 and F64 → float64 tensors, bit for bit.
 * - F16 and BF16 → float32, exactly (every value, including subnormals, ±inf and NaN, fits).
 * - Integer and boolean dtypes (BOOL, U8, I8, U16, I16, U32, I32, U64, I64) → float32 by default
 *   (values beyond ±2^24 round to the nearest float32), or float64 with
 *   `{ integerDType: 'float64' }` (exact). I64 and U64 values must lie within ±(2^53 − 1);
 *   BOOL bytes must be 0 or 1. Anything else is a FormatError.
 * - Other dtypes (F8_*, F6_*, F4, C64, ...) are rejected with a FormatError.
 *
 * Validation follows the official Rust crate (`SafeTensors::read_metadata` / `Metadata::validate`):
 * the header size is capped (100 MB by default), the header must be UTF-8 JSON, every tensor's
 * byte length must equal product(shape) · dtype size, and the ranges sorted by offset must tile
 * the data section exactly: start at 0, no gaps, no overlaps, and end at the last byte of the
 * file. Every failure throws a FormatError saying what was wrong and what was expected; nothing
 * is allocated for tensor data until the whole header has been validated.
 *
 * Writing (`encodeSafetensors`) matches the official writer: tensors sorted by dtype alignment
 * (F64 before F32) then by name, `__metadata__` first, the header padded with spaces to a
 * multiple of 8, so the output is deterministic and every tensor is aligned for its dtype.
 */
import { Tensor } from '../autograd/tensor.js';
import { FormatError, fmtShape, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { bfloat16BitsToFloat32Bits, float16BitsToFloat32Bits } from './half.js';

/** The dtypes `decodeSafetensors` reads. */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'U16'
  | 'I16'
  | 'F16'
  | 'BF16'
  | 'U32'
  | 'I32'
  | 'F32'
  | 'F64'
  | 'U64'
  | 'I64';

/** The header size limit of the official implementation: 100 MB. */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Largest header accepted, in bytes (default 100 MB, as in the official crate). */
  maxHeaderBytes?: number;
  /** The dtype integer and BOOL tensors are converted to (default 'float32'). */
  integerDType?: 'float32' | 'float64';
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /** The tensors by name. A null-prototype record: any key, even `__proto__`, is an ordinary key. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (empty when the file has none). A null-prototype record. */
  metadata: Record<string, string>;
  /** The dtype each tensor had in the file (e.g. 'F16' for a tensor now held as float32). */
  dtypes: Record<string, SafetensorsDType>;
}

const DTYPE_SIZE: Record<SafetensorsDType, number> = {
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

/** Dtypes of the format that mtlgrad knows of but cannot hold. */
const UNSUPPORTED_DTYPES = new Set(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

const SUPPORTED_LIST = 'F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL';

const METADATA_KEY = '__metadata__';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const TWO_32 = 4294967296;

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/**
 * Serialises tensors (float32 → F32, float64 → F64) and optional string metadata to the bytes of
 * a safetensors file. Deterministic: the same input always gives the same bytes.
 * Throws a ValueError for a key that is empty, is `__metadata__` or is not well-formed Unicode,
 * for a value that is not a Tensor, and for metadata that is not a record of strings.
 * Empty metadata is not written (as if absent).
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ValueError(
      `encodeSafetensors: tensors must be a record of name → Tensor, got ${describe(tensors)}`,
    );
  }
  const entries: { name: string; tensor: Tensor; dtype: 'F32' | 'F64' }[] = [];
  for (const name of Object.keys(tensors)) {
    checkName('encodeSafetensors: tensor name', name);
    if (name === METADATA_KEY) {
      throw new ValueError(
        `encodeSafetensors: '${METADATA_KEY}' is reserved for metadata and cannot name a tensor`,
      );
    }
    const t = tensors[name];
    if (!(t instanceof Tensor)) {
      throw new ValueError(`encodeSafetensors: tensor '${name}' must be a Tensor, got ${describe(t)}`);
    }
    let dtype: 'F32' | 'F64';
    if (t.data instanceof Float64Array) dtype = 'F64';
    else if (t.data instanceof Float32Array) dtype = 'F32';
    else throw new ValueError(`encodeSafetensors: tensor '${name}' has unsupported dtype ${String(t.dtype)}`);
    entries.push({ name, tensor: t, dtype });
  }
  const metaKeys = checkMetadata(metadata);

  // Official order: descending alignment, then name (byte order of UTF-8 = code point order).
  entries.sort((a, b) => DTYPE_SIZE[b.dtype] - DTYPE_SIZE[a.dtype] || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metaKeys.length > 0) {
    const m = metadata as Record<string, string>;
    const fields = metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const e of entries) {
    const n = e.tensor.data.byteLength;
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.tensor.shape.join(',')}],` +
        `"data_offsets":[${offset},${offset + n}]}`,
    );
    offset += n;
  }
  // Build the object text by hand: JSON.stringify would move integer-like keys first.
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % TWO_32, true);
  view.setUint32(4, Math.floor(headerLen / TWO_32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);

  let pos = 8 + headerLen;
  for (const { tensor } of entries) {
    const data = tensor.data;
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    } else if (data instanceof Float64Array) {
      for (let i = 0; i < data.length; i++) view.setFloat64(pos + 8 * i, data[i], true);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(pos + 4 * i, data[i], true);
    }
    pos += data.byteLength;
  }
  return out;
}

function checkMetadata(metadata: Record<string, string> | undefined): string[] {
  if (metadata === undefined || metadata === null) return [];
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValueError(
      `encodeSafetensors: metadata must be a record of string → string, got ${describe(metadata)}`,
    );
  }
  const keys = Object.keys(metadata);
  for (const k of keys) {
    checkWellFormed('encodeSafetensors: metadata key', k);
    const v: unknown = metadata[k];
    if (typeof v !== 'string') {
      throw new ValueError(
        `encodeSafetensors: metadata value of '${k}' must be a string, got ${describe(v)}`,
      );
    }
    checkWellFormed(`encodeSafetensors: metadata value of '${k}'`, v);
  }
  return keys.sort(compareCodePoints);
}

function checkName(what: string, name: string): void {
  if (name.length === 0) throw new ValueError(`${what} must not be empty`);
  checkWellFormed(what, name);
}

/** Rejects lone surrogates, which UTF-8 cannot encode (they would silently become U+FFFD). */
function checkWellFormed(what: string, s: string): void {
  if (/\p{Surrogate}/u.test(s)) {
    throw new ValueError(
      `${what} ${JSON.stringify(s)} contains a lone surrogate and cannot be written as UTF-8`,
    );
  }
}

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // A surrogate (an astral code point) sorts after every BMP code unit above it.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/**
 * Parses and fully validates the bytes of a safetensors file. Returns every tensor (a fresh copy,
 * never a view of `bytes`) or throws a FormatError; it never returns part of a file.
 * Throws a ValueError for bad arguments (not bytes, bad options).
 */
export function decodeSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  options: DecodeSafetensorsOptions = {},
): DecodedSafetensors {
  const buf = toBytes(bytes);
  const { maxHeaderBytes, integerDType } = checkDecodeOptions(options);

  if (buf.length < 8) {
    throw new FormatError(
      `safetensors: file is ${buf.length} bytes, shorter than the 8-byte header-length prefix (truncated or not a safetensors file)`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = view.getUint32(4, true) * TWO_32 + view.getUint32(0, true); // may exceed 2^53: only compared
  if (headerLen > maxHeaderBytes) {
    throw new FormatError(
      `safetensors: header length ${headerLen} exceeds the limit of ${maxHeaderBytes} bytes (corrupt file, or raise maxHeaderBytes)`,
    );
  }
  if (headerLen > buf.length - 8) {
    throw new FormatError(
      `safetensors: header length ${headerLen} runs past the end of the file: expected at most ${buf.length - 8} (file of ${buf.length} bytes, truncated?)`,
    );
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf.subarray(8, 8 + headerLen));
  } catch {
    throw new FormatError(`safetensors: header (${headerLen} bytes) is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FormatError(`safetensors: header is not valid JSON: ${why}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new FormatError(`safetensors: header must be a JSON object, got ${jsonKind(header)}`);
  }
  const headerObj = header as Record<string, unknown>;

  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];

  for (const name of Object.keys(headerObj)) {
    const value = headerObj[name];
    if (name === METADATA_KEY) {
      readMetadata(value, metadata);
      continue;
    }
    entries.push(readEntry(name, value, dataLen));
  }

  // Sorted by offsets, the ranges must tile [0, dataLen) exactly (the official crate's rule).
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end || compareCodePoints(a.name, b.name));
  let covered = 0;
  let prev: Entry | null = null;
  for (const e of entries) {
    if (e.begin < covered) {
      throw new FormatError(
        `safetensors: tensor ${q(e.name)} data_offsets [${e.begin},${e.end}] overlap tensor ${q(prev!.name)} ` +
          `[${prev!.begin},${prev!.end}]: expected it to start at ${covered}`,
      );
    }
    if (e.begin > covered) {
      throw new FormatError(
        `safetensors: bytes [${covered},${e.begin}) of the data section belong to no tensor (a hole before ${q(e.name)}): ` +
          `expected tensor data to be contiguous from offset 0`,
      );
    }
    covered = e.end;
    prev = e;
  }
  if (covered !== dataLen) {
    throw new FormatError(
      `safetensors: the data section is ${dataLen} bytes but the tensors cover only [0,${covered}): ` +
        `${dataLen - covered} trailing byte${dataLen - covered === 1 ? '' : 's'} (expected the file to end at byte ${dataStart + covered})`,
    );
  }

  // Everything is valid; only now allocate and convert.
  const tensors: Record<string, Tensor> = Object.create(null);
  const dtypes: Record<string, SafetensorsDType> = Object.create(null);
  for (const e of entries) {
    const data = readData(buf, view, dataStart, e, integerDType);
    tensors[e.name] = new Tensor(data, e.shape);
    dtypes[e.name] = e.dtype;
  }
  return { tensors, metadata, dtypes };
}

function toBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  const tag = Object.prototype.toString.call(bytes);
  if (tag === '[object Uint8Array]') return bytes as Uint8Array; // from another realm
  if (tag === '[object ArrayBuffer]') return new Uint8Array(bytes as ArrayBuffer);
  throw new ValueError(
    `decodeSafetensors: bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`,
  );
}

/** The keys of DecodeSafetensorsOptions. */
export const DECODE_OPTIONS = ['maxHeaderBytes', 'integerDType'] as const;

function checkDecodeOptions(options: DecodeSafetensorsOptions): Required<DecodeSafetensorsOptions> {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`decodeSafetensors: options must be an object, got ${describe(options)}`);
  }
  checkOptionKeys('decodeSafetensors', options, DECODE_OPTIONS);
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 0) {
    throw new ValueError(
      `decodeSafetensors: maxHeaderBytes must be a non-negative integer, got ${describe(options.maxHeaderBytes)}`,
    );
  }
  const integerDType = options.integerDType ?? 'float32';
  if (integerDType !== 'float32' && integerDType !== 'float64') {
    throw new ValueError(
      `decodeSafetensors: integerDType must be 'float32' or 'float64', got ${describe(options.integerDType)}`,
    );
  }
  return { maxHeaderBytes, integerDType };
}

function readMetadata(value: unknown, out: Record<string, string>): void {
  if (value === null) return; // the official crate reads null as "no metadata"
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(
      `safetensors: '${METADATA_KEY}' must be an object of strings, got ${jsonKind(value)}`,
    );
  }
  const m = value as Record<string, unknown>;
  for (const k of Object.keys(m)) {
    const v = m[k];
    if (typeof v !== 'string') {
      throw new FormatError(
        `safetensors: '${METADATA_KEY}' value of ${q(k)} must be a string, got ${jsonKind(v)}`,
      );
    }
    out[k] = v;
  }
}

function readEntry(name: string, value: unknown, dataLen: number): Entry {
  const where = `safetensors: tensor ${q(name)}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(
      `${where}: entry must be an object {dtype, shape, data_offsets}, got ${jsonKind(value)}`,
    );
  }
  const info = value as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(info, field)) throw new FormatError(`${where}: entry is missing '${field}'`);
  }

  const rawDtype = info.dtype;
  if (typeof rawDtype !== 'string') {
    throw new FormatError(`${where}: dtype must be a string, got ${jsonKind(rawDtype)}`);
  }
  if (!Object.hasOwn(DTYPE_SIZE, rawDtype)) {
    const kind = UNSUPPORTED_DTYPES.has(rawDtype) ? 'unsupported' : 'unknown';
    throw new FormatError(
      `${where}: ${kind} dtype ${JSON.stringify(rawDtype).slice(0, 40)}: expected one of ${SUPPORTED_LIST}`,
    );
  }
  const dtype = rawDtype as SafetensorsDType;

  const rawShape = info.shape;
  if (!Array.isArray(rawShape)) {
    throw new FormatError(
      `${where}: shape must be an array of non-negative integers, got ${jsonKind(rawShape)}`,
    );
  }
  let count = 1;
  for (const d of rawShape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new FormatError(
        `${where}: shape must be an array of non-negative integers, found ${jsonKind(d)} ${short(d)}`,
      );
    }
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(`${where}: shape ${short(rawShape)} has too many elements (overflow)`);
    }
  }
  const shape = (rawShape as number[]).slice();

  const offs = info.data_offsets;
  if (
    !Array.isArray(offs) ||
    offs.length !== 2 ||
    !offs.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new FormatError(
      `${where}: data_offsets must be [begin, end], two non-negative integers, got ${short(offs)}`,
    );
  }
  const [begin, end] = offs as [number, number];
  if (end < begin) {
    throw new FormatError(
      `${where}: data_offsets [${begin},${end}]: end is before begin (expected begin ≤ end)`,
    );
  }
  const size = DTYPE_SIZE[dtype];
  const nbytes = count * size;
  if (end - begin !== nbytes) {
    throw new FormatError(
      `${where}: data_offsets [${begin},${end}] span ${end - begin} bytes, but ${dtype} ${fmtShape(shape)} needs ` +
        `${count} × ${size} = ${nbytes} bytes`,
    );
  }
  if (end > dataLen) {
    throw new FormatError(
      `${where}: data_offsets [${begin},${end}] lie outside the data section of ${dataLen} bytes (truncated file?)`,
    );
  }
  return { name, dtype, shape, count, begin, end };
}

function readData(
  buf: Uint8Array,
  view: DataView,
  dataStart: number,
  e: Entry,
  integerDType: 'float32' | 'float64',
): Float32Array | Float64Array {
  const start = dataStart + e.begin;
  const n = e.count;
  switch (e.dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(buf.subarray(start, start + 4 * n));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float64Array(n);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(buf.subarray(start, start + 8 * n));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer); // same platform endianness as `out`
      const convert = e.dtype === 'F16' ? float16BitsToFloat32Bits : bfloat16BitsToFloat32Bits;
      for (let i = 0; i < n; i++) {
        const p = start + 2 * i;
        bits[i] = convert(buf[p] | (buf[p + 1] << 8));
      }
      return out;
    }
    default:
      return readIntegers(
        buf,
        view,
        start,
        e,
        integerDType === 'float64' ? new Float64Array(n) : new Float32Array(n),
      );
  }
}

function readIntegers<T extends Float32Array | Float64Array>(
  buf: Uint8Array,
  view: DataView,
  start: number,
  e: Entry,
  out: T,
): T {
  const n = e.count;
  switch (e.dtype) {
    case 'BOOL':
      for (let i = 0; i < n; i++) {
        const b = buf[start + i];
        if (b > 1) {
          throw new FormatError(
            `safetensors: tensor ${q(e.name)} (BOOL): element ${i} is byte ${b}, expected 0 or 1`,
          );
        }
        out[i] = b;
      }
      break;
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = buf[start + i];
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(start + i);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(start + 2 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(start + 2 * i, true);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(start + 4 * i, true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(start + 4 * i, true);
      break;
    case 'U64':
    case 'I64': {
      const signed = e.dtype === 'I64';
      const max = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < n; i++) {
        const p = start + 8 * i;
        const v = signed ? view.getBigInt64(p, true) : view.getBigUint64(p, true);
        if (v > max || v < -max) {
          throw new FormatError(
            `safetensors: tensor ${q(e.name)} (${e.dtype}): element ${i} = ${v} is outside ±(2^53 − 1) ` +
              `and cannot be converted exactly`,
          );
        }
        out[i] = Number(v);
      }
      break;
    }
    default:
      // Unreachable: readEntry only admits the dtypes handled above.
      throw new FormatError(`safetensors: tensor ${q(e.name)}: cannot read dtype ${e.dtype}`);
  }
  return out;
}

/** A name quoted for a message, cut short if long. */
function q(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
