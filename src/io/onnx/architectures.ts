/**
 * One function per multi-task architecture: it adds the model's nodes to the graph and returns each task's
 * output value. To export a new architecture, write its function here (its parts go through
 * {@link moduleNodes}; expert mixtures through {@link mixture}) and add a line to {@link ARCHITECTURES}. Only
 * opset-17 operators are used (no Gelu, ReduceProd with its axes as an attribute).
 */
import type { MultiTaskModel } from '../../mtl/architectures.js';
import { HardSharing, MMoE } from '../../mtl/architectures.js';
import { CrossStitch } from '../../mtl/cross-stitch.js';
import { DSelectK, type DSelectKGate } from '../../mtl/dselect-k.js';
import type { ExtractionLayer } from '../../mtl/extraction.js';
import { CGC, PLE } from '../../mtl/ple.js';
import type { Module } from '../../nn/module.js';
import { crossStitchActivation } from '../cross-stitch-activation.js';
import { int, ints, type OnnxGraph } from './graph.js';
import { activationNode, linearNode, moduleNodes } from './layers.js';

type Outputs = Record<string, string>;
type AnyModule = Module<never, unknown>;

/** Σ_e gate_e · expert_e for gate weights [N, E] and E expert outputs [N, H]: [N, H]. */
function weightedSum(g: OnnxGraph, weights: string, experts: readonly string[]): string {
  const axis1 = g.axesConstant([1]);
  const stacked = experts.map((e) => g.memo(`unsqueeze ${e}`, () => g.node('Unsqueeze', [e, axis1])));
  const all = stacked.length === 1 ? stacked[0] : g.node('Concat', stacked, { axis: int(1) }); // [N, E, H]
  const gate = g.node('Unsqueeze', [weights, g.axesConstant([2])]);
  return g.node('ReduceSum', [g.node('Mul', [all, gate]), axis1], { keepdims: int(0) });
}

