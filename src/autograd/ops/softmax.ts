/** softmax and logSoftmax along one axis, stable for large logits. */
import { allocate } from '../../tensor/dtype.js';
import { softmaxKernel } from '../../tensor/reduce.js';
import { normAxis, splitAtAxis } from '../../tensor/shape.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';

/** exp(x) / Σ exp(x) along `axis` (default the last), shifted by the maximum so large logits do not overflow. */
export function softmax(x: Tensor, axis = -1): Tensor {
  expectTensor('softmax', x);
  const ax = normAxis('softmax', axis, x.rank);
  const [outer, n, inner] = splitAtAxis(x.shape, ax);
  const y = allocate(x.dtype, x.size);
  softmaxKernel(x.data, outer, n, inner, y, false);
  return recordOp('softmax', y, x.shape, [x], (g) => {
    // dx = y ⊙ (g − Σ_k g_k y_k)
    const gd = g.data;
    const dx = allocate(x.dtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let dot = 0;
        for (let k = 0; k < n; k++) dot += gd[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < n; k++) {
          const j = base + k * inner;
          dx[j] = y[j] * (gd[j] - dot);
        }
      }
    }
    return [new Tensor(dx, x.shape)];
  });
}

/** log(softmax(x)) along `axis` (default the last), computed as x − logSumExp(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  expectTensor('logSoftmax', x);
  const ax = normAxis('logSoftmax', axis, x.rank);
  const [outer, n, inner] = splitAtAxis(x.shape, ax);
  const y = allocate(x.dtype, x.size);
  softmaxKernel(x.data, outer, n, inner, y, true);
  return recordOp('logSoftmax', y, x.shape, [x], (g) => {
    // dx = g − softmax(x) · Σ_k g_k, with softmax = exp(y)
    const gd = g.data;
    const dx = allocate(x.dtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let total = 0;
        for (let k = 0; k < n; k++) total += gd[base + k * inner];
        for (let k = 0; k < n; k++) {
          const j = base + k * inner;
          dx[j] = gd[j] - Math.exp(y[j]) * total;
        }
      }
    }
    return [new Tensor(dx, x.shape)];
  });
}
