/** Misuse throws the named error class with a message that names the op and the shapes. */
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  add,
  concat,
  DTypeError,
  gather,
  MtlgradError,
  matmul,
  ShapeError,
  stack,
  Tensor,
  tensor,
  ValueError,
  where,
  zeros,
} from '../src/index.js';

/** Runs fn, expects an error of class `cls`, and returns it for message checks. */
function thrown(fn: () => unknown, cls: new (...args: never[]) => Error): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(MtlgradError);
    expect((e as Error).name).toBe(cls.name);
    return e as Error;
  }
  throw new Error(`expected a ${cls.name}, nothing was thrown`);
}

describe('shape errors', () => {
  it('matmul inner dimension mismatch: the exact message', () => {
    const e = thrown(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError);
    expect(e.message).toBe('matmul: [2,3] @ [4,5]: inner dimensions 3 and 4 differ');
  });

  it('matmul with transposes names the flags; vectors are rejected', () => {
    const e = thrown(() => zeros([3, 2]).matmul(zeros([4, 5]), { transposeA: true }), ShapeError);
    expect(e.message).toBe('matmul: [3,2]ᵀ @ [4,5]: inner dimensions 3 and 4 differ');
    const v = thrown(() => matmul(zeros([3]), zeros([3, 2])), ShapeError);
    expect(v.message).toMatch(/^matmul: \[3\] @ \[3,2\]: both operands need at least 2 dimensions/);
  });

  it('broadcast failure names the op, both shapes and the dimension', () => {
    const e = thrown(() => add(zeros([2, 3]), zeros([4])), ShapeError);
    expect(e.message).toBe('add: shapes [2,3] and [4] cannot be broadcast: dimension -1 is 3 vs 4');
    const m = thrown(() => zeros([2, 3, 4]).mul(zeros([5, 1])), ShapeError);
    expect(m.message).toMatch(
      /^mul: shapes \[2,3,4\] and \[5,1\] cannot be broadcast: dimension -2 is 3 vs 5$/,
    );
    for (const op of ['sub', 'div', 'maximum', 'minimum'] as const) {
      const err = thrown(() => zeros([2])[op](zeros([3])), ShapeError);
      expect(err.message.startsWith(`${op}: shapes [2] and [3]`)).toBe(true);
    }
    const w = thrown(() => where(zeros([2]), zeros([3]), 0), ShapeError);
    expect(w.message).toMatch(/^where: shapes \[2\] and \[3\]/);
  });

  it('reshape to a wrong size', () => {
    const e = thrown(() => zeros([2, 3]).reshape([4, 2]), ShapeError);
    expect(e.message).toBe('reshape: [2,3] (6 elements) cannot become [4,2] (8)');
    const inferred = thrown(() => zeros([2, 3]).reshape([4, -1]), ShapeError);
    expect(inferred.message).toMatch(/^reshape: cannot infer -1 in \[4,-1\] for 6 elements \(from \[2,3\]\)/);
    thrown(() => zeros([2, 3]).reshape([-1, -1]), ShapeError);
  });

  it('bad axis for reductions, softmax, transpose, squeeze, concat, gather', () => {
    const x = zeros([2, 3]);
    expect(thrown(() => x.sum(2), ShapeError).message).toBe(
      'sum: axis 2 is out of range for a tensor of rank 2',
    );
    expect(thrown(() => x.mean(-3), ShapeError).message).toBe(
      'mean: axis -3 is out of range for a tensor of rank 2',
    );
    expect(thrown(() => x.max([0, 5]), ShapeError).message).toMatch(/^max: axis 5/);
    expect(thrown(() => x.sum([0, -2]), ShapeError).message).toMatch(/^sum: axis 0 is repeated/);
    expect(thrown(() => x.softmax(2), ShapeError).message).toMatch(/^softmax: axis 2/);
    expect(thrown(() => x.logSoftmax(1.5), ShapeError).message).toMatch(/^logSoftmax: axis 1.5/);
    expect(thrown(() => x.argmax(3), ShapeError).message).toMatch(/^argmax: axis 3/);
    expect(thrown(() => x.transpose(0, 2), ShapeError).message).toMatch(/^transpose: axis 2/);
    expect(thrown(() => x.squeeze(0), ShapeError).message).toBe('squeeze: axis 0 of [2,3] has size 2, not 1');
    expect(thrown(() => x.unsqueeze(4), ShapeError).message).toMatch(/^unsqueeze: axis 4/);
    expect(thrown(() => concat([x, x], 2), ShapeError).message).toMatch(/^concat: axis 2/);
    expect(thrown(() => x.gather([0], 2), ShapeError).message).toMatch(/^gather: axis 2/);
    expect(thrown(() => x.permute([0, 0]), ShapeError).message).toMatch(/^permute: \[0,0\] repeats an axis/);
    expect(thrown(() => x.permute([0]), ShapeError).message).toMatch(/^permute: expected 2 axes for \[2,3\]/);
  });

  it('concat and stack shape mismatches', () => {
    const e = thrown(() => concat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError);
    expect(e.message).toBe('concat: shapes [2,3], [2,4] differ outside axis 0');
    thrown(() => concat([zeros([2, 3]), zeros([3])], 0), ShapeError);
    const s = thrown(() => stack([zeros([2]), zeros([3])]), ShapeError);
    expect(s.message).toBe('stack: shapes [2], [3] must all be equal');
    thrown(() => concat([]), ValueError);
  });

  it('slice with too many ranges or non-integer bounds', () => {
    expect(thrown(() => zeros([2]).slice([null, null]), ShapeError).message).toMatch(
      /^slice: expected at most 1 ranges for \[2\]/,
    );
    expect(thrown(() => zeros([2]).slice([[0.5]]), ValueError).message).toMatch(
      /^slice: bounds must be integers/,
    );
  });

  it('ragged nested arrays passed to tensor()', () => {
    const e = thrown(() => tensor([[1, 2], [3]]), ShapeError);
    expect(e.message).toMatch(/^tensor: ragged nested array: expected 2 entries at \[1\]/);
    thrown(() => tensor([1, [2]] as unknown as number[]), ShapeError);
    thrown(() => tensor([[1], 2] as unknown as number[][]), ShapeError);
    thrown(() => tensor([[[1, 2]], [[3]]]), ShapeError);
  });

  it('item on a multi-element tensor', () => {
    expect(thrown(() => zeros([2, 2]).item(), ShapeError).message).toBe(
      'item: tensor of shape [2,2] has 4 elements, expected 1',
    );
  });
});

