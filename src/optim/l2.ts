/** The L2 weight-decay penalty as one differentiable op. */
import { defineOp } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { allocate } from '../tensor/dtype.js';

/**
 * λ·½·Σ w² over `params` (TensorFlow's `tf.nn.l2_loss` convention, times λ): add it to a data loss,
 * L = L_data + l2Penalty(params, λ). Its gradient, λ·w for each parameter, is exactly what PyTorch's
 * SGD/Adam `weight_decay = λ` adds to the gradient, so `loss + l2Penalty(ps, λ)` under
 * `Adam({weightDecay: 0})` trains like `loss` under `Adam({weightDecay: λ})` (AdamW's decoupled
 * decay is a different thing).
 *
 * One recorded op: the forward sums the squares with float64 accumulation; the backward adds
 * λ·w to each parameter's gradient. A parameter listed twice (or shared inside a Module) counts
 * once. Returns a scalar of the parameters' dtype (float32 when there are none); mixed dtypes
 * throw a DTypeError, and λ must be a finite number ≥ 0.
 */
export function l2Penalty(params: readonly Tensor[] | Module<never, unknown>, lambda: number): Tensor {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new ValueError(`l2Penalty: lambda must be a finite number ≥ 0, got ${String(lambda)}`);
  }
  let list: readonly Tensor[];
  if (params instanceof Module) list = params.parameters();
  else if (Array.isArray(params)) list = params;
  else throw new ValueError('l2Penalty: params must be an array of Tensors or a Module');
  const ps: Tensor[] = [];
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`l2Penalty: params[${i}] must be a Tensor`);
    if (seen.has(p)) return;
    seen.add(p);
    ps.push(p);
  });
  const dtype = ps.length === 0 ? 'float32' : ps[0].dtype;
  for (const p of ps) {
    if (p.dtype !== dtype)
      throw new DTypeError(`l2Penalty: parameters mix ${dtype} and ${p.dtype}; cast them to one dtype`);
  }
  let sumSq = 0;
  for (const p of ps) {
    const w = p.data;
    for (let i = 0; i < w.length; i++) sumSq += w[i] * w[i];
  }
  const out = allocate(dtype, 1);
  out[0] = lambda * (0.5 * sumSq);
  return defineOp('l2Penalty', out, [], ps, (g) => {
    // d/dw λ·½·Σw² = λ·w; torch's weight_decay rounds λ to the dtype first, and so do we.
    let coef = g.data[0] * lambda;
    if (dtype === 'float32') coef = Math.fround(coef);
    return ps.map((p) => {
      if (!p.requiresGrad) return null;
      const w = p.data;
      const dw = allocate(dtype, w.length);
      for (let i = 0; i < w.length; i++) dw[i] = coef * w[i];
      return new Tensor(dw, p.shape);
    });
  });
}
