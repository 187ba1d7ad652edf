/**
 * Customized Gate Control (CGC) and Progressive Layered Extraction (PLE), Tang et al., RecSys 2020.
 * CGC: task t's gate mixes t's own experts with the shared experts; t's tower reads the mixture.
 * PLE: stacked extraction layers; below the last, a shared gate over all experts feeds the next shared experts.
 * encode returns the last level's shared expert outputs (and, for PLE above one level, each task's input to the
 * last level), so gradient-based weightings aggregate everything every task depends on.
 */

import { concat, slice, squeeze, stack } from '../autograd/ops/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { ModuleDict, ModuleList } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';
import type { MultiTaskModel } from './architectures.js';
import {
  checkExtractionOptions,
  EXTRACTION_OPTIONS,
  ExtractionLayer,
  type ExtractionOptions,
} from './extraction.js';
import { buildTowers } from './parts.js';

type Towers = Record<string, Module<Tensor, Tensor>>;

/**
 * Per-task outputs of the last extraction layer's gates and the towers. `inputs(t)` gives task t's view of the
 * shared outputs and its gate input; it builds them per task because trainers backpropagate each task's loss
 * separately, and a node shared by all tasks would be freed after the first.
 */
function decodeTasks(
  layer: ExtractionLayer,
  towers: ModuleDict<Module<Tensor, Tensor>>,
  inputs: (t: number) => { shared: Tensor; h: Tensor },
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  layer.taskNames.forEach((name, t) => {
    const { shared, h } = inputs(t);
    const mixed = layer.taskMixture(name, h, layer.taskOutputs(name, h), shared);
    out[name] = towers.modules[name].forward(mixed);
  });
  return out;
}

function checkTowers(where: string, names: readonly string[], towers: Towers): void {
  const missing = names.filter((n) => !(towers?.[n] instanceof Module));
  if (missing.length > 0 || Object.keys(towers).length !== names.length) {
    throw new ValueError(
      `${where}: expected one tower per task (${names.join(', ')}), got towers for ${Object.keys(towers ?? {}).join(', ') || 'none'}`,
    );
  }
}

