/** The L2 weight-decay penalty as one differentiable op. */
import { scaledGrad } from '../autograd/engine.js';
import { defineOp } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { DTypeError, ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { allocate, type Storage } from '../tensor/dtype.js';

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
  for (const p of ps) sumSq += sumOfSquares(p.data);
  const out = allocate(dtype, 1);
  out[0] = lambda * (0.5 * sumSq);
  return defineOp('l2Penalty', out, [], ps, (g) => {
    // d/dw λ·½·Σw² = λ·w; torch's weight_decay rounds λ to the dtype first, and so do we. The
    // gradient stays λ·w unmultiplied: a Linear layer's backward folds it into its dW, in wasm.
    let coef = g.data[0] * lambda;
    if (dtype === 'float32') coef = Math.fround(coef);
    return ps.map((p) => (p.requiresGrad ? scaledGrad(coef, p.data, p.shape) : null));
  });
}

/**
 * Σ w² in float64 with four running sums (one sum is a chain of dependent additions, about 4×
 * slower); the order differs from a single loop only far below float32's resolution.
 */
function sumOfSquares(w: Storage): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = w.length;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += w[i] * w[i];
    s1 += w[i + 1] * w[i + 1];
    s2 += w[i + 2] * w[i + 2];
    s3 += w[i + 3] * w[i + 3];
  }
  for (let i = n4; i < n; i++) s0 += w[i] * w[i];
  return s0 + s1 + (s2 + s3);
}
