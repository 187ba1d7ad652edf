/**
 * ONNX protobuf messages (field numbers from onnx/onnx.proto3): ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto (data in raw_data), ValueInfoProto with its TypeProto, OperatorSetIdProto and
 * StringStringEntryProto. Each function returns the message's writer, so tests can check its bytes.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values we write. */
export const DATA_TYPE = { float: 1, int64: 7 } as const;

/** AttributeProto.AttributeType values we write. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;

/** An initializer: a named constant tensor. */
export interface TensorSpec {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A node attribute. */
export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] };

export interface NodeSpec {
  op: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output: a float tensor whose dims are sizes or symbolic names (`batch`). */
export interface ValueSpec {
  name: string;
  dims: readonly (number | string)[];
  doc?: string;
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  /** The default domain's opset version. */
  opset: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian values). */
export function tensorProto(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.data instanceof Float32Array ? DATA_TYPE.float : DATA_TYPE.int64);
  w.string(8, t.name);
  const raw = new Uint8Array(t.data.byteLength);
  const view = new DataView(raw.buffer);
  if (t.data instanceof Float32Array) t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else t.data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return w.bytes(9, raw);
}

/** AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20. */
export function attributeProto(name: string, a: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (a.type === 'float') w.float(2, a.value);
  else if (a.type === 'int') w.int(3, a.value);
  else w.packedInts(8, a.value);
  return w.int(20, ATTRIBUTE_TYPE[a.type]);
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
export function nodeProto(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, a] of Object.entries(n.attributes ?? {})) w.message(5, attributeProto(k, a));
  return w;
}

/**
 * ValueInfoProto (name = 1, type = 2, doc_string = 3) of a float tensor: TypeProto.tensor_type = 1 holds
 * elem_type = 1 and shape = 2; each TensorShapeProto.dim = 1 has dim_value = 1 or dim_param = 2.
 */
export function valueInfoProto(v: ValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, DATA_TYPE.float).message(2, shape);
  const w = new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
  if (v.doc !== undefined) w.string(3, v.doc);
  return w;
}

/** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
export function graphProto(g: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, nodeProto(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, tensorProto(t));
  for (const v of g.inputs) w.message(11, valueInfoProto(v));
  for (const v of g.outputs) w.message(12, valueInfoProto(v));
  return w;
}

/** OperatorSetIdProto: domain = 1 (empty: the default ONNX domain, left out), version = 2. */
export function opsetProto(version: number, domain = ''): ProtoWriter {
  const w = new ProtoWriter();
  if (domain !== '') w.string(1, domain);
  return w.int(2, version);
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7,
 * opset_import = 8, metadata_props = 14 (StringStringEntryProto: key = 1, value = 2).
 */
export function modelProto(m: ModelSpec): ProtoWriter {
  const w = new ProtoWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.message(7, graphProto(m.graph)).message(8, opsetProto(m.opset));
  for (const [key, value] of Object.entries(m.metadata ?? {}))
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w;
}
