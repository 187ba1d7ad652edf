import { DTypeError } from '../../errors.js';
import type { DType } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import { expectTensor } from '../graph.js';
import { type Operand, Tensor } from '../tensor.js';

/** A one-element tensor holding `value` in `dtype` (how numbers enter binary ops). */
export function scalar(value: number, dtype: DType): Tensor {
  const d = allocate(dtype, 1);
  d[0] = value;
  return new Tensor(d, []);
}

/**
 * Brings the two operands of a binary op to tensors of one dtype. A number takes the dtype of
 * the tensor; two tensors of different dtypes are an error (cast explicitly with .to()).
 */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  const aIsNum = typeof a === 'number';
  const bIsNum = typeof b === 'number';
  if (aIsNum && bIsNum) return [scalar(a, 'float32'), scalar(b, 'float32')];
  if (aIsNum) {
    const tb = expectTensor(op, b, 'second operand');
    return [scalar(a, tb.dtype), tb];
  }
  const ta = expectTensor(op, a, 'first operand');
  if (bIsNum) return [ta, scalar(b, ta.dtype)];
  const tb = expectTensor(op, b, 'second operand');
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(
      `${op}: dtypes ${ta.dtype} and ${tb.dtype} differ; cast one with .to('${tb.dtype}')`,
    );
  }
  return [ta, tb];
}

/** Checks that all tensors share one dtype. */
export function sameDType(op: string, tensors: readonly Tensor[]): DType {
  const dtype = tensors[0].dtype;
  for (const t of tensors) {
    if (t.dtype !== dtype)
      throw new DTypeError(`${op}: dtypes ${dtype} and ${t.dtype} differ; cast with .to()`);
  }
  return dtype;
}

/** A new tensor with fresh storage of `dtype` and `shape`, outside any graph. */
export function empty(dtype: DType, shape: readonly number[]): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(allocate(dtype, n), shape);
}
