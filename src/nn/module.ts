/**
 * The base of every layer and model: named parameters with dotted paths (`trunk.layers.0.weight`),
 * state dicts that map 1:1 onto PyTorch's, and train/eval modes.
 *
 * Parameters and sub-modules are registered explicitly (`this.registerParameter`, `this.registerModule`),
 * in the order PyTorch would list them, so that state-dict keys and `parameters()` order are stable.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import type { DType } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Require exactly the module's keys (default true). With false, missing and unexpected keys are skipped. */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} skipped (both empty unless `strict: false`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** The error loadStateDict throws, listing every missing, unexpected and mis-shaped key. */
export class StateDictError extends ShapeError {
  constructor(
    message: string,
    readonly missingKeys: string[],
    readonly unexpectedKeys: string[],
    readonly mismatched: { key: string; expected: number[]; got: number[] }[],
  ) {
    super(message);
  }
}

/**
 * The base of every layer and model, as PyTorch's nn.Module: registered parameters, buffers and sub-modules,
 * dotted state-dict keys, train/eval modes. Subclasses implement `forward` and register their parts.
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   readonly scale = this.registerParameter('scale', ones([1]));
 *   forward(x: Tensor): Tensor {
 *     return x.mul(this.scale);
 *   }
 * }
 * ```
 */
export abstract class Module<In = Tensor, Out = Tensor> {
  /** True in training mode (dropout active), false after eval(). */
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module<unknown, unknown>>();

  /** The module's computation on one input (a differentiable function of its parameters). */
  abstract forward(input: In): Out;

  /** Registers a trainable tensor under `name` (sets requiresGrad). Returns it. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    checkName(name);
    if (!(t instanceof Tensor)) throw new ValueError(`registerParameter: '${name}' must be a Tensor`);
    if (!t.isLeaf)
      throw new ValueError(`registerParameter: '${name}' must be a leaf tensor (detach it first)`);
    t.requiresGrad = true;
    this._params.set(name, t);
    return t;
  }

  /** Registers a non-trainable tensor saved in the state dict (e.g. running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    checkName(name);
    this._buffers.set(name, t);
    return t;
  }

  /** Registers a sub-module; its parameters appear under `name.`. Returns it. */
  protected registerModule<M extends Module<never, unknown>>(name: string, m: M): M {
    checkName(name);
    if (!(m instanceof Module)) throw new ValueError(`registerModule: '${name}' must be a Module`);
    this._children.set(name, m as unknown as Module<unknown, unknown>);
    return m;
  }

  /** Direct sub-modules with their names. */
  namedChildren(): [string, Module<unknown, unknown>][] {
    return [...this._children];
  }

  /** Every module in the tree (this one first, with name ''), depth-first in registration order. */
  namedModules(prefix = ''): [string, Module<unknown, unknown>][] {
    const out: [string, Module<unknown, unknown>][] = [[prefix, this as unknown as Module<unknown, unknown>]];
    for (const [name, child] of this._children) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Every parameter with its dotted path, this module's first, then each child's in order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this._params) out.push([join(prefix, name), p]);
    for (const [name, child] of this._children) out.push(...child.namedParameters(join(prefix, name)));
    return out;
  }

  /** Every parameter, in the order of {@link Module.namedParameters} (what optimisers take). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer (non-trainable saved tensor) with its dotted path, this module's first, then each child's. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this._buffers) out.push([join(prefix, name), b]);
    for (const [name, child] of this._children) out.push(...child.namedBuffers(join(prefix, name)));
    return out;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Parameters and buffers by dotted path. The tensors are the live ones (not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = Object.create(null);
    for (const [k, v] of this.namedParameters()) out[k] = v;
    for (const [k, v] of this.namedBuffers()) out[k] = v;
    return out;
  }

  /**
   * Copies values from `state` into this module's tensors (in place, so optimisers keep working).
   * Shapes must match; a dtype difference is converted. Throws a StateDictError naming every
   * missing, unexpected and mis-shaped key (missing/unexpected are allowed with strict: false).
   */
  loadStateDict(state: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    checkOptionKeys('loadStateDict', options, ['strict']);
    const strict = options.strict !== false;
    if (state === null || typeof state !== 'object')
      throw new ValueError('loadStateDict: state must be a record of tensors');
    const own = this.stateDict();
    const ownKeys = Object.keys(own);
    const keys = Object.keys(state);
    const missingKeys = ownKeys.filter((k) => !Object.hasOwn(state, k));
    const unexpectedKeys = keys.filter((k) => !Object.hasOwn(own, k));
    const mismatched: { key: string; expected: number[]; got: number[] }[] = [];
    for (const k of ownKeys) {
      if (!Object.hasOwn(state, k)) continue;
      const src = state[k];
      if (!(src instanceof Tensor)) throw new ValueError(`loadStateDict: '${k}' must be a Tensor`);
      if (!sameShape(src.shape, own[k].shape))
        mismatched.push({ key: k, expected: own[k].shape, got: src.shape });
    }
    if (mismatched.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const parts: string[] = [];
      if (missingKeys.length > 0) parts.push(`missing keys: ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
      for (const m of mismatched)
        parts.push(`'${m.key}' has shape ${fmtShape(m.got)}, expected ${fmtShape(m.expected)}`);
      throw new StateDictError(`loadStateDict: ${parts.join('; ')}`, missingKeys, unexpectedKeys, mismatched);
    }
    // Every value is checked before any is copied, so a bad state leaves the module as it was.
    const toCopy = ownKeys.filter((k) => Object.hasOwn(state, k));
    for (const k of toCopy) {
      const src = state[k].data;
      for (let i = 0; i < src.length; i++) {
        if (!Number.isFinite(src[i])) {
          // Non-finite weights would silently poison every prediction.
          throw new ValueError(`loadStateDict: '${k}' holds a non-finite value (${src[i]}) at element ${i}`);
        }
      }
    }
    noGrad(() => {
      for (const k of toCopy) own[k].data.set(state[k].data);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and every sub-module. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (dropout off) on this module and every sub-module. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** The dtype of the parameters (float32 when there are none). Throws if they are mixed. */
  get dtype(): DType {
    const ps = this.parameters();
    if (ps.length === 0) return 'float32';
    const d = ps[0].dtype;
    for (const p of ps) {
      if (p.dtype !== d) throw new DTypeError(`Module: parameters mix ${d} and ${p.dtype}`);
    }
    return d;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(`Module: name '${name}' must be a non-empty string without dots`);
  }
}
