/**
 * Layer normalisation over the last dimension, as one recorded op with a fused backward:
 *   y = (x − mean)/√(var + eps) · weight + bias, var biased (divided by D), per row of D features.
 * Backward, with x̂ the normalised input and ĝ = dY·weight:
 *   dX = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dWeight = Σ_rows dY·x̂, dBias = Σ_rows dY.
 * Saved for backward: the per-row mean and 1/std (two numbers per row); x̂ is recomputed.
 */
import { defineOp, expectTensor } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { allocate, type DType, isDType } from '../tensor/dtype.js';
import { Module } from './module.js';

/** Options of the {@link layerNorm} function. */
export interface LayerNormFnOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Normalises each row of x's last dimension D; `weight` and `bias` are [D] or null. */
export function layerNorm(
  x: Tensor,
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: LayerNormFnOptions = {},
): Tensor {
  expectTensor('layerNorm', x);
  const w = weight ?? null;
  const b = bias ?? null;
  const eps = options.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new ValueError(`layerNorm: eps must be a finite number ≥ 0, got ${String(eps)}`);
  }
  if (x.rank < 1) throw new ShapeError('layerNorm: the input needs at least one dimension');
  const D = x.shape[x.rank - 1];
  for (const [t, what] of [
    [w, 'weight'],
    [b, 'bias'],
  ] as const) {
    if (t === null) continue;
    expectTensor('layerNorm', t, what);
    if (t.rank !== 1 || t.shape[0] !== D) {
      throw new ShapeError(
        `layerNorm: ${what} must be [${D}] (the input's last dimension), got ${fmtShape(t.shape)}`,
      );
    }
    if (t.dtype !== x.dtype)
      throw new DTypeError(`layerNorm: input is ${x.dtype} but the ${what} is ${t.dtype}`);
  }
  const dtype = x.dtype;
  const rows = D === 0 ? 0 : x.size / D;
  const xs = x.data;
  const wd = w?.data ?? null;
  const bd = b?.data ?? null;
  const y = allocate(dtype, x.size);
  const means = new Float64Array(rows);
  const rstds = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += xs[o + j];
    const mean = s / D;
    let v = 0;
    for (let j = 0; j < D; j++) {
      const d = xs[o + j] - mean;
      v += d * d;
    }
    const rstd = 1 / Math.sqrt(v / D + eps);
    means[r] = mean;
    rstds[r] = rstd;
    if (wd !== null && bd !== null) {
      for (let j = 0; j < D; j++) y[o + j] = (xs[o + j] - mean) * rstd * wd[j] + bd[j];
    } else if (wd !== null) {
      for (let j = 0; j < D; j++) y[o + j] = (xs[o + j] - mean) * rstd * wd[j];
    } else if (bd !== null) {
      for (let j = 0; j < D; j++) y[o + j] = (xs[o + j] - mean) * rstd + bd[j];
    } else {
      for (let j = 0; j < D; j++) y[o + j] = (xs[o + j] - mean) * rstd;
    }
  }
  const parents: Tensor[] = [x];
  if (w !== null) parents.push(w);
  if (b !== null) parents.push(b);
  return defineOp('layerNorm', y, x.shape, parents, (g) => {
    const gd = g.data;
    const needX = x.requiresGrad;
    const needW = w?.requiresGrad === true;
    const needB = b?.requiresGrad === true;
    const dx = needX ? allocate(dtype, x.size) : null;
    const dw = needW ? new Float64Array(D) : null;
    const dbAcc = needB ? new Float64Array(D) : null;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      const mean = means[r];
      const rstd = rstds[r];
      if (dx !== null) {
        let sg = 0;
        let sgx = 0;
        for (let j = 0; j < D; j++) {
          const xh = (xs[o + j] - mean) * rstd;
          const gh = wd !== null ? gd[o + j] * wd[j] : gd[o + j];
          sg += gh;
          sgx += gh * xh;
        }
        const a = sg / D;
        const c = sgx / D;
        for (let j = 0; j < D; j++) {
          const xh = (xs[o + j] - mean) * rstd;
          const gh = wd !== null ? gd[o + j] * wd[j] : gd[o + j];
          dx[o + j] = rstd * (gh - a - xh * c);
        }
      }
      if (dw !== null) for (let j = 0; j < D; j++) dw[j] += gd[o + j] * (xs[o + j] - mean) * rstd;
      if (dbAcc !== null) for (let j = 0; j < D; j++) dbAcc[j] += gd[o + j];
    }
    const grads: (Tensor | null)[] = [dx === null ? null : new Tensor(dx, x.shape)];
    if (w !== null) grads.push(dw === null ? null : vector(dtype, dw));
    if (b !== null) grads.push(dbAcc === null ? null : vector(dtype, dbAcc));
    return grads;
  });
}

function vector(dtype: DType, acc: Float64Array): Tensor {
  const d = allocate(dtype, acc.length);
  d.set(acc);
  return new Tensor(d, [acc.length]);
}

/** Options of the {@link LayerNorm} module. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-feature scale `weight` (ones) and shift `bias` (zeros); default true. */
  elementwiseAffine?: boolean;
  /** 'float32' (default) or 'float64'. */
  dtype?: DType;
}

/**
 * Layer normalisation over the last dimension (PyTorch's nn.LayerNorm with a 1-D normalized shape).
 * Parameters 'weight' (ones) and 'bias' (zeros), both [D], unless elementwiseAffine is false.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number;
  readonly eps: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptionKeys('LayerNorm', options, ['eps', 'elementwiseAffine', 'dtype']);
    let D: number;
    if (typeof normalizedShape === 'number') D = normalizedShape;
    else if (Array.isArray(normalizedShape) && normalizedShape.length === 1) D = normalizedShape[0];
    else {
      throw new ValueError(
        `LayerNorm: normalizedShape must be a number (the last dimension) or [D]; normalising several trailing dimensions is not supported, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    if (!Number.isInteger(D) || D < 1)
      throw new ValueError(`LayerNorm: normalizedShape must be a positive integer, got ${String(D)}`);
    const eps = options.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
      throw new ValueError(`LayerNorm: eps must be a finite number ≥ 0, got ${String(eps)}`);
    }
    const dtype = options.dtype ?? 'float32';
    if (!isDType(dtype))
      throw new DTypeError(`LayerNorm: unknown dtype '${String(dtype)}', expected 'float32' or 'float64'`);
    this.normalizedShape = D;
    this.eps = eps;
    if (options.elementwiseAffine === false) {
      this.weight = null;
      this.bias = null;
    } else {
      const w = allocate(dtype, D);
      w.fill(1);
      this.weight = this.registerParameter('weight', new Tensor(w, [D]));
      this.bias = this.registerParameter('bias', new Tensor(allocate(dtype, D), [D]));
    }
  }

  forward(x: Tensor): Tensor {
    expectTensor('LayerNorm', x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.normalizedShape) {
      throw new ShapeError(
        `LayerNorm: input ${fmtShape(x.shape)} must end in ${this.normalizedShape} features`,
      );
    }
    return layerNorm(x, this.weight, this.bias, { eps: this.eps });
  }
}
