import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import {
  attributeProto,
  modelProto,
  nodeProto,
  opsetProto,
  tensorProto,
  valueInfoProto,
} from '../../../src/io/onnx/proto.js';
import { ProtoWriter, varint } from '../../../src/io/onnx/protobuf.js';

const bytes = (w: ProtoWriter) => Array.from(w.finish());
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('protobuf wire format (bytes computed by hand from the encoding guide)', () => {
  it('varints: 7 bits a byte, low bits first, negatives as ten-byte two’s complement', () => {
    expect(Array.from(varint(0))).toEqual([0x00]);
    expect(Array.from(varint(1))).toEqual([0x01]);
    expect(Array.from(varint(127))).toEqual([0x7f]);
    expect(Array.from(varint(150))).toEqual([0x96, 0x01]); // the guide's example
    expect(Array.from(varint(300))).toEqual([0xac, 0x02]);
    expect(Array.from(varint(2 ** 35))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(Array.from(varint(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(Array.from(varint(-2))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => varint(1.5)).toThrow(ValueError);
  });

  it('varints decode back to the number (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const b = varint(n);
        let v = 0n;
        b.forEach((byte, i) => {
          v |= BigInt(byte & 0x7f) << BigInt(7 * i);
          expect(byte >= 0x80).toBe(i < b.length - 1);
        });
        expect(BigInt.asIntN(64, v)).toBe(BigInt(n));
      }),
    );
  });

  it('fields: tag = field << 3 | wire type, then the value', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().int(20, 2))).toEqual([0xa0, 0x01, 0x02]); // field 20: a two-byte tag
    expect(bytes(new ProtoWriter().string(2, 'hi'))).toEqual([0x12, 0x02, 0x68, 0x69]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().float(2, -2.5))).toEqual([0x15, 0x00, 0x00, 0x20, 0xc0]);
    expect(bytes(new ProtoWriter().packedInts(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    expect(bytes(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)))).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
    expect(() => new ProtoWriter().int(0, 1)).toThrow(/field number 0/);
  });
});

describe('ONNX messages (field numbers of onnx.proto3)', () => {
  it('TensorProto: dims (1, packed), data_type (2), name (8), raw_data (9) little-endian', () => {
    const t = tensorProto({ name: 'w', dims: [2], data: Float32Array.of(1, 2) });
    expect(bytes(t)).toEqual([
      0x0a,
      0x01,
      0x02, // dims [2]
      0x10,
      0x01, // FLOAT
      0x42,
      0x01,
      0x77, // name "w"
      0x4a,
      0x08,
      0x00,
      0x00,
      0x80,
      0x3f,
      0x00,
      0x00,
      0x00,
      0x40, // 1.0f, 2.0f
    ]);
    const axes = tensorProto({ name: 'a', dims: [1], data: BigInt64Array.of(-1n) });
    expect(bytes(axes)).toEqual([
      0x0a, 0x01, 0x01, 0x10, 0x07, 0x42, 0x01, 0x61, 0x4a, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff,
    ]);
    // A scalar has no dims field.
    expect(bytes(tensorProto({ name: 's', dims: [], data: Float32Array.of(0) })).slice(0, 2)).toEqual([
      0x10, 0x01,
    ]);
  });

  it('AttributeProto: name (1), f (2) / i (3) / ints (8), type (20)', () => {
    expect(bytes(attributeProto('alpha', { type: 'float', value: 1 }))).toEqual([
      0x0a,
      0x05,
      ...ascii('alpha'),
      0x15,
      0x00,
      0x00,
      0x80,
      0x3f,
      0xa0,
      0x01,
      0x01,
    ]);
    expect(bytes(attributeProto('axis', { type: 'int', value: -1 }))).toEqual([
      0x0a,
      0x04,
      ...ascii('axis'),
      0x18,
      ...Array(9).fill(0xff),
      0x01,
      0xa0,
      0x01,
      0x02,
    ]);
    expect(bytes(attributeProto('perm', { type: 'ints', value: [1, 0] }))).toEqual([
      0x0a,
      0x04,
      ...ascii('perm'),
      0x42,
      0x02,
      0x01,
      0x00,
      0xa0,
      0x01,
      0x07,
    ]);
  });

  it('NodeProto: input (1), output (2), name (3), op_type (4), attribute (5)', () => {
    const n = nodeProto({ op: 'Relu', name: 'n', inputs: ['x'], outputs: ['y'] });
    expect(bytes(n)).toEqual([
      0x0a,
      0x01,
      0x78,
      0x12,
      0x01,
      0x79,
      0x1a,
      0x01,
      0x6e,
      0x22,
      0x04,
      ...ascii('Relu'),
    ]);
    const g = nodeProto({
      op: 'Gemm',
      name: 'g',
      inputs: ['x', 'w'],
      outputs: ['y'],
      attributes: { transB: { type: 'int', value: 1 } },
    });
    const attr = [0x0a, 0x06, ...ascii('transB'), 0x18, 0x01, 0xa0, 0x01, 0x02];
    expect(bytes(g)).toEqual([
      0x0a,
      0x01,
      0x78,
      0x0a,
      0x01,
      0x77,
      0x12,
      0x01,
      0x79,
      0x1a,
      0x01,
      0x67,
      0x22,
      0x04,
      ...ascii('Gemm'),
      0x2a,
      attr.length,
      ...attr,
    ]);
  });

  it('ValueInfoProto: name (1), type (2) → tensor_type (1) → elem_type (1), shape (2) → dim (1): dim_param (2) / dim_value (1)', () => {
    const v = valueInfoProto({ name: 'x', dims: ['N', 3] });
    const dimN = [0x12, 0x01, 0x4e];
    const dim3 = [0x08, 0x03];
    const shape = [0x0a, dimN.length, ...dimN, 0x0a, dim3.length, ...dim3];
    const tensorType = [0x08, 0x01, 0x12, shape.length, ...shape];
    const type = [0x0a, tensorType.length, ...tensorType];
    expect(bytes(v)).toEqual([0x0a, 0x01, 0x78, 0x12, type.length, ...type]);
  });

  it('OperatorSetIdProto and ModelProto: ir_version (1), producer (2, 3), graph (7), opset_import (8), metadata_props (14)', () => {
    expect(bytes(opsetProto(17))).toEqual([0x10, 0x11]);
    expect(bytes(opsetProto(1, 'ai.onnx.ml'))).toEqual([0x0a, 0x0a, ...ascii('ai.onnx.ml'), 0x10, 0x01]);
    const m = modelProto({
      graph: { name: 'g', nodes: [], initializers: [], inputs: [], outputs: [] },
      opset: 17,
      irVersion: 8,
      producerName: 'p',
      producerVersion: '',
      metadata: { k: 'v' },
    });
    expect(bytes(m)).toEqual([
      0x08,
      0x08,
      0x12,
      0x01,
      0x70,
      0x1a,
      0x00, // ir_version 8, producer "p", version ""
      0x3a,
      0x03,
      0x12,
      0x01,
      0x67, // graph {name: "g"}
      0x42,
      0x02,
      0x10,
      0x11, // opset_import {version: 17}
      0x72,
      0x06,
      0x0a,
      0x01,
      0x6b,
      0x12,
      0x01,
      0x76, // metadata_props {key: "k", value: "v"}
    ]);
  });
});
