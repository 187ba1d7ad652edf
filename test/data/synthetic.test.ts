import { describe, expect, it } from 'vitest';
import { gradNormToy, relatedTasks, tableFromArrays, trainTestSplit } from '../../src/data/index.js';
import { ValueError } from '../../src/errors.js';

function std(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.length;
  mb /= a.length;
  let sab = 0;
  for (let i = 0; i < a.length; i++) sab += (a[i] - ma) * (b[i] - mb);
  return sab / a.length / (std(a) * std(b));
}

describe('gradNormToy', () => {
  it("has the paper's shapes by default and a geometric σ spread", () => {
    const d = gradNormToy({ samples: 20 });
    expect([d.nRows, d.nFeatures, d.nOutputs]).toEqual([20, 250, 100]);
    expect(d.x.length).toBe(20 * 250);
    expect(d.targets).toHaveLength(10);
    for (const t of d.targets) expect(t.length).toBe(20 * 100);
    expect(d.sigmas[0]).toBe(1);
    expect(d.sigmas[9]).toBeCloseTo(100, 10);
    for (let i = 1; i < 10; i++) expect(d.sigmas[i] / d.sigmas[i - 1]).toBeCloseTo(100 ** (1 / 9), 10);
  });

  it('σ_i scales the target standard deviation', () => {
    const sigmas = [1, 10, 100];
    const d = gradNormToy({ sigmas, inputs: 50, outputs: 20, samples: 400, seed: 4 });
    const sd = d.targets.map(std);
    for (let i = 0; i < 3; i++) {
      expect(sd[i] / sigmas[i]).toBeGreaterThan(0.85);
      expect(sd[i] / sigmas[i]).toBeLessThanOrEqual(1);
      for (const v of d.targets[i]) expect(Math.abs(v)).toBeLessThanOrEqual(sigmas[i]);
    }
    expect(sd[2] / sd[0]).toBeCloseTo(100, -1);
    // Unsaturated regime (small B, ε): the ratio of stds still equals the ratio of σ for identical matrices.
    const same = gradNormToy({
      sigmas: [1, 7],
      inputs: 10,
      outputs: 5,
      samples: 200,
      bStd: 0.1,
      epsStd: 0,
      seed: 1,
    });
    same.targets[1].forEach((v, i) => {
      expect(v).toBeCloseTo(7 * same.targets[0][i], 9);
    });
  });

  it('is seeded: same seed same data; dataSeed gives fresh x for the same tasks', () => {
    const o = { tasks: 2, inputs: 8, outputs: 3, samples: 10 };
    const a = gradNormToy({ ...o, seed: 3 });
    expect(gradNormToy({ ...o, seed: 3 })).toEqual(a);
    expect(Array.from(gradNormToy({ ...o, seed: 4 }).targets[0])).not.toEqual(Array.from(a.targets[0]));
    const b = gradNormToy({ ...o, seed: 3, dataSeed: 99 });
    const c = gradNormToy({ ...o, seed: 5, dataSeed: 99 });
    expect(Array.from(b.x)).not.toEqual(Array.from(a.x));
    expect(Array.from(c.x)).toEqual(Array.from(b.x));
    expect(Array.from(c.targets[0])).not.toEqual(Array.from(b.targets[0]));
  });

  it('validates options', () => {
    expect(() => gradNormToy({ tasks: 3, sigmas: [1, 2] })).toThrow(ValueError);
    expect(() => gradNormToy({ samples: 0 })).toThrow(ValueError);
  });
});

describe('relatedTasks', () => {
  it('returns x and one target per task', () => {
    const d = relatedTasks({ tasks: 3, samples: 50, features: 6, seed: 1 });
    expect([d.nRows, d.nFeatures, d.x.length]).toEqual([50, 6, 300]);
    expect(d.targets.map((t) => t.length)).toEqual([50, 50, 50]);
    expect(d.labels).toBeUndefined();
    expect(d.weights[0].length).toBe(6);
  });

  it('relatedness 1 and no noise gives identical tasks; relatedness controls target correlation', () => {
    for (const nonlinear of [false, true]) {
      const same = relatedTasks({ tasks: 3, samples: 30, relatedness: 1, noise: 0, nonlinear, seed: 2 });
      expect(Array.from(same.targets[1])).toEqual(Array.from(same.targets[0]));
      const meanCorr = (r: number): number => {
        let s = 0;
        let k = 0;
        for (let seed = 0; seed < 5; seed++) {
          const d = relatedTasks({
            tasks: 4,
            samples: 2000,
            features: 20,
            relatedness: r,
            noise: 0,
            nonlinear,
            seed,
          });
          for (let a = 0; a < 4; a++)
            for (let b = a + 1; b < 4; b++, k++) s += corr(d.targets[a], d.targets[b]);
        }
        return s / k;
      };
      const c0 = meanCorr(0);
      const c5 = meanCorr(0.5);
      const c9 = meanCorr(0.9);
      expect(Math.abs(c0)).toBeLessThan(0.2);
      expect(c5).toBeGreaterThan(c0 + 0.2);
      expect(c9).toBeGreaterThan(c5 + 0.2);
    }
  });

  it('normalises the clean signal to about unit variance and adds the requested noise', () => {
    const d = relatedTasks({ tasks: 2, samples: 5000, features: 10, noise: 0.5, seed: 3 });
    for (const t of d.targets) expect(std(t)).toBeCloseTo(Math.sqrt(1 + 0.25), 1);
  });

  it('thresholds the targets for binary labels and wraps into a splittable Table', () => {
    const d = relatedTasks({ tasks: 2, samples: 80, binary: true, seed: 4 });
    const labels = d.labels as Float64Array[];
    labels.forEach((l, t) => {
      l.forEach((v, i) => {
        expect(v).toBe(d.targets[t][i] > 0 ? 1 : 0);
      });
    });
    const table = tableFromArrays({
      x: d.x,
      nRows: d.nRows,
      nFeatures: d.nFeatures,
      tasks: {
        reg0: { kind: 'regression', values: d.targets[0] },
        bin1: { kind: 'binary', values: labels[1] },
      },
    });
    const s = trainTestSplit(table, { stratify: 'bin1', seed: 1 });
    expect(s.train.nRows + s.test.nRows).toBe(80);
  });

  it('validates relatedness', () => {
    expect(() => relatedTasks({ relatedness: 1.5 })).toThrow(/relatedness/);
    expect(() => relatedTasks({ noise: -1 })).toThrow(/noise/);
  });
});
