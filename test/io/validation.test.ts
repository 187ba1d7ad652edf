import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/io/index.js';
import { concat, expectWellFormed, f32Bytes, f64Bytes, formatErrorOf, rawFile } from './raw.js';

const F32x2 = (begin: number, end: number, shape: unknown = [2]) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

/** Decoding must throw a FormatError whose message matches every pattern. */
function rejects(bytes: Uint8Array, ...patterns: RegExp[]): string {
  const err = formatErrorOf(() => decodeSafetensors(bytes));
  for (const p of patterns) expect(err.message).toMatch(p);
  expect(err.message.startsWith('safetensors: ')).toBe(true);
  return err.message;
}

describe('decodeSafetensors validation: file and header framing', () => {
  it('rejects files shorter than 8 bytes', () => {
    for (let n = 0; n < 8; n++) rejects(new Uint8Array(n), new RegExp(`file is ${n} bytes`), /8-byte/);
  });

  it('rejects a header length past the end of the file', () => {
    rejects(rawFile('{}', 0, { headerLength: 9 }), /header length 9 runs past the end/, /at most 8/);
    rejects(rawFile('{}', 0, { headerLength: 1000 }), /header length 1000/);
  });

  it('rejects a header length above the cap, even a u64 beyond 2^53', () => {
    rejects(rawFile('{}', 0, { headerLength: 100_000_001 }), /exceeds the limit of 100000000 bytes/);
    rejects(rawFile('{}', 0, { headerLength: 2n ** 64n - 1n }), /exceeds the limit/);
    rejects(rawFile('{}', 0, { headerLength: 2n ** 53n + 1n }), /exceeds the limit/);
  });

  it('rejects a header that is not UTF-8', () => {
    const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]];
    for (const b of bad) {
      const h = concat(
        new TextEncoder().encode('{"a":"'),
        Uint8Array.from(b),
        new TextEncoder().encode('"}'),
      );
      rejects(rawFile(h), /not valid UTF-8/);
    }
  });

  it('rejects a header that is not JSON (including a BOM, as serde_json does)', () => {
    rejects(rawFile('{"a":', 0, { pad: false }), /not valid JSON/);
    rejects(rawFile('', 0), /not valid JSON/);
    rejects(rawFile('\uFEFF{}'), /not valid JSON/);
    rejects(rawFile('{} {}'), /not valid JSON/);
    rejects(rawFile(new Uint8Array(8)), /not valid JSON/); // NUL padding is not whitespace
  });

  it('rejects a header that is not an object', () => {
    rejects(rawFile('[]'), /must be a JSON object, got an array/);
    rejects(rawFile('null'), /got null/);
    rejects(rawFile('12'), /got a number/);
    rejects(rawFile('"x"'), /got a string/);
  });

  it('accepts leading whitespace and trailing space padding, as the official parser does', () => {
    expect(Object.keys(decodeSafetensors(rawFile('  {}   ', 0, { pad: false })).tensors)).toEqual([]);
  });
});

