import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  kFold,
  loadTable,
  penguinsCsv,
  splitIndices,
  type Table,
  tableFromArrays,
  trainTestSplit,
} from '../../src/data/index.js';
import { ValueError } from '../../src/errors.js';

const penguins = loadTable(penguinsCsv(), {
  features: ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)'],
  categorical: ['Island'],
  tasks: [
    { column: 'Species', name: 'species', kind: 'classification' },
    { column: 'Sex', name: 'sex', kind: 'binary' },
    { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
  ],
});

/** Rows per class of a task (NaN labels under "missing"). */
function classRows(table: Table, task: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  table.tasks[task].values.forEach((v, i) => {
    const k = Number.isNaN(v) ? 'missing' : String(v);
    out.set(k, [...(out.get(k) ?? []), i]);
  });
  return out;
}

function expectPartition(n: number, sets: Int32Array[]): void {
  const all = sets.flatMap((s) => Array.from(s)).sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('trainTestSplit', () => {
  it('gives disjoint sets that cover the table, with the requested sizes', () => {
    const idx = splitIndices(penguins, { test: 0.2, validation: 0.1, seed: 3 });
    expectPartition(penguins.nRows, [idx.train, idx.validation as Int32Array, idx.test]);
    expect(idx.test.length).toBe(Math.round(penguins.nRows * 0.2));
    expect(idx.validation?.length).toBe(Math.round(penguins.nRows * 0.1));
    const s = trainTestSplit(penguins, { test: 0.2, validation: 0.1, seed: 3 });
    expect(s.train.nRows + (s.validation?.nRows ?? 0) + s.test.nRows).toBe(penguins.nRows);
    const sources = [s.train, s.validation as Table, s.test]
      .flatMap((t) => Array.from(t.rowIndex))
      .sort((a, b) => a - b);
    expect(sources).toEqual(Array.from(penguins.rowIndex));
    // Row contents travel with the row.
    const i = 7;
    const j = Array.from(penguins.rowIndex).indexOf(s.test.rowIndex[i]);
    expect(Array.from(s.test.x.subarray(i * 6, i * 6 + 6))).toEqual(
      Array.from(penguins.x.subarray(j * 6, j * 6 + 6)),
    );
    expect(s.test.tasks.mass.values[i]).toBe(penguins.tasks.mass.values[j]);
  });

  it('has no validation set unless asked', () => {
    const s = trainTestSplit(penguins, {});
    expect(s.validation).toBeUndefined();
    expect(s.test.nRows).toBe(Math.round(penguins.nRows * 0.2));
  });

  it('is deterministic in the seed', () => {
    const a = splitIndices(penguins, { seed: 11, stratify: 'species' });
    const b = splitIndices(penguins, { seed: 11, stratify: 'species' });
    const c = splitIndices(penguins, { seed: 12, stratify: 'species' });
    expect(a).toEqual(b);
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('stratifies: each class within one row of its share in every set (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.constantFrom('species', 'sex'),
        (seed, test, validation, task) => {
          if (test + validation >= 0.95) return;
          const idx = splitIndices(penguins, { seed, test, validation, stratify: task });
          const n = penguins.nRows;
          const sets: [Int32Array, number][] = [
            [idx.test, idx.test.length],
            [idx.train, idx.train.length],
          ];
          if (idx.validation) sets.push([idx.validation, idx.validation.length]);
          expectPartition(
            n,
            sets.map((s) => s[0]),
          );
          for (const [rows] of classRows(penguins, task)) {
            const members = new Set(classRows(penguins, task).get(rows));
            for (const [set, size] of sets) {
              const got = Array.from(set).filter((i) => members.has(i)).length;
              const share = (members.size * size) / n;
              expect(Math.abs(got - share)).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stratified rounding is floor/ceil per class and set on random small tables (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 6 }), {
          minLength: 3,
          maxLength: 70,
        }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.01, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.35, noNaN: true }),
        (labels, seed, test, validation) => {
          const n = labels.length;
          const nTest = Math.max(1, Math.round(n * test));
          const nVal = validation > 0 ? Math.max(1, Math.round(n * validation)) : 0;
          if (n - nTest - nVal < 1) return;
          const table = tableFromArrays({
            x: labels.map((_, i) => i),
            nRows: n,
            nFeatures: 1,
            tasks: {
              c: {
                kind: 'classification',
                values: labels.map((l) => (l === null ? Number.NaN : l)),
                classes: ['0', '1', '2', '3', '4', '5', '6'],
              },
            },
          });
          const idx = splitIndices(table, { seed, test, validation, stratify: 'c' });
          const sets = [idx.test, idx.validation ?? new Int32Array(0), idx.train];
          expect(sets.map((x) => x.length)).toEqual([nTest, nVal, n - nTest - nVal]);
          expectPartition(n, sets);
          for (const key of [null, 0, 1, 2, 3, 4, 5, 6]) {
            const size = labels.filter((l) => l === key).length;
            for (const set of sets) {
              const got = Array.from(set).filter((i) => labels[i] === key).length;
              const share = (size * set.length) / n;
              expect(got === Math.floor(share) || got === Math.ceil(share)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('spreads rows missing the stratification label across the sets', () => {
    const missing = classRows(penguins, 'sex').get('missing') ?? [];
    expect(missing.length).toBe(9);
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const idx = splitIndices(penguins, { seed, test: 0.3, stratify: 'sex' });
      const inTest = missing.filter((i) => idx.test.includes(i)).length;
      expect(Math.abs(inTest - 9 * (idx.test.length / penguins.nRows))).toBeLessThanOrEqual(1);
      seen.add(missing.filter((i) => idx.test.includes(i)).join(','));
    }
    expect(seen.size).toBeGreaterThan(5); // random, not always the same rows
  });

  it('validates its options', () => {
    expect(() => splitIndices(penguins, { test: 1 })).toThrow(ValueError);
    expect(() => splitIndices(penguins, { test: 0.6, validation: 0.4 })).toThrow(/< 1/);
    expect(() => splitIndices(penguins, { stratify: 'mass' })).toThrow(/regression/);
    expect(() => splitIndices(penguins, { stratify: 'nope' })).toThrow(/unknown task "nope"/);
    const tiny = tableFromArrays({
      x: [1, 2],
      nRows: 2,
      nFeatures: 1,
      tasks: { y: { kind: 'regression', values: [1, 2] } },
    });
    expect(() => splitIndices(tiny, { test: 0.3, validation: 0.3 })).toThrow(/too few/);
    expect(splitIndices(tiny, { test: 0.3 }).test.length).toBe(1);
  });
});

describe('kFold', () => {
  it('partitions the rows into k validation folds', () => {
    const folds = kFold(penguins, 5, { seed: 2 });
    expect(folds).toHaveLength(5);
    expectPartition(
      penguins.nRows,
      folds.map((f) => f.validation),
    );
    for (const f of folds) {
      expectPartition(penguins.nRows, [f.train, f.validation]);
      expect(Math.abs(f.validation.length - penguins.nRows / 5)).toBeLessThan(1);
    }
    expect(kFold(penguins, 5, { seed: 2 })).toEqual(folds);
  });

  it('stratified folds have per-class counts within one of each other', () => {
    for (const k of [2, 3, 7, 10]) {
      const folds = kFold(penguins, k, { seed: k, stratify: 'sex' });
      for (const [, rows] of classRows(penguins, 'sex')) {
        const members = new Set(rows);
        const counts = folds.map((f) => Array.from(f.validation).filter((i) => members.has(i)).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects bad k', () => {
    expect(() => kFold(penguins, 1)).toThrow(ValueError);
    expect(() => kFold(penguins, penguins.nRows + 1)).toThrow(ValueError);
    expect(() => kFold(penguins, 2.5)).toThrow(ValueError);
  });
});