/** Σ_e softmax(gate)_e · expert_e for gate logits [N, E] and E expert outputs [N, H]: [N, H]. */
export function mixture(g: OnnxGraph, gateLogits: string, experts: readonly string[]): string {
  return weightedSum(g, g.node('Softmax', [gateLogits], { axis: int(-1) }), experts);
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

/**
 * The smooth step S(t) = −2u³/γ³ + 3u/(2γ) + ½ with u = clip(t, ±γ/2): the cubic reaches 0 and 1 with zero slope
 * at ±γ/2, so clipping first gives the piecewise function exactly (as smoothStep in src/mtl/dselect-k.ts).
 */
function smoothStepNodes(g: OnnxGraph, t: string, gamma: number): string {
  const u = g.node('Clip', [t, g.scalar(-gamma / 2), g.scalar(gamma / 2)]);
  const cube = g.node('Mul', [g.node('Mul', [u, u]), u]);
  const poly = g.node('Add', [
    g.node('Mul', [cube, g.scalar(-2 / gamma ** 3)]),
    g.node('Mul', [u, g.scalar(3 / (2 * gamma))]),
  ]);
  return g.node('Add', [poly, g.scalar(0.5)]);
}

/**
 * A DSelect-k gate's expert weights [N, E]. Selector j's weight on expert e is Π_l (b_el ? S_jl : 1 − S_jl), written
 * (1 − b_el) + (2b_el − 1)·S_jl over constant [m, E] code tables, so the product over the m bits is one ReduceProd;
 * the k selectors are then mixed by softmax(wLogits). Codes past E (E not a power of two) are simply absent.
 */
function dselectGate(g: OnnxGraph, gate: DSelectKGate, prefix: string, x: string): string {
  const { k, experts: E } = gate;
  const m = gate.zLogits.outFeatures / k;
  const offset = new Float32Array(m * E);
  const sign = new Float32Array(m * E);
  for (let l = 0; l < m; l++) {
    for (let e = 0; e < E; e++) {
      const bit = (e >> (m - 1 - l)) & 1; // most significant bit first, as the model's codes
      offset[l * E + e] = 1 - bit;
      sign[l * E + e] = 2 * bit - 1;
    }
  }
  const z = linearNode(g, gate.zLogits, `${prefix}.zLogits`, x); // [N, k·m]
  // [N, k, m, 1] (Reshape's 0 keeps the symbolic batch), so each bit broadcasts over the E experts.
  const s = smoothStepNodes(
    g,
    g.node('Reshape', [z, g.int64Constant('shape', [0, k, m, 1], [4])]),
    gate.gamma,
  );
  const factors = g.node('Add', [
    g.node('Mul', [s, g.constant(`${prefix}.codeSign`, sign, [m, E])]),
    g.constant(`${prefix}.codeOffset`, offset, [m, E]),
  ]); // [N, k, m, E]
  const selectors = g.node('ReduceProd', [factors], { axes: ints([2]), keepdims: int(0) }); // [N, k, E]
  const w = g.node('Softmax', [linearNode(g, gate.wLogits, `${prefix}.wLogits`, x)], { axis: int(-1) });
  const wk = g.node('Unsqueeze', [w, g.axesConstant([2])]); // [N, k, 1]
  return g.node('ReduceSum', [g.node('Mul', [selectors, wk]), g.axesConstant([1])], { keepdims: int(0) });
}

function dselectK(g: OnnxGraph, m: DSelectK, x: string): Outputs {
  const experts = [...m.experts].map((e, i) => moduleNodes(g, e as AnyModule, `experts.${i}`, x));
  const out: Outputs = {};
  for (const t of m.taskNames) {
    const weights = dselectGate(g, m.gates.modules[t] as DSelectKGate, `gates.${t}`, x);
    out[t] = moduleNodes(g, m.heads.modules[t] as AnyModule, `heads.${t}`, weightedSum(g, weights, experts));
  }
  return out;
}

/**
 * Cross-stitch: per layer, each task's column is Gemm + activation; the columns are stacked [N, T, H] and mixed by
 * MatMul(α [T, T], columns), which broadcasts over the batch: out[n, i] = Σ_j α_ij · in[n, j]. Gather takes the
 * columns apart again, for the next layer and for the towers. Dropout is left out (eval mode).
 */
function crossStitch(g: OnnxGraph, m: CrossStitch, x: string): Outputs {
  const act = crossStitchActivation(m, 'toOnnx');
  let inputs = m.taskNames.map(() => x);
  [...m.units].forEach((_, l) => {
    const outs = m.taskNames.map((t, k) => {
      const h = linearNode(g, m.columns.modules[t].at(l), `columns.${t}.${l}`, inputs[k]);
      return g.node('Unsqueeze', [activationNode(g, act, h, `columns.${t}`), g.axesConstant([1])]);
    });
    const stacked = outs.length === 1 ? outs[0] : g.node('Concat', outs, { axis: int(1) });
    const mixed = g.node('MatMul', [g.parameter(`units.${l}.alpha`, m.units.at(l).alpha), stacked]);
    inputs = m.taskNames.map((_, k) =>
      g.node('Gather', [mixed, g.int64Constant('index', [k], [])], { axis: int(1) }),
    );
  });
  const out: Outputs = {};
  m.taskNames.forEach((t, k) => {
    out[t] = moduleNodes(g, m.towers.modules[t] as AnyModule, `towers.${t}`, inputs[k]);
  });
  return out;
}

/** The exportable architectures, tried in order. */
export const ARCHITECTURES: readonly {
  name: string;
  matches: (m: MultiTaskModel) => boolean;
  nodes: (g: OnnxGraph, m: never, x: string) => Outputs;
}[] = [
  { name: 'HardSharing', matches: (m) => m instanceof HardSharing, nodes: hardSharing },
  // DSelectK extends MMoE, so it comes first: its gates are not softmax gates.
  { name: 'DSelectK', matches: (m) => m instanceof DSelectK, nodes: dselectK },
  { name: 'MMoE', matches: (m) => m instanceof MMoE, nodes: mmoe },
  { name: 'CGC', matches: (m) => m instanceof CGC, nodes: cgc },
  { name: 'PLE', matches: (m) => m instanceof PLE, nodes: ple },
  { name: 'CrossStitch', matches: (m) => m instanceof CrossStitch, nodes: crossStitch },
];
