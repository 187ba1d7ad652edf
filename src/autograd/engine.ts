/**
 * The reverse-mode engine: topological order (iterative, so long chains cannot overflow the
 * stack), a reversed sweep that accumulates gradients, and the one place where a broadcast
 * gradient is summed back to its input's shape. After the sweep the graph is released.
 */
import { AutogradError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import type { DType, Storage } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';
import { sumToShape } from '../tensor/elementwise.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { type BackwardFn, type GradSums, type ScaledSum, Tensor } from './tensor.js';

/**
 * Wraps the output of an op: when grad mode is on and some input requires grad, the result
 * records `backward` and its parents; otherwise it is a plain tensor and the closure is dropped.
 */
export function recordOp(
  op: string,
  data: Storage,
  shape: readonly number[],
  parents: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  const out = new Tensor(data, shape);
  if (!isGradEnabled()) return out;
  let needs = false;
  for (let i = 0; i < parents.length; i++) if (parents[i].requiresGrad) needs = true;
  if (!needs) return out;
  out.requiresGrad = true;
  out._node = { op, parents, backward, freed: false };
  return out;
}

interface Accum {
  /** The sum, or null while it is exactly `scaled` (one scaled gradient, not yet multiplied out). */
  data: Storage | null;
  /** True when `data` belongs to the accumulator and may be added into in place. */
  owned: boolean;
  scaled: ScaledSum | null;
  dtype: DType;
}

/** Options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (costs memory). */
  retainGraph?: boolean;
}

export interface EngineOptions extends BackwardOptions {
  /**
   * @internal When set, only these leaves receive .grad (as torch.autograd.grad): other leaves and
   * retainGrad tensors are left untouched. Used by grad/valueAndGrad.
   */
  onlyLeaves?: ReadonlySet<Tensor>;
}

export function backward(root: Tensor, gradient: Tensor | undefined, options: EngineOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError(
      `backward: the tensor ${fmtShape(root.shape)} does not require grad and is not part of a graph; ` +
        'set requiresGrad on the parameters before computing it (and not inside noGrad)',
    );
  }
  let rootGrad: Storage;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new AutogradError(
        `backward: the tensor has shape ${fmtShape(root.shape)}; an implicit gradient exists only for a one-element ` +
          'tensor: reduce it (sum/mean) first or pass the gradient of the output, of the same shape',
      );
    }
    rootGrad = allocate(root.dtype, 1);
    rootGrad[0] = 1;
  } else {
    if (!(gradient instanceof Tensor))
      throw new AutogradError('backward: the output gradient must be a Tensor');
    if (!sameShape(gradient.shape, root.shape)) {
      throw new ShapeError(
        `backward: gradient shape ${fmtShape(gradient.shape)} differs from the tensor's ${fmtShape(root.shape)}`,
      );
    }
    if (gradient.dtype !== root.dtype) {
      throw new DTypeError(
        `backward: gradient dtype ${gradient.dtype} differs from the tensor's ${root.dtype}`,
      );
    }
    rootGrad = gradient.data;
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Accum>();
  grads.set(root, { data: rootGrad, owned: false, scaled: null, dtype: root.dtype });
  const retain = options.retainGraph === true;
  const only = options.onlyLeaves;
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const acc = grads.get(t);
      grads.delete(t);
      const node = t._node;
      if (node === null) {
        if (acc !== undefined && (only === undefined || only.has(t))) accumulateLeaf(t, acc);
        continue;
      }
      if (acc === undefined) {
        if (!retain) release(t);
        continue;
      }
      if (t._retainGrad && only === undefined) accumulateLeaf(t, acc);
      if (node.freed || node.backward === null) {
        throw new AutogradError(
          `backward: the graph through '${node.op}' was already freed by an earlier backward; ` +
            'pass {retainGraph: true} to the first backward to run through it twice',
        );
      }
      const g = new Tensor(values(acc), t.shape);
      const parents = node.parents;
      const parentGrads = node.backward(g, gradSums(grads, parents));
      for (let p = 0; p < parents.length; p++) {
        const parent = parents[p];
        const pg = parentGrads[p];
        if (!parent.requiresGrad || pg === null || pg === undefined) continue;
        const scale = scaledGrads.get(pg);
        if (scale !== undefined && sameShape(pg.shape, parent.shape)) {
          if (pg.dtype !== parent.dtype) toParentShape(node.op, pg, parent, t); // throws the dtype error
          addScaled(grads, parent, { scale, base: pg.data });
        } else addGrad(grads, parent, toParentShape(node.op, pg, parent, t));
      }
      if (!retain) release(t);
    }
  });
}

/** Nodes reachable from root through tensors that require grad, parents before children. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Explicit stack of [tensor, next parent index]: no recursion, so 10,000-op chains are fine.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const node = top[0]._node;
    const parents = node === null ? [] : node.parents;
    if (top[1] < parents.length) {
      const p = parents[top[1]++];
      if (p.requiresGrad && !visited.has(p)) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order;
}

/** Checks dtype and reduces a broadcast gradient to the parent's shape. */
function toParentShape(op: string, g: Tensor, parent: Tensor, out: Tensor): Storage {
  if (g.dtype !== parent.dtype) {
    throw new DTypeError(
      `backward of '${op}': gradient dtype ${g.dtype} differs from its input's ${parent.dtype}`,
    );
  }
  if (sameShape(g.shape, parent.shape)) return g.data;
  let ok = true;
  try {
    ok = sameShape(broadcastShapes(op, parent.shape, g.shape), g.shape);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ShapeError(
      `backward of '${op}': gradient of shape ${fmtShape(g.shape)} does not fit input of shape ` +
        `${fmtShape(parent.shape)} (output ${fmtShape(out.shape)})`,
    );
  }
  const reduced = allocate(parent.dtype, parent.size);
  sumToShape(g.data, g.shape, reduced, parent.shape);
  return reduced;
}

