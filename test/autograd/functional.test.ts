/** grad / valueAndGrad: gradients mirror the input structure; the caller's tensors are untouched. */
import { describe, expect, it } from 'vitest';
import { AutogradError, grad, type Tensor, tensor, valueAndGrad } from '../../src/index.js';
import { f64 } from '../support/grad.js';

const arr = (t: Tensor) => Array.from(t.data);

describe('grad', () => {
  it('of a single tensor returns a tensor: d/dx Σ x² = 2x', () => {
    const x = f64([1, -2, 3], [3]);
    const g = grad((p: Tensor) => p.square().sum())(x);
    expect(g.shape).toEqual([3]);
    expect(arr(g)).toEqual([2, -4, 6]);
  });

  it('of an array returns an array in the same order', () => {
    const a = f64([1, 2], [2]);
    const b = f64([3, 4], [2]);
    const g = grad(([p, q]: Tensor[]) => p.mul(q).sum())([a, b]);
    expect(Array.isArray(g)).toBe(true);
    expect(g.length).toBe(2);
    expect(arr(g[0])).toEqual([3, 4]);
    expect(arr(g[1])).toEqual([1, 2]);
  });

  it('of a nested record returns the same nested record', () => {
    const params = {
      layer: { w: f64([1, 2, 3, 4], [2, 2]), b: f64([0.5, -0.5], [2]) },
      scale: f64([2], []),
      extra: [f64([1], [1])],
    };
    type P = typeof params;
    const x = f64([1, 1], [1, 2]);
    // f = scale · Σ (x·W + b)
    const f = (p: P, input: Tensor) => input.matmul(p.layer.w).add(p.layer.b).sum().mul(p.scale);
    const g = grad(f)(params, x);
    expect(Object.keys(g).sort()).toEqual(['extra', 'layer', 'scale']);
    expect(Object.keys(g.layer).sort()).toEqual(['b', 'w']);
    // d/dW = scale · xᵀ·1 = 2 everywhere; d/db = scale = 2; d/dscale = Σ(xW + b) = (4 + 6) + 0 = 10.
    expect(arr(g.layer.w)).toEqual([2, 2, 2, 2]);
    expect(g.layer.w.shape).toEqual([2, 2]);
    expect(arr(g.layer.b)).toEqual([2, 2]);
    expect(arr(g.scale)).toEqual([10]);
    // A parameter the value does not depend on gets zeros of its shape.
    expect(Array.isArray(g.extra)).toBe(true);
    expect(arr(g.extra[0])).toEqual([0]);
  });

  it("does not touch the callers' tensors (.grad, requiresGrad, data)", () => {
    const w = f64([1, 2], [2], true);
    w.grad = f64([100, 100], [2]);
    const before = arr(w);
    const g = grad((p: Tensor) => p.exp().sum())(w);
    expect(arr(g)).toEqual([Math.exp(1), Math.exp(2)]);
    expect(arr(w.grad!)).toEqual([100, 100]);
    expect(arr(w)).toEqual(before);
    const plain = f64([3], [1]);
    grad((p: Tensor) => p.sum())(plain);
    expect(plain.requiresGrad).toBe(false);
    expect(plain.grad).toBeNull();
  });

  it('extra arguments are passed through and get no gradient', () => {
    const x = f64([2], [1]);
    const y = f64([5], [1], true);
    const g = grad((p: Tensor, q: Tensor, k: number) => p.mul(q).mul(k).sum())(x, y, 3);
    expect(arr(g)).toEqual([15]);
    // y requires grad, but it is not a parameter: its .grad stays as it was.
    expect(y.grad).toBeNull();
  });

  it('tensors closed over by the function keep their .grad (and retainGrad tensors get none)', () => {
    const w = f64([4], [1], true);
    w.grad = f64([1], [1]);
    const x = f64([2], [1]);
    let inner: Tensor | null = null;
    const g = grad((p: Tensor) => {
      inner = p.mul(w).retainGrad();
      return inner.sum();
    })(x);
    expect(arr(g)).toEqual([4]);
    expect(arr(w.grad!)).toEqual([1]);
    expect((inner as unknown as Tensor).grad).toBeNull();
  });

  it('repeated calls do not accumulate', () => {
    const x = f64([1, 2], [2]);
    const df = grad((p: Tensor) => p.pow(3).sum());
    expect(arr(df(x))).toEqual([3, 12]);
    expect(arr(df(x))).toEqual([3, 12]);
  });
});

describe('valueAndGrad', () => {
  it('returns the value (detached) and the gradients', () => {
    const x = f64([1, 2, 3], [3]);
    const { value, grads } = valueAndGrad((p: Tensor) => p.square().sum())(x);
    expect(value.item()).toBe(14);
    expect(value.requiresGrad).toBe(false);
    expect(arr(grads)).toEqual([2, 4, 6]);
  });

  it('a float32 record', () => {
    const p = { a: tensor([1, 2]), b: tensor([3]) };
    const { value, grads } = valueAndGrad((q: typeof p) => q.a.sum().mul(q.b.sum()))(p);
    expect(value.item()).toBe(9);
    expect(grads.a.dtype).toBe('float32');
    expect(arr(grads.a)).toEqual([3, 3]);
    expect(arr(grads.b)).toEqual([3]);
  });

  it('errors: non-scalar output, non-tensor output, bad tree', () => {
    expect(() => valueAndGrad((p: Tensor) => p.mul(2))(f64([1, 2], [2]))).toThrow(AutogradError);
    expect(() => valueAndGrad((p: Tensor) => p.mul(2))(f64([1, 2], [2]))).toThrow(
      /one-element tensor, got shape \[2\]/,
    );
    expect(() => valueAndGrad(() => 3 as unknown as Tensor)(f64([1], [1]))).toThrow(AutogradError);
    expect(() => grad((p: { a: Tensor }) => p.a.sum())({ a: 5 as unknown as Tensor })).toThrow(
      /params\.a is number/,
    );
  });
});
