/**
 * One function per multi-task architecture: it adds the model's nodes to the graph and returns each task's
 * output value. To export a new architecture, write its function here (its parts go through
 * {@link moduleNodes}; expert mixtures through {@link mixture}) and add a line to {@link ARCHITECTURES}.
 */
import type { MultiTaskModel } from '../../mtl/architectures.js';
import { HardSharing, MMoE } from '../../mtl/architectures.js';
import { DSelectK } from '../../mtl/dselect-k.js';
import type { ExtractionLayer } from '../../mtl/extraction.js';
import { CGC, PLE } from '../../mtl/ple.js';
import type { Module } from '../../nn/module.js';
import { int, type OnnxGraph } from './graph.js';
import { moduleNodes } from './layers.js';

type Outputs = Record<string, string>;
type AnyModule = Module<never, unknown>;

/** Σ_e softmax(gate)_e · expert_e for gate logits [N, E] and E expert outputs [N, H]: [N, H]. */
export function mixture(g: OnnxGraph, gateLogits: string, experts: readonly string[]): string {
  const axis1 = g.axesConstant([1]);
  const stacked = experts.map((e) => g.memo(`unsqueeze ${e}`, () => g.node('Unsqueeze', [e, axis1])));
  const all = stacked.length === 1 ? stacked[0] : g.node('Concat', stacked, { axis: int(1) }); // [N, E, H]
  const gate = g.node('Unsqueeze', [g.node('Softmax', [gateLogits], { axis: int(-1) }), g.axesConstant([2])]);
  return g.node('ReduceSum', [g.node('Mul', [all, gate]), axis1], { keepdims: int(0) });
}

function hardSharing(g: OnnxGraph, m: HardSharing, x: string): Outputs {
  const z = moduleNodes(g, m.trunk as AnyModule, 'trunk', x);
  const out: Outputs = {};
  for (const t of m.taskNames) out[t] = moduleNodes(g, m.heads.modules[t] as AnyModule, `heads.${t}`, z);
  return out;
}

function mmoe(g: OnnxGraph, m: MMoE, x: string): Outputs {
  const experts = [...m.experts].map((e, i) => moduleNodes(g, e as AnyModule, `experts.${i}`, x));
  const out: Outputs = {};
  for (const t of m.taskNames) {
    const gate = moduleNodes(g, m.gates.modules[t] as AnyModule, `gates.${t}`, x);
    out[t] = moduleNodes(g, m.heads.modules[t] as AnyModule, `heads.${t}`, mixture(g, gate, experts));
  }
  return out;
}

/** One extraction layer's expert outputs on its inputs: shared experts on `shared`, task t's on `tasks[t]`. */
function experts(
  g: OnnxGraph,
  layer: ExtractionLayer,
  prefix: string,
  shared: string,
  tasks: readonly string[],
) {
  const sharedOut = [...layer.shared].map((e, i) =>
    moduleNodes(g, e as AnyModule, `${prefix}.shared.${i}`, shared),
  );
  const own = layer.taskNames.map((t, k) =>
    [...layer.experts.modules[t]].map((e, i) =>
      moduleNodes(g, e as AnyModule, `${prefix}.experts.${t}.${i}`, tasks[k]),
    ),
  );
  return { sharedOut, own };
}

/** Task t's gate (reading `h`) over its own experts, then the shared ones, as in ExtractionLayer.taskMixture. */
function taskMixture(
  g: OnnxGraph,
  layer: ExtractionLayer,
  prefix: string,
  t: string,
  h: string,
  own: string[],
  shared: string[],
) {
  const gate = moduleNodes(g, layer.gates.modules[t] as AnyModule, `${prefix}.gates.${t}`, h);
  return mixture(g, gate, [...own, ...shared]);
}

/** The last extraction layer's task mixtures through the towers (CGC, and PLE's top level). */
function towers(
  g: OnnxGraph,
  layer: ExtractionLayer,
  prefix: string,
  towerDict: CGC['towers'],
  shared: string,
  tasks: readonly string[],
): Outputs {
  const { sharedOut, own } = experts(g, layer, prefix, shared, tasks);
  const out: Outputs = {};
  layer.taskNames.forEach((t, k) => {
    const mixed = taskMixture(g, layer, prefix, t, tasks[k], own[k], sharedOut);
    out[t] = moduleNodes(g, towerDict.modules[t] as AnyModule, `towers.${t}`, mixed);
  });
  return out;
}

function cgc(g: OnnxGraph, m: CGC, x: string): Outputs {
  return towers(
    g,
    m.extraction,
    'extraction',
    m.towers,
    x,
    m.taskNames.map(() => x),
  );
}

function ple(g: OnnxGraph, m: PLE, x: string): Outputs {
  const levels = [...m.levels];
  let shared = x;
  let tasks = m.taskNames.map(() => x);
  levels.slice(0, -1).forEach((layer, l) => {
    const prefix = `levels.${l}`;
    const { sharedOut, own } = experts(g, layer, prefix, shared, tasks);
    const next = m.taskNames.map((t, k) => taskMixture(g, layer, prefix, t, tasks[k], own[k], sharedOut));
    const gate = moduleNodes(g, layer.sharedGate as AnyModule, `${prefix}.sharedGate`, shared);
    shared = mixture(g, gate, [...own.flat(), ...sharedOut]);
    tasks = next;
  });
  return towers(g, levels[levels.length - 1], `levels.${levels.length - 1}`, m.towers, shared, tasks);
}

/** The exportable architectures, tried in order. */
export const ARCHITECTURES: readonly {
  name: string;
  matches: (m: MultiTaskModel) => boolean;
  nodes: (g: OnnxGraph, m: never, x: string) => Outputs;
}[] = [
  { name: 'HardSharing', matches: (m) => m instanceof HardSharing, nodes: hardSharing },
  // DSelectK extends MMoE but its gates have no ONNX form here.
  { name: 'MMoE', matches: (m) => m instanceof MMoE && !(m instanceof DSelectK), nodes: mmoe },
  { name: 'CGC', matches: (m) => m instanceof CGC, nodes: cgc },
  { name: 'PLE', matches: (m) => m instanceof PLE, nodes: ple },
];
