/**
 * The structure of a multi-task model as plain data, for writing it in another framework: which architecture, and
 * for each part (trunk, expert, gate, head, tower) whether it is a Linear or an MLP with which sizes and activations.
 * Activations are not stored on an MLP, so they are found by running each MLP against a rebuild with every
 * candidate activation: a spec that does not reproduce the model's own outputs is never returned.
 */

import { randn } from '../autograd/create.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { HardSharing, MMoE } from '../mtl/architectures.js';
import { CrossStitch } from '../mtl/cross-stitch.js';
import { DSelectK, type DSelectKGate } from '../mtl/dselect-k.js';
import type { ExtractionLayer } from '../mtl/extraction.js';
import { CGC, PLE } from '../mtl/ple.js';
import { ACTIVATION_NAMES, type ActivationName, activation } from '../nn/activations.js';
import { Linear, linear } from '../nn/linear.js';
import { MLP } from '../nn/mlp.js';
import type { Module } from '../nn/module.js';
import { Rng } from '../tensor/rng.js';
import { crossStitchActivation, relativeDifference } from './cross-stitch-activation.js';

/** A Linear layer, or an MLP whose hidden layers all use `activation` (null after the last layer: none). */
export type PartSpec =
  | { kind: 'linear'; inputs: number; outputs: number; bias: boolean }
  | {
      kind: 'mlp';
      sizes: number[];
      bias: boolean;
      activation: ActivationName;
      outputActivation: ActivationName | null;
    };

/** One extraction layer of CGC/PLE: shared experts, each task's experts, task gates, the optional shared gate. */
export interface LayerSpec {
  shared: PartSpec[];
  experts: Record<string, PartSpec[]>;
  gates: Record<string, PartSpec>;
  sharedGate: PartSpec | null;
}

/** A model's structure; task order is the order of `tasks`. */
export type ModelSpec =
  | { architecture: 'hard-sharing'; tasks: string[]; trunk: PartSpec; heads: Record<string, PartSpec> }
  | {
      architecture: 'mmoe';
      tasks: string[];
      experts: PartSpec[];
      gates: Record<string, PartSpec>;
      heads: Record<string, PartSpec>;
    }
  | {
      architecture: 'dselect-k';
      tasks: string[];
      experts: PartSpec[];
      gates: Record<string, DSelectKGateSpec>;
      heads: Record<string, PartSpec>;
    }
  | { architecture: 'cgc'; tasks: string[]; extraction: LayerSpec; towers: Record<string, PartSpec> }
  | { architecture: 'ple'; tasks: string[]; levels: LayerSpec[]; towers: Record<string, PartSpec> }
  | {
      architecture: 'cross-stitch';
      tasks: string[];
      /** Per task, its column's Linear layers; `units` cross-stitch units follow them, one per layer. */
      columns: Record<string, PartSpec[]>;
      /** After every column layer. */
      activation: ActivationName;
      /** Dropout probability after each column layer but the last (0: none). */
      dropout: number;
      towers: Record<string, PartSpec>;
    };

/** A DSelect-k gate: its two Linear layers, E experts, k selectors, the smooth step's γ and the entropy weight. */
export interface DSelectKGateSpec {
  experts: number;
  k: number;
  gamma: number;
  entropyReg: number;
  zLogits: PartSpec;
  wLogits: PartSpec;
}

const PROBE_ROWS = 16;
const WHERE = 'describeModel';

/** The MLP's layers applied by hand with the given activations. */
function rebuilt(mlp: MLP, x: Tensor, hidden: Module, output: Module | null): Tensor {
  let h = x;
  const L = mlp.layers.length;
  for (let i = 0; i < L; i++) {
    const layer = mlp.layers.at(i);
    h = linear(h, layer.weight, layer.bias);
    if (i < L - 1) h = hidden.forward(h) as Tensor;
    else if (output !== null) h = output.forward(h) as Tensor;
  }
  return h;
}

