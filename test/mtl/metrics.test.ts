import { describe, expect, it } from 'vitest';
import { auc, computeMetrics, macroF1, r2 } from '../../src/mtl/metrics.js';

describe('metrics against hand computations', () => {
  it('AUC equals the fraction of correctly ordered positive/negative pairs', () => {
    const scores = [0.1, 0.4, 0.35, 0.8, 0.8, 0.2];
    const ys = [0, 0, 1, 1, 0, 1];
    // Pairs (pos, neg): count pos > neg as 1 and ties as 1/2, by brute force.
    let good = 0;
    let pairs = 0;
    for (let i = 0; i < ys.length; i++) {
      for (let j = 0; j < ys.length; j++) {
        if (ys[i] === 1 && ys[j] === 0) {
          pairs++;
          good += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }
    }
    expect(auc(scores, ys)).toBeCloseTo(good / pairs, 12);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('macro-F1 on a small confusion matrix', () => {
    // class 0: tp 2 fp 1 fn 0 -> F1 = 4/5; class 1: tp 1 fp 1 fn 1 -> 1/2; class 2: tp 0 fp 0 fn 1 -> 0
    const preds = [0, 0, 0, 1, 1];
    const ys = [0, 0, 1, 1, 2];
    expect(macroF1(preds, ys, 3)).toBeCloseTo((4 / 5 + 1 / 2 + 0) / 3, 12);
  });

  it('R² is 1 for perfect predictions and 0 for predicting the mean', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([2, 2, 2], [1, 2, 3])).toBeCloseTo(0, 12);
  });

  it('skips rows without a label', () => {
    const task = { name: 'c', kind: 'classification' as const, classes: 2 };
    const logits = [2, 0, 0, 2, 5, -5];
    const labels = Float64Array.from([0, 1, Number.NaN]);
    const m = computeMetrics(task, logits, 2, labels, ['accuracy', 'logLoss']);
    expect(m.accuracy).toBe(1);
    const p = 1 / (1 + Math.exp(-2));
    expect(m.logLoss).toBeCloseTo(-Math.log(p), 12);
  });
});
