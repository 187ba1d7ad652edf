/**
 * One-gate Mixture-of-Experts (OMoE), the baseline of Ma et al. 2018: the experts of an MMoE mixed by a single
 * softmax gate that every task shares, so all tasks read the same representation. MMoE gives each task its own gate.
 */
import {
  Linear,
  Module,
  ModuleDict,
  ModuleList,
  type MultiTaskModel,
  mul,
  Rng,
  softmax,
  stack,
  sum,
  type TaskSpec,
  type Tensor,
  unsqueeze,
} from '../../src/index.js';
import { activatedMlp } from '../../src/mtl/parts.js';
import { outputWidth } from '../../src/mtl/tasks.js';

export class OMoE extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly experts: ModuleList<Module<Tensor, Tensor>>;
  readonly gate: Linear;
  readonly heads: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];

  constructor(options: {
    inputs: number;
    experts: number;
    hidden: readonly number[];
    tasks: readonly TaskSpec[];
    seed: number;
  }) {
    super();
    const rng = new Rng(options.seed);
    const experts: Module<Tensor, Tensor>[] = [];
    for (let e = 0; e < options.experts; e++)
      experts.push(
        activatedMlp([options.inputs, ...options.hidden], {
          inputs: options.inputs,
          tasks: options.tasks,
          rng,
        }),
      );
    const width = options.hidden[options.hidden.length - 1];
    const heads: Record<string, Module<Tensor, Tensor>> = {};
    for (const t of options.tasks) heads[t.name] = new Linear(width, outputWidth(t), { rng });
    this.experts = this.registerModule('experts', new ModuleList(experts));
    this.gate = this.registerModule('gate', new Linear(options.inputs, options.experts, { rng }));
    this.heads = this.registerModule('heads', new ModuleDict(heads));
    this.taskNames = options.tasks.map((t) => t.name);
  }

  /** The experts' outputs mixed by the one gate: [N, H]. */
  encode(x: Tensor): Tensor {
    const outputs = stack(
      [...this.experts].map((e) => e.forward(x)),
      1,
    );
    const g = softmax(this.gate.forward(x), -1);
    return sum(mul(outputs, unsqueeze(g, 2)), 1);
  }

  decode(z: Tensor): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const name of this.taskNames) out[name] = this.heads.modules[name].forward(z);
    return out;
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x));
  }

  sharedParameters(): Tensor[] {
    return [...this.experts.parameters(), ...this.gate.parameters()];
  }

  taskParameters(task: string): Tensor[] {
    return this.heads.modules[task].parameters();
  }
}