/** The hidden and output activations that reproduce `mlp` on a random batch. @throws ValueError when none does. */
function probeActivations(
  mlp: MLP,
  path: string,
): { activation: ActivationName; outputActivation: ActivationName | null } {
  const wasTraining = mlp.training;
  mlp.eval();
  try {
    return noGrad(() => {
      const dtype = mlp.layers.at(0).weight.dtype;
      const x = randn([PROBE_ROWS, mlp.sizes[0]], { rng: new Rng(12345), dtype });
      const y = mlp.forward(x);
      const hiddenNames = mlp.layers.length > 1 ? ACTIVATION_NAMES : (['identity'] as const);
      for (const h of hiddenNames) {
        for (const o of [null, ...ACTIVATION_NAMES]) {
          const out = o === null ? null : activation(o);
          if (relativeDifference(y, rebuilt(mlp, x, activation(h), out)) <= 1e-5)
            return { activation: h, outputActivation: o === 'identity' ? null : o };
        }
      }
      throw new ValueError(
        `${WHERE}: ${path} (an MLP) uses an activation outside ${ACTIVATION_NAMES.join(', ')} (or a custom one); it cannot be written out`,
      );
    });
  } finally {
    mlp.train(wasTraining);
  }
}

/** The spec of one part. @throws ValueError for anything but a Linear or a plain MLP (no LayerNorm). */
function describePart(m: Module<unknown, unknown>, path: string): PartSpec {
  if (m instanceof Linear)
    return { kind: 'linear', inputs: m.inFeatures, outputs: m.outFeatures, bias: m.bias !== null };
  if (!(m instanceof MLP))
    throw new ValueError(
      `${WHERE}: ${path} is a ${m.constructor.name}; only Linear and MLP parts can be written out`,
    );
  const extra = m.namedParameters().filter(([k]) => !/^layers\.\d+\.(weight|bias)$/.test(k));
  if (m.norms !== null || extra.length > 0)
    throw new ValueError(
      `${WHERE}: ${path} is an MLP with ${m.norms !== null ? 'LayerNorm' : `parameters ${extra.map(([k]) => k).join(', ')}`}; only Linear layers and activations can be written out`,
    );
  return {
    kind: 'mlp',
    sizes: [...m.sizes],
    bias: m.layers.at(0).bias !== null,
    ...probeActivations(m, path),
  };
}

/** The specs of a ModuleDict's entries, in task order. */
function describeDict(
  modules: Record<string, Module<unknown, unknown>>,
  names: readonly string[],
  path: string,
): Record<string, PartSpec> {
  const out: Record<string, PartSpec> = {};
  for (const n of names) out[n] = describePart(modules[n], `${path}.${n}`);
  return out;
}

function describeLayer(layer: ExtractionLayer, path: string): LayerSpec {
  const experts: Record<string, PartSpec[]> = {};
  for (const n of layer.taskNames)
    experts[n] = [...layer.experts.modules[n]].map((e, i) => describePart(e, `${path}.experts.${n}.${i}`));
  return {
    shared: [...layer.shared].map((e, i) => describePart(e, `${path}.shared.${i}`)),
    experts,
    gates: describeDict(layer.gates.modules, layer.taskNames, `${path}.gates`),
    sharedGate: layer.sharedGate ? describePart(layer.sharedGate, `${path}.sharedGate`) : null,
  };
}

/**
 * Task names become Python dictionary keys and state-dict path segments: a dot would split them. They also become
 * keys of nn.ModuleDicts; the generated module registers them so that Module method names (forward, to, type, ...)
 * work, but PyTorch keeps each module's own state in `training` and in attributes beginning with '_', and assigns
 * them as it runs, which fails for a child module of that name.
 */
function checkTaskNames(tasks: readonly string[]): void {
  for (const t of tasks) {
    const name = JSON.stringify(t);
    if (t === '' || t.includes('.'))
      throw new ValueError(`${WHERE}: task name ${name} must be non-empty and contain no '.'`);
    if (t === 'training')
      throw new ValueError(
        `${WHERE}: task name ${name} clashes with nn.Module.training, which model.train() and model.eval() assign on every PyTorch module; rename the task`,
      );
    if (t.startsWith('_'))
      throw new ValueError(
        `${WHERE}: task name ${name} begins with '_', where PyTorch keeps a module's own state (_parameters, _modules, hooks ...) and assigns it at run time; rename the task`,
      );
  }
}

