/**
 * Computing the task Jacobian, kept apart from aggregating it (as torchjd separates autojac from
 * aggregation). Three parts, used by the trainer's steps and by `gradientConflict`:
 *  - {@link representationGradients}: each task's loss backpropagated through its own head only,
 *    giving G_t = ∂L_t/∂z at the shared representation z;
 *  - {@link sharedJacobian}: the rows J_t = ∂L_t/∂θ_shared from the G_t, one backward through the
 *    shared part per task (no forward recomputation);
 *  - {@link writeDirection}: an aggregated direction written back into the shared parameters' .grad.
 */
import { backward, release } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import type { MultiTaskModel } from './architectures.js';

/** The representation z of a batch and the leaf ẑ (sharing z's data) the heads run on. */
export interface CutRepresentation {
  z: Tensor;
  zHat: Tensor;
}

/** Runs the shared part and cuts the graph there: the heads' backward stops at ẑ. */
export function cutRepresentation(model: MultiTaskModel, x: Tensor): CutRepresentation {
  const z = model.encode(x);
  return { z, zHat: new Tensor(z.data, z.shape, true) };
}

/**
 * G_t = ∂L_t/∂z for every task, each loss backpropagated through its own head only; a task without
 * a loss (no label in the batch) or whose loss does not reach ẑ gets null. As a side effect each
 * head's parameters receive their own task's UNWEIGHTED gradient (scale them with {@link scaleHeadGrads}).
 */
export function representationGradients(zHat: Tensor, losses: readonly (Tensor | null)[]): (Tensor | null)[] {
  return losses.map((l) => {
    zHat.grad = null;
    if (l === null || !l.requiresGrad) return null;
    backward(l, undefined, {});
    const g = zHat.grad;
    zHat.grad = null;
    return g;
  });
}

/** Multiplies each head's gradient by its task's weight: Σ_t w_t L_t for the heads. */
export function scaleHeadGrads(
  model: MultiTaskModel,
  tasks: readonly string[],
  weights: ArrayLike<number>,
): void {
  tasks.forEach((name, t) => {
    for (const p of model.taskParameters(name)) {
      if (p.grad) for (let i = 0; i < p.grad.size; i++) p.grad.data[i] *= weights[t];
    }
  });
}

/** Σ_t w_t G_t as a seed for z's backward (null rows count as zero). */
export function weightedRepresentationGradient(
  z: Tensor,
  G: readonly (Tensor | null)[],
  weights: ArrayLike<number>,
): Tensor {
  const seed = new Tensor(
    z.dtype === 'float64' ? new Float64Array(z.size) : new Float32Array(z.size),
    z.shape,
  );
  G.forEach((g, t) => {
    if (g !== null) for (let i = 0; i < seed.size; i++) seed.data[i] += weights[t] * g.data[i];
  });
  return seed;
}

/** The G_t as float64 rows of length z.size (zero rows for tasks without a gradient): J at the representation. */
export function representationRows(z: Tensor, G: readonly (Tensor | null)[]): Float64Array[] {
  return G.map((g) => (g === null ? new Float64Array(z.size) : Float64Array.from(g.data)));
}

/**
 * J over the shared parameters: row t is ∂L_t/∂θ_shared (flattened in `shared` order), from one
 * backward of z seeded with G_t per task. Leaves the shared parameters' .grad cleared and releases
 * z's graph.
 */
export function sharedJacobian(
  z: Tensor,
  G: readonly (Tensor | null)[],
  shared: readonly Tensor[],
): Float64Array[] {
  const size = shared.reduce((n, p) => n + p.size, 0);
  const J = G.map((g) => {
    const row = new Float64Array(size);
    if (g === null || !z.requiresGrad) return row;
    for (const p of shared) p.grad = null;
    backward(z, g, { retainGraph: true });
    let off = 0;
    for (const p of shared) {
      if (p.grad) row.set(p.grad.data, off);
      off += p.size;
    }
    return row;
  });
  for (const p of shared) p.grad = null;
  release(z);
  return J;
}

/** Writes `direction` (flattened in `shared` order) into the shared parameters' .grad. */
export function writeDirection(shared: readonly Tensor[], direction: ArrayLike<number>): void {
  let off = 0;
  for (const p of shared) {
    const g = p.grad ?? new Tensor(p.data.slice().fill(0), p.shape);
    for (let i = 0; i < p.size; i++) g.data[i] = direction[off + i];
    p.grad = g;
    off += p.size;
  }
}