/** Gradient arrays an op allocated for one input alone (see freshGrad), not yet accumulated. */
const fresh = new WeakSet<Storage>();

/**
 * @internal A gradient over `data`, a new array that no other tensor or gradient holds: the
 * engine may then accumulate into it in place instead of copying it first. For ops whose
 * backward allocates each input's gradient separately (Linear, the L2 penalty).
 */
export function freshGrad(data: Storage, shape: readonly number[]): Tensor {
  fresh.add(data);
  return new Tensor(data, shape);
}

/** Scaled gradients (see scaledGrad): the tensor over `base`, and its scale. */
const scaledGrads = new WeakMap<Tensor, number>();

/**
 * @internal The gradient scale·base (for float32, each product rounded to float32; `scale` must then
 * be a float32 value), which the engine keeps unmultiplied until something needs its values: an op
 * further down may take it over and fuse it into its own work (GradSums.takeScaled). For the L2
 * penalty, whose gradient λ·w the Linear layer's backward folds into dW.
 */
export function scaledGrad(scale: number, base: Storage, shape: readonly number[]): Tensor {
  const t = new Tensor(base, shape);
  scaledGrads.set(t, scale);
  return t;
}

/** out[i] (+)= scale·base[i], each product rounded to out's dtype. */
function addScaledInto(out: Storage, { scale, base }: ScaledSum, add: boolean): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    if (add) for (let i = 0; i < n; i++) out[i] += Math.fround(scale * base[i]);
    else for (let i = 0; i < n; i++) out[i] = scale * base[i];
  } else if (add) for (let i = 0; i < n; i++) out[i] += scale * base[i];
  else for (let i = 0; i < n; i++) out[i] = scale * base[i];
}

/** The values of a sum, multiplying out a scaled one (which the accumulator then owns). */
function values(acc: Accum): Storage {
  if (acc.data === null) {
    const data = allocate(acc.dtype, acc.scaled!.base.length);
    addScaledInto(data, acc.scaled!, false);
    acc.data = data;
    acc.owned = true;
    acc.scaled = null;
  }
  return acc.data;
}

/** What a backward rule sees of the sums of its inputs' gradients (GradSums). */
function gradSums(grads: Map<Tensor, Accum>, parents: readonly Tensor[]): GradSums {
  return {
    into: (i) => {
      const acc = parents[i] === undefined ? undefined : grads.get(parents[i]);
      if (acc === undefined) return null;
      const data = values(acc);
      return acc.owned ? data : null;
    },
    takeScaled: (i) => {
      const acc = parents[i] === undefined ? undefined : grads.get(parents[i]);
      if (acc === undefined || acc.scaled === null) return null;
      grads.delete(parents[i]);
      return acc.scaled;
    },
  };
}

function addScaled(grads: Map<Tensor, Accum>, t: Tensor, scaled: ScaledSum): void {
  const acc = grads.get(t);
  if (acc === undefined) {
    grads.set(t, { data: null, owned: false, scaled, dtype: t.dtype });
    return;
  }
  const a = values(acc);
  if (acc.owned) {
    addScaledInto(a, scaled, true);
    return;
  }
  const s = a.slice();
  addScaledInto(s, scaled, true);
  acc.data = s;
  acc.owned = true;
}

function addGrad(grads: Map<Tensor, Accum>, t: Tensor, g: Storage): void {
  const acc = grads.get(t);
  if (acc === undefined) {
    // Borrow unless fresh: the array may belong to another tensor, so it is copied before any in-place add.
    grads.set(t, { data: g, owned: fresh.delete(g), scaled: null, dtype: t.dtype });
    return;
  }
  if (acc.data === g && acc.owned) return; // the op added its gradient into the sum in place (GradSums.into)
  if (acc.data === null) {
    // A scaled sum meets a second gradient: into g when g is the op's own array, else into a new one.
    const own = fresh.delete(g);
    const s = own ? g : g.slice();
    addScaledInto(s, acc.scaled!, true);
    acc.data = s;
    acc.owned = true;
    acc.scaled = null;
    return;
  }
  const a = acc.data;
  const n = a.length;
  if (!acc.owned) {
    // The first sum goes to a new array: one pass, where copying the borrowed one first takes two.
    const s = a instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = a[i] + g[i];
    acc.data = s;
    acc.owned = true;
    return;
  }
  for (let i = 0; i < n; i++) a[i] += g[i];
}

function accumulateLeaf(t: Tensor, acc: Accum): void {
  const g = values(acc);
  if (t.grad === null || t.grad.dtype !== t.dtype || !sameShape(t.grad.shape, t.shape)) {
    t.grad = new Tensor(acc.owned ? g : g.slice(), t.shape);
    return;
  }
  const a = t.grad.data;
  for (let i = 0, n = a.length; i < n; i++) a[i] += g[i];
}

/**
 * Drops the links of a consumed node so that the graph can be garbage-collected. Also for callers that
 * ran backward with retainGraph and are done with the graph (the multi-task trainer).
 */
export function release(t: Tensor): void {
  const node = t._node;
  if (node === null) return;
  node.parents = [];
  node.backward = null;
  node.freed = true;
}
