/**
 * JAX-style functional gradients: `grad(f)(params, ...rest)` returns ∂f/∂params in the same
 * structure as `params` (a tensor, an array, or a record of tensors, nested).
 * The caller's tensors are not touched: f sees fresh leaves that share their data.
 */
import { AutogradError, fmtShape } from '../errors.js';
import { showValue } from '../tensor/shape.js';
import { backward } from './engine.js';
import { enableGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/** A tensor, or arrays/records of them (nested). */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** The gradients of a tree: the same structure, a gradient tensor in place of each tensor. */
export type GradTree<T extends TensorTree> = T;

function mapTree(tree: TensorTree, fn: (t: Tensor) => Tensor, path: string): TensorTree {
  if (tree instanceof Tensor) return fn(tree);
  if (Array.isArray(tree)) return tree.map((t, i) => mapTree(t, fn, `${path}[${i}]`));
  if (tree !== null && typeof tree === 'object' && isPlainObject(tree)) {
    const out: Record<string, TensorTree> = {};
    for (const key of Object.keys(tree))
      out[key] = mapTree((tree as Record<string, TensorTree>)[key], fn, `${path}.${key}`);
    return out;
  }
  throw new AutogradError(
    `grad: ${path} is ${describeLeaf(tree)}; expected a Tensor, an array or a plain record of them`,
  );
}

/** `number 5`, `null`, `Map`: the type first, so that '5' and 5 read differently. */
function describeLeaf(v: unknown): string {
  if (v === null || typeof v === 'object') return showValue(v);
  return `${typeof v} ${showValue(v)}`;
}

/** Records are plain objects: a Map, a Date or a class instance would silently map to {}. */
function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a function computing `{value, grads}` of a scalar-valued `fn` at `params`;
 * `grads` mirrors `params`. Extra arguments are passed through untouched (no gradient).
 */
export function valueAndGrad<P extends TensorTree, A extends unknown[]>(
  fn: (params: P, ...args: A) => Tensor,
): (params: P, ...args: A) => { value: Tensor; grads: GradTree<P> } {
  return (params: P, ...args: A) => {
    const leaves: Tensor[] = [];
    const inputs = mapTree(
      params,
      (t) => {
        const leaf = new Tensor(t.data, t.shape, true);
        leaves.push(leaf);
        return leaf;
      },
      'params',
    ) as P;
    const value = enableGrad(() => fn(inputs, ...args));
    if (!(value instanceof Tensor))
      throw new AutogradError(`grad: the function must return a Tensor, got ${typeof value}`);
    if (value.size !== 1) {
      throw new AutogradError(
        `grad: the function must return a one-element tensor, got shape ${fmtShape(value.shape)}`,
      );
    }
    // Only the fresh leaves get .grad: tensors in `args` or closed over by fn keep theirs.
    if (value.requiresGrad) backward(value, undefined, { onlyLeaves: new Set(leaves) });
    // A parameter the value does not depend on gets a zero gradient, as in JAX.
    const grads = mapTree(
      inputs,
      (leaf) => leaf.grad ?? new Tensor(leaf.data.slice().fill(0), leaf.shape),
      'params',
    );
    return { value: value.detach(), grads: grads as GradTree<P> };
  };
}

/** Returns a function computing the gradient of a scalar-valued `fn` w.r.t. its first argument. */
export function grad<P extends TensorTree, A extends unknown[]>(
  fn: (params: P, ...args: A) => Tensor,
): (params: P, ...args: A) => GradTree<P> {
  const vg = valueAndGrad(fn);
  return (params: P, ...args: A) => vg(params, ...args).grads;
}
