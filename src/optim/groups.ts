/** Splitting parameters into a weight-decay group and a no-decay group. */
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { checkNonNegative, checkOptionKeys } from '../options.js';

/** Options of {@link decayGroups}. */
export interface DecayGroupsOptions {
  /** The decay λ of the decaying group (the other group gets 0). */
  weightDecay: number;
  /**
   * More parameters to exempt from decay, on top of the default rule: a predicate on the dotted
   * name and the tensor, or a list of names. A listed name matches the parameter itself or, as a
   * prefix, everything under it (`'uncertainty'` matches `uncertainty.logVars`).
   */
  noDecay?: ((name: string, param: Tensor) => boolean) | readonly string[];
}

/** LayerNorm, RMSNorm, BatchNorm1d, InstanceNorm2d... */
const NORM_CLASS = /Norm(\d+d)?$/;

/** One of the two groups decayGroups returns; pass the pair to an optimiser. */
export interface DecayGroup {
  params: Tensor[];
  weightDecay: number;
}

/**
 * The usual weight-decay convention as optimiser parameter groups:
 * `[{params: decayed, weightDecay}, {params: exempt, weightDecay: 0}]` (both always present, in
 * the parameters' order; either may be empty).
 *
 * A parameter is exempt when any of these holds, and decays otherwise:
 * - its rank is below 2: biases, LayerNorm/BatchNorm scales and shifts, scalars and vectors such as
 *   uncertainty-weighting log-variances (weight matrices and conv kernels have rank ≥ 2);
 * - the last segment of its name is `bias`;
 * - it belongs directly to a module whose class name ends in `Norm` (LayerNorm, RMSNorm, GroupNorm,
 *   BatchNorm1d...; only with a Module);
 * - `noDecay` says so.
 *
 * A tensor listed under several names (shared weights) is placed once, by its first name.
 */
export function decayGroups(
  source: Module<never, unknown> | readonly (readonly [string, Tensor])[] | Readonly<Record<string, Tensor>>,
  options: DecayGroupsOptions,
): [DecayGroup, DecayGroup] {
  if (options === null || typeof options !== 'object')
    throw new ValueError('decayGroups: options must be an object');
  checkOptionKeys('decayGroups', options, ['weightDecay', 'noDecay']);
  checkNonNegative('decayGroups', 'weightDecay', options.weightDecay);
  const noDecay = options.noDecay;
  let exempt: (name: string, p: Tensor) => boolean;
  if (noDecay === undefined) exempt = () => false;
  else if (typeof noDecay === 'function') exempt = noDecay;
  else if (Array.isArray(noDecay)) {
    for (const n of noDecay) {
      if (typeof n !== 'string')
        throw new ValueError('decayGroups: noDecay must be a predicate or a list of names');
    }
    exempt = (name) => noDecay.some((n) => name === n || name.startsWith(`${n}.`));
  } else {
    throw new ValueError('decayGroups: noDecay must be a predicate or a list of names');
  }

  let named: (readonly [string, Tensor])[];
  const normOwners = new Set<string>();
  if (source instanceof Module) {
    named = source.namedParameters();
    for (const [prefix, m] of source.namedModules()) {
      if (NORM_CLASS.test(m.constructor.name)) normOwners.add(prefix);
    }
  } else if (Array.isArray(source)) {
    named = source as (readonly [string, Tensor])[];
  } else if (source !== null && typeof source === 'object') {
    named = Object.entries(source as Record<string, Tensor>);
  } else {
    throw new ValueError('decayGroups: expected a Module, [name, tensor] pairs or a record of tensors');
  }

  const decay: DecayGroup = { params: [], weightDecay: options.weightDecay };
  const none: DecayGroup = { params: [], weightDecay: 0 };
  const seen = new Set<Tensor>();
  for (const entry of named) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !(entry[1] instanceof Tensor)) {
      throw new ValueError('decayGroups: every entry must be a [name, Tensor] pair');
    }
    const [name, p] = entry;
    if (seen.has(p)) continue;
    seen.add(p);
    const dot = name.lastIndexOf('.');
    const owner = dot < 0 ? '' : name.slice(0, dot);
    const leaf = name.slice(dot + 1);
    const isExempt = p.rank < 2 || leaf === 'bias' || normOwners.has(owner) || exempt(name, p) === true;
    (isExempt ? none : decay).params.push(p);
  }
  return [decay, none];
}
