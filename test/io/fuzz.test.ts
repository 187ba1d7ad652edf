import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { FormatError } from '../../src/errors.js';
import { type DecodedSafetensors, decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import { expectWellFormed, headerLengthOf, rawFile } from './raw.js';

const fixture = new Uint8Array(
  readFileSync(new URL('../fixtures/torch_written.safetensors', import.meta.url)),
);

/** A file with every dtype the encoder writes, zero-size and scalar tensors, and metadata. */
const encoded = encodeSafetensors(
  {
    a: new Tensor(new Float32Array([1, -2, 3.5, Number.NaN]), [2, 2]),
    b: new Tensor(new Float64Array([1e-300, -0]), [2]),
    empty: new Tensor(new Float32Array(0), [0, 4]),
    s: new Tensor(new Float64Array([42]), []),
  },
  { format: 'mtlgrad', note: 'fuzz' },
);

/** Decodes, returning null on a FormatError; any other error fails the test. */
function decodeOrNull(bytes: Uint8Array): DecodedSafetensors | null {
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof FormatError) return null;
    throw new Error(`decodeSafetensors threw ${String(err)} instead of a FormatError`);
  }
}

/** The property every input must satisfy: a FormatError, or a complete, consistent result. */
function checkDecode(bytes: Uint8Array): DecodedSafetensors | null {
  const r = decodeOrNull(bytes);
  if (r !== null) expectWellFormed(r, bytes);
  return r;
}

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
const pristine = () => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.dtype).toBeUndefined();
  expect(typeof probe.toString).toBe('function');
};
beforeAll(pristine);
afterAll(pristine);

