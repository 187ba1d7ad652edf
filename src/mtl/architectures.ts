/**
 * Multi-task architectures as Modules (so state dicts and safetensors work):
 *  - HardSharing: the reference formulation's model, z = f(x) a shared trunk, y_t = g_t(z) one head per task;
 *  - MMoE (Ma et al. 2018): shared experts, one softmax gate and one head per task.
 * Both split into encode (the shared part) and decode (the task-specific part), so a trainer can
 * take per-task gradients at the shared representation without re-running the forward pass.
 */

import { mul } from '../autograd/ops/binary.js';
import { sum } from '../autograd/ops/reduce.js';
import { stack, unsqueeze } from '../autograd/ops/shape.js';
import { softmax } from '../autograd/ops/softmax.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Linear, MLP, ModuleDict, ModuleList } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';
import type { DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import { outputWidth, type TaskSpec, validateTasks } from './tasks.js';

/** What the trainer needs of a multi-task model. */
export interface MultiTaskModel extends Module<Tensor, Record<string, Tensor>> {
  /** Task names, in head order. */
  readonly taskNames: string[];
  /** The shared representation of a batch. */
  encode(x: Tensor): Tensor;
  /** Per-task outputs from the representation (x is given for parts such as MMoE's gates). */
  decode(z: Tensor, x: Tensor): Record<string, Tensor>;
  /** Parameters used by every task (trunk, experts): the ones gradient-based weightings aggregate. */
  sharedParameters(): Tensor[];
  /** Parameters used by one task only (its head, its gate). */
  taskParameters(task: string): Tensor[];
}

/**
 * Options every architecture's `build` takes: the inputs, the tasks, the activation, dropout, the generator and
 * the dtype.
 */
export interface BuildOptions {
  /** Number of input features. */
  inputs: number;
  tasks: readonly TaskSpec[];
  /** Activation between layers (default relu). */
  activation?: 'relu' | 'tanh' | 'gelu' | 'leakyRelu' | 'sigmoid' | 'softplus';
  dropout?: number;
  rng?: Rng;
  dtype?: DType;
}

export const BUILD_OPTIONS = ['inputs', 'tasks', 'activation', 'dropout', 'rng', 'dtype'] as const;

/** An MLP of `sizes` with the activation after every layer, the output included (a trunk or an expert). */
export function activatedMlp(sizes: readonly number[], options: BuildOptions): MLP {
  const activation = options.activation ?? 'relu';
  return new MLP(sizes, {
    activation,
    outputActivation: activation,
    dropout: options.dropout ?? 0,
    rng: options.rng,
    dtype: options.dtype,
  });
}

export class HardSharing extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly trunk: Module<Tensor, Tensor>;
  readonly heads: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];

  constructor(parts: { trunk: Module<Tensor, Tensor>; heads: Record<string, Module<Tensor, Tensor>> }) {
    super();
    if (!parts || !(parts.trunk instanceof Module))
      throw new ValueError('HardSharing: expected {trunk: Module, heads: {task: Module}}');
    const names = Object.keys(parts.heads ?? {});
    if (names.length === 0) throw new ValueError('HardSharing: at least one head is needed');
    this.trunk = this.registerModule('trunk', parts.trunk);
    this.heads = this.registerModule('heads', new ModuleDict(parts.heads));
    this.taskNames = names;
  }

  /**
   * The reference formulation's model on an MLP trunk: Linear layers of sizes [inputs, ...hidden] with the activation
   * after each (the representation z is the last hidden layer), and one Linear head per task sized
   * for its kind (classes logits, 1 logit, or `outputs` values).
   */
  static build(options: BuildOptions & { hidden: readonly number[] }): HardSharing {
    checkOptionKeys('HardSharing.build', options, [...BUILD_OPTIONS, 'hidden']);
    validateTasks(options.tasks);
    const { inputs, hidden, rng, dtype } = options;
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new ValueError(`HardSharing.build: inputs must be ≥ 1, got ${inputs}`);
    if (!Array.isArray(hidden) || hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new ValueError(
        `HardSharing.build: hidden must list positive layer sizes, got [${String(hidden)}]`,
      );
    }
    const trunk = activatedMlp([inputs, ...hidden], options);
    const heads: Record<string, Module<Tensor, Tensor>> = {};
    for (const t of options.tasks)
      heads[t.name] = new Linear(hidden[hidden.length - 1], outputWidth(t), { rng, dtype });
    return new HardSharing({ trunk, heads });
  }

  encode(x: Tensor): Tensor {
    return this.trunk.forward(x);
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
    return this.trunk.parameters();
  }

  taskParameters(task: string): Tensor[] {
    const head = this.heads.modules[task];
    if (!head) throw new ValueError(`HardSharing: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return head.parameters();
  }
}

/**
 * Multi-gate Mixture-of-Experts (Ma et al., KDD 2018): E shared expert networks; task t mixes
 * them with its own gate softmax(W_t x) and feeds the mixture to its head.
 * encode(x) returns the experts' outputs stacked as [N, E, H].
 */
export class MMoE extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly experts: ModuleList<Module<Tensor, Tensor>>;
  readonly gates: ModuleDict<Module<Tensor, Tensor>>;
  readonly heads: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];

  constructor(parts: {
    experts: Module<Tensor, Tensor>[];
    gates: Record<string, Module<Tensor, Tensor>>;
    heads: Record<string, Module<Tensor, Tensor>>;
  }) {
    super();
    if (!parts || !Array.isArray(parts.experts) || parts.experts.length === 0) {
      throw new ValueError(
        'MMoE: expected {experts: Module[], gates: {task: Module}, heads: {task: Module}}',
      );
    }
    const names = Object.keys(parts.heads ?? {});
    if (names.length === 0) throw new ValueError('MMoE: at least one head is needed');
    for (const n of names)
      if (!parts.gates?.[n]) throw new ValueError(`MMoE: task '${n}' has a head but no gate`);
    this.experts = this.registerModule('experts', new ModuleList(parts.experts));
    this.gates = this.registerModule('gates', new ModuleDict(parts.gates));
    this.heads = this.registerModule('heads', new ModuleDict(parts.heads));
    this.taskNames = names;
  }

  /** MMoE with `experts` MLP experts of sizes [inputs, ...hidden], linear gates and linear heads. */
  static build(options: BuildOptions & { experts: number; hidden: readonly number[] }): MMoE {
    checkOptionKeys('MMoE.build', options, [...BUILD_OPTIONS, 'experts', 'hidden']);
    validateTasks(options.tasks);
    const { inputs, hidden, rng, dtype } = options;
    if (!Number.isInteger(options.experts) || options.experts < 1) {
      throw new ValueError(`MMoE.build: experts must be ≥ 1, got ${options.experts}`);
    }
    const experts: Module<Tensor, Tensor>[] = [];
    for (let e = 0; e < options.experts; e++) experts.push(activatedMlp([inputs, ...hidden], options));
    const gates: Record<string, Module<Tensor, Tensor>> = {};
    const heads: Record<string, Module<Tensor, Tensor>> = {};
    for (const t of options.tasks) {
      gates[t.name] = new Linear(inputs, options.experts, { rng, dtype });
      heads[t.name] = new Linear(hidden[hidden.length - 1], outputWidth(t), { rng, dtype });
    }
    return new MMoE({ experts, gates, heads });
  }

  encode(x: Tensor): Tensor {
    return stack(
      [...this.experts].map((e) => e.forward(x)),
      1,
    );
  }

  decode(z: Tensor, x: Tensor): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const name of this.taskNames) {
      const gate = softmax(this.gates.modules[name].forward(x), -1); // [N, E]
      const mixed = sum(mul(z, unsqueeze(gate, 2)), 1); // Σ_e g_e · expert_e: [N, H]
      out[name] = this.heads.modules[name].forward(mixed);
    }
    return out;
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x), x);
  }

  sharedParameters(): Tensor[] {
    return this.experts.parameters();
  }

  taskParameters(task: string): Tensor[] {
    if (!this.heads.modules[task])
      throw new ValueError(`MMoE: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return [...this.gates.modules[task].parameters(), ...this.heads.modules[task].parameters()];
  }
}
