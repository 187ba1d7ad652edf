/**
 * The optimiser base: parameter groups with PyTorch's semantics (per-group overrides of the
 * defaults, mutable `lr` for schedulers), zeroGrad, and JSON-serialisable state dicts.
 *
 * Subclasses implement `step()` with in-place loops over `p.data` and per-parameter state that is
 * allocated once, the first time a parameter has a gradient.
 */
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { closest } from '../options.js';
import type { Storage } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';

/** Hyper-parameters every optimiser has: a learning rate that schedulers may change. */
export interface BaseHyper {
  lr: number;
}

/** A live parameter group: the parameters and their resolved hyper-parameters (mutable). */
export type ParamGroup<H extends BaseHyper> = H & {
  params: Tensor[];
  /** Set by the first LR scheduler attached to the optimiser (PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** A parameter group as passed to a constructor: any hyper-parameter may override the defaults. */
export type ParamGroupInput<H extends BaseHyper> = Partial<H> & {
  params: readonly Tensor[] | Tensor;
  initialLr?: number;
};

/** What an optimiser accepts: a list of tensors, a Module (its parameters), or parameter groups. */
export type ParamsInput<H extends BaseHyper> =
  | readonly Tensor[]
  | Module<never, unknown>
  | readonly ParamGroupInput<H>[];

/** A hyper-parameter value as stored in a state dict. */
export type HyperValue = number | boolean | number[];

/** The serialised state of one parameter: buffers as plain number arrays, counters as numbers. */
export type ParamStateJSON = { [key: string]: number | number[] | null };

/**
 * A plain, JSON-serialisable snapshot (PyTorch's layout): `state[i]` is the state of the i-th
 * parameter in group order (null when it has none yet) and each group lists its hyper-parameters
 * and the indices of its parameters. NaN/±Infinity inside buffers do not survive JSON.stringify
 * (they become null and loading rejects them).
 */
export interface OptimizerStateDict {
  optimizer: string;
  state: (ParamStateJSON | null)[];
  paramGroups: { [key: string]: HyperValue | undefined; params: number[] }[];
}

/** A state dict that does not fit the optimiser: wrong optimiser, group layout, sizes or values. */
export class OptimizerStateError extends ValueError {}

/** @internal How a subclass describes its hyper-parameters. */
export interface OptimizerSpec<H extends BaseHyper> {
  name: string;
  /** Every hyper-parameter key with its default; `lr: undefined` marks it required. */
  defaults: { [K in keyof H]: H[K] | undefined };
  /** Throws a ValueError for an invalid resolved group; `where` names it in messages. */
  validate(h: H, where: string): void;
}

/**
 * The base of SGD, Adam and AdamW: parameter groups with their hyper-parameters, per-parameter state, `step()`,
 * `zeroGrad()` and a JSON state dict that resumes exactly.
 */
export abstract class Optimizer<H extends BaseHyper, S> {
  /** The resolved defaults (the constructor's options over the optimiser's own defaults). */
  readonly defaults: Readonly<{ [K in keyof H]: H[K] | undefined }>;
  /** The parameter groups. Hyper-parameters (notably `lr`) may be changed between steps. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created on the first step in which the parameter has a gradient. */
  protected readonly state = new Map<Tensor, S>();
  private readonly spec: OptimizerSpec<H>;

  protected constructor(spec: OptimizerSpec<H>, params: ParamsInput<H>, options: Partial<H> | undefined) {
    this.spec = spec;
    const name = spec.name;
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new ValueError(`${name}: options must be an object`);
    }
    const opts = (options ?? {}) as Record<string, unknown>;
    checkKeys(name, 'options', opts, spec.defaults, false);
    const defaults = { ...spec.defaults } as Record<string, unknown>;
    for (const k of Object.keys(opts)) if (opts[k] !== undefined) defaults[k] = copyHyper(opts[k]);
    this.defaults = defaults as { [K in keyof H]: H[K] | undefined };

    let groups: readonly ParamGroupInput<H>[];
    if (params instanceof Module) {
      // Shared parameters appear once (as PyTorch's parameters()).
      const ps = [...new Set(params.parameters())];
      if (ps.length === 0) throw new ValueError(`${name}: the module has no parameters`);
      groups = [{ params: ps } as unknown as ParamGroupInput<H>];
    } else if (Array.isArray(params)) {
      if (params.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
      if (params.every((p) => p instanceof Tensor))
        groups = [{ params: params as Tensor[] } as unknown as ParamGroupInput<H>];
      else if (params.every((g) => !(g instanceof Tensor))) groups = params as ParamGroupInput<H>[];
      else throw new ValueError(`${name}: params must be all Tensors or all parameter groups, not a mix`);
    } else {
      throw new ValueError(
        `${name}: params must be an array of Tensors, an array of parameter groups, or a Module`,
      );
    }
    for (const g of groups) this.addParamGroup(g);
  }

  /** The optimiser's name ('SGD', 'Adam', 'AdamW'). */
  get name(): string {
    return this.spec.name;
  }

  /** Adds a parameter group (PyTorch's add_param_group): unset hyper-parameters take the defaults. */
  addParamGroup(group: ParamGroupInput<H>): void {
    const name = this.spec.name;
    const where = `${name}: parameter group ${this.paramGroups.length}`;
    if (group === null || typeof group !== 'object' || Array.isArray(group)) {
      throw new ValueError(`${where} must be an object {params, ...options}`);
    }
    const raw = group as Record<string, unknown>;
    checkKeys(name, `parameter group ${this.paramGroups.length}`, raw, this.spec.defaults, true);
    const ps = raw.params instanceof Tensor ? [raw.params] : raw.params;
    if (!Array.isArray(ps)) throw new ValueError(`${where}: params must be a Tensor or an array of Tensors`);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    const list: Tensor[] = [];
    ps.forEach((p: unknown, i: number) => {
      if (!(p instanceof Tensor)) {
        throw new ValueError(
          `${where}: params[${i}] must be a Tensor, got ${p === null ? 'null' : typeof p}`,
        );
      }
      if (!p.isLeaf)
        throw new ValueError(`${where}: params[${i}] is not a leaf tensor; an optimiser updates leaves`);
      if (seen.has(p))
        throw new ValueError(`${where}: params[${i}] appears more than once among the parameter groups`);
      seen.add(p);
      list.push(p);
    });
    const resolved: Record<string, unknown> = {};
    for (const k of Object.keys(this.spec.defaults)) {
      const v = copyHyper(raw[k] !== undefined ? raw[k] : (this.defaults as Record<string, unknown>)[k]);
      if (v === undefined) {
        throw new ValueError(`${where}: '${k}' is required (pass it in the options or in every group)`);
      }
      resolved[k] = v;
    }
    this.spec.validate(resolved as unknown as H, where);
    resolved.params = list;
    if (raw.initialLr !== undefined) resolved.initialLr = raw.initialLr;
    this.paramGroups.push(resolved as unknown as ParamGroup<H>);
  }

  /**
   * Clears the gradients of every parameter. With `setToNone` (the default, as PyTorch 2) `.grad`
   * becomes null; with false the gradient arrays are zeroed in place and reused by the next backward.
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.data.fill(0);
      }
    }
  }

  /**
   * One update of every parameter whose `.grad` is set, in place. Parameters with a null gradient
   * are skipped (their state does not advance). Like PyTorch, a NaN or ±Infinity gradient is applied
   * as is (it propagates into the parameter); check gradients or use clipGradNorm's
   * `errorIfNonfinite` to guard against that.
   */
  abstract step(): void;

  /** @internal Serialises one parameter's state. */
  protected abstract encodeState(s: S): ParamStateJSON;
  /** @internal Rebuilds one parameter's state from JSON, validating it (throws OptimizerStateError). */
  protected abstract decodeState(json: ParamStateJSON, p: Tensor, where: string): S;

  /** A JSON-serialisable snapshot of the hyper-parameters and per-parameter state (copies). */
  stateDict(): OptimizerStateDict {
    const state: (ParamStateJSON | null)[] = [];
    const paramGroups: OptimizerStateDict['paramGroups'] = [];
    let index = 0;
    for (const g of this.paramGroups) {
      const entry: OptimizerStateDict['paramGroups'][number] = { params: [] };
      for (const k of Object.keys(this.spec.defaults))
        entry[k] = copyHyper((g as unknown as Record<string, unknown>)[k]) as HyperValue;
      if (g.initialLr !== undefined) entry.initialLr = g.initialLr;
      for (const p of g.params) {
        entry.params.push(index++);
        const s = this.state.get(p);
        state.push(s === undefined ? null : this.encodeState(s));
      }
      paramGroups.push(entry);
    }
    return { optimizer: this.spec.name, state, paramGroups };
  }

  /**
   * Restores a snapshot from stateDict() (possibly through JSON): hyper-parameters replace the
   * groups' current values and buffers are copied into fresh typed arrays of each parameter's dtype.
   * The parameters are matched by position, so the groups must have the same sizes. Everything is
   * validated before anything changes; a mismatch throws an OptimizerStateError naming it.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.spec.name;
    const fail = (msg: string): never => {
      throw new OptimizerStateError(`${name}.loadStateDict: ${msg}`);
    };
    if (sd === null || typeof sd !== 'object') fail('the state dict must be an object');
    if (sd.optimizer !== name)
      fail(`the state dict is for optimizer '${String(sd.optimizer)}', not '${name}'`);
    if (!Array.isArray(sd.paramGroups)) fail('paramGroups must be an array');
    if (!Array.isArray(sd.state)) fail('state must be an array');
    if (sd.paramGroups.length !== this.paramGroups.length) {
      fail(
        `the state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const total = this.paramGroups.reduce((n, g) => n + g.params.length, 0);
    if (sd.state.length !== total)
      fail(`state has ${sd.state.length} entries, the optimizer has ${total} parameters`);
    const newHyper: Record<string, unknown>[] = [];
    const newState = new Map<Tensor, S>();
    let index = 0;
    this.paramGroups.forEach((g, gi) => {
      const sg = sd.paramGroups[gi] as Record<string, unknown>;
      if (sg === null || typeof sg !== 'object') fail(`paramGroups[${gi}] must be an object`);
      const idx = sg.params;
      if (!Array.isArray(idx) || idx.length !== g.params.length) {
        fail(
          `paramGroups[${gi}] has ${Array.isArray(idx) ? idx.length : 'no'} parameters, the optimizer's group has ${g.params.length}`,
        );
      }
      try {
        checkKeys(name, `paramGroups[${gi}]`, sg, this.spec.defaults, true);
      } catch (e) {
        fail((e as Error).message);
      }
      const h: Record<string, unknown> = {};
      for (const k of Object.keys(this.spec.defaults)) {
        h[k] = sg[k] !== undefined ? copyHyper(sg[k]) : (g as unknown as Record<string, unknown>)[k];
      }
      try {
        this.spec.validate(h as unknown as H, `paramGroups[${gi}]`);
      } catch (e) {
        fail((e as Error).message);
      }
      if (sg.initialLr !== undefined) {
        if (typeof sg.initialLr !== 'number' || !Number.isFinite(sg.initialLr))
          fail(`paramGroups[${gi}].initialLr must be a number`);
        h.initialLr = sg.initialLr;
      }
      newHyper.push(h);
      for (const p of g.params) {
        const js = sd.state[index];
        const where = `state[${index}]`;
        index++;
        if (js === null || js === undefined) continue;
        if (typeof js !== 'object' || Array.isArray(js)) fail(`${where} must be an object or null`);
        newState.set(p, this.decodeState(js, p, `${name}.loadStateDict: ${where}`));
      }
    });
    this.paramGroups.forEach((g, gi) => {
      const h = newHyper[gi];
      const target = g as unknown as Record<string, unknown>;
      for (const k of Object.keys(this.spec.defaults)) target[k] = h[k];
      if (h.initialLr !== undefined) target.initialLr = h.initialLr;
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /**
   * @internal Re-validates every group's hyper-parameters at the start of step(): a scheduler or
   * the user may have set `lr` (or another value) to NaN or ±Infinity since the last step, and
   * applying it would poison every parameter.
   */
  protected checkGroups(): void {
    this.paramGroups.forEach((g, i) => {
      this.spec.validate(g, `${this.spec.name}.step: parameter group ${i}`);
    });
  }

  /** @internal Checks that `p.grad` fits `p` (same shape and dtype). */
  protected checkGrad(p: Tensor, grad: Tensor): void {
    if (grad.dtype !== p.dtype) {
      throw new DTypeError(`${this.spec.name}.step: a ${p.dtype} parameter has a ${grad.dtype} gradient`);
    }
    if (grad.data.length !== p.data.length) {
      throw new ShapeError(
        `${this.spec.name}.step: a parameter of shape ${fmtShape(p.shape)} has a gradient of shape ${fmtShape(grad.shape)}`,
      );
    }
  }
}

function checkKeys(
  name: string,
  what: string,
  obj: Record<string, unknown>,
  defaults: object,
  isGroup: boolean,
): void {
  for (const k of Object.keys(obj)) {
    if (Object.hasOwn(defaults, k)) continue;
    if (isGroup && (k === 'params' || k === 'initialLr')) continue;
    const known = [...Object.keys(defaults), ...(isGroup ? ['params'] : [])];
    const c = closest(k, known);
    const hint = c === undefined ? '' : ` (did you mean '${c}'?)`;
    throw new ValueError(`${name}: unknown option '${k}' in ${what}${hint}; known: ${known.join(', ')}`);
  }
}

function copyHyper(v: unknown): unknown {
  return Array.isArray(v) ? v.slice() : v;
}

// ---------------------------------------------------------------------------------------------
// Shared validation and (de)serialisation helpers for the subclasses.

/** @internal Throws unless `v` is a boolean. */
export function checkBoolean(where: string, key: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ValueError(`${where}: ${key} must be a boolean, got ${String(v)}`);
}

/** @internal A buffer as a plain array (exact: float32 values widen to float64 exactly). */
export function encodeBuffer(b: Storage): number[] {
  return Array.from(b);
}

/** @internal A fresh buffer of `p`'s dtype from JSON, checking the length and the values. */
export function decodeBuffer(json: unknown, p: Tensor, where: string, key: string): Storage {
  if (!Array.isArray(json)) throw new OptimizerStateError(`${where}.${key} must be an array of numbers`);
  if (json.length !== p.size) {
    throw new OptimizerStateError(
      `${where}.${key} has ${json.length} values, its parameter of shape ${fmtShape(p.shape)} has ${p.size}`,
    );
  }
  const out = allocate(p.dtype, p.size);
  for (let i = 0; i < json.length; i++) {
    const v = json[i];
    if (typeof v !== 'number') {
      throw new OptimizerStateError(
        `${where}.${key}[${i}] is ${v === null ? 'null (NaN/Infinity do not survive JSON)' : typeof v}, not a number`,
      );
    }
    // A non-finite moment would turn every later update of the parameter into NaN.
    if (!Number.isFinite(v))
      throw new OptimizerStateError(`${where}.${key}[${i}] is ${v}, expected a finite number`);
    out[i] = v;
  }
  return out;
}

/** @internal A step counter from JSON: an integer ≥ 0. */
export function decodeStep(json: unknown, where: string): number {
  if (typeof json !== 'number' || !Number.isInteger(json) || json < 0) {
    throw new OptimizerStateError(`${where}.step must be an integer ≥ 0, got ${String(json)}`);
  }
  return json;
}