/** Customized Gate Control: one extraction layer (without a shared gate) and one tower per task. */
export class CGC extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly extraction: ExtractionLayer;
  readonly towers: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];

  constructor(parts: { extraction: ExtractionLayer; towers: Towers }) {
    super();
    if (!parts || !(parts.extraction instanceof ExtractionLayer))
      throw new ValueError('CGC: expected {extraction: ExtractionLayer, towers: {task: Module}}');
    if (parts.extraction.sharedGate)
      throw new ValueError('CGC: the extraction layer must not have a shared gate');
    checkTowers('CGC', parts.extraction.taskNames, parts.towers);
    this.extraction = this.registerModule('extraction', parts.extraction);
    this.towers = this.registerModule('towers', new ModuleDict(parts.towers));
    this.taskNames = [...parts.extraction.taskNames];
  }

  /** CGC with MLP experts of sizes [inputs, ...expertHidden], linear gates, and towers over towerHidden. */
  static build(options: ExtractionOptions): CGC {
    checkOptionKeys('CGC.build', options, EXTRACTION_OPTIONS);
    const width = checkExtractionOptions('CGC.build', options);
    const extraction = ExtractionLayer.build(options.inputs, options, false);
    return new CGC({ extraction, towers: buildTowers(width, options) });
  }

  /** The shared experts' outputs, [N, S, H]. */
  encode(x: Tensor): Tensor {
    return this.extraction.sharedOutputs(x);
  }

  decode(z: Tensor, x: Tensor): Record<string, Tensor> {
    return decodeTasks(this.extraction, this.towers, () => ({ shared: z, h: x }));
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x), x);
  }

  sharedParameters(): Tensor[] {
    return this.extraction.shared.parameters();
  }

  taskParameters(task: string): Tensor[] {
    if (!this.towers.modules[task])
      throw new ValueError(`CGC: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return [...this.extraction.taskParameters(task), ...this.towers.modules[task].parameters()];
  }
}

/** Progressive Layered Extraction: extraction layers, each with a shared gate but the last, and one tower per task. */
export class PLE extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly levels: ModuleList<ExtractionLayer>;
  readonly towers: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];

  constructor(parts: { levels: ExtractionLayer[]; towers: Towers }) {
    super();
    const levels = parts?.levels;
    if (!Array.isArray(levels) || levels.length === 0 || !levels.every((l) => l instanceof ExtractionLayer))
      throw new ValueError(
        'PLE: expected {levels: ExtractionLayer[] (at least one), towers: {task: Module}}',
      );
    const last = levels.length - 1;
    levels.forEach((l, i) => {
      if ((l.sharedGate === null) !== (i === last))
        throw new ValueError(
          `PLE: level ${i} ${i === last ? 'is the last and must not have' : 'needs'} a shared gate`,
        );
    });
    const names = levels[0].taskNames;
    levels.forEach((l, i) => {
      if (l.taskNames.join() !== names.join())
        throw new ValueError(
          `PLE: level ${i} has tasks ${l.taskNames.join(', ')}, level 0 has ${names.join(', ')}`,
        );
    });
    checkTowers('PLE', names, parts.towers);
    this.levels = this.registerModule('levels', new ModuleList(levels));
    this.towers = this.registerModule('towers', new ModuleDict(parts.towers));
    this.taskNames = [...names];
  }

  /** PLE with `levels` extraction layers built as in {@link CGC.build}; levels above the first read the expert width. */
  static build(options: ExtractionOptions & { levels: number }): PLE {
    checkOptionKeys('PLE.build', options, [...EXTRACTION_OPTIONS, 'levels']);
    const width = checkExtractionOptions('PLE.build', options);
    const { levels: L } = options;
    if (!Number.isInteger(L) || L < 1)
      throw new ValueError(`PLE.build: levels must be an integer ≥ 1, got ${L}`);
    const levels = Array.from({ length: L }, (_, i) =>
      ExtractionLayer.build(i === 0 ? options.inputs : width, options, i < L - 1),
    );
    return new PLE({ levels, towers: buildTowers(width, options) });
  }

  private get last(): ExtractionLayer {
    return this.levels.at(-1);
  }

  /**
   * The last level's shared expert outputs [N, S, H]; above one level, each task's input to the last level is
   * appended along axis 1 ([N, S + T, H]) since the last gates read it instead of x.
   */
  encode(x: Tensor): Tensor {
    const layers = [...this.levels];
    let shared = x;
    let tasks = this.taskNames.map(() => x);
    for (const layer of layers.slice(0, -1)) {
      const sharedOut = layer.sharedOutputs(shared);
      const own = this.taskNames.map((n, t) => layer.taskOutputs(n, tasks[t]));
      tasks = this.taskNames.map((n, t) => layer.taskMixture(n, tasks[t], own[t], sharedOut));
      shared = layer.sharedMixture(shared, own, sharedOut);
    }
    const out = this.last.sharedOutputs(shared);
    return layers.length === 1 ? out : concat([out, stack(tasks, 1)], 1);
  }

  decode(z: Tensor, x: Tensor): Record<string, Tensor> {
    if (this.levels.length === 1) return decodeTasks(this.last, this.towers, () => ({ shared: z, h: x }));
    const S = this.last.shared.length;
    return decodeTasks(this.last, this.towers, (t) => ({
      shared: slice(z, [null, [0, S]]),
      h: squeeze(slice(z, [null, [S + t, S + t + 1]]), 1),
    }));
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x), x);
  }

  /** Everything below the last level (its task experts feed the shared gate) and the last shared experts. */
  sharedParameters(): Tensor[] {
    const layers = [...this.levels];
    return [...layers.slice(0, -1).flatMap((l) => l.parameters()), ...this.last.shared.parameters()];
  }

  taskParameters(task: string): Tensor[] {
    if (!this.towers.modules[task])
      throw new ValueError(`PLE: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return [...this.last.taskParameters(task), ...this.towers.modules[task].parameters()];
  }
}
