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
import { Linear, ModuleDict, ModuleList } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';
import {
  activatedMlp,
  BUILD_OPTIONS,
  type BuildOptions,
  buildTowers,
  checkCommonOptions,
  checkSizes,
} from './parts.js';
import { validateTasks } from './tasks.js';

/** The build options live in parts.ts (shared with cross-stitch and the extraction layers); re-exported here. */
export type { BuildOptions } from './parts.js';

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
   * after each (the representation z is the last hidden layer), and one head per task sized for its kind
   * (classes logits, 1 logit, or `outputs` values): a Linear layer, or a tower over `towerHidden`.
   */
  static build(options: BuildOptions & { hidden: readonly number[] }): HardSharing {
    checkOptionKeys('HardSharing.build', options, [...BUILD_OPTIONS, 'hidden']);
    validateTasks(options.tasks);
    checkCommonOptions('HardSharing.build', options);
    const { inputs, hidden } = options;
    checkSizes('HardSharing.build', 'hidden', hidden);
    const trunk = activatedMlp([inputs, ...hidden], options);
    return new HardSharing({ trunk, heads: buildTowers(hidden[hidden.length - 1], options) });
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

/** Options of the mixture-of-experts builds (MMoE, DSelectK): E experts, each an MLP [inputs, ...hidden]. */
export interface ExpertOptions extends BuildOptions {
  experts: number;
  hidden: readonly number[];
}

export const EXPERT_OPTIONS = [...BUILD_OPTIONS, 'experts', 'hidden'] as const;

/** Checks the options (key names are checked by the caller) and builds the experts (at least `min`). */
export function buildExperts(where: string, options: ExpertOptions, min: number): Module<Tensor, Tensor>[] {
  validateTasks(options.tasks);
  checkCommonOptions(where, options);
  checkSizes(where, 'hidden', options.hidden);
  const E = options.experts;
  if (!Number.isInteger(E) || E < min)
    throw new ValueError(`${where}: experts must be an integer ≥ ${min}, got ${E}`);
  return Array.from({ length: E }, () => activatedMlp([options.inputs, ...options.hidden], options));
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
  /** The class name used in error messages (subclasses such as DSelectK pass theirs). */
  protected readonly label: string;

  constructor(
    parts: {
      experts: Module<Tensor, Tensor>[];
      gates: Record<string, Module<Tensor, Tensor>>;
      heads: Record<string, Module<Tensor, Tensor>>;
    },
    label = 'MMoE',
  ) {
    super();
    this.label = label;
    if (!parts || !Array.isArray(parts.experts) || parts.experts.length === 0) {
      throw new ValueError(
        `${label}: expected {experts: Module[], gates: {task: Module}, heads: {task: Module}}`,
      );
    }
    const names = Object.keys(parts.heads ?? {});
    if (names.length === 0) throw new ValueError(`${label}: at least one head is needed`);
    for (const n of names)
      if (!parts.gates?.[n]) throw new ValueError(`${label}: task '${n}' has a head but no gate`);
    this.experts = this.registerModule('experts', new ModuleList(parts.experts));
    this.gates = this.registerModule('gates', new ModuleDict(parts.gates));
    this.heads = this.registerModule('heads', new ModuleDict(parts.heads));
    this.taskNames = names;
  }

  /** MMoE with `experts` MLP experts of sizes [inputs, ...hidden], linear gates, and linear heads or towers. */
  static build(options: ExpertOptions): MMoE {
    checkOptionKeys('MMoE.build', options, EXPERT_OPTIONS);
    const experts = buildExperts('MMoE.build', options, 1);
    const { inputs, hidden, rng, dtype } = options;
    const gates: Record<string, Module<Tensor, Tensor>> = {};
    for (const t of options.tasks) gates[t.name] = new Linear(inputs, options.experts, { rng, dtype });
    return new MMoE({ experts, gates, heads: buildTowers(hidden[hidden.length - 1], options) });
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
      const gate = this.gateWeights(name, x); // [N, E]
      const mixed = sum(mul(z, unsqueeze(gate, 2)), 1); // Σ_e g_e · expert_e: [N, H]
      out[name] = this.heads.modules[name].forward(mixed);
    }
    return out;
  }

  /** Task `name`'s weights over the experts for the batch x: [N, E], each row summing to 1. */
  gateWeights(name: string, x: Tensor): Tensor {
    return softmax(this.gates.modules[name].forward(x), -1);
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x), x);
  }

  sharedParameters(): Tensor[] {
    return this.experts.parameters();
  }

  taskParameters(task: string): Tensor[] {
    if (!this.heads.modules[task])
      throw new ValueError(`${this.label}: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return [...this.gates.modules[task].parameters(), ...this.heads.modules[task].parameters()];
  }
}
