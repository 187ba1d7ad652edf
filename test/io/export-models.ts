/**
 * CrossStitch and DSelect-k models for the export tests, with weights moved away from their initial values: the
 * cross-stitch α is a random (not row-stochastic) matrix, and the DSelect-k selector logits are spread so that
 * the smooth step is clipped for some rows and not others. A freshly built model would hide a wrong α layout
 * (0.9/0.1 is nearly symmetric) or a missing Clip (the initial logits all sit in the cubic's range).
 */
import { randn } from '../../src/autograd/create.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { CrossStitch, CrossStitchUnit } from '../../src/mtl/cross-stitch.js';
import { DSelectK, DSelectKGate } from '../../src/mtl/dselect-k.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import type { ActivationName } from '../../src/nn/activations.js';
import { Linear } from '../../src/nn/linear.js';
import { MLP } from '../../src/nn/mlp.js';
import type { Rng } from '../../src/tensor/rng.js';

export const TASKS3: TaskSpec[] = [
  { name: 'species', kind: 'classification', classes: 3 },
  { name: 'sex', kind: 'binary' },
  { name: 'mass', kind: 'regression', outputs: 2 },
];
export const TASKS2: TaskSpec[] = TASKS3.slice(0, 2);
/** The activations the build methods (and the CLI) offer. */
export const BUILD_ACTIVATIONS = ['relu', 'tanh', 'gelu', 'leakyRelu', 'sigmoid', 'softplus'] as const;
export type BuildActivation = (typeof BUILD_ACTIVATIONS)[number];

/** Overwrites t with N(0, scale²) values. */
function scramble(t: Tensor, rng: Rng, scale: number): void {
  t.data.set(randn(t.shape, { rng, dtype: t.dtype }).data.map((v) => v * scale));
}

/** Random α in every unit (rows no longer sum to 1, and α_ij ≠ α_ji). */
export function scrambleAlpha(model: CrossStitch, rng: Rng): CrossStitch {
  for (const unit of model.units) scramble(unit.alpha, rng, 0.7);
  return model;
}

/** Selector logits spread over several γ, so that some smooth steps are clipped at 0 or 1 and some are not. */
export function spreadSelectors(model: DSelectK, rng: Rng): DSelectK {
  for (const t of model.taskNames) {
    const gate = model.gates.modules[t] as DSelectKGate;
    for (const p of gate.zLogits.parameters()) scramble(p, rng, gate.gamma / 4);
    for (const p of gate.wLogits.parameters()) scramble(p, rng, 1);
  }
  return model;
}

/** The share of selector logits of `model`'s gates on x that the smooth step clips (|z| ≥ γ/2). */
export function clippedShare(model: DSelectK, x: Tensor): number {
  let clipped = 0;
  let all = 0;
  for (const t of model.taskNames) {
    const gate = model.gates.modules[t] as DSelectKGate;
    for (const z of gate.zLogits.forward(x).data) {
      all++;
      if (Math.abs(z) >= gate.gamma / 2) clipped++;
    }
  }
  return clipped / all;
}

/** A cross-stitch network built part by part, for activations the build method does not offer. */
export function crossStitchWith(
  activation: ActivationName,
  sizes: readonly number[],
  tasks: readonly string[],
  rng: Rng,
): CrossStitch {
  const columns: Record<string, Linear[]> = {};
  const towers: Record<string, MLP> = {};
  for (const t of tasks) {
    columns[t] = sizes.slice(1).map((h, l) => new Linear(sizes[l], h, { rng }));
    towers[t] = new MLP([sizes[sizes.length - 1], 3, 2], { activation, rng });
  }
  const units = sizes.slice(1).map(() => new CrossStitchUnit(tasks.length));
  return scrambleAlpha(new CrossStitch({ columns, units, towers, activation }), rng);
}

/** A DSelect-k model built part by part: experts with any activation, gates with any γ. */
export function dselectWith(
  activation: ActivationName,
  options: { inputs: number; experts: number; k: number; gamma?: number; tasks: readonly string[] },
  rng: Rng,
): DSelectK {
  const { inputs, experts: E, k, gamma, tasks } = options;
  const experts = Array.from({ length: E }, () => new MLP([inputs, 5, 4], { activation, rng }));
  const gates: Record<string, DSelectKGate> = {};
  const heads: Record<string, Linear> = {};
  for (const t of tasks) {
    gates[t] = new DSelectKGate(inputs, E, k, { gamma, rng });
    heads[t] = new Linear(4, 2, { rng });
  }
  return spreadSelectors(new DSelectK({ experts, gates, heads }), rng);
}