describe('decodeSafetensors under corruption', () => {
  it('rejects every truncation and every extension of valid files', () => {
    for (const file of [fixture, encoded]) {
      for (let n = 0; n < file.length; n++) {
        expect(decodeOrNull(file.subarray(0, n)), `prefix of ${n} bytes`).toBeNull();
      }
      for (let extra = 1; extra <= 8; extra++) {
        const longer = new Uint8Array(file.length + extra);
        longer.set(file);
        expect(decodeOrNull(longer)).toBeNull();
      }
      expect(checkDecode(file)).not.toBeNull();
    }
  });

  it('random byte flips give a FormatError or a complete, valid result', () => {
    for (const file of [fixture, encoded]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 1, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          (flips) => {
            const b = file.slice();
            for (const [i, x] of flips) b[i] ^= x;
            checkDecode(b);
          },
        ),
        { numRuns: 600 },
      );
    }
  });

  it('a flip inside the data section changes values only', () => {
    const start = 8 + headerLengthOf(fixture);
    const base = decodeSafetensors(fixture);
    fc.assert(
      fc.property(
        fc.integer({ min: start, max: fixture.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (i, x) => {
          const b = fixture.slice();
          b[i] ^= x;
          const r = checkDecode(b);
          expect(r).not.toBeNull();
          for (const k of Object.keys(base.tensors))
            expect(r!.tensors[k].shape).toEqual(base.tensors[k].shape);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('forged header lengths are rejected unless they are the real one', () => {
    const real = BigInt(headerLengthOf(fixture));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          fc.bigInt({ min: 0n, max: 2000n }),
          fc.bigInt({ min: real - 16n, max: real + 16n }),
        ),
        (n) => {
          const b = fixture.slice();
          new DataView(b.buffer).setBigUint64(0, n, true);
          const r = checkDecode(b);
          if (n !== real) expect(r).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  // Valid layouts, optionally corrupted by one mutation of the header or the data length.
  const sizes: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I32: 4, U8: 1, I64: 8, BOOL: 1 };
  const layout = fc.array(
    fc.record({
      dtype: fc.constantFrom(...Object.keys(sizes)),
      shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    }),
    { maxLength: 5 },
  );
  const mutation = fc.oneof(
    fc.constant(null),
    fc.record({
      kind: fc.constantFrom('begin', 'end', 'dim', 'dtype', 'drop', 'trailing', 'shape', 'offsets'),
      index: fc.nat(),
      delta: fc.integer({ min: -9, max: 9 }).filter((d) => d !== 0),
      value: fc.oneof(
        fc.anything(),
        fc.constantFrom(-1, 1.5, 2 ** 53, 1e300, '4', 'F8_E5M2', 'X', [0], [1, 2, 3], 2 ** 40),
      ),
    }),
  );

  it('forged offsets, shapes and dtypes give a FormatError; untouched layouts decode', () => {
    fc.assert(
      fc.property(
        layout,
        mutation,
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        (entries, mut, noise) => {
          const header: Record<string, Record<string, unknown>> = {};
          let offset = 0;
          entries.forEach((e, i) => {
            const n = e.shape.reduce((a, b) => a * b, 1) * sizes[e.dtype];
            header[`t${i}`] = { dtype: e.dtype, shape: e.shape.slice(), data_offsets: [offset, offset + n] };
            offset += n;
          });
          // Random data, but BOOL bytes must be 0/1 and I64 values within 2^53 for the unmutated case.
          const data = new Uint8Array(offset);
          entries.forEach((e, i) => {
            const [b, end] = header[`t${i}`].data_offsets as number[];
            for (let p = b; p < end; p++) {
              const x = noise[p % noise.length];
              data[p] = e.dtype === 'BOOL' ? x & 1 : e.dtype === 'I64' ? ((p - b) % 8 === 0 ? x : 0) : x;
            }
          });
          let dataLen = offset;
          const keys = Object.keys(header);
          if (mut !== null) {
            const t = keys.length > 0 ? header[keys[mut.index % keys.length]] : undefined;
            const offs = t?.data_offsets as number[] | undefined;
            const shape = t?.shape as number[] | undefined;
            if (mut.kind === 'trailing' || t === undefined) dataLen = Math.max(0, offset + mut.delta);
            else if (mut.kind === 'begin') offs![0] += mut.delta;
            else if (mut.kind === 'end') offs![1] += mut.delta;
            else if (mut.kind === 'dim') shape!.push(Math.abs(mut.delta) + 1);
            else if (mut.kind === 'dtype') t.dtype = mut.value;
            else if (mut.kind === 'drop') delete t[['dtype', 'shape', 'data_offsets'][mut.index % 3]];
            else if (mut.kind === 'shape') t.shape = mut.value;
            else t.data_offsets = mut.value;
          }
          const d = new Uint8Array(dataLen);
          d.set(data.subarray(0, Math.min(dataLen, data.length)));
          const file = rawFile(header, d);
          const r = checkDecode(file);
          if (mut === null) expect(r).not.toBeNull();
        },
      ),
      { numRuns: 800 },
    );
  });

  it('random JSON headers and random bytes give a FormatError or a valid result', () => {
    const anyHeader = fc.oneof(
      fc.json({ maxDepth: 2 }),
      fc
        .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        .map((o) => JSON.stringify(o)),
      // Any code points, including lone surrogates (TextEncoder turns those into U+FFFD).
      fc
        .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 })
        .map((cps) => String.fromCodePoint(...cps)),
    );
    fc.assert(
      fc.property(anyHeader, fc.uint8Array({ maxLength: 24 }), fc.boolean(), (h, data, pad) => {
        checkDecode(rawFile(h, data, { pad }));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        checkDecode(b);
      }),
      { numRuns: 500 },
    );
  });
});

describe('prototype pollution', () => {
  const names = [
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'prototype',
  ];

  it('decodes prototype-like tensor and metadata keys as ordinary keys', () => {
    const header: Record<string, unknown> = {};
    let text = '{"__metadata__":{"__proto__":{"polluted":1},"constructor":"c"}}';
    expect(() => decodeSafetensors(rawFile(text))).toThrow(FormatError); // values must be strings
    text = '{"__metadata__":{"__proto__":"p","constructor":"c","toString":"t"}';
    const data: number[] = [];
    names.forEach((n, i) => {
      header[n] = { dtype: 'F32', shape: [1], data_offsets: [4 * i, 4 * i + 4] };
      data.push(i + 0.5);
    });
    // Spell the header by hand so the "__proto__" key certainly reaches the decoder as text.
    text += `,${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(header[n])}`).join(',')}}`;
    const r = decodeSafetensors(rawFile(text, new Uint8Array(Float32Array.from(data).buffer)));
    expect(Object.keys(r.tensors).sort()).toEqual([...names].sort());
    names.forEach((n, i) => {
      expect(Object.hasOwn(r.tensors, n)).toBe(true);
      expect(r.tensors[n]).toBeInstanceOf(Tensor);
      expect(r.tensors[n].data[0]).toBe(i + 0.5);
    });
    expect(Object.getPrototypeOf(r.tensors)).toBe(null);
    expect(Object.getPrototypeOf(r.metadata)).toBe(null);
    const m = Object.entries(r.metadata);
    expect(m).toContainEqual(['__proto__', 'p']);
    expect(m).toContainEqual(['constructor', 'c']);
    expect(Object.keys(r.metadata).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    pristine();

    // And they survive a round trip through the encoder.
    const again = decodeSafetensors(encodeSafetensors(r.tensors, r.metadata));
    expect(Object.keys(again.tensors).sort()).toEqual([...names].sort());
    expect({ ...again.metadata }).toEqual({ ...r.metadata });
    pristine();
  });

  it('fuzzed headers with prototype-like keys leave Object.prototype clean', () => {
    const key = fc.oneof(
      fc.constantFrom(...names, 'dtype', 'shape', 'data_offsets', '__metadata__'),
      fc.string(),
    );
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constant({ dtype: 'F32', shape: [0], data_offsets: [0, 0] }),
      fc.constant({ polluted: 'yes' }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 5 }), (pairs) => {
        const text = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        checkDecode(rawFile(text));
        pristine();
      }),
      { numRuns: 400 },
    );
  });
});
