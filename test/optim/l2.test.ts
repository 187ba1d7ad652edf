/** l2Penalty: value, gradient, gradcheck, and equivalence with Adam/SGD weight decay. */
import { describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { DTypeError, ValueError } from '../../src/errors.js';
import { Module } from '../../src/nn/module.js';
import { Adam, AdamW, l2Penalty, SGD } from '../../src/optim/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { expectArraysEqual, expectClose, floats, param } from './helpers.js';

describe('l2Penalty', () => {
  it('is λ·½·Σw², a scalar of the parameters dtype', () => {
    const a = param([1, -2, 3], [3]);
    const b = param([0.5, 4], [2, 1]);
    const l = l2Penalty([a, b], 0.1);
    expect(l.shape).toEqual([]);
    expect(l.dtype).toBe('float64');
    expect(l.item()).toBeCloseTo(0.1 * 0.5 * (1 + 4 + 9 + 0.25 + 16), 15);
    const f = l2Penalty([param([1, 2], [2], 'float32')], 0.5);
    expect(f.dtype).toBe('float32');
    expect(f.item()).toBe(1.25);
  });

  it('has gradient λ·w (one op in the graph)', () => {
    const a = param([1, -2, 3], [3]);
    const b = param([0.5, 4], [2, 1]);
    const l = l2Penalty([a, b], 0.1);
    expect(l.isLeaf).toBe(false);
    l.backward();
    expectArraysEqual(a.grad!.data, [0.1 * 1, 0.1 * -2, 0.1 * 3]);
    expectArraysEqual(b.grad!.data, [0.1 * 0.5, 0.1 * 4]);
  });

  it('passes gradcheck in float64, also scaled by an upstream gradient', () => {
    const rnd = floats(11);
    const a = param(
      Array.from({ length: 6 }, () => rnd()),
      [2, 3],
    );
    const b = param([rnd(), rnd()], [2]);
    assertGradcheck((x, y) => l2Penalty([x, y], 0.37), [a, b]);
    assertGradcheck((x, y) => l2Penalty([x, y], 1.5).mul(x.sum()), [a, b]);
  });

  it('counts a repeated or shared parameter once; accepts a Module', () => {
    const a = param([3], [1]);
    expect(l2Penalty([a, a], 2).item()).toBe(9);
    class Net extends Module {
      w = this.registerParameter('w', param([1, 2, 2, 1], [2, 2]));
      b = this.registerParameter('b', param([1], [1]));
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(l2Penalty(new Net(), 1).item()).toBe(0.5 * 11);
  });

  it('skips parameters that do not require grad and records nothing under noGrad', () => {
    const a = param([1, 2], [2]);
    const frozen = new Tensor(Float64Array.from([5]), [1]);
    const l = l2Penalty([a, frozen], 1);
    expect(l.item()).toBe(0.5 * 30);
    l.backward();
    expect(frozen.grad).toBeNull();
    const n = noGrad(() => l2Penalty([a], 1));
    expect(n.requiresGrad).toBe(false);
    expect(l2Penalty([], 1).item()).toBe(0);
  });

  it('validates λ and dtypes', () => {
    const a = param([1], [1]);
    expect(() => l2Penalty([a], -0.1)).toThrow(ValueError);
    expect(() => l2Penalty([a], Number.NaN)).toThrow(/lambda must be a finite number ≥ 0/);
    expect(() => l2Penalty([a], Number.POSITIVE_INFINITY)).toThrow(ValueError);
    expect(() => l2Penalty([a, param([1], [1], 'float32')], 1)).toThrow(DTypeError);
    expect(() => l2Penalty([1 as unknown as Tensor], 1)).toThrow(/must be a Tensor/);
    expect(l2Penalty([a], 0).item()).toBe(0);
  });
});

/** A small regression problem: mean((X·W + b − Y)²). */
function problem() {
  const rnd = floats(2024);
  const X = new Tensor(
    Float64Array.from({ length: 8 * 3 }, () => rnd()),
    [8, 3],
  );
  const Y = new Tensor(
    Float64Array.from({ length: 8 * 2 }, () => rnd()),
    [8, 2],
  );
  const W0 = Array.from({ length: 6 }, () => rnd());
  const b0 = [rnd(), rnd()];
  const loss = (W: Tensor, b: Tensor) => X.matmul(W).add(b).sub(Y).square().mean();
  return { W0, b0, loss };
}

describe('l2Penalty ≡ weight_decay', () => {
  const lambda = 0.05;
  const steps = 30;

  function train(make: (ps: Tensor[]) => Adam | AdamW | SGD, withPenalty: boolean): number[] {
    const { W0, b0, loss } = problem();
    const W = param(W0, [3, 2]);
    const b = param(b0, [2]);
    const opt = make([W, b]);
    for (let k = 0; k < steps; k++) {
      opt.zeroGrad();
      let l = loss(W, b);
      if (withPenalty) l = l.add(l2Penalty([W, b], lambda));
      l.backward();
      opt.step();
    }
    return [...W.data, ...b.data];
  }

  it('loss + l2Penalty(λ) under Adam(weightDecay 0) = loss under Adam(weightDecay λ), to ~1e-12', () => {
    const viaPenalty = train((ps) => new Adam(ps, { lr: 0.01 }), true);
    const viaDecay = train((ps) => new Adam(ps, { lr: 0.01, weightDecay: lambda }), false);
    expectClose(viaPenalty, viaDecay, 1e-12, 1e-15);
    // and the decay matters: without it the result is different
    const none = train((ps) => new Adam(ps, { lr: 0.01 }), false);
    expect(Math.max(...none.map((v, i) => Math.abs(v - viaDecay[i])))).toBeGreaterThan(1e-4);
  });

  it('the same for SGD with momentum', () => {
    const viaPenalty = train((ps) => new SGD(ps, { lr: 0.05, momentum: 0.9 }), true);
    const viaDecay = train((ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: lambda }), false);
    expectClose(viaPenalty, viaDecay, 1e-12, 1e-15);
  });

  it('AdamW (decoupled decay) is a different method', () => {
    const viaPenalty = train((ps) => new Adam(ps, { lr: 0.01 }), true);
    const adamw = train((ps) => new AdamW(ps, { lr: 0.01, weightDecay: lambda }), false);
    expect(Math.max(...adamw.map((v, i) => Math.abs(v - viaPenalty[i])))).toBeGreaterThan(1e-6);
  });
});
