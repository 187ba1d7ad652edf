import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import { expectWellFormed, headerLengthOf, headerOf } from './raw.js';

interface FixtureTensor {
  dtype: 'F32' | 'F64' | 'F16' | 'BF16';
  shape: number[];
  dataOffsets: [number, number];
  values: number[];
}
interface Fixture {
  file: string;
  byteLength: number;
  sha256: string;
  headerLength: number;
  metadata: Record<string, string>;
  tensors: Record<string, FixtureTensor>;
  model: {
    keys: string[];
    input: { shape: number[]; data: number[] };
    output: { shape: number[]; data: number[] };
  };
}

const dir = new URL('../fixtures/', import.meta.url);
const fixture: Fixture = JSON.parse(readFileSync(new URL('torch_written.json', dir), 'utf8'));
const bytes = new Uint8Array(readFileSync(new URL(fixture.file, dir)));

describe('torch-written safetensors fixture', () => {
  it('is the file the JSON describes', () => {
    expect(bytes.length).toBe(fixture.byteLength);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fixture.sha256);
    expect(headerLengthOf(bytes)).toBe(fixture.headerLength);
    const h = headerOf(bytes) as Record<string, { data_offsets: number[] }>;
    for (const [k, t] of Object.entries(fixture.tensors)) expect(h[k].data_offsets).toEqual(t.dataOffsets);
  });

  it('decodes every tensor with exactly the expected dtype, shape and values', () => {
    const r = decodeSafetensors(bytes);
    expectWellFormed(r, bytes);
    expect(Object.keys(r.tensors).sort()).toEqual(Object.keys(fixture.tensors).sort());
    for (const [k, want] of Object.entries(fixture.tensors)) {
      const t = r.tensors[k];
      expect(r.dtypes[k], k).toBe(want.dtype);
      expect(t.dtype, k).toBe(want.dtype === 'F64' ? 'float64' : 'float32');
      expect(t.shape, k).toEqual(want.shape);
      expect(Array.from(t.data), k).toEqual(want.values); // exact: toEqual uses Object.is per element
    }
    expect({ ...r.metadata }).toEqual(fixture.metadata);
  });

  it('decodes the F16 edge values (65504, a subnormal) and the BF16 rounding exactly', () => {
    const r = decodeSafetensors(bytes);
    const f16 = r.tensors['extra.f16'].data;
    expect(f16[2]).toBe(65504); // largest finite float16
    // Stored as 0x00a8: exponent field 0, so a subnormal worth 168 · 2^-24.
    const start = 8 + fixture.headerLength + fixture.tensors['extra.f16'].dataOffsets[0];
    expect(bytes[start + 6] | (bytes[start + 7] << 8)).toBe(0x00a8);
    expect(f16[3]).toBe(168 * 2 ** -24);
    expect(f16[3]).toBe(1.0013580322265625e-5);
    expect(f16[4]).toBe(-2.75);
    const bf16 = r.tensors['extra.bf16'].data;
    expect(bf16[4]).toBe(256); // torch rounded 256.5 to 256
    expect(bf16[1]).toBe(3.140625);
    const f64 = r.tensors['extra.f64'].data;
    expect(f64[2]).toBe(1e-300);
    expect(f64[4]).toBe(-1e300);
  });

  it("reproduces torch's output of the Linear model from the loaded weights", () => {
    const { tensors } = decodeSafetensors(bytes);
    const W0 = tensors['0.weight'];
    const b0 = tensors['0.bias'];
    const W2 = tensors['2.weight'];
    const b2 = tensors['2.bias'];
    const [rows, inF] = fixture.model.input.shape;
    const [hidden, in0] = W0.shape;
    const [outF, in2] = W2.shape;
    expect([in0, in2]).toEqual([inF, hidden]);
    const x = fixture.model.input.data;
    const y: number[] = [];
    for (let r = 0; r < rows; r++) {
      const h: number[] = [];
      for (let j = 0; j < hidden; j++) {
        let s = b0.data[j];
        for (let i = 0; i < inF; i++) s += x[r * inF + i] * W0.data[j * inF + i];
        h.push(Math.max(0, s));
      }
      for (let o = 0; o < outF; o++) {
        let s = b2.data[o];
        for (let j = 0; j < hidden; j++) s += h[j] * W2.data[o * hidden + j];
        y.push(s);
      }
    }
    expect([rows, outF]).toEqual(fixture.model.output.shape);
    y.forEach((v, i) => {
      expect(Math.abs(v - fixture.model.output.data[i])).toBeLessThan(1e-6);
    });
  });

  it('accepts exactly its own header length as maxHeaderBytes', () => {
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: fixture.headerLength })).not.toThrow();
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: fixture.headerLength - 1 })).toThrow(/limit/);
  });

  it('re-encodes (F16/BF16 now F32) to a file that decodes to the same values', () => {
    const r = decodeSafetensors(bytes);
    const again = decodeSafetensors(encodeSafetensors(r.tensors, r.metadata));
    for (const k of Object.keys(r.tensors)) {
      expect(again.tensors[k]).toBeInstanceOf(Tensor);
      expect(Array.from(again.tensors[k].data)).toEqual(Array.from(r.tensors[k].data));
      expect(again.tensors[k].dtype).toBe(r.tensors[k].dtype);
    }
    expect({ ...again.metadata }).toEqual({ format: 'pt' });
  });
});