describe('dtype errors', () => {
  const f32 = tensor([1, 2]);
  const f64 = tensor([1, 2], { dtype: 'float64' });

  it('mixing float32 and float64 without a cast', () => {
    const e = thrown(() => f32.add(f64), DTypeError);
    expect(e.message).toBe("add: dtypes float32 and float64 differ; cast one with .to('float64')");
    for (const op of ['sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
      expect(
        thrown(() => f64[op](f32), DTypeError).message.startsWith(`${op}: dtypes float64 and float32 differ`),
      ).toBe(true);
    }
    expect(
      thrown(() => matmul(zeros([2, 2]), zeros([2, 2], { dtype: 'float64' })), DTypeError).message,
    ).toMatch(/^matmul: dtypes float32 and float64 differ/);
    expect(thrown(() => concat([f32, f64]), DTypeError).message).toMatch(/^concat: dtypes/);
    expect(thrown(() => where(tensor([1, 0]), f32, f64), DTypeError).message).toMatch(/^where: dtypes/);
    // With a cast it works.
    expect(f32.to('float64').add(f64).dtype).toBe('float64');
  });

  it('unknown dtypes', () => {
    expect(thrown(() => f32.to('float16' as 'float32'), DTypeError).message).toMatch(
      /^cast: unknown dtype 'float16'/,
    );
    expect(thrown(() => tensor([1], { dtype: 'int8' as 'float32' }), DTypeError).message).toMatch(
      /^tensor: unknown dtype/,
    );
  });
});

describe('autograd errors', () => {
  it('backward on a non-scalar without a seed', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const e = thrown(() => x.mul(2).backward(), AutogradError);
    expect(e.message).toMatch(
      /^backward: the tensor has shape \[3\]; an implicit gradient exists only for a one-element tensor/,
    );
  });

  it('backward on a tensor that does not require grad', () => {
    const e = thrown(() => tensor([1, 2]).sum().backward(), AutogradError);
    expect(e.message).toMatch(/^backward: the tensor \[\] does not require grad/);
  });

  it('a seed of the wrong shape or dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const e = thrown(() => x.mul(2).backward(tensor([1, 2, 3])), ShapeError);
    expect(e.message).toBe("backward: gradient shape [3] differs from the tensor's [2]");
    const d = thrown(() => x.mul(2).backward(tensor([1, 1], { dtype: 'float64' })), DTypeError);
    expect(d.message).toBe("backward: gradient dtype float64 differs from the tensor's float32");
    thrown(() => x.mul(2).backward([1, 1] as unknown as Tensor), AutogradError);
  });

  it('a second backward through a freed graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    const e = thrown(() => y.backward(), AutogradError);
    expect(e.message).toMatch(
      /^backward: the graph through 'sum' was already freed by an earlier backward; pass \{retainGraph: true\}/,
    );
  });
});

describe('value errors', () => {
  it('gather index out of range', () => {
    const x = zeros([3, 2]);
    const e = thrown(() => gather(x, [0, 3]), ValueError);
    expect(e.message).toBe('gather: index 3 at position 1 is out of range for an axis of length 3');
    expect(thrown(() => x.gather([-4]), ValueError).message).toMatch(/^gather: index -4/);
    expect(thrown(() => x.gather([0.5], 1), ValueError).message).toMatch(/^gather: index 0.5/);
    expect(thrown(() => x.gather(zeros([1, 1])), ShapeError).message).toMatch(
      /^gather: index tensor must be 1-D/,
    );
    expect(thrown(() => zeros([]).gather([0]), ShapeError).message).toBe('gather: cannot index a scalar');
  });

  it('non-tensor operands and bad arguments', () => {
    expect(thrown(() => add('a' as unknown as Tensor, zeros([1])), ValueError).message).toMatch(
      /^add: first operand must be a Tensor/,
    );
    expect(thrown(() => zeros([2]).pow(Number.NaN), ValueError).message).toMatch(
      /^pow: exponent must be a number/,
    );
    expect(thrown(() => zeros([2]).clamp(2, 1), ValueError).message).toBe(
      'clamp: min 2 is greater than max 1',
    );
    thrown(() => tensor('abc' as unknown as number), ValueError);
  });
});

describe('error classes', () => {
  it('all derive from MtlgradError and Error, with their own name', () => {
    for (const cls of [ShapeError, DTypeError, AutogradError, ValueError]) {
      const e = new cls('x');
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(MtlgradError);
      expect(e.name).toBe(cls.name);
    }
    expect(new Tensor(new Float32Array(1), [])).toBeInstanceOf(Tensor);
  });
});
