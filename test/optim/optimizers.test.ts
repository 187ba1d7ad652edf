/** SGD, Adam and AdamW: hand-derived steps, groups, options and error cases. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../../src/errors.js';
import { Module } from '../../src/nn/module.js';
import {
  Adam,
  AdamW,
  type ParamGroupInput,
  SGD,
  type SGDHyper,
  type SGDOptions,
} from '../../src/optim/index.js';
import { expectArraysEqual, expectClose, floats, param, setGrad } from './helpers.js';

describe('SGD', () => {
  it('plain step: w ← w − lr·g', () => {
    const p = param([1, -2, 0.5], [3]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [0.5, 1, -4]);
    opt.step();
    expectClose(p.data, [0.95, -2.1, 0.9], 1e-15);
  });

  it('momentum, two steps by hand: buf = g₁, then μ·buf + g₂', () => {
    const p = param([1, -2], [2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [0.5, 1]);
    opt.step();
    // buf₁ = g₁ (no dampening on the first step); w₁ = w₀ − 0.1·g₁
    expectClose(p.data, [0.95, -2.1], 1e-15);
    setGrad(p, [-1, 0.25]);
    opt.step();
    // buf₂ = 0.9·[0.5, 1] + [−1, 0.25] = [−0.55, 1.15]; w₂ = w₁ − 0.1·buf₂
    expectClose(p.data, [1.005, -2.215], 1e-15);
  });

  it('dampening applies from the second step on; weight decay adds λ·w first', () => {
    const p = param([2], [1]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.5, dampening: 0.25, weightDecay: 0.1 });
    setGrad(p, [1]);
    opt.step();
    // d = 1 + 0.1·2 = 1.2; buf = 1.2; w = 2 − 0.6 = 1.4
    expectClose(p.data, [1.4], 1e-15);
    setGrad(p, [1]);
    opt.step();
    // d = 1 + 0.14 = 1.14; buf = 0.5·1.2 + 0.75·1.14 = 1.455; w = 1.4 − 0.7275 = 0.6725
    expectClose(p.data, [0.6725], 1e-15);
  });

  it('Nesterov uses g + μ·buf', () => {
    const p = param([0], [1]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5, nesterov: true });
    setGrad(p, [1]);
    opt.step(); // buf = 1; step 1 + 0.5 = 1.5
    expectClose(p.data, [-1.5], 1e-15);
    setGrad(p, [2]);
    opt.step(); // buf = 0.5 + 2 = 2.5; step 2 + 1.25 = 3.25
    expectClose(p.data, [-4.75], 1e-15);
  });

  it('maximize ascends', () => {
    const p = param([1], [1]);
    const opt = new SGD([p], { lr: 0.1, maximize: true });
    setGrad(p, [2]);
    opt.step();
    expectClose(p.data, [1.2], 1e-15);
  });

  it('float32 parameters stay float32 and round like float math', () => {
    const p = param([1, 2], [2], 'float32');
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [0.3, -0.7]);
    opt.step();
    expect(p.data).toBeInstanceOf(Float32Array);
    const f = Math.fround;
    // w − lr·g with one float32 rounding (a fused multiply-add, as torch's add(alpha=…)).
    expect(p.data[0]).toBe(f(1 - f(0.1) * f(0.3)));
    expect(p.data[1]).toBe(f(2 + f(0.1) * f(0.7)));
  });

  it('lr is required; Nesterov needs momentum and no dampening; values are validated', () => {
    const p = param([1], [1]);
    expect(() => new SGD([p], {} as SGDOptions)).toThrow(ValueError);
    expect(() => new SGD([p], {} as SGDOptions)).toThrow(/lr.*required/);
    // As in PyTorch, lr may instead come from every group.
    expect(() => new SGD([{ params: [p], lr: 0.1 }], {} as SGDOptions)).not.toThrow();
    expect(() => new SGD([p], { lr: -0.1 })).toThrow(/lr must be a finite number ≥ 0/);
    expect(() => new SGD([p], { lr: Number.NaN })).toThrow(ValueError);
    expect(() => new SGD([p], { lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => new SGD([p], { lr: 0.1, weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      /Nesterov/,
    );
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true })).not.toThrow();
  });
});

describe('Adam', () => {
  it('the first step moves every parameter by ≈ lr·sign(g)', () => {
    const rnd = floats(7);
    const n = 50;
    const w0 = Array.from({ length: n }, () => rnd());
    const g = Array.from({ length: n }, () => rnd() * 10 ** Math.round(rnd() * 3));
    const p = param(w0, [n]);
    const opt = new Adam([p], { lr: 0.01 });
    setGrad(p, g);
    opt.step();
    for (let i = 0; i < n; i++) {
      // m̂ = g, v̂ = g²: the step is lr·g/(|g| + eps).
      const expected = w0[i] - 0.01 * Math.sign(g[i]);
      expect(Math.abs(p.data[i] - expected)).toBeLessThan(0.01 * (1e-8 / Math.abs(g[i])) + 1e-15);
    }
  });

  it('two steps by hand (bias correction, eps)', () => {
    const p = param([1], [1]);
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.75], eps: 0.01 });
    setGrad(p, [2]);
    opt.step();
    // m = 1, v = 1; m̂ = 2, v̂ = 4; w = 1 − 0.1·2/(2 + 0.01)
    expectClose(p.data, [1 - 0.2 / 2.01], 1e-15);
    const w1 = p.data[0];
    setGrad(p, [-1]);
    opt.step();
    // m = 0.5 − 0.5 = 0; v = 0.75 + 0.25 = 1; update 0
    expectClose(p.data, [w1], 1e-15);
    setGrad(p, [0]);
    opt.step();
    // m = 0; v = 0.75; still no move
    expectClose(p.data, [w1], 1e-15);
  });

  it('amsgrad uses the running maximum of v', () => {
    const p = param([0], [1]);
    const q = param([0], [1]);
    const a = new Adam([p], { lr: 0.1, amsgrad: true, betas: [0, 0.5] });
    const b = new Adam([q], { lr: 0.1, betas: [0, 0.5] });
    setGrad(p, [10]);
    setGrad(q, [10]);
    a.step();
    b.step();
    expectArraysEqual(p.data, q.data); // v = vmax = 50
    const w1 = p.data[0];
    setGrad(p, [0.1]);
    setGrad(q, [0.1]);
    a.step();
    b.step();
    // β1 = 0: m = g = 0.1. v = 0.5·50 + 0.5·0.01 = 25.005 but vmax stays 50; 1 − β2² = 0.75.
    expectClose(p.data, [w1 - (0.1 * 0.1) / (Math.sqrt(50) / Math.sqrt(0.75) + 1e-8)], 1e-14);
    expectClose(q.data, [w1 - (0.1 * 0.1) / (Math.sqrt(25.005) / Math.sqrt(0.75) + 1e-8)], 1e-14);
  });

  it('weightDecay is L2 (g + λw); AdamW decays the weights directly', () => {
    const a = param([2], [1]);
    const b = param([2], [1]);
    const adam = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
    const adamw = new AdamW([b], { lr: 0.1, weightDecay: 0.5 });
    setGrad(a, [0]);
    setGrad(b, [0]);
    adam.step();
    adamw.step();
    // Adam: g = 0 + 0.5·2 = 1 → a full Adam step of lr·sign = 0.1.
    expectClose(a.data, [1.9], 1e-9);
    // AdamW: w·(1 − 0.1·0.5) = 1.9, and the Adam part of a zero gradient is 0.
    expect(b.data[0]).toBe(2 * (1 - 0.1 * 0.5));
  });

  it('AdamW defaults to weightDecay 0.01, Adam to 0', () => {
    const p = param([1], [1]);
    expect(new AdamW([p]).paramGroups[0].weightDecay).toBe(0.01);
    expect(new Adam([p]).paramGroups[0].weightDecay).toBe(0);
    const g = new Adam([p]).paramGroups[0];
    expect([g.lr, g.betas, g.eps, g.amsgrad, g.maximize]).toEqual([1e-3, [0.9, 0.999], 1e-8, false, false]);
  });

  it('maximize equals minimising with the negated gradient', () => {
    const rnd = floats(3);
    const w = Array.from({ length: 6 }, () => rnd());
    const p = param(w, [2, 3]);
    const q = param(w, [2, 3]);
    const a = new Adam([p], { lr: 0.01, maximize: true, weightDecay: 0.1 });
    const b = new Adam([q], { lr: 0.01, weightDecay: 0.1 });
    for (let k = 0; k < 4; k++) {
      const g = Array.from({ length: 6 }, () => rnd());
      setGrad(p, g);
      setGrad(
        q,
        g.map((x) => -x),
      );
      a.step();
      b.step();
    }
    // Not bit-identical in general (λw is added after negation), but very close.
    expectClose(p.data, q.data, 1e-12);
  });

  it('betas, eps, weightDecay and flags are validated', () => {
    const p = param([1], [1]);
    expect(() => new Adam([p], { lr: -1e-3 })).toThrow(/lr must be/);
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow(/betas\[0\] must be in \[0, 1\)/);
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    expect(() => new Adam([p], { betas: [-0.1, 0.9] })).toThrow(/betas\[0\]/);
    expect(() => new Adam([p], { betas: [Number.NaN, 0.9] })).toThrow(ValueError);
    expect(() => new Adam([p], { betas: [0.9] as unknown as [number, number] })).toThrow(/pair/);
    expect(() => new AdamW([p], { eps: -1e-8 })).toThrow(/eps must be/);
    expect(() => new AdamW([p], { weightDecay: -0.01 })).toThrow(/weightDecay/);
    expect(() => new Adam([p], { amsgrad: 1 as unknown as boolean })).toThrow(/amsgrad must be a boolean/);
    expect(() => new Adam([p], { betas: [0, 0], eps: 0 })).not.toThrow();
  });
});

describe('all optimisers', () => {
  it('skip parameters whose .grad is null (their state does not advance)', () => {
    const a = param([1, 2], [2]);
    const b = param([3], [1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1, 1]);
    opt.step();
    expectArraysEqual(b.data, [3]);
    setGrad(b, [1]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state[0]?.step).toBe(2);
    expect(sd.state[1]?.step).toBe(1);
    // b's first step is a first Adam step: lr·sign(g).
    expectClose(b.data, [2.9], 1e-9);
  });

  it('zeroGrad sets .grad to null, or zeroes it in place', () => {
    const p = param([1, 2], [2]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [1, 1]);
    const g = p.grad as Tensor;
    opt.zeroGrad(false);
    expect(p.grad).toBe(g);
    expectArraysEqual(g.data, [0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('update in place and allocate state once (buffers are reused across steps)', () => {
    const p = param([1, 2, 3], [3]);
    const data = p.data;
    const opt = new Adam([p], { amsgrad: true });
    setGrad(p, [1, -1, 0.5]);
    opt.step();
    const state = (opt as unknown as { state: Map<Tensor, Record<string, unknown>> }).state.get(p)!;
    const buffers = [state.expAvg, state.expAvgSq, state.maxExpAvgSq];
    for (let k = 0; k < 3; k++) opt.step();
    expect(p.data).toBe(data);
    expect([state.expAvg, state.expAvgSq, state.maxExpAvgSq]).toEqual(buffers);
    expect(state.expAvg).toBe(buffers[0]);
    expect(state.expAvgSq).toBe(buffers[1]);
    expect(state.maxExpAvgSq).toBe(buffers[2]);
    expect(state.step).toBe(4);
  });

  it('parameter groups override the defaults; paramGroups[i].lr is live', () => {
    const a = param([1], [1]);
    const b = param([1], [1]);
    const opt = new SGD([{ params: [a] }, { params: b, lr: 1, momentum: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0],
      [1, 0.5],
    ]);
    expect(opt.paramGroups[1].params).toEqual([b]);
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.step();
    expectClose(a.data, [0.9], 1e-15);
    expectClose(b.data, [0], 1e-15);
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    expectClose(a.data, [0.4], 1e-15);
    opt.addParamGroup({ params: [param([0], [1])], lr: 2 });
    expect(opt.paramGroups).toHaveLength(3);
    expect(opt.paramGroups[2].momentum).toBe(0);
  });

  it('accept a Module (its parameters, shared ones once)', () => {
    class Net extends Module {
      w = this.registerParameter('w', param([1, 2, 3, 4], [2, 2]));
      b = this.registerParameter('b', param([0, 0], [2]));
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const net = new Net();
    const opt = new AdamW(net, { lr: 0.1 });
    expect(opt.paramGroups[0].params).toEqual([net.w, net.b]);
  });

  it('reject bad parameter lists and groups', () => {
    const p = param([1], [1]);
    expect(() => new Adam([])).toThrow(/empty parameter list/);
    expect(() => new Adam([p, { params: [p] }] as never)).toThrow(/not a mix/);
    expect(() => new Adam([{ params: [p] }, { params: [p] }])).toThrow(/more than once/);
    expect(() => new Adam([p, p])).toThrow(/more than once/);
    expect(() => new Adam([{ params: [1 as unknown as Tensor] }])).toThrow(/params\[0\] must be a Tensor/);
    expect(() => new Adam([{ lr: 0.1 } as unknown as ParamGroupInput<SGDHyper>] as never)).toThrow(
      /params must be/,
    );
    expect(() => new Adam([null as unknown as Tensor])).toThrow(ValueError);
    expect(() => new Adam(p as unknown as Tensor[])).toThrow(/params must be/);
    expect(() => new Adam([p.mul(2)])).toThrow(/not a leaf/);
    // Unknown keys (e.g. PyTorch's snake_case) are errors, not silently ignored.
    expect(() => new Adam([p], { weight_decay: 0.1 } as never)).toThrow(/unknown option 'weight_decay'/);
    expect(() => new SGD([{ params: [p], moment: 0.9 } as never], { lr: 0.1 })).toThrow(
      /unknown option 'moment'/,
    );
    expect(() => new SGD([{ params: [p], lr: -1 }], { lr: 0.1 })).toThrow(/parameter group 0: lr/);
  });

  it('check the gradient against the parameter', () => {
    const p = param([1, 2], [2]);
    const opt = new Adam([p]);
    p.grad = new Tensor(new Float32Array(2), [2]);
    expect(() => opt.step()).toThrow(DTypeError);
    p.grad = new Tensor(new Float64Array(3), [3]);
    expect(() => opt.step()).toThrow(ShapeError);
  });

  it('apply NaN/Infinity gradients as PyTorch does (no silent skipping)', () => {
    const p = param([1, 1], [2]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [Number.NaN, Number.POSITIVE_INFINITY]);
    opt.step();
    expect(p.data[0]).toBeNaN();
    expect(p.data[1]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('lr = 0 leaves SGD parameters unchanged but still fills the momentum buffer', () => {
    const p = param([1, 2], [2]);
    const opt = new SGD([p], { lr: 0, momentum: 0.9 });
    setGrad(p, [1, 2]);
    opt.step();
    expectArraysEqual(p.data, [1, 2]);
    expect(opt.stateDict().state[0]).toEqual({ momentumBuffer: [1, 2] });
  });
});
