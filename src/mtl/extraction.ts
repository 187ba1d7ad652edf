/**
 * The building blocks of Progressive Layered Extraction (Tang et al., RecSys 2020): an extraction layer holds
 * shared experts, experts of each task, one softmax gate per task over that task's experts plus the shared ones,
 * and (below the last level of a PLE) a shared gate over all experts. CGC is one such layer; PLE stacks them.
 */

import { mul } from '../autograd/ops/binary.js';
import { sum } from '../autograd/ops/reduce.js';
import { concat, stack, unsqueeze } from '../autograd/ops/shape.js';
import { softmax } from '../autograd/ops/softmax.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Linear, ModuleDict, ModuleList } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { activatedMlp, BUILD_OPTIONS, type BuildOptions, checkCommonOptions, checkSizes } from './parts.js';
import { validateTasks } from './tasks.js';

/** Options of CGC.build and PLE.build: the experts and the towers. */
export interface ExtractionOptions extends BuildOptions {
  /** Number of shared experts (≥ 1: they are the representation every task reads). */
  sharedExperts: number;
  /** Number of experts of each task (≥ 0). */
  taskExperts: number;
  /** Layer sizes of every expert MLP; the last is the width of the expert outputs. */
  expertHidden: readonly number[];
}

export const EXTRACTION_OPTIONS = [...BUILD_OPTIONS, 'sharedExperts', 'taskExperts', 'expertHidden'] as const;

/** Σ_e g_e · expert_e for gate weights [N, E] and expert outputs [N, E, H]: [N, H]. */
function mix(gate: Tensor, experts: Tensor): Tensor {
  return sum(mul(experts, unsqueeze(gate, 2)), 1);
}

/** One extraction layer. forward is not defined: CGC and PLE call its parts in their own order. */
export class ExtractionLayer extends Module<Tensor, Tensor> {
  readonly shared: ModuleList<Module<Tensor, Tensor>>;
  readonly experts: ModuleDict<ModuleList<Module<Tensor, Tensor>>>;
  readonly gates: ModuleDict<Module<Tensor, Tensor>>;
  readonly sharedGate: Module<Tensor, Tensor> | null;
  readonly taskNames: string[];

  constructor(parts: {
    shared: Module<Tensor, Tensor>[];
    experts: Record<string, Module<Tensor, Tensor>[]>;
    gates: Record<string, Module<Tensor, Tensor>>;
    sharedGate?: Module<Tensor, Tensor> | null;
  }) {
    super();
    const names = Object.keys(parts?.gates ?? {});
    if (!Array.isArray(parts?.shared) || parts.shared.length === 0 || names.length === 0) {
      throw new ValueError(
        'ExtractionLayer: expected {shared: Module[] (at least one), experts: {task: Module[]}, gates: {task: Module}}',
      );
    }
    for (const n of Object.keys(parts.experts ?? {}))
      if (!names.includes(n)) throw new ValueError(`ExtractionLayer: task '${n}' has experts but no gate`);
    this.shared = this.registerModule('shared', new ModuleList(parts.shared));
    const experts: Record<string, ModuleList<Module<Tensor, Tensor>>> = {};
    for (const n of names) experts[n] = new ModuleList(parts.experts[n] ?? []);
    this.experts = this.registerModule('experts', new ModuleDict(experts));
    this.gates = this.registerModule('gates', new ModuleDict(parts.gates));
    this.sharedGate = parts.sharedGate ? this.registerModule('sharedGate', parts.sharedGate) : null;
    this.taskNames = names;
  }

  /** A layer reading `inputs` features, with a shared gate when `withSharedGate` (PLE below its last level). */
  static build(inputs: number, options: ExtractionOptions, withSharedGate: boolean): ExtractionLayer {
    const { sharedExperts: S, taskExperts: K, expertHidden, rng, dtype } = options;
    const expert = () => activatedMlp([inputs, ...expertHidden], options);
    const shared = Array.from({ length: S }, expert);
    const experts: Record<string, Module<Tensor, Tensor>[]> = {};
    const gates: Record<string, Module<Tensor, Tensor>> = {};
    for (const t of options.tasks) {
      experts[t.name] = Array.from({ length: K }, expert);
      gates[t.name] = new Linear(inputs, K + S, { rng, dtype });
    }
    const sharedGate = withSharedGate
      ? new Linear(inputs, options.tasks.length * K + S, { rng, dtype })
      : null;
    return new ExtractionLayer({ shared, experts, gates, sharedGate });
  }

  forward(): Tensor {
    throw new ValueError('ExtractionLayer.forward: call it through CGC or PLE');
  }

  /** The shared experts' outputs on h, stacked [N, S, H]. */
  sharedOutputs(h: Tensor): Tensor {
    return stack(
      [...this.shared].map((e) => e.forward(h)),
      1,
    );
  }

  /** Task `name`'s experts on h, each [N, H]. */
  taskOutputs(name: string, h: Tensor): Tensor[] {
    return [...this.experts.modules[name]].map((e) => e.forward(h));
  }

  /** Task `name`'s gate weights on its input h: [N, K + S], its experts first, each row summing to 1. */
  gateWeights(name: string, h: Tensor): Tensor {
    return softmax(this.gates.modules[name].forward(h), -1);
  }

  /** Task `name`'s mixture of its experts' outputs `own` and the shared outputs [N, S, H]: [N, H]. */
  taskMixture(name: string, h: Tensor, own: readonly Tensor[], shared: Tensor): Tensor {
    const all = own.length === 0 ? shared : concat([stack(own, 1), shared], 1);
    return mix(this.gateWeights(name, h), all);
  }

  /** The shared gate's mixture of every task's experts (in task order) and the shared ones: [N, H]. */
  sharedMixture(h: Tensor, own: readonly Tensor[][], shared: Tensor): Tensor {
    if (!this.sharedGate)
      throw new ValueError('ExtractionLayer.sharedMixture: this layer has no shared gate');
    const flat = own.flat();
    const all = flat.length === 0 ? shared : concat([stack(flat, 1), shared], 1);
    return mix(softmax(this.sharedGate.forward(h), -1), all);
  }

  /** Parameters of task `name` in this layer: its experts and its gate. */
  taskParameters(name: string): Tensor[] {
    return [...this.experts.modules[name].parameters(), ...this.gates.modules[name].parameters()];
  }
}

/** Checks CGC/PLE build options (key names are checked by the caller) and returns the expert width. */
export function checkExtractionOptions(where: string, options: ExtractionOptions): number {
  validateTasks(options.tasks);
  checkCommonOptions(where, options);
  const { sharedExperts, taskExperts, expertHidden } = options;
  if (!Number.isInteger(sharedExperts) || sharedExperts < 1)
    throw new ValueError(`${where}: sharedExperts must be an integer ≥ 1, got ${sharedExperts}`);
  if (!Number.isInteger(taskExperts) || taskExperts < 0)
    throw new ValueError(`${where}: taskExperts must be an integer ≥ 0, got ${taskExperts}`);
  checkSizes(where, 'expertHidden', expertHidden);
  return expertHidden[expertHidden.length - 1];
}