function describeGate(gate: DSelectKGate, path: string): DSelectKGateSpec {
  return {
    experts: gate.experts,
    k: gate.k,
    gamma: gate.gamma,
    entropyReg: gate.entropyReg,
    zLogits: describePart(gate.zLogits, `${path}.zLogits`),
    wLogits: describePart(gate.wLogits, `${path}.wLogits`),
  };
}

function describeDSelectK(model: DSelectK): ModelSpec {
  const tasks = [...model.taskNames];
  checkTaskNames(tasks);
  const gates: Record<string, DSelectKGateSpec> = {};
  for (const t of tasks) gates[t] = describeGate(model.gates.modules[t] as DSelectKGate, `gates.${t}`);
  return {
    architecture: 'dselect-k',
    tasks,
    experts: [...model.experts].map((e, i) => describePart(e, `experts.${i}`)),
    gates,
    heads: describeDict(model.heads.modules, tasks, 'heads'),
  };
}

function describeCrossStitch(model: CrossStitch): ModelSpec {
  const tasks = [...model.taskNames];
  checkTaskNames(tasks);
  const columns: Record<string, PartSpec[]> = {};
  for (const t of tasks)
    columns[t] = [...model.columns.modules[t]].map((l, i) => describePart(l, `columns.${t}.${i}`));
  return {
    architecture: 'cross-stitch',
    tasks,
    columns,
    activation: crossStitchActivation(model, WHERE),
    dropout: model.dropout?.p ?? 0,
    towers: describeDict(model.towers.modules, tasks, 'towers'),
  };
}

/**
 * The structure of a HardSharing, MMoE, DSelectK, CGC, PLE or CrossStitch model whose parts are Linear layers and
 * MLPs (as their `build` methods make them), with each MLP's activations.
 *
 * @throws ValueError for another model class, another kind of part, an activation that is not one of ours, or a
 *   task name that a PyTorch module cannot hold (empty, with a dot, `training`, or beginning with `_`).
 */
export function describeModel(model: Module<unknown, unknown>): ModelSpec {
  if (model instanceof HardSharing) {
    const tasks = [...model.taskNames];
    checkTaskNames(tasks);
    const heads = describeDict(model.heads.modules, tasks, 'heads');
    return { architecture: 'hard-sharing', tasks, trunk: describePart(model.trunk, 'trunk'), heads };
  }
  // DSelectK extends MMoE: its gates are not softmax gates, so it is told apart first.
  if (model instanceof DSelectK) return describeDSelectK(model);
  if (model instanceof CrossStitch) return describeCrossStitch(model);
  if (model instanceof MMoE) {
    const tasks = [...model.taskNames];
    checkTaskNames(tasks);
    return {
      architecture: 'mmoe',
      tasks,
      experts: [...model.experts].map((e, i) => describePart(e, `experts.${i}`)),
      gates: describeDict(model.gates.modules, tasks, 'gates'),
      heads: describeDict(model.heads.modules, tasks, 'heads'),
    };
  }
  if (model instanceof CGC || model instanceof PLE) {
    const tasks = [...model.taskNames];
    checkTaskNames(tasks);
    const towers = describeDict(model.towers.modules, tasks, 'towers');
    if (model instanceof CGC)
      return {
        architecture: 'cgc',
        tasks,
        extraction: describeLayer(model.extraction, 'extraction'),
        towers,
      };
    const levels = [...model.levels].map((l, i) => describeLayer(l, `levels.${i}`));
    return { architecture: 'ple', tasks, levels, towers };
  }
  const name = (model as object)?.constructor?.name ?? typeof model;
  throw new ValueError(
    `${WHERE}: expected a HardSharing, MMoE, DSelectK, CGC, PLE or CrossStitch model, got ${name}`,
  );
}
