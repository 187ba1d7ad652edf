/** A small builder for an ONNX graph: unique value names, initializers, nodes. */
import type { Tensor } from '../../autograd/tensor.js';
import type { AttributeValue, NodeSpec, TensorSpec } from './proto.js';

/** Attribute constructors: `{axis: int(-1)}`, `{alpha: float(0.01)}`, `{axes: ints([2])}`. */
export const int = (value: number): AttributeValue => ({ type: 'int', value });
export const float = (value: number): AttributeValue => ({ type: 'float', value });
export const ints = (value: readonly number[]): AttributeValue => ({ type: 'ints', value });

export class OnnxGraph {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  private readonly used = new Set<string>();
  private readonly memos = new Map<string, string>();
  /** The value the model reads: the graph input, or the input after the baked-in preprocessing. */
  features: string;
  /** The model's input width, as the first Linear that reads {@link OnnxGraph.features} says. */
  inputWidth: number | undefined;

  /** `names` are taken (the graph input, the task outputs): generated names avoid them. */
  constructor(
    readonly input: string,
    reserved: readonly string[] = [],
  ) {
    for (const n of [input, ...reserved]) this.used.add(n);
    this.features = input;
  }

  /** `base`, or `base_1`, `base_2`, ... when taken. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a float initializer (copied to float32) and returns its name. */
  constant(base: string, data: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, data: Float32Array.from(data) });
    return name;
  }

  /** A parameter tensor as an initializer named after its state-dict key. */
  parameter(key: string, t: Tensor): string {
    return this.constant(key, t.data, t.shape);
  }

  /** The value made by `make` the first time `key` is asked for, the same value after (shared nodes). */
  memo(key: string, make: () => string): string {
    let name = this.memos.get(key);
    if (name === undefined) {
      name = make();
      this.memos.set(key, name);
    }
    return name;
  }

  /** A float scalar constant, shared by every node that uses the same value. */
  scalar(value: number): string {
    return this.memo(`scalar ${value}`, () => this.constant('const', [value], []));
  }

  /** An int64 vector of axes (Unsqueeze and ReduceSum take them as an input since opset 13). */
  axesConstant(values: readonly number[]): string {
    return this.int64Constant('axes', values, [values.length]);
  }

  /** An int64 constant (a shape, an index), shared by every node that uses the same base, values and dims. */
  int64Constant(base: string, values: readonly number[], dims: readonly number[]): string {
    return this.memo(`${base} ${values.join(',')} [${dims.join(',')}]`, () => {
      const name = this.unique(base);
      this.initializers.push({ name, dims, data: BigInt64Array.from(values.map(BigInt)) });
      return name;
    });
  }

  /** Adds a node with one output and returns the output's name (`output` if given, else generated). */
  node(
    op: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    output?: string,
  ): string {
    const out = output ?? this.unique(`${op}_${this.nodes.length}`);
    this.nodes.push({ op, name: `${op}_${this.nodes.length}`, inputs, outputs: [out], attributes });
    return out;
  }

  /** Records the input width when a layer of `width` inputs reads the model's features. */
  readsInput(x: string, width: number): void {
    if (x === this.features && this.inputWidth === undefined) this.inputWidth = width;
  }
}
