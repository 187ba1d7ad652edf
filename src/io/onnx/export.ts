/**
 * `toOnnx(model)`: a multi-task model as an ONNX ModelProto (opset 17), written by our own protobuf encoder.
 * The batch dimension is symbolic (`batch`); there is one output per task, named after it.
 */
import { zeros } from '../../autograd/create.js';
import { ValueError } from '../../errors.js';
import type { MultiTaskModel } from '../../mtl/architectures.js';
import { predict } from '../../mtl/evaluate.js';
import { type TaskSpec, validateTasks } from '../../mtl/tasks.js';
import { checkOptionKeys } from '../../options.js';
import { showValue } from '../../tensor/shape.js';
import { ARCHITECTURES } from './architectures.js';
import { int, OnnxGraph } from './graph.js';
import { modelProto, type ValueSpec } from './proto.js';

/** The opset of the default ONNX domain the graph uses, and the IR version that goes with it. */
export const ONNX_OPSET = 17;
const IR_VERSION = 8;

/** Options of {@link toOnnx}: the input name, preprocessing in the graph, and logits or probabilities out. */
export interface OnnxOptions {
  /** Name of the graph input (default `features`). */
  inputName?: string;
  /**
   * Preprocessing in front of the model, per input column: NaN → `fill` (when given), then (x − mean)/std.
   * With it the ONNX model takes raw features.
   */
  standardize?: { mean: readonly number[]; std: readonly number[]; fill?: readonly number[] };
  /** `logits` (default): the heads' outputs, as `predict`; `probabilities`: softmax / sigmoid (needs `tasks`). */
  output?: 'logits' | 'probabilities';
  /** The model's task specs (needed for `probabilities`). */
  tasks?: readonly TaskSpec[];
  /** Regression outputs mapped back to label units, output · std + mean, per task. */
  targets?: Readonly<Record<string, { mean: number; std: number }>>;
  /** The input width, when no Linear layer reads the input directly (otherwise it is read from that layer). */
  inputs?: number;
  /** Written into the model: a description, the producer's version, and string metadata (metadata_props). */
  docString?: string;
  producerVersion?: string;
  metadata?: Readonly<Record<string, string>>;
}

const ONNX_OPTIONS = [
  'inputName',
  'standardize',
  'output',
  'tasks',
  'targets',
  'inputs',
  'docString',
  'producerVersion',
  'metadata',
] as const;

/**
 * The model as the bytes of an ONNX ModelProto (opset 17): Gemm for Linear layers, Relu/Tanh/Sigmoid/LeakyRelu/
 * Softplus and GELU decomposed with Erf, Softmax gates for mixtures of experts, DSelect-k gates from Clip (the
 * smooth step) and constant code tables, cross-stitch units as a MatMul by α. HardSharing, MMoE, DSelectK, CGC,
 * PLE and CrossStitch export; their parts may be Linear, MLP, LayerNorm, Sequential, Dropout or activation
 * modules. The outputs equal `predict(model, x)` up to float32 rounding.
 *
 * @throws ValueError for an architecture, layer or activation with no ONNX form, or bad options.
 */
export function toOnnx(model: MultiTaskModel, options: OnnxOptions = {}): Uint8Array {
  checkOptionKeys('toOnnx', options, ONNX_OPTIONS);
  const arch = ARCHITECTURES.find((a) => a.matches(model));
  if (arch === undefined) {
    throw new ValueError(
      `toOnnx: cannot export ${showValue(model)}; architectures with an ONNX form: ${ARCHITECTURES.map((a) => a.name).join(', ')}`,
    );
  }
  const input = options.inputName ?? 'features';
  const tasks = checkTasks(model, options, input);
  const g = new OnnxGraph(input, model.taskNames);
  if (options.standardize) g.features = standardizeNodes(g, options.standardize);
  const heads = arch.nodes(g, model as never, g.features);
  const width = inputWidth(g, options);
  const widths = outputWidths(model, width);
  const outputs: ValueSpec[] = model.taskNames.map((t) => {
    g.node('Identity', [outputNodes(g, heads[t], t, tasks, options)], undefined, t);
    return { name: t, dims: ['batch', widths[t]] };
  });
  const graph = {
    name: arch.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: input, dims: ['batch', width] }],
    outputs,
  };
  return modelProto({
    graph,
    opset: ONNX_OPSET,
    irVersion: IR_VERSION,
    producerName: 'mtlgrad',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString,
    metadata: options.metadata,
  }).finish();
}

