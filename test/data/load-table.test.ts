import { describe, expect, it } from 'vitest';
import { csvRows, loadTable, objectRows } from '../../src/data/index.js';
import { PENGUINS_CSV } from '../../src/data/penguins-data.js';
import { CellError, FormatError, ValueError } from '../../src/errors.js';
import { thrown } from './helpers.js';

describe('loadTable: CellError', () => {
  it('carries column, row, unit, value and expected for a non-number in a numeric feature', () => {
    const e = thrown(() =>
      loadTable('f,g,y\n1,2,a\n3,heavy,b\n', {
        features: ['f', 'g'],
        tasks: [{ column: 'y', kind: 'binary' }],
      }),
    );
    expect(e).toBeInstanceOf(CellError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e).toMatchObject({ column: 'g', row: 3, unit: 'line', value: 'heavy', expected: 'a number' });
    expect(e.message).toMatch(
      /^loadTable: column "g", line 3: value "heavy" is not a number\. If the column holds categories, list it in `categorical`/,
    );
  });

  it('counts rows of a row array from 1 and keeps the value as given', () => {
    const e = thrown(() =>
      loadTable(
        [
          { f: 1, y: 2 },
          { f: 2, y: 'big' },
        ],
        { features: ['f'], tasks: [{ column: 'y', kind: 'regression' }] },
      ),
    );
    expect(e).toMatchObject({ column: 'y', row: 2, unit: 'row', value: 'big' });
    expect((e as CellError).expected).toMatch(/^a number \(the label of regression task "y"\)/);
    const nested = thrown(() =>
      loadTable(
        [
          { f: 1, y: 'a' },
          { f: 2, y: { v: 1 } },
        ],
        { features: ['f'], tasks: [{ column: 'y', kind: 'classification' }] },
      ),
    );
    expect(nested).toMatchObject({
      column: 'y',
      row: 2,
      value: { v: 1 },
      expected: 'a label (text or a number)',
    });
  });

  it('names the given list for a category or class outside it, at its first kept row', () => {
    const cat = thrown(() =>
      loadTable('c,y\nx,1\nw,2\nw,3\n', {
        features: ['c'],
        categorical: ['c'],
        categories: { c: ['x'] },
        tasks: [{ column: 'y', kind: 'regression' }],
      }),
    );
    expect(cat).toMatchObject({
      column: 'c',
      row: 3,
      value: 'w',
      expected: 'one of the given categories "x"',
    });
    const cls = thrown(() =>
      loadTable('f,c\n1,b\n2,q\n', {
        features: ['f'],
        tasks: [{ column: 'c', kind: 'classification', classes: ['a', 'b'] }],
      }),
    );
    expect(cls).toMatchObject({ column: 'c', row: 3, value: 'q' });
    expect((cls as CellError).expected).toMatch(/^one of the classes "a", "b"/);
  });

  it('does not check categories of dropped rows', () => {
    const t = loadTable('c,y\nx,1\nw,\n', {
      features: ['c'],
      categorical: ['c'],
      categories: { c: ['x'] },
      tasks: [{ column: 'y', kind: 'regression' }],
    });
    expect(t.nRows).toBe(1);
  });
});

