import { DTypeError } from '../../errors.js';
import { allocate, type DType, isDType } from '../../tensor/dtype.js';
import { recordOp } from '../engine.js';
import { expectTensor } from '../graph.js';
import { Tensor } from '../tensor.js';

/** Converts to another dtype; the gradient is converted back. Returns x itself when nothing changes. */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', x);
  if (!isDType(dtype))
    throw new DTypeError(`cast: unknown dtype '${String(dtype)}', expected 'float32' or 'float64'`);
  if (x.dtype === dtype) return x;
  const out = allocate(dtype, x.size);
  out.set(x.data);
  return recordOp('cast', out, x.shape, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    dx.set(g.data);
    return [new Tensor(dx, x.shape)];
  });
}
