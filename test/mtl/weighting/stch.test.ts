import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/errors.js';
import { STCH } from '../../../src/mtl/weighting/index.js';
import { lossesFell } from '../../support/fit-smoke.js';
import { info, scalars } from '../../support/weighting.js';

const step = (s: STCH, epoch: number, vals: number[], present?: boolean[]) => {
  const losses = scalars(vals);
  const total = s.combine(losses, { epoch, step: 0, present });
  total.backward();
  return { total: total.item(), grads: losses.map((l) => l.grad?.item() ?? 0) };
};

describe('STCH', () => {
  it('warm-up epochs train Σ log L_t (gradient 1/L_t); the warm-up epoch records the nadir', () => {
    const s = new STCH({ warmupEpochs: 1 });
    s.init(info(2));
    const r = step(s, 0, [2, 5]);
    expect(r.total).toBeCloseTo(Math.log(2) + Math.log(5), 12);
    expect(r.grads[0]).toBeCloseTo(0.5, 12);
    expect(r.grads[1]).toBeCloseTo(0.2, 12);
    step(s, 1, [1, 4]); // epoch == warmupEpochs: recorded
    step(s, 1, [3, 2]);
    expect(s.nadirVector()).toBeNull();
    step(s, 2, [4, 3]);
    // Epoch 0 is not recorded: the nadir is the mean of epoch 1 only.
    expect(s.nadirVector()).toEqual([2, 3]);
  });

  it('after the warm-up: T·μ·log Σ exp((l_t − max l)/μ), l_t = log(L_t/z_t), and its gradient, by hand', () => {
    for (const mu of [1, 0.5]) {
      const s = new STCH({ warmupEpochs: 0, mu });
      s.init(info(2));
      step(s, 0, [1, 4]);
      step(s, 0, [3, 2]); // nadir z = (2, 3)
      const r = step(s, 1, [4, 3]);
      // l = (log 2, 0), max = log 2; softmax(l/μ) = (2^{1/μ}, 1)/(2^{1/μ} + 1).
      const a = 2 ** (1 / mu);
      const p = [a / (a + 1), 1 / (a + 1)];
      expect(r.total).toBeCloseTo(2 * mu * Math.log(1 + 1 / a), 12);
      // ∂l_t/∂L_t = 1/L_t.
      expect(r.grads[0]).toBeCloseTo((2 * p[0]) / 4, 12);
      expect(r.grads[1]).toBeCloseTo((2 * p[1]) / 3, 12);
      s.lastWeights().forEach((w, t) => expect(w).toBeCloseTo(r.grads[t], 10));
    }
  });

  it('as μ → 0 the gradient goes to the worst normalised task only (the Tchebycheff max)', () => {
    const s = new STCH({ warmupEpochs: 0, mu: 0.01 });
    s.init(info(2));
    step(s, 0, [1, 1]);
    const r = step(s, 1, [2, 1.5]);
    expect(r.grads[0]).toBeCloseTo((2 * 1) / 2, 6);
    expect(Math.abs(r.grads[1])).toBeLessThan(1e-6);
  });

  it('an absent task is left out of the smooth max; its nadir is the mean of the batches that had it', () => {
    const s = new STCH({ warmupEpochs: 0 });
    s.init(info(2));
    step(s, 0, [1, 0], [true, false]);
    step(s, 0, [3, 6]);
    const r = step(s, 1, [4, 0], [true, false]);
    expect(s.nadirVector()).toEqual([2, 6]);
    // One task: T·μ·log exp(0) = 0, gradient 1·1/L.
    expect(r.total).toBeCloseTo(0, 12);
    expect(r.grads[0]).toBeCloseTo(0.25, 12);
    expect(r.grads[1]).toBe(0);
  });

  it('properties: L → cL (nadir epoch too) keeps the total and divides the weights by c; permuting tasks permutes them', () => {
    const losses = fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(
        losses.chain((L) =>
          fc.tuple(
            fc.constant(L),
            fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), {
              minLength: L.length,
              maxLength: L.length,
            }),
          ),
        ),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        ([nadirEpoch, L], c) => {
          const run = (first: number[], now: number[]) => {
            const s = new STCH({ warmupEpochs: 0, mu: 0.7 });
            s.init(info(first.length));
            step(s, 0, first);
            const r = step(s, 1, now);
            return { total: r.total, weights: s.lastWeights() };
          };
          const base = run(nadirEpoch, L);
          const scaled = run(
            nadirEpoch.map((l) => c * l),
            L.map((l) => c * l),
          );
          expect(scaled.total).toBeCloseTo(base.total, 8);
          scaled.weights.forEach((w, t) => expect((w * c) / base.weights[t]).toBeCloseTo(1, 8));
          const rev = run([...nadirEpoch].reverse(), [...L].reverse());
          rev.weights.forEach((w, t) => expect(w).toBeCloseTo(base.weights[L.length - 1 - t], 10));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('bad options are named; reset() forgets the nadir', () => {
    expect(() => new STCH({ mu: 0 })).toThrow(ValueError);
    expect(() => new STCH({ warmupEpochs: 1.5 })).toThrow(/warmupEpochs/);
    const s = new STCH({ warmupEpochs: 0 });
    s.init(info(2));
    step(s, 0, [1, 1]);
    step(s, 1, [1, 1]);
    expect(s.nadirVector()).not.toBeNull();
    s.reset();
    expect(s.nadirVector()).toBeNull();
  });

  it('fit (warm-up 2 epochs, then STCH) makes both losses fall', () => {
    expect(lossesFell(new STCH({ warmupEpochs: 2 }))).toBe(true);
  });
});
