import { describe, expect, it } from 'vitest';
import {
  applyStandardizer,
  applyTargetStandardizer,
  fitStandardizer,
  fitTargetStandardizer,
  inverseTargets,
  loadTable,
  penguinsCsv,
  standardizerFromJSON,
  subsetTable,
  targetStandardizerFromJSON,
  trainTestSplit,
} from '../../src/data/index.js';
import { FormatError, ValueError } from '../../src/errors.js';

// A hand-made table whose first three rows (train) and last two (test) have very different statistics.
const CSV = ['a,b,c,k,y', '1,10,5,u,1', '2,,5,v,2', '3,30,5,u,3', '100,1000,5,v,40', '200,,5,u,50'].join(
  '\n',
);
const table = loadTable(CSV, {
  features: ['a', 'b', 'c', 'k'],
  categorical: ['k'],
  tasks: [{ column: 'y', kind: 'regression' }],
  missingFeatures: 'mean',
});
const train = subsetTable(table, [0, 1, 2]);
const test = subsetTable(table, [3, 4]);

describe('fitStandardizer / applyStandardizer', () => {
  it('uses training statistics only', () => {
    const s = fitStandardizer(train);
    expect(s.featureNames).toEqual(['a', 'b', 'c', 'k=u', 'k=v']);
    expect(s.impute).toBe('mean'); // from the table's missingFeatures
    expect(s.mean[0]).toBeCloseTo(2, 12);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12); // divisor n, not n-1
    expect(s.mean[1]).toBeCloseTo(20, 12); // NaN ignored: mean of 10 and 30
    expect(s.std[1]).toBeCloseTo(10, 12);
    expect(s.std[2]).toBe(1); // constant column
    expect(s.scaled).toEqual([true, true, true, false, false]);
    expect([s.mean[3], s.std[3]]).toEqual([0, 1]);

    const tt = applyStandardizer(test, s);
    // Test rows are scaled with the training mean/std: (100 - 2) / sqrt(2/3).
    expect(tt.x[0]).toBeCloseTo(98 / Math.sqrt(2 / 3), 9);
    expect(tt.x[1]).toBeCloseTo((1000 - 20) / 10, 9);
    // The missing b of the second test row is filled with the training mean (20), i.e. 0 after scaling;
    // the test mean of b (1000) is not used.
    expect(tt.x[5 + 1]).toBe(0);
    expect(tt.x[2]).toBe(0); // (5 - 5) / 1
    expect(Array.from(tt.x.subarray(3, 5))).toEqual([0, 1]); // one-hot left as is
    expect(tt.impute).toBeUndefined();
    expect(Array.from(tt.rowIndex)).toEqual([3, 4]);
    // Fitting on the test rows instead would give different numbers.
    expect(fitStandardizer(test).mean[0]).toBe(150);
  });

  it('standardises the training rows to mean 0 and std 1', () => {
    const s = fitStandardizer(train, { impute: 'median' });
    const tr = applyStandardizer(train, s);
    const col = [0, 1, 2].map((i) => tr.x[i * 5]);
    const mean = col.reduce((p, v) => p + v, 0) / 3;
    const sd = Math.sqrt(col.reduce((p, v) => p + (v - mean) ** 2, 0) / 3);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 12);
  });

  it('imputes with the training median when asked', () => {
    const t = loadTable('a,y\n1,0\n2,0\n10,0\n,0\n', {
      features: ['a'],
      tasks: [{ column: 'y', kind: 'regression' }],
      missingFeatures: 'median',
    });
    const tr = subsetTable(t, [0, 1, 2]);
    const s = fitStandardizer(tr);
    expect(s.fill).toEqual([2]);
    const out = applyStandardizer(subsetTable(t, [3]), s);
    expect(out.x[0]).toBeCloseTo((2 - s.mean[0]) / s.std[0], 12);
    expect(fitStandardizer(tr, { impute: 'mean' }).fill[0]).toBeCloseTo(13 / 3, 12);
  });

  it('refuses missing values without imputation and mismatched columns', () => {
    const s = fitStandardizer(train, { impute: null });
    expect(() => applyStandardizer(test, s)).toThrow(/feature "b" is missing in row 1 \(source data row 4\)/);
    const other = loadTable('x,y\n1,2\n', { features: ['x'], tasks: [{ column: 'y', kind: 'regression' }] });
    expect(() => applyStandardizer(other, s)).toThrow(ValueError);
    const allMissing = loadTable('a,y\n,1\n', {
      features: ['a'],
      tasks: [{ column: 'y', kind: 'regression' }],
      missingFeatures: 'mean',
    });
    expect(() => fitStandardizer(allMissing)).toThrow(/no observed value/);
  });

  it('round-trips through JSON and validates what it loads', () => {
    const s = fitStandardizer(train);
    const back = standardizerFromJSON(JSON.stringify(s));
    expect(back).toEqual(s);
    expect(Array.from(applyStandardizer(test, back).x)).toEqual(Array.from(applyStandardizer(test, s).x));
    expect(() => standardizerFromJSON('{')).toThrow(FormatError);
    expect(() => standardizerFromJSON({ ...s, version: 2 })).toThrow(FormatError);
    expect(() => standardizerFromJSON({ ...s, std: [1, 0, 1, 1, 1] })).toThrow(/positive/);
    expect(() => standardizerFromJSON({ ...s, mean: [1] })).toThrow(/5 numbers/);
  });
});

describe('target standardizer', () => {
  const penguins = loadTable(penguinsCsv(), {
    features: ['Beak Length (mm)', 'Flipper Length (mm)'],
    tasks: [
      { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
      { column: 'Sex', name: 'sex', kind: 'binary' },
    ],
  });
  const split = trainTestSplit(penguins, { seed: 5 });

  it('fits on train, standardises regression tasks only, and inverts', () => {
    const ts = fitTargetStandardizer(split.train);
    expect(Object.keys(ts.tasks)).toEqual(['mass']);
    const m = split.train.tasks.mass.values;
    const mean = m.reduce((p, v) => p + v, 0) / m.length;
    expect(ts.tasks.mass.mean).toBeCloseTo(mean, 9);
    const scaledTest = applyTargetStandardizer(split.test, ts);
    expect(Array.from(scaledTest.tasks.sex.values)).toEqual(Array.from(split.test.tasks.sex.values));
    const back = inverseTargets(ts, 'mass', scaledTest.tasks.mass.values);
    back.forEach((v, i) => {
      expect(v).toBeCloseTo(split.test.tasks.mass.values[i], 9);
    });
    expect(targetStandardizerFromJSON(JSON.stringify(ts))).toEqual(ts);
  });

  it('keeps missing labels NaN and rejects non-regression tasks', () => {
    const t = loadTable('f,y,z\n1,2,a\n2,,a\n3,4,b\n4,4,b\n', {
      features: ['f'],
      tasks: [
        { column: 'y', kind: 'regression' },
        { column: 'z', kind: 'binary' },
      ],
    });
    const ts = fitTargetStandardizer(subsetTable(t, [0, 1, 2]));
    expect(ts.tasks.y).toEqual({ mean: 3, std: 1 });
    const out = applyTargetStandardizer(t, ts);
    expect(Array.from(out.tasks.y.values)).toEqual([-1, Number.NaN, 1, 1]);
    expect(() => fitTargetStandardizer(penguins, { tasks: ['sex'] })).toThrow(/binary, not regression/);
    expect(() =>
      targetStandardizerFromJSON({
        format: 'mtlgrad.target-standardizer',
        version: 1,
        tasks: { y: { mean: 0, std: 0 } },
      }),
    ).toThrow(FormatError);
  });
});
