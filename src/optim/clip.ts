/** Gradient clipping, in place on `.grad`: PyTorch's clip_grad_norm_ and clip_grad_value_. */
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: any p > 0, or Infinity for the max-norm (default 2). */
  normType?: number;
  /** Throw a ValueError (and leave the gradients alone) when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
}

type ParamsArg = readonly Tensor[] | Tensor | Module<never, unknown>;

function gradsOf(op: string, params: ParamsArg): Tensor[] {
  let list: readonly Tensor[];
  if (params instanceof Tensor) list = [params];
  else if (params instanceof Module) list = params.parameters();
  else if (Array.isArray(params)) list = params;
  else throw new ValueError(`${op}: params must be a Tensor, an array of Tensors or a Module`);
  const out: Tensor[] = [];
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`${op}: params[${i}] must be a Tensor`);
    if (p.grad === null || seen.has(p)) return;
    seen.add(p);
    out.push(p.grad);
  });
  return out;
}

/**
 * Scales the gradients of `params` in place so that their total norm (the norm of all gradients
 * concatenated) is at most `maxNorm`, and returns the total norm before clipping. As PyTorch: the
 * factor is maxNorm / (total + 1e-6), applied when it is below 1, so a total just under maxNorm
 * (within 1e-6) is also scaled very slightly. Parameters without a gradient are ignored (0 when
 * none has one). The norm is accumulated in float64. A NaN/infinite total, without
 * `errorIfNonfinite`, makes the gradients NaN/0 as in PyTorch.
 */
export function clipGradNorm(params: ParamsArg, maxNorm: number, options: ClipGradNormOptions = {}): number {
  checkOptionKeys('clipGradNorm', options, ['normType', 'errorIfNonfinite']);
  const normType = options.normType ?? 2;
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ValueError(`clipGradNorm: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new ValueError(`clipGradNorm: normType must be > 0 or Infinity, got ${String(normType)}`);
  }
  const grads = gradsOf('clipGradNorm', params);
  if (grads.length === 0) return 0;
  let total = 0;
  if (normType === Number.POSITIVE_INFINITY) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(d[i]);
        if (a > total || Number.isNaN(a)) total = a;
      }
    }
  } else if (normType === 2) {
    let s = 0;
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) s += d[i] * d[i];
    }
    total = Math.sqrt(s);
  } else if (normType === 1) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) total += Math.abs(d[i]);
    }
  } else {
    let s = 0;
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) s += Math.abs(d[i]) ** normType;
    }
    total = s ** (1 / normType);
  }
  if (options.errorIfNonfinite === true && !Number.isFinite(total)) {
    throw new ValueError(
      `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}; ` +
        'pass errorIfNonfinite: false to clip anyway',
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // clamp(coef, max=1): a factor of 1 changes nothing, so skip it; NaN is applied, as in PyTorch.
  if (!(coef >= 1)) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] *= coef;
    }
  }
  return total;
}

/** Clamps every gradient element of `params` to [−clipValue, clipValue], in place (NaN stays NaN). */
export function clipGradValue(params: ParamsArg, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ValueError(`clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  const lo = -clipValue;
  for (const g of gradsOf('clipGradValue', params)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v < lo) d[i] = lo;
      else if (v > clipValue) d[i] = clipValue;
    }
  }
}
