/** clipGradNorm and clipGradValue against hand computations. */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';
import { expectArraysEqual, param, setGrad } from './helpers.js';

function withGrads(...gs: number[][]): Tensor[] {
  return gs.map((g) => {
    const p = param(
      g.map(() => 0),
      [g.length],
    );
    setGrad(p, g);
    return p;
  });
}

describe('clipGradNorm', () => {
  it('returns the total 2-norm and scales by maxNorm / (total + 1e-6)', () => {
    const [a, b] = withGrads([3, 4], [12]); // √(9 + 16 + 144) = 13
    const total = clipGradNorm([a, b], 6.5);
    expect(total).toBe(13);
    const coef = 6.5 / (13 + 1e-6);
    expectArraysEqual(a.grad!.data, [3 * coef, 4 * coef]);
    expectArraysEqual(b.grad!.data, [12 * coef]);
    // The clipped norm is maxNorm, up to the 1e-6.
    expect(Math.hypot(...a.grad!.data, ...b.grad!.data)).toBeCloseTo(6.5, 6);
  });

  it('leaves gradients alone when the norm is below maxNorm', () => {
    const [a] = withGrads([3, 4]);
    const g = a.grad!;
    expect(clipGradNorm(a, 10)).toBe(5);
    expect(a.grad).toBe(g);
    expectArraysEqual(g.data, [3, 4]);
  });

  it('supports the ∞-, 1- and p-norms', () => {
    let [a, b] = withGrads([1, -7], [2]);
    expect(clipGradNorm([a, b], 100, { normType: Number.POSITIVE_INFINITY })).toBe(7);
    [a, b] = withGrads([1, -7], [2]);
    expect(clipGradNorm([a, b], 100, { normType: 1 })).toBe(10);
    [a, b] = withGrads([1, -2], [2]);
    expect(clipGradNorm([a, b], 100, { normType: 3 })).toBeCloseTo(17 ** (1 / 3), 14);
    [a, b] = withGrads([1, -7], [2]);
    clipGradNorm([a, b], 3.5, { normType: Number.POSITIVE_INFINITY });
    const coef = 3.5 / (7 + 1e-6);
    expectArraysEqual(a.grad!.data, [coef, -7 * coef]);
  });

  it('ignores parameters without gradients (0 when there are none)', () => {
    const [a] = withGrads([3, 4]);
    const none = param([1, 2], [2]);
    expect(clipGradNorm([none, a], 1)).toBe(5);
    expect(none.grad).toBeNull();
    expect(clipGradNorm([none], 1)).toBe(0);
  });

  it('non-finite totals: an error with errorIfNonfinite, NaN gradients otherwise (as PyTorch)', () => {
    let [a] = withGrads([Number.NaN, 1]);
    expect(() => clipGradNorm(a, 1, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(a.grad!.data[1]).toBe(1);
    [a] = withGrads([Number.POSITIVE_INFINITY, 1]);
    expect(clipGradNorm(a, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(a.grad!.data[0]).toBeNaN(); // ∞·0
    expect(a.grad!.data[1]).toBe(0);
  });

  it('validates its arguments', () => {
    const [a] = withGrads([1]);
    expect(() => clipGradNorm(a, -1)).toThrow(/maxNorm/);
    expect(() => clipGradNorm(a, Number.NaN)).toThrow(ValueError);
    expect(() => clipGradNorm(a, 1, { normType: 0 })).toThrow(/normType/);
    expect(() => clipGradNorm([3 as unknown as Tensor], 1)).toThrow(/must be a Tensor/);
  });
});

describe('clipGradValue', () => {
  it('clamps every element to [−v, v], keeping NaN', () => {
    const [a, b] = withGrads([-3, 0.5, 2], [Number.NaN, -0.25]);
    clipGradValue([a, b], 1);
    expectArraysEqual(a.grad!.data, [-1, 0.5, 1]);
    expect(b.grad!.data[0]).toBeNaN();
    expect(b.grad!.data[1]).toBe(-0.25);
    expect(() => clipGradValue(a, -1)).toThrow(ValueError);
  });
});