describe('decodeSafetensors validation: entries', () => {
  it('rejects an entry that is not an object', () => {
    for (const v of [1, 'x', null, [], true]) {
      rejects(rawFile({ w: v }), /tensor "w": entry must be an object/);
    }
  });

  it('rejects entries missing dtype, shape or data_offsets', () => {
    rejects(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "w": entry is missing 'dtype'/);
    rejects(rawFile({ w: { dtype: 'F32', data_offsets: [0, 4] } }, 4), /missing 'shape'/);
    rejects(rawFile({ w: { dtype: 'F32', shape: [1] } }, 4), /missing 'data_offsets'/);
  });

  it('rejects unknown and unsupported dtypes, naming the supported ones', () => {
    rejects(
      rawFile({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16),
      /unknown dtype "F128"/,
      /F32/,
    );
    rejects(rawFile({ w: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, 4), /unknown dtype "f32"/);
    rejects(
      rawFile({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1),
      /unsupported dtype "F8_E4M3"/,
    );
    rejects(rawFile({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, 8), /unsupported dtype/);
    rejects(
      rawFile({ w: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, 4),
      /dtype must be a string, got a number/,
    );
    rejects(rawFile({ w: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, 4), /unknown dtype/);
  });

  it('rejects shapes that are not arrays of non-negative safe integers', () => {
    for (const shape of [3, '3', null, { 0: 3 }])
      rejects(rawFile({ w: F32x2(0, 12, shape) }, 12), /shape must be an array/);
    for (const shape of [[-1], [1.5], ['2'], [null], [[2]], [2 ** 53], [1e300]]) {
      rejects(
        rawFile({ w: F32x2(0, 8, shape) }, 8),
        /shape must be an array of non-negative integers, found/,
      );
    }
  });

  it('rejects shapes whose element count overflows, before allocating anything', () => {
    rejects(rawFile({ w: F32x2(0, 4, [2 ** 30, 2 ** 30, 2 ** 30]) }, 4), /too many elements/);
  });

  it('rejects data_offsets that are not [begin, end] with begin ≤ end', () => {
    for (const offs of [4, [0], [0, 4, 8], [-4, 0], [0, 4.5], ['0', '4'], null, [0, 2 ** 53]]) {
      rejects(
        rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: offs } }, 4),
        /data_offsets must be \[begin, end\], two non-negative integers/,
      );
    }
    rejects(rawFile({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4), /end is before begin/);
  });

  it('rejects a byte length different from product(shape) · dtype size', () => {
    rejects(rawFile({ w: F32x2(0, 4) }, 4), /span 4 bytes, but F32 \[2\] needs 2 × 4 = 8 bytes/);
    rejects(
      rawFile({ w: { dtype: 'F64', shape: [2, 3], data_offsets: [0, 24] } }, 24),
      /F64 \[2,3\] needs 6 × 8 = 48 bytes/,
    );
  });

  it('rejects ranges outside the data section (a forged huge shape allocates nothing)', () => {
    rejects(rawFile({ w: F32x2(0, 8) }, 4), /\[0,8\] lie outside the data section of 4 bytes/);
    const n = 1e15;
    rejects(
      rawFile({ w: { dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] } }, 8),
      /outside the data section/,
    );
    rejects(
      rawFile({ w: { dtype: 'F64', shape: [1e5, 1e5, 1e5], data_offsets: [0, 8e15] } }, 8),
      /outside the data section/,
    );
  });

  it('rejects overlapping ranges', () => {
    const data = new Uint8Array(12);
    rejects(
      rawFile({ a: F32x2(0, 8), b: F32x2(4, 12) }, data),
      /"b" data_offsets \[4,12\] overlap tensor "a" \[0,8\]/,
    );
    rejects(rawFile({ a: F32x2(0, 8), b: F32x2(0, 8) }, 8), /overlap/);
    // A zero-size tensor inside another tensor's range is refused too, as in the official crate.
    rejects(rawFile({ a: F32x2(0, 8), z: F32x2(4, 4, [0]) }, 8), /overlap/);
  });

  it('rejects holes between ranges and at the start', () => {
    rejects(
      rawFile({ a: F32x2(0, 8), b: F32x2(12, 20) }, 20),
      /bytes \[8,12\) .* belong to no tensor/,
      /"b"/,
    );
    rejects(rawFile({ a: F32x2(4, 12) }, 12), /bytes \[0,4\)/);
  });

  it('rejects trailing bytes after the last range', () => {
    rejects(
      rawFile({ a: F32x2(0, 8) }, 9),
      /data section is 9 bytes but the tensors cover only \[0,8\): 1 trailing/,
    );
    rejects(rawFile({}, 8), /cover only \[0,0\): 8 trailing/);
    rejects(rawFile({ __metadata__: { a: 'b' } }, 1), /trailing/);
  });

  it('accepts zero-size tensors, several at the same offset, and scalars', () => {
    const data = concat(f32Bytes([1.5]), f64Bytes([2.5]));
    const r = decodeSafetensors(
      rawFile(
        {
          e1: F32x2(0, 0, [0]),
          e2: F32x2(0, 0, [3, 0]),
          s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
          e3: F32x2(4, 4, [0, 0]),
          d: { dtype: 'F64', shape: [1, 1], data_offsets: [4, 12] },
        },
        data,
      ),
    );
    expectWellFormed(r);
    expect(r.tensors.s.item()).toBe(1.5);
    expect(r.tensors.d.data).toBeInstanceOf(Float64Array);
    expect(r.tensors.e2.shape).toEqual([3, 0]);
    expect(r.tensors.e3.size).toBe(0);
  });
});

describe('decodeSafetensors validation: metadata', () => {
  it('rejects metadata that is not an object of strings', () => {
    for (const m of [[], 'x', 3])
      rejects(rawFile({ __metadata__: m }), /'__metadata__' must be an object of strings/);
    for (const v of [1, null, {}, [], true]) {
      rejects(rawFile({ __metadata__: { k: v } }), /'__metadata__' value of "k" must be a string/);
    }
  });

  it('reads "__metadata__": null as no metadata, like the official crate', () => {
    expect(Object.keys(decodeSafetensors(rawFile({ __metadata__: null })).metadata)).toEqual([]);
  });
});

describe('decodeSafetensors: integer and boolean dtypes', () => {
  function intFile(
    dtype: string,
    size: number,
    write: (v: DataView, i: number) => void,
    n: number,
  ): Uint8Array {
    const data = new Uint8Array(size * n);
    const view = new DataView(data.buffer);
    for (let i = 0; i < n; i++) write(view, i);
    return rawFile({ t: { dtype, shape: [n], data_offsets: [0, size * n] } }, data);
  }
  const cases: [string, number, (v: DataView, i: number, x: number) => void, number[]][] = [
    ['U8', 1, (v, i, x) => v.setUint8(i, x), [0, 1, 255]],
    ['I8', 1, (v, i, x) => v.setInt8(i, x), [-128, -1, 127]],
    ['U16', 2, (v, i, x) => v.setUint16(2 * i, x, true), [0, 258, 65535]],
    ['I16', 2, (v, i, x) => v.setInt16(2 * i, x, true), [-32768, -2, 32767]],
    ['U32', 4, (v, i, x) => v.setUint32(4 * i, x, true), [0, 16777216, 4294967295]],
    ['I32', 4, (v, i, x) => v.setInt32(4 * i, x, true), [-2147483648, -3, 2147483647]],
    ['I64', 8, (v, i, x) => v.setBigInt64(8 * i, BigInt(x), true), [-(2 ** 53 - 1), -5, 2 ** 53 - 1]],
    ['U64', 8, (v, i, x) => v.setBigUint64(8 * i, BigInt(x), true), [0, 7, 2 ** 53 - 1]],
    ['BOOL', 1, (v, i, x) => v.setUint8(i, x), [0, 1, 1]],
  ];

  it('converts every integer dtype to float32 by default (rounding to nearest) and exactly to float64', () => {
    for (const [dtype, size, set, values] of cases) {
      const file = intFile(dtype, size, (v, i) => set(v, i, values[i]), values.length);
      const r32 = decodeSafetensors(file);
      expect(r32.tensors.t.dtype, dtype).toBe('float32');
      expect(r32.dtypes.t).toBe(dtype);
      expect(Array.from(r32.tensors.t.data), dtype).toEqual(values.map(Math.fround));
      const r64 = decodeSafetensors(file, { integerDType: 'float64' });
      expect(r64.tensors.t.dtype, dtype).toBe('float64');
      expect(Array.from(r64.tensors.t.data), dtype).toEqual(values);
    }
  });

  it('rejects 64-bit integers beyond ±(2^53 − 1) and BOOL bytes other than 0 and 1', () => {
    const i64 = (x: bigint) => intFile('I64', 8, (v, i) => v.setBigInt64(8 * i, x, true), 1);
    const u64 = (x: bigint) => intFile('U64', 8, (v, i) => v.setBigUint64(8 * i, x, true), 1);
    rejects(i64(2n ** 53n), /"t" \(I64\): element 0 = 9007199254740992 is outside/);
    rejects(i64(-(2n ** 53n)), /outside/);
    rejects(i64(-(2n ** 63n)), /outside/);
    rejects(u64(2n ** 64n - 1n), /\(U64\).*outside/);
    rejects(
      intFile('BOOL', 1, (v, i) => v.setUint8(i, 2), 1),
      /\(BOOL\): element 0 is byte 2, expected 0 or 1/,
    );
  });
});