/** The task specs by name (checked against the model), or null when no option needs them. */
function checkTasks(
  model: MultiTaskModel,
  options: OnnxOptions,
  input: string,
): Map<string, TaskSpec> | null {
  if (model.taskNames.includes(input))
    throw new ValueError(`toOnnx: a task is named '${input}' like the input; give another inputName`);
  const output = options.output ?? 'logits';
  if (output !== 'logits' && output !== 'probabilities')
    throw new ValueError(`toOnnx: output must be 'logits' or 'probabilities', got ${showValue(output)}`);
  for (const t of Object.keys(options.targets ?? {}))
    if (!model.taskNames.includes(t))
      throw new ValueError(`toOnnx: targets names '${t}', not a task of the model`);
  if (output === 'logits') return null;
  if (options.tasks === undefined)
    throw new ValueError("toOnnx: output 'probabilities' needs the task specs (tasks)");
  validateTasks(options.tasks);
  const byName = new Map(options.tasks.map((t) => [t.name, t] as const));
  const missing = model.taskNames.filter((t) => !byName.has(t));
  if (missing.length > 0) throw new ValueError(`toOnnx: tasks has no spec for ${missing.join(', ')}`);
  return byName;
}

/** NaN → fill, then (x − mean)/std, on the graph input. */
function standardizeNodes(g: OnnxGraph, s: NonNullable<OnnxOptions['standardize']>): string {
  const d = s.mean?.length;
  const ok = (v: readonly number[] | undefined) =>
    Array.isArray(v) && v.length === d && v.every(Number.isFinite);
  if (!ok(s.mean) || !ok(s.std) || (s.fill !== undefined && !ok(s.fill)) || s.std.some((v) => v === 0)) {
    throw new ValueError(
      'toOnnx: standardize needs mean, std (non-zero) and optionally fill as arrays of finite numbers of one length',
    );
  }
  let x = g.input;
  if (s.fill !== undefined) {
    const fill = g.constant('standardize.fill', s.fill, [d]);
    x = g.node('Where', [g.node('IsNaN', [x]), fill, x]);
  }
  x = g.node('Sub', [x, g.constant('standardize.mean', s.mean, [d])]);
  return g.node('Div', [x, g.constant('standardize.std', s.std, [d])]);
}

function inputWidth(g: OnnxGraph, options: OnnxOptions): number {
  const d = options.standardize?.mean.length ?? options.inputs ?? g.inputWidth;
  if (d === undefined || !Number.isInteger(d) || d < 1)
    throw new ValueError('toOnnx: the input width is unknown (no Linear reads the input); give it as inputs');
  if (g.inputWidth !== undefined && g.inputWidth !== d) {
    throw new ValueError(`toOnnx: the model reads ${g.inputWidth} features, but the options give ${d}`);
  }
  return d;
}

/** Each task's output width, from one forward pass of a zero row. */
function outputWidths(model: MultiTaskModel, inputs: number): Record<string, number> {
  const out = predict(model, zeros([1, inputs], { dtype: model.dtype }));
  const widths: Record<string, number> = {};
  for (const t of model.taskNames) widths[t] = out[t].shape[out[t].rank - 1];
  return widths;
}

/** Probabilities and label units, as asked. */
function outputNodes(
  g: OnnxGraph,
  head: string,
  task: string,
  tasks: Map<string, TaskSpec> | null,
  options: OnnxOptions,
): string {
  let y = head;
  const kind = tasks?.get(task)?.kind;
  if (kind === 'classification') y = g.node('Softmax', [y], { axis: int(-1) });
  else if (kind === 'binary') y = g.node('Sigmoid', [y]);
  const target = options.targets?.[task];
  if (target !== undefined)
    y = g.node('Add', [g.node('Mul', [y, g.scalar(target.std)]), g.scalar(target.mean)]);
  return y;
}
