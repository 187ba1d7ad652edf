/** defineOp and expectTensor: the public way to write a differentiable op. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineOp, expectTensor, noGrad, Tensor, tensor, ValueError } from '../../src/index.js';
import { expectGradOk, f64, RUNS } from '../support/grad.js';

/** y = a·x + b·x² elementwise with number coefficients; dy/dx = a + 2b·x. */
function quadratic(x: Tensor, a: number, b: number): Tensor {
  expectTensor('quadratic', x);
  const xs = x.data;
  const y = xs.map((v) => a * v + b * v * v);
  return defineOp('quadratic', y, x.shape, [x], (g) => {
    const dx = g.data.map((gi, i) => gi * (a + 2 * b * xs[i]));
    return [new Tensor(dx, x.shape)];
  });
}

/** s = Σ x·w with w of shape [1]: the rule returns w's gradient in the output's broadcast shape. */
function scaledSum(x: Tensor, w: Tensor): Tensor {
  let total = 0;
  for (let i = 0; i < x.size; i++) total += x.data[i] * w.data[0];
  return defineOp('scaledSum', Float64Array.of(total), [], [x, w], (g) => [
    new Tensor(
      x.data.map(() => g.data[0] * w.data[0]),
      x.shape,
    ),
    new Tensor(
      x.data.map((v) => g.data[0] * v),
      x.shape,
    ),
  ]);
}

describe('defineOp', () => {
  it('records the backward rule: hand-derived gradient a + 2b·x', () => {
    const x = f64([1, -2, 0.5], [3]).requireGrad();
    quadratic(x, 3, 0.5).sum().backward();
    // a + 2b·x = 3 + x
    expect(Array.from(x.grad!.data)).toEqual([4, 1, 3.5]);
  });

  it('passes gradcheck for random inputs and coefficients', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (values, a, b) => expectGradOk((t) => quadratic(t, a, b), [f64(values, [values.length])]),
      ),
      { numRuns: RUNS },
    );
  });

  it('sums a broadcast-shaped gradient back to the input shape', () => {
    const x = f64([1, 2, 3], [3]).requireGrad();
    const w = f64([2], [1]).requireGrad();
    scaledSum(x, w).backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2]);
    expect(w.grad!.shape).toEqual([1]);
    expect(Array.from(w.grad!.data)).toEqual([6]); // Σ x
  });

  it('records nothing when no input requires grad, or inside noGrad', () => {
    const plain = quadratic(tensor([1, 2]), 1, 1);
    expect(plain.requiresGrad).toBe(false);
    expect(plain.isLeaf).toBe(true);
    const x = tensor([1, 2], { requiresGrad: true });
    const off = noGrad(() => quadratic(x, 1, 1));
    expect(off.requiresGrad).toBe(false);
    expect(quadratic(x, 1, 1).requiresGrad).toBe(true);
  });

  it('keeps its own list of inputs (changing the caller’s array later does not change the graph)', () => {
    const x = f64([1, 2], [2]).requireGrad();
    const inputs = [x];
    const y = defineOp('copy', x.data.slice(), x.shape, inputs, (g) => [g]);
    inputs.pop();
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('names the op and the input when an input is not a tensor, or the rule is not a function', () => {
    const x = tensor([1]);
    expect(() => defineOp('myOp', x.data, x.shape, [x, [1] as unknown as Tensor], (g) => [g, null])).toThrow(
      ValueError,
    );
    expect(() => defineOp('myOp', x.data, x.shape, [x, 2 as unknown as Tensor], (g) => [g, null])).toThrow(
      'myOp: input 1 must be a Tensor, got number',
    );
    expect(() => defineOp('myOp', x.data, x.shape, [x], 'rule' as never)).toThrow(
      'myOp: the backward rule must be a function, got string',
    );
  });
});

describe('expectTensor', () => {
  it('returns a tensor and names op and argument otherwise', () => {
    const x = tensor([1]);
    expect(expectTensor('f', x)).toBe(x);
    expect(() => expectTensor('f', null, 'weights')).toThrow('f: weights must be a Tensor, got null');
    expect(() => expectTensor('f', 3)).toThrow('f: input must be a Tensor, got number');
  });
});
