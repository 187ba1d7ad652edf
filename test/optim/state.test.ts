/** stateDict / loadStateDict: JSON round trips, bit-identical resumption, validation. */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/autograd/tensor.js';
import {
  Adam,
  AdamW,
  type Optimizer,
  type OptimizerStateDict,
  OptimizerStateError,
  SGD,
} from '../../src/optim/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { expectArraysEqual, floats, param, setGrad } from './helpers.js';

type Make = (ps: Tensor[]) => Optimizer<{ lr: number }, unknown>;

const makers: [string, Make][] = [
  ['SGD momentum + weight decay', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: 0.01 })],
  [
    'SGD Nesterov (two groups)',
    (ps) =>
      new SGD([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.01 }], {
        lr: 0.05,
        momentum: 0.8,
        nesterov: true,
        weightDecay: 0.02,
      }),
  ],
  ['Adam amsgrad + weight decay', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  [
    'AdamW amsgrad (two groups)',
    (ps) =>
      new AdamW([{ params: [ps[0]], weightDecay: 0 }, { params: [ps[1]] }], { amsgrad: true, lr: 0.02 }),
  ],
];

/** Gradients for step k; param 1 has none on step 2 and step 7 (skipped, state not advanced). */
function gradsAt(k: number): (number[] | null)[] {
  const rnd = floats(100 + k);
  const g0 = Array.from({ length: 6 }, () => rnd() * (k === 3 ? 1e3 : 1));
  const g1 = k === 2 || k === 7 ? null : [rnd(), rnd()];
  return [g0, g1];
}

function fresh(dtype: DType): Tensor[] {
  const rnd = floats(1);
  return [
    param(
      Array.from({ length: 6 }, () => rnd()),
      [3, 2],
      dtype,
    ),
    param([rnd(), rnd()], [2], dtype),
  ];
}

function runSteps(opt: Optimizer<{ lr: number }, unknown>, ps: Tensor[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const gs = gradsAt(k);
    ps.forEach((p, i) => {
      const g = gs[i];
      if (g === null) p.grad = null;
      else setGrad(p, g);
    });
    opt.step();
  }
}

describe('resuming from a state dict', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, make] of makers) {
      it(`${name}, ${dtype}: 5 steps + save/load + 5 steps = 10 steps, bit for bit`, () => {
        const ref = fresh(dtype);
        const refOpt = make(ref);
        runSteps(refOpt, ref, 0, 10);

        const ps = fresh(dtype);
        const opt = make(ps);
        runSteps(opt, ps, 0, 5);
        const saved = JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict;
        // A new process: new parameters with the saved values, a new optimiser, then load.
        const ps2 = ps.map((p) => param(Array.from(p.data), p.shape, dtype));
        const opt2 = make(ps2);
        opt2.loadStateDict(saved);
        expect(opt2.stateDict()).toEqual(saved);
        runSteps(opt2, ps2, 5, 10);

        ps2.forEach((p, i) => {
          expect(p.data).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
          expectArraysEqual(p.data, ref[i].data, `param ${i}`);
        });
        // And the resumed state is the uninterrupted one.
        expect(opt2.stateDict()).toEqual(refOpt.stateDict());
      });
    }
  }

  it('restores the hyper-parameters (a changed lr) and step counts', () => {
    const ps = fresh('float64');
    const opt = new Adam(ps, { lr: 0.01 });
    runSteps(opt, ps, 0, 3);
    opt.paramGroups[0].lr = 0.005;
    const sd = opt.stateDict();
    expect(sd.paramGroups[0]).toEqual({
      params: [0, 1],
      lr: 0.005,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
    });
    expect(sd.state.map((s) => s?.step)).toEqual([3, 2]);
    const opt2 = new Adam(fresh('float64'), { lr: 0.01 });
    opt2.loadStateDict(sd);
    expect(opt2.paramGroups[0].lr).toBe(0.005);
  });

  it('state dicts are copies and plain JSON', () => {
    const ps = fresh('float32');
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    runSteps(opt, ps, 0, 1);
    const sd = opt.stateDict();
    expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
    (sd.state[0]!.momentumBuffer as number[])[0] = 1234;
    sd.paramGroups[0].lr = 99;
    expect(opt.stateDict().state[0]!.momentumBuffer).not.toContain(1234);
    expect(opt.paramGroups[0].lr).toBe(0.1);
    // A parameter that has not stepped yet has null state.
    const q = param([1], [1]);
    const opt2 = new SGD([q], { lr: 0.1 });
    expect(opt2.stateDict().state).toEqual([null]);
  });
});

describe('loadStateDict validation', () => {
  function saved(): OptimizerStateDict {
    const ps = fresh('float64');
    const opt = new Adam(ps, { amsgrad: true });
    runSteps(opt, ps, 0, 2);
    return JSON.parse(JSON.stringify(opt.stateDict()));
  }
  const target = () => new Adam(fresh('float64'), { amsgrad: true });

  it('rejects a state dict of another optimiser or layout', () => {
    const sd = saved();
    expect(() => new AdamW(fresh('float64')).loadStateDict(sd)).toThrow(/for optimizer 'Adam', not 'AdamW'/);
    const ps = fresh('float64');
    expect(() => new Adam([{ params: [ps[0]] }, { params: [ps[1]] }]).loadStateDict(sd)).toThrow(
      /1 parameter groups, the optimizer has 2/,
    );
    expect(() => new Adam([ps[0]]).loadStateDict(sd)).toThrow(OptimizerStateError);
    expect(() => target().loadStateDict(null as never)).toThrow(OptimizerStateError);
  });

  it('names a buffer of the wrong size', () => {
    const sd = saved();
    (sd.state[1]!.expAvg as number[]).push(0);
    expect(() => target().loadStateDict(sd)).toThrow(OptimizerStateError);
    expect(() => target().loadStateDict(sd)).toThrow(
      /state\[1\]\.expAvg has 3 values, its parameter of shape \[2\] has 2/,
    );
  });

  it('rejects non-numbers (NaN does not survive JSON), bad steps, unknown keys and bad hyper-parameters', () => {
    let sd = saved();
    (sd.state[0]!.expAvgSq as (number | null)[])[2] = null;
    expect(() => target().loadStateDict(sd)).toThrow(/expAvgSq\[2\] is null/);
    sd = saved();
    sd.state[0]!.step = -1;
    expect(() => target().loadStateDict(sd)).toThrow(/step must be an integer/);
    sd = saved();
    sd.state[0]!.extra = 1;
    expect(() => target().loadStateDict(sd)).toThrow(/unknown key 'extra'/);
    sd = saved();
    sd.paramGroups[0].betas = [1.5, 0.9];
    expect(() => target().loadStateDict(sd)).toThrow(/betas\[0\]/);
    sd = saved();
    sd.paramGroups[0].foo = 1;
    expect(() => target().loadStateDict(sd)).toThrow(/unknown option 'foo'/);
  });

  it('changes nothing when loading fails', () => {
    const ps = fresh('float64');
    const opt = new Adam(ps, { amsgrad: true, lr: 0.02 });
    runSteps(opt, ps, 0, 2);
    const before = opt.stateDict();
    const bad = saved();
    bad.paramGroups[0].lr = 0.5;
    (bad.state[1]!.maxExpAvgSq as number[]).pop();
    expect(() => opt.loadStateDict(bad)).toThrow(/maxExpAvgSq/);
    expect(opt.stateDict()).toEqual(before);
  });
});
