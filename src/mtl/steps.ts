/**
 * One step strategy per training mode, chosen once per `fit`; each computes the per-task losses of
 * a batch and leaves the gradients in .grad (the trainer clips, decays and steps):
 *  - loss-based weighting: backward of the weighted total Σ w_t L_t, once through the heads and
 *    once through the shared part;
 *  - representation-based aggregation (MGDA-UB): the method aggregates G_t = ∂L_t/∂z;
 *  - parameter-Jacobian aggregation: the method aggregates J over the shared parameters.
 * With `recordConflict` each strategy also returns J, built from the same backward passes that
 * train (no extra backward).
 */
import { zeros } from '../autograd/create.js';
import { backward } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { combine } from './aggregators/linalg.js';
import type { MultiTaskModel } from './architectures.js';
import { type PreparedData, taskLoss } from './data.js';
import {
  cutRepresentation,
  representationGradients,
  representationRows,
  scaleHeadGrads,
  sharedJacobian,
  weightedRepresentationGradient,
  writeDirection,
} from './jacobian.js';
import type { TaskSpec } from './tasks.js';
import type { GradientWeighting, LossWeighting, StepInfo, Weighting } from './weighting/types.js';

export interface StepOutcome {
  /** Per-task loss values; null for a task without labels in the batch. */
  losses: (number | null)[];
  /** False when a loss or a task gradient is NaN or ±Infinity (no gradient may be used then). */
  finite: boolean;
  /** The task Jacobian over the shared parameters (with recordConflict, or when the mode builds it). */
  J?: Float64Array[];
}

export type StepStrategy = (batch: PreparedData, at: { epoch: number; step: number }) => StepOutcome;

interface Forward {
  z: Tensor;
  zHat: Tensor;
  lossTensors: (Tensor | null)[];
  losses: (number | null)[];
  info: StepInfo;
}

/** Forward pass and losses; null when the losses are not all finite or no task has a label. */
function forwardBatch(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[],
  batch: PreparedData,
  at: { epoch: number; step: number },
): { forward: Forward | null; losses: (number | null)[]; finite: boolean } {
  const { z, zHat } = cutRepresentation(model, batch.x);
  const outputs = model.decode(zHat, batch.x);
  const lossTensors = tasks.map((task, t) => taskLoss(task, outputs[task.name], batch.labels[t]));
  const losses = lossTensors.map((l) => (l === null ? null : l.item()));
  const finite = losses.every((l) => l === null || Number.isFinite(l));
  if (!finite || losses.every((l) => l === null)) return { forward: null, losses, finite };
  const info: StepInfo = { ...at, present: losses.map((l) => l !== null) };
  return { forward: { z, zHat, lossTensors, losses, info }, losses, finite };
}

function allFinite(rows: readonly Float64Array[]): boolean {
  return rows.every((r) => r.every(Number.isFinite));
}

/** The strategy for `weighting`'s mode. */
export function chooseStep(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[],
  weighting: Weighting,
  recordConflict: boolean,
): StepStrategy {
  const names = tasks.map((t) => t.name);
  const shared = model.sharedParameters();
  const run =
    weighting.type === 'loss'
      ? lossStep(model, names, shared, weighting, recordConflict)
      : weighting.level === 'representation'
        ? representationStep(model, names, shared, weighting, recordConflict)
        : jacobianStep(model, names, shared, weighting);
  return (batch, at) => {
    const f = forwardBatch(model, tasks, batch, at);
    if (f.forward === null) return { losses: f.losses, finite: f.finite };
    return run(f.forward);
  };
}

type ModeStep = (f: Forward) => StepOutcome;

function lossStep(
  model: MultiTaskModel,
  names: readonly string[],
  shared: readonly Tensor[],
  weighting: LossWeighting,
  recordConflict: boolean,
): ModeStep {
  return ({ z, zHat, lossTensors, losses, info }) => {
    // A task without labels enters the weighting as a constant zero loss (info.present says which).
    const zero = () => zeros([], { dtype: z.dtype });
    if (!recordConflict) {
      const total = weighting.combine(
        lossTensors.map((l) => l ?? zero()),
        info,
      );
      if (total.requiresGrad) backward(total, undefined, {});
      if (zHat.grad && z.requiresGrad) backward(z, zHat.grad, {});
      return { losses, finite: true };
    }
    // Cut the total at the task losses: c_t = ∂total/∂L_t (and the weighting's own gradients), then
    // the per-task passes that measure J also train: heads get c_t·∂L_t, the shared part Σ c_t J_t.
    const leaves = lossTensors.map((l) => new Tensor((l ?? zero()).data, [], true));
    const total = weighting.combine(leaves, info);
    if (total.requiresGrad) backward(total, undefined, {});
    const c = leaves.map((l) => l.grad?.data[0] ?? 0);
    const G = representationGradients(zHat, lossTensors);
    scaleHeadGrads(model, names, c);
    const J = sharedJacobian(z, G, shared);
    if (!allFinite(J)) return { losses, finite: false };
    writeDirection(shared, combine(J, c));
    return { losses, finite: true, J };
  };
}

function representationStep(
  model: MultiTaskModel,
  names: readonly string[],
  shared: readonly Tensor[],
  weighting: GradientWeighting,
  recordConflict: boolean,
): ModeStep {
  return ({ z, zHat, lossTensors, losses, info }) => {
    const G = representationGradients(zHat, lossTensors);
    const rows = representationRows(z, G);
    if (!allFinite(rows)) return { losses, finite: false };
    // The method's weights apply to whole task losses, heads included.
    const { weights } = weighting.aggregate(rows, lossesOrZero(losses), info);
    scaleHeadGrads(model, names, weights);
    if (!recordConflict) {
      if (z.requiresGrad) backward(z, weightedRepresentationGradient(z, G, weights), {});
      return { losses, finite: true };
    }
    const J = sharedJacobian(z, G, shared);
    writeDirection(shared, combine(J, weights));
    return { losses, finite: true, J };
  };
}

function jacobianStep(
  model: MultiTaskModel,
  names: readonly string[],
  shared: readonly Tensor[],
  weighting: GradientWeighting,
): ModeStep {
  return ({ z, zHat, lossTensors, losses, info }) => {
    // Heads receive their own task's unweighted gradient (unless the method scales them); the
    // method aggregates the shared rows.
    const J = sharedJacobian(z, representationGradients(zHat, lossTensors), shared);
    if (!allFinite(J)) return { losses, finite: false };
    const r = weighting.aggregate(J, lossesOrZero(losses), info);
    writeDirection(shared, r.direction);
    if (r.headWeights) scaleHeadGrads(model, names, r.headWeights);
    return { losses, finite: true, J };
  };
}

function lossesOrZero(losses: readonly (number | null)[]): number[] {
  return losses.map((l) => l ?? 0);
}
