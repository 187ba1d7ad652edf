/** LR schedulers against PyTorch's closed forms. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  LinearWarmup,
  type LRScheduler,
  MultiStepLR,
  SequentialLR,
  SGD,
  StepLR,
} from '../../src/optim/index.js';
import { param, setGrad } from './helpers.js';

function twoGroups(lrA = 0.1, lrB = 0.02): SGD {
  return new SGD([{ params: [param([1], [1])] }, { params: [param([1], [1])], lr: lrB }], { lr: lrA });
}

/** The lrs for epochs 0..n−1: construction sets epoch 0, each step() the next. */
function trace(s: LRScheduler, n: number): number[][] {
  const out = [s.getLastLr()];
  for (let e = 1; e < n; e++) {
    s.step();
    out.push(s.getLastLr());
  }
  return out;
}

function expectTrace(got: number[][], expected: (e: number, base: number) => number, bases: number[]): void {
  got.forEach((lrs, e) => {
    lrs.forEach((lr, g) => {
      const want = expected(e, bases[g]);
      if (!(Math.abs(lr - want) <= 1e-15 * Math.max(1, Math.abs(want)))) {
        throw new Error(`epoch ${e} group ${g}: lr ${lr}, expected ${want}`);
      }
    });
  });
}

describe('schedulers', () => {
  it('StepLR: base·γ^⌊e/stepSize⌋, written into the optimiser groups', () => {
    const opt = twoGroups();
    const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    const t = trace(s, 10);
    expectTrace(t, (e, b) => b * 0.5 ** Math.floor(e / 3), [0.1, 0.02]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(t[9]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.02]);
    expect(s.lastEpoch).toBe(9);
    expect(new StepLR(twoGroups(), { stepSize: 1 }).gamma).toBe(0.1);
  });

  it('MultiStepLR and ExponentialLR', () => {
    expectTrace(
      trace(new MultiStepLR(twoGroups(), { milestones: [5, 2], gamma: 0.1 }), 8),
      (e, b) => b * 0.1 ** ((e >= 2 ? 1 : 0) + (e >= 5 ? 1 : 0)),
      [0.1, 0.02],
    );
    expectTrace(
      trace(new ExponentialLR(twoGroups(), { gamma: 0.9 }), 8),
      (e, b) => b * 0.9 ** e,
      [0.1, 0.02],
    );
  });

  it('CosineAnnealingLR: ηmin + (base − ηmin)(1 + cos(πe/T))/2', () => {
    const s = new CosineAnnealingLR(twoGroups(), { tMax: 10, etaMin: 0.001 });
    const t = trace(s, 11);
    expectTrace(t, (e, b) => 0.001 + ((b - 0.001) * (1 + Math.cos((Math.PI * e) / 10))) / 2, [0.1, 0.02]);
    expect(t[0]).toEqual([0.1, 0.02]);
    expect(t[5][0]).toBeCloseTo((0.1 + 0.001) / 2, 15);
    expect(t[10][0]).toBeCloseTo(0.001, 15);
  });

  it('LinearLR (PyTorch defaults 1/3 → 1 over 5) and LinearWarmup', () => {
    expectTrace(
      trace(new LinearLR(twoGroups()), 8),
      (e, b) => b * (1 / 3 + ((1 - 1 / 3) * Math.min(e, 5)) / 5),
      [0.1, 0.02],
    );
    const w = trace(new LinearWarmup(twoGroups(), { warmupSteps: 4 }), 7);
    expectTrace(w, (e, b) => (b * Math.min(e, 4)) / 4, [0.1, 0.02]);
    expect(w[0]).toEqual([0, 0]);
    expect(w[4]).toEqual([0.1, 0.02]);
    expectTrace(
      trace(new LinearWarmup(twoGroups(), { warmupSteps: 4, startFactor: 0.2 }), 6),
      (e, b) => b * (0.2 + (0.8 * Math.min(e, 4)) / 4),
      [0.1, 0.02],
    );
  });

  it('LambdaLR, with one function or one per group', () => {
    expectTrace(
      trace(new LambdaLR(twoGroups(), { lrLambda: (e) => 1 / (1 + e) }), 5),
      (e, b) => b / (1 + e),
      [0.1, 0.02],
    );
    const t = trace(new LambdaLR(twoGroups(), { lrLambda: [(e) => e, () => 2] }), 3);
    expect(t).toEqual([
      [0, 0.04],
      [0.1, 0.04],
      [0.2, 0.04],
    ]);
  });

  it('SequentialLR: warm-up, then cosine from its own epoch 0', () => {
    const opt = twoGroups();
    const warm = new LinearWarmup(opt, { warmupSteps: 5, startFactor: 0.1 });
    const cos = new CosineAnnealingLR(opt, { tMax: 10 });
    const s = new SequentialLR(opt, { schedulers: [warm, cos], milestones: [5] });
    const t = trace(s, 16);
    expectTrace(
      t,
      (e, b) => (e < 5 ? b * (0.1 + (0.9 * e) / 5) : (b * (1 + Math.cos((Math.PI * (e - 5)) / 10))) / 2),
      [0.1, 0.02],
    );
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(t[15]);
    expect(cos.lastEpoch).toBe(10);
    expect(s.lastEpoch).toBe(15);
  });

  it('drive the lr that the optimiser uses', () => {
    const p = param([0], [1]);
    const opt = new SGD([p], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    for (let k = 0; k < 3; k++) {
      setGrad(p, [1]);
      opt.step();
      s.step();
    }
    expect(p.data[0]).toBe(-(1 + 0.5 + 0.25));
  });

  it('save and restore their state; the base lr survives through the optimiser state dict', () => {
    const opt = new Adam([param([1], [1])], { lr: 0.01 });
    const s = new CosineAnnealingLR(opt, { tMax: 20 });
    for (let k = 0; k < 7; k++) s.step();
    const sd = JSON.parse(JSON.stringify(s.stateDict()));
    const osd = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(osd.paramGroups[0].initialLr).toBe(0.01);
    const opt2 = new Adam([param([1], [1])], { lr: 0.01 });
    opt2.loadStateDict(osd);
    const s2 = new CosineAnnealingLR(opt2, { tMax: 20 });
    s2.loadStateDict(sd);
    expect(s2.getLastLr()).toEqual(s.getLastLr());
    s.step();
    s2.step();
    expect(opt2.paramGroups[0].lr).toBe(opt.paramGroups[0].lr);
    expect(() => s2.loadStateDict({ lastEpoch: 1.5, baseLrs: [0.1] })).toThrow(ValueError);
    expect(() => s2.loadStateDict({ lastEpoch: 1, baseLrs: [0.1, 0.2] })).toThrow(ValueError);
  });

  it('validate their options', () => {
    const opt = twoGroups();
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => new StepLR(opt, { stepSize: 2, gamma: -1 })).toThrow(/gamma/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 0 })).toThrow(/tMax/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 })).toThrow(/etaMin/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/startFactor/);
    expect(() => new LinearLR(opt, { endFactor: 1.5 })).toThrow(/endFactor/);
    expect(() => new LinearWarmup(opt, { warmupSteps: 0 })).toThrow(/warmupSteps/);
    expect(() => new LinearWarmup(opt, { warmupSteps: 3, startFactor: 2 })).toThrow(/startFactor/);
    expect(() => new LambdaLR(opt, { lrLambda: [() => 1] })).toThrow(/one per group/);
    expect(() => new MultiStepLR(opt, { milestones: [1.5] })).toThrow(/milestones/);
    const a = new StepLR(opt, { stepSize: 2 });
    const b = new StepLR(opt, { stepSize: 3 });
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow(/milestones/);
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [0] })).toThrow(/milestones/);
    const other = new StepLR(twoGroups(), { stepSize: 2 });
    expect(() => new SequentialLR(opt, { schedulers: [a, other], milestones: [3] })).toThrow(
      /same optimizer/,
    );
    expect(() => new StepLR({} as never, { stepSize: 2 })).toThrow(/paramGroups/);
  });
});