describe('loadTable: options', () => {
  const base = { features: ['f'], tasks: [{ column: 'y', kind: 'regression' as const }] };
  const csv = 'f,y\n1,2\n3,4\n5,6\n';

  it('rejects unknown keys with a did-you-mean, in the options and in each task', () => {
    expect(() => loadTable(csv, { ...base, missingvalues: ['x'] } as object as typeof base)).toThrow(
      /loadTable: unknown option 'missingvalues' \(did you mean 'missingValues'\?\)/,
    );
    expect(() =>
      loadTable(csv, {
        ...base,
        tasks: [{ column: 'y', kind: 'regression', nmae: 'z' }],
      } as object as typeof base),
    ).toThrow(/tasks\[0\]: unknown option 'nmae' \(did you mean 'name'\?\)/);
  });

  it('maxRows: reads the first rows only; 0, -1 and 1.5 are named errors', () => {
    expect(loadTable(csv, { ...base, maxRows: 2 }).tasks.y.values).toEqual(new Float64Array([2, 4]));
    expect(
      loadTable(
        [
          { f: 1, y: 2 },
          { f: 3, y: 4 },
        ],
        { ...base, maxRows: 1 },
      ).nRows,
    ).toBe(1);
    for (const bad of [0, -1, 1.5]) {
      expect(() => loadTable(csv, { ...base, maxRows: bad })).toThrow(
        new RegExp(`loadTable: maxRows must be a positive integer, got ${bad}`),
      );
    }
  });

  it('reads with a delimiter', () => {
    const t = loadTable('f;y\n"1";2\n3;"4"\n', { ...base, delimiter: ';' });
    expect(Array.from(t.x)).toEqual([1, 3]);
    expect(Array.from(t.tasks.y.values)).toEqual([2, 4]);
    expect(() => loadTable(csv, { ...base, delimiter: ';;' })).toThrow(FormatError);
  });

  it('takes a RowSource, whose reading options belong to its reader', () => {
    const src = csvRows('f|y\n?|1\n2|3\n', { delimiter: '|', missingValues: ['?'] });
    const t = loadTable(src, base);
    expect(Array.from(t.x)).toEqual([2]);
    expect(t.dropped).toEqual([{ row: 2, index: 0, reason: 'missing feature value in "f"' }]);
    expect(() => loadTable(src, { ...base, missingValues: ['?'] })).toThrow(
      /missingValues: a RowSource is read already/,
    );
    expect(loadTable(objectRows([{ f: 1, y: 2 }]), base).nRows).toBe(1);
  });
});

/**
 * An independent reading of the bundled penguins CSV (no quotes in it): split lines and commas,
 * 'NA'/'.'/'' are missing, numbers by Number().
 */
function penguinsByHand() {
  const [head, ...lines] = PENGUINS_CSV.trim().split('\n');
  const header = head.split(',');
  const rows = lines.map((l) => l.split(','));
  const at = (r: string[], name: string) => r[header.indexOf(name)].trim();
  const missing = (s: string) => ['', 'na', 'n/a', 'nan', 'null', '.', '?'].includes(s.toLowerCase());
  return { rows, at, missing };
}

describe('loadTable on the penguins CSV equals an independent reading', () => {
  const features = ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)'];
  const measures = features.slice(1);
  const t = loadTable(PENGUINS_CSV, {
    features,
    categorical: ['Island'],
    tasks: [
      { column: 'Species', kind: 'classification' },
      { column: 'Sex', kind: 'binary' },
      { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
    ],
  });
  const { rows, at, missing } = penguinsByHand();
  const kept = rows.map((_, i) => i).filter((i) => measures.every((m) => !missing(at(rows[i], m))));

  it('keeps the same rows', () => {
    expect(Array.from(t.rowIndex)).toEqual(kept);
  });

  it('has the same feature matrix (Biscoe/Dream/Torgersen one-hot, then measurements)', () => {
    const islands = ['Biscoe', 'Dream', 'Torgersen'];
    expect(t.featureNames).toEqual([...islands.map((s) => `Island=${s}`), ...measures]);
    const want = kept.flatMap((i) => [
      ...islands.map((s) => (at(rows[i], 'Island') === s ? 1 : 0)),
      ...measures.map((m) => Number(at(rows[i], m))),
    ]);
    expect(Array.from(t.x)).toEqual(want);
  });

  it('has the same labels', () => {
    const species = ['Adelie', 'Chinstrap', 'Gentoo'];
    expect(Array.from(t.tasks.Species.values)).toEqual(
      kept.map((i) => species.indexOf(at(rows[i], 'Species'))),
    );
    const sex = kept
      .map((i) => at(rows[i], 'Sex'))
      .map((s) => (missing(s) ? Number.NaN : s === 'MALE' ? 1 : 0));
    expect(Array.from(t.tasks.Sex.values)).toEqual(sex);
    const mass = kept
      .map((i) => at(rows[i], 'Body Mass (g)'))
      .map((s) => (missing(s) ? Number.NaN : Number(s)));
    expect(Array.from(t.tasks.mass.values)).toEqual(mass);
  });
});

describe('loadTable: text of numeric-looking categories', () => {
  it('keeps distinct spellings distinct ("1", "1.0", "01") and orders them numerically', () => {
    const t = loadTable('c,y\n1,a\n1.0,b\n01,a\n2,b\n1,a\n', {
      features: ['c'],
      categorical: ['c'],
      tasks: [{ column: 'y', kind: 'binary' }],
    });
    expect(t.categories.c).toEqual(['01', '1', '1.0', '2']);
    expect(Array.from(t.x)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
  });
});
