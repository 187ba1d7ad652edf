import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { FormatError, ValueError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import { concat, expectWellFormed, f32Bytes, headerLengthOf, headerOf, rawFile } from './raw.js';

const enc = new TextEncoder();

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

/** Raw bits of a tensor's data, so NaN payloads and -0 compare exactly. */
function bitsOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function f32(values: number[], shape: number[]): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

describe('encodeSafetensors: byte-exact output of the official writer', () => {
  // Expected bytes from the official Rust crate's own tests (safetensors/src/tensor.rs).
  it('writes one F32 tensor with a header that is already a multiple of 8', () => {
    const out = encodeSafetensors({ 'attn.0': f32([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect(Array.from(out)).toEqual(
      Array.from(concat(u64(64), enc.encode(json), f32Bytes([0, 1, 2, 3, 4, 5]))),
    );
  });

  it('pads the header with spaces to a multiple of 8', () => {
    const out = encodeSafetensors({ attn0: f32([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    const json = `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}${' '.repeat(7)}`;
    expect(Array.from(out)).toEqual(
      Array.from(concat(u64(72), enc.encode(json), f32Bytes([0, 1, 2, 3, 4, 5]))),
    );
  });

  it('writes an empty file and a metadata-only file', () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    const out = encodeSafetensors({}, { framework: 'pt' });
    expect(Array.from(out)).toEqual(
      Array.from(concat(u64(40), enc.encode(`{"__metadata__":{"framework":"pt"}}${' '.repeat(5)}`))),
    );
  });

  it('orders tensors by alignment (F64 first) then by name in code point order, metadata first', () => {
    const out = encodeSafetensors(
      {
        b: f32([1], [1]),
        '10': f32([2], [1]),
        '2': new Tensor(new Float64Array([3]), [1]),
        a: new Tensor(new Float64Array([4, 5]), [2]),
        '\u{1F600}': f32([6], [1]), // astral: after U+FFFD in UTF-8 byte order
        '\uFFFD': f32([7], [1]),
      },
      { z: '1', a: '2' },
    );
    const text = new TextDecoder().decode(out.subarray(8, 8 + headerLengthOf(out)));
    const keys = [...text.matchAll(/"([^"]+)":\{/g)].map((m) => m[1]);
    expect(keys).toEqual(['__metadata__', '2', 'a', '10', 'b', '\uFFFD', '\u{1F600}']);
    expect(text.startsWith('{"__metadata__":{"a":"2","z":"1"},')).toBe(true);
    const h = headerOf(out) as Record<string, { data_offsets: number[] }>;
    expect(h['2'].data_offsets).toEqual([0, 8]);
    expect(h.a.data_offsets).toEqual([8, 24]);
    expect(h['10'].data_offsets).toEqual([24, 28]);
    expect(h['\u{1F600}'].data_offsets).toEqual([36, 40]);
  });

  it('does not write empty metadata', () => {
    expect(encodeSafetensors({ x: f32([1], [1]) }, {})).toEqual(encodeSafetensors({ x: f32([1], [1]) }));
  });

  it('writes zero-size and scalar tensors', () => {
    const out = encodeSafetensors({ e: f32([], [0, 3]), s: f32([7], []) });
    expect(headerOf(out)).toEqual({
      e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] },
      s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
    });
    const r = decodeSafetensors(out);
    expect(r.tensors.e.shape).toEqual([0, 3]);
    expect(r.tensors.s.shape).toEqual([]);
    expect(r.tensors.s.item()).toBe(7);
  });

  it('reads tensors from a subarray view and writes them from one', () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const t = new Tensor(backing.subarray(1, 4), [3]);
    const out = encodeSafetensors({ t });
    expect(Array.from(decodeSafetensors(out).tensors.t.data)).toEqual([1, 2, 3]);
  });

  it('rejects bad keys, values and metadata with a ValueError', () => {
    const t = f32([1], [1]);
    const bad: [string, () => unknown, RegExp][] = [
      ['empty key', () => encodeSafetensors({ '': t }), /must not be empty/],
      ['reserved key', () => encodeSafetensors({ __metadata__: t }), /reserved/],
      ['lone surrogate key', () => encodeSafetensors({ 'a\uD800': t }), /lone surrogate/],
      [
        'non-tensor value',
        () => encodeSafetensors({ a: [1, 2] as unknown as Tensor }),
        /'a' must be a Tensor/,
      ],
      ['null value', () => encodeSafetensors({ a: null as unknown as Tensor }), /must be a Tensor, got null/],
      ['null tensors', () => encodeSafetensors(null as unknown as Record<string, Tensor>), /record/],
      ['array tensors', () => encodeSafetensors([t] as unknown as Record<string, Tensor>), /record/],
      [
        'number metadata',
        () => encodeSafetensors({ a: t }, { n: 1 as unknown as string }),
        /'n' must be a string/,
      ],
      ['null metadata value', () => encodeSafetensors({ a: t }, { n: null as unknown as string }), /string/],
      [
        'array metadata',
        () => encodeSafetensors({ a: t }, ['x'] as unknown as Record<string, string>),
        /record/,
      ],
      ['lone surrogate metadata', () => encodeSafetensors({ a: t }, { k: '\uDC00' }), /lone surrogate/],
    ];
    for (const [what, f, msg] of bad) {
      expect(f, what).toThrow(ValueError);
      expect(f, what).toThrow(msg);
    }
  });
});

describe('decodeSafetensors: round trips', () => {
  const name = fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc
      .array(fc.integer({ min: 1, max: 0x10ffff }), { minLength: 1, maxLength: 6 })
      .map((cps) => String.fromCodePoint(...cps))
      .filter((k) => !/\p{Surrogate}/u.test(k)),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '10', 'a.b.c', ' '),
  );
  const shape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
  const tensorArb = fc.tuple(shape, fc.boolean()).chain(([s, is64]) => {
    const n = s.reduce((a, b) => a * b, 1);
    const values = is64
      ? fc.array(fc.double(), { minLength: n, maxLength: n })
      : fc.array(fc.float(), { minLength: n, maxLength: n });
    return values.map((v) => new Tensor(is64 ? Float64Array.from(v) : Float32Array.from(v), s));
  });
  const record = <T>(keys: fc.Arbitrary<string>, values: fc.Arbitrary<T>) =>
    fc.uniqueArray(fc.tuple(keys, values), { selector: ([k]) => k, maxLength: 6 }).map((pairs) => {
      const out: Record<string, T> = Object.create(null);
      for (const [k, v] of pairs) out[k] = v;
      return out;
    });
  const tensorsArb = record(
    name.filter((k) => k !== '__metadata__'),
    tensorArb,
  );
  const metadataArb = record(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }));

  it('encode → decode gives the same shapes, dtypes and bits; encode again gives the same bytes', () => {
    fc.assert(
      fc.property(tensorsArb, metadataArb, (tensors, metadata) => {
        const bytes = encodeSafetensors(tensors, metadata);
        expect(headerLengthOf(bytes) % 8).toBe(0);
        const r = decodeSafetensors(bytes);
        expectWellFormed(r, bytes);
        expect(Object.keys(r.tensors).sort()).toEqual(Object.keys(tensors).sort());
        for (const k of Object.keys(tensors)) {
          const a = tensors[k];
          const b = r.tensors[k];
          expect(b.shape).toEqual(a.shape);
          expect(b.dtype).toBe(a.dtype);
          expect(r.dtypes[k]).toBe(a.dtype === 'float64' ? 'F64' : 'F32');
          expect(bitsOf(b)).toEqual(bitsOf(a));
          expect(b.data.buffer).not.toBe(bytes.buffer); // a copy, not a view
        }
        expect({ ...r.metadata }).toEqual({ ...metadata });
        expect(encodeSafetensors(r.tensors, r.metadata)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('aligns every tensor to its dtype size within the file', () => {
    fc.assert(
      fc.property(tensorsArb, (tensors) => {
        const bytes = encodeSafetensors(tensors);
        const start = 8 + headerLengthOf(bytes);
        const h = headerOf(bytes) as Record<string, { dtype: string; data_offsets: number[] }>;
        for (const k of Object.keys(h)) {
          expect((start + h[k].data_offsets[0]) % (h[k].dtype === 'F64' ? 8 : 4)).toBe(0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps NaN payloads, -0 and infinities', () => {
    const f = new Float32Array([Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45]);
    new Uint32Array(f.buffer)[0] = 0x7fa00001; // a signalling NaN with a payload
    const d = new Float64Array([Number.NaN, -0, Number.MIN_VALUE, Number.MAX_VALUE]);
    const r = decodeSafetensors(encodeSafetensors({ f: new Tensor(f, [5]), d: new Tensor(d, [4]) }));
    expect(new Uint32Array(r.tensors.f.data.buffer)[0]).toBe(0x7fa00001);
    expect(bitsOf(r.tensors.f)).toEqual(bitsOf(new Tensor(f, [5])));
    expect(Object.is(r.tensors.d.data[1], -0)).toBe(true);
    expect(r.tensors.d.data[2]).toBe(Number.MIN_VALUE);
  });

  it('round-trips metadata, including unicode and prototype-like keys', () => {
    // Object.fromEntries defines own properties, so '__proto__' becomes an ordinary key.
    const metadata: Record<string, string> = Object.fromEntries([
      ['format', 'pt'],
      ['__proto__', 'polluted?'],
      ['constructor', 'x'],
      ['ключ', 'значение 😀'],
      ['', ''],
      ['quote', '"\\\n\t\u0001'],
    ]);
    expect(Object.keys(metadata)).toContain('__proto__');
    const r = decodeSafetensors(encodeSafetensors({}, metadata));
    expect({ ...r.metadata }).toEqual({ ...metadata });
    expect(Object.getPrototypeOf(r.metadata)).toBe(null);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes from an ArrayBuffer and from an unaligned view, copying the data', () => {
    const bytes = encodeSafetensors({ a: new Tensor(new Float64Array([1.5, -2]), [2]), b: f32([3], [1]) });
    expect(Array.from(decodeSafetensors(bytes.slice().buffer).tensors.a.data)).toEqual([1.5, -2]);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const r = decodeSafetensors(shifted.subarray(3));
    expect(Array.from(r.tensors.a.data)).toEqual([1.5, -2]);
    shifted.fill(0);
    expect(Array.from(r.tensors.a.data)).toEqual([1.5, -2]);
    expect(r.tensors.b.data[0]).toBe(3);
  });

  it('accepts entries in any order in the header and ignores unknown entry fields', () => {
    const data = concat(f32Bytes([1, 2]), f32Bytes([3]));
    const header = {
      second: { dtype: 'F32', shape: [1], data_offsets: [8, 12], extra: 'ignored' },
      first: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    };
    const r = decodeSafetensors(rawFile(header, data));
    expect(Array.from(r.tensors.first.data)).toEqual([1, 2]);
    expect(Array.from(r.tensors.second.data)).toEqual([3]);
  });

  it('rejects bad arguments with a ValueError', () => {
    const ok = encodeSafetensors({});
    expect(() => decodeSafetensors('abc' as unknown as Uint8Array)).toThrow(ValueError);
    expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(ValueError);
    expect(() => decodeSafetensors(new Uint16Array(8) as unknown as Uint8Array)).toThrow(ValueError);
    expect(() => decodeSafetensors(ok, { maxHeaderBytes: -1 })).toThrow(/maxHeaderBytes/);
    expect(() => decodeSafetensors(ok, { maxHeaderBytes: 1.5 })).toThrow(ValueError);
    expect(() => decodeSafetensors(ok, { maxHeaderBytes: Number.NaN })).toThrow(ValueError);
    expect(() => decodeSafetensors(ok, { integerDType: 'int32' as 'float32' })).toThrow(/integerDType/);
    expect(() => decodeSafetensors(ok, null as unknown as object)).toThrow(ValueError);
  });

  it('applies maxHeaderBytes', () => {
    const bytes = encodeSafetensors({ a: f32([1], [1]) });
    const n = headerLengthOf(bytes);
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: n })).not.toThrow();
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: n - 1 })).toThrow(FormatError);
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: n - 1 })).toThrow(/exceeds the limit of/);
  });
});
