import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/autograd/create.js';
import { ValueError } from '../../../src/errors.js';
import { HardSharing } from '../../../src/mtl/architectures.js';
import { fit } from '../../../src/mtl/trainer.js';
import {
  AutoLambda,
  autoLambdaGradient,
  type LookaheadContext,
  type LossWeighting,
  Static,
} from '../../../src/mtl/weighting/index.js';
import { Rng } from '../../../src/tensor/rng.js';
import { lossesFell, smokeData, smokeTasks } from '../../support/fit-smoke.js';
import { info } from '../../support/weighting.js';

/**
 * A toy with one parameter vector θ ∈ R²: L_t^train = ½‖θ − a_t‖², L_t^val = ½‖θ − c_t‖². Its
 * gradients are θ − a_t and θ − c_t, written here by hand.
 */
function quadratic(theta: number[], a: number[][], c: number[][], lr: number): LookaheadContext {
  const p = tensor(theta, { dtype: 'float64' });
  const centres = (which: 'train' | 'validation') => (which === 'train' ? a : c);
  return {
    parameters: [p],
    lr,
    losses: (which) => centres(which).map((m) => 0.5 * ((p.data[0] - m[0]) ** 2 + (p.data[1] - m[1]) ** 2)),
    gradient: (which, w) => {
      const g = new Float64Array(2);
      centres(which).forEach((m, t) => {
        for (let i = 0; i < 2; i++) g[i] += w[t] * (p.data[i] - m[i]);
      });
      return [g];
    },
  };
}

describe('Auto-Lambda', () => {
  const theta = [1, -2];
  const a = [
    [0, 0],
    [3, 1],
  ];
  const c = [
    [2, -1],
    [-1, 4],
  ];
  const lambda = [0.1, 0.3];
  const alpha = 0.5;

  it('the lookahead gradient on a quadratic toy equals the hand-derived −α·∇L_t^train(θ)·∇L^val(θ′)', () => {
    const ctx = quadratic(theta, a, c, alpha);
    // θ′ = θ − α·Σ_t λ_t(θ − a_t); d = Σ_p (θ′ − c_p) over the primary tasks; the central difference
    // is exact for a quadratic, so ∂/∂λ_t = −α·(θ − a_t)·d.
    const step = [0, 1].map((i) => lambda[0] * (theta[i] - a[0][i]) + lambda[1] * (theta[i] - a[1][i]));
    const thetaNext = [0, 1].map((i) => theta[i] - alpha * step[i]);
    for (const primary of [
      [true, true],
      [true, false],
    ]) {
      const d = [0, 1].map((i) => c.reduce((s, m, p) => s + (primary[p] ? thetaNext[i] - m[i] : 0), 0));
      const expected = a.map((m) => -alpha * ((theta[0] - m[0]) * d[0] + (theta[1] - m[1]) * d[1]));
      const g = autoLambdaGradient(ctx, lambda, primary);
      expect(g[0]).toBeCloseTo(expected[0], 9);
      expect(g[1]).toBeCloseTo(expected[1], 9);
      // The parameters are put back exactly.
      expect(Array.from(ctx.parameters[0].data)).toEqual(theta);
    }
  });

  it('one lookahead is one Adam step on λ: the first moves each weight by lr against its gradient', () => {
    const w = new AutoLambda({ lr: 0.01, init: 0.2 });
    w.init(info(2));
    const g = autoLambdaGradient(quadratic(theta, a, c, alpha), [0.2, 0.2], [true, true]);
    w.lookahead(quadratic(theta, a, c, alpha));
    // Adam's first step is lr·g/(|g| + ε), i.e. lr·sign(g) for |g| ≫ 1e-8.
    w.lastWeights().forEach((l, t) => expect(l).toBeCloseTo(0.2 - 0.01 * Math.sign(g[t]), 6));
  });

  it('a zero validation gradient, or an unknown primary task, is handled with a named error or no move', () => {
    // A validation set centred at θ′ makes d = 0.
    const step = [0, 1].map((i) => 0.1 * ([2, -1][i] - a[0][i]) + 0.1 * ([2, -1][i] - a[1][i]));
    const centre = [0, 1].map((i) => [2, -1][i] - alpha * step[i]);
    const ctx = quadratic([2, -1], a, [centre, centre], alpha);
    expect(Array.from(autoLambdaGradient(ctx, [0.1, 0.1], [true, true]))).toEqual([0, 0]);
    const w = new AutoLambda({ primary: ['x'] });
    expect(() => w.init(info(2))).toThrow(ValueError);
    expect(() => w.init(info(2))).toThrow(/primary task 'x'/);
    expect(() => new AutoLambda({ lr: -1 })).toThrow(ValueError);
  });

  it('in fit, a meta learning rate of 0 trains exactly as Static(λ₀): the lookahead leaves no trace', () => {
    const train = (weighting: LossWeighting) => {
      const model = HardSharing.build({ inputs: 2, hidden: [6], tasks: smokeTasks, rng: new Rng(2) });
      fit(model, smokeData(), {
        tasks: smokeTasks,
        epochs: 2,
        batchSize: 16,
        weighting,
        optimizer: 'adam',
        lr: 0.01,
      });
      return model.parameters().flatMap((p) => Array.from(p.data));
    };
    expect(train(new AutoLambda({ lr: 0, init: 0.1 }))).toEqual(train(new Static([0.1, 0.1])));
  });

  it("in fit, validation batches come from fit's validation data when given", () => {
    const seen: number[][] = [];
    const spy = new AutoLambda();
    const original = spy.lookahead.bind(spy);
    spy.lookahead = (ctx) => {
      seen.push(ctx.losses('validation'), ctx.losses('train'));
      original(ctx);
    };
    const model = HardSharing.build({ inputs: 2, hidden: [6], tasks: smokeTasks, rng: new Rng(2) });
    const data = smokeData();
    // Validation labels only for task a.
    const validation = { x: data.x, y: { a: data.y.a, b: data.y.b.map(() => Number.NaN) } };
    fit(model, data, { tasks: smokeTasks, epochs: 1, batchSize: 16, weighting: spy, validation });
    expect(seen.length).toBe(8); // 4 steps, two records each
    for (let k = 0; k < seen.length; k += 2) {
      expect(Number.isNaN(seen[k][1])).toBe(true);
      expect(seen[k + 1].every(Number.isFinite)).toBe(true);
    }
  });

  it('fit makes both losses fall (meta lr 1e-2 so that the weights move in a short run)', () => {
    const w = new AutoLambda({ lr: 1e-2 });
    expect(lossesFell(w, 0.5, 12, { lr: 0.05 })).toBe(true);
    expect(w.lastWeights().some((l) => l !== 0.1)).toBe(true);
  });
});
