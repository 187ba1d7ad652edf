import { describe, expect, it } from 'vitest';
import { mmoeSynthetic } from '../../src/data/index.js';
import { ValueError } from '../../src/errors.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('mmoeSynthetic (Ma et al. 2018, §4)', () => {
  it.each([1, 0.9, 0.5, 0, -0.3])('w₁ and w₂ have cosine p = %f and norm c', (p) => {
    const d = mmoeSynthetic({ correlation: p, samples: 5, scale: 2, seed: 4 });
    const [w1, w2] = d.weights;
    expect(Math.sqrt(dot(w1, w1))).toBeCloseTo(2, 12);
    expect(Math.sqrt(dot(w2, w2))).toBeCloseTo(2, 12);
    expect(dot(w1, w2) / 4).toBeCloseTo(p, 12);
  });

  it('computes each target as wᵀx + Σ sin(αₖ·wᵀx + βₖ) (checked on a row, without noise)', () => {
    const d = mmoeSynthetic({ correlation: 0.5, samples: 3, features: 7, sines: 4, noise: 0, seed: 1 });
    const row = d.x.subarray(7, 14);
    for (let t = 0; t < 2; t++) {
      const lin = dot(d.weights[t], row);
      let y = lin;
      for (let k = 0; k < 4; k++) y += Math.sin(d.alpha[k] * lin + d.beta[k]);
      expect(d.targets[t][1]).toBeCloseTo(y, 12);
    }
  });

  it('gives identical targets at p = 1 without noise, and target correlation falling with p', () => {
    const same = mmoeSynthetic({ correlation: 1, samples: 50, noise: 0 });
    expect(Array.from(same.targets[1])).toEqual(Array.from(same.targets[0]).map((v) => expect.closeTo(v, 9)));
    const corr = (p: number) => {
      const {
        targets: [a, b],
      } = mmoeSynthetic({ correlation: p, samples: 4000, seed: 2 });
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < a.length; i++) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) ** 2;
        bb += (b[i] - mb) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    const c = [1, 0.9, 0.5, 0].map(corr);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeLessThan(c[i - 1]);
  });

  it('keeps the tasks for a new dataSeed and changes the rows', () => {
    const a = mmoeSynthetic({ correlation: 0.5, samples: 4, seed: 3, dataSeed: 1 });
    const b = mmoeSynthetic({ correlation: 0.5, samples: 4, seed: 3, dataSeed: 2 });
    expect(Array.from(a.weights[1])).toEqual(Array.from(b.weights[1]));
    expect(Array.from(a.x)).not.toEqual(Array.from(b.x));
  });

  it('rejects a correlation outside [−1, 1] and bad sizes with a ValueError', () => {
    expect(() => mmoeSynthetic({ correlation: 1.5 })).toThrow(ValueError);
    expect(() => mmoeSynthetic({ correlation: 0, features: 1 })).toThrow(/features must be ≥ 2/);
    expect(() => mmoeSynthetic({ correlation: 0, noise: -1 })).toThrow(/noise/);
  });
});
