import { describe, expect, it } from 'vitest';
import {
  loadTable,
  type PenguinRow,
  penguinsCsv,
  penguinsRows,
  sortLabels,
  subsetTable,
  tableFromArrays,
} from '../../src/data/index.js';
import { FormatError, ValueError } from '../../src/errors.js';
import { thrown } from './helpers.js';

const source: PenguinRow[] = penguinsRows();

const FEATURES = ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)'];
const TASKS = [
  { column: 'Species', name: 'species', kind: 'classification' as const },
  { column: 'Sex', name: 'sex', kind: 'binary' as const },
  { column: 'Body Mass (g)', name: 'mass', kind: 'regression' as const },
];

describe('loadTable on penguins (species / sex / mass)', () => {
  for (const [label, input] of [
    ['CSV text', penguinsCsv()],
    ['row objects', penguinsRows()],
  ] as const) {
    describe(label, () => {
      const t = loadTable(input, { features: FEATURES, categorical: ['Island'], tasks: TASKS });

      it('drops exactly the rows without measurements, each with a reason', () => {
        const expected = source.flatMap((r, i) => (r['Beak Length (mm)'] === null ? [i] : []));
        expect(t.dropped.map((d) => d.index)).toEqual(expected);
        expect(t.nRows).toBe(344 - expected.length);
        for (const d of t.dropped) {
          expect(d.reason).toMatch(/missing feature value in "Beak Length \(mm\)"/);
          expect(d.row).toBe(typeof input === 'string' ? d.index + 2 : d.index + 1);
        }
        const kept = new Set(t.rowIndex);
        for (let i = 0; i < 344; i++) expect(kept.has(i)).toBe(!expected.includes(i));
      });

      it("keeps rows missing sex with NaN sex ('.' and null are missing)", () => {
        const missingSex = source.flatMap((r, i) =>
          (r.Sex === null || r.Sex === '.') && r['Beak Length (mm)'] !== null ? [i] : [],
        );
        expect(missingSex.length).toBe(9);
        const sex = t.tasks.sex.values;
        const nanRows = Array.from(t.rowIndex).filter((_, i) => Number.isNaN(sex[i]));
        expect(nanRows).toEqual(missingSex);
        expect(t.tasks.sex.classes).toEqual(['FEMALE', 'MALE']);
        for (let i = 0; i < t.nRows; i++) {
          const s = source[t.rowIndex[i]].Sex;
          if (s === 'MALE') expect(sex[i]).toBe(1);
          if (s === 'FEMALE') expect(sex[i]).toBe(0);
          // Species and mass of those rows are still there.
          expect(Number.isNaN(t.tasks.species.values[i])).toBe(false);
          expect(t.tasks.mass.values[i]).toBe(source[t.rowIndex[i]]['Body Mass (g)']);
        }
      });

      it('encodes species as class indices in sorted order', () => {
        expect(t.tasks.species.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
        expect(t.tasks.species.kind).toBe('classification');
        for (let i = 0; i < t.nRows; i++) {
          expect(t.tasks.species.classes?.[t.tasks.species.values[i]]).toBe(source[t.rowIndex[i]].Species);
        }
      });

      it('one-hot encodes Island and keeps measurements in place', () => {
        expect(t.featureNames).toEqual([
          'Island=Biscoe',
          'Island=Dream',
          'Island=Torgersen',
          'Beak Length (mm)',
          'Beak Depth (mm)',
          'Flipper Length (mm)',
        ]);
        expect(t.nFeatures).toBe(6);
        expect(t.x.length).toBe(t.nRows * 6);
        expect(t.categories).toEqual({ Island: ['Biscoe', 'Dream', 'Torgersen'] });
        expect(t.featureInfo[1]).toEqual({
          name: 'Island=Dream',
          column: 'Island',
          kind: 'onehot',
          category: 'Dream',
        });
        for (let i = 0; i < t.nRows; i++) {
          const r = source[t.rowIndex[i]];
          const row = Array.from(t.x.subarray(i * 6, i * 6 + 6));
          expect(row.slice(0, 3)).toEqual(
            ['Biscoe', 'Dream', 'Torgersen'].map((c) => (c === r.Island ? 1 : 0)),
          );
          expect(row.slice(3)).toEqual([
            r['Beak Length (mm)'],
            r['Beak Depth (mm)'],
            r['Flipper Length (mm)'],
          ]);
        }
        expect(t.impute).toBeUndefined();
      });
    });
  }

  it('keeps rows with missing features as NaN when imputation is requested', () => {
    const t = loadTable(penguinsCsv(), {
      features: FEATURES,
      categorical: ['Island'],
      tasks: TASKS.slice(0, 2),
      missingFeatures: 'median',
    });
    expect(t.nRows).toBe(344);
    expect(t.dropped).toEqual([]);
    expect(t.impute).toBe('median');
    expect(Number.isNaN(t.x[3 * 6 + 3])).toBe(true);
    expect(t.x[3 * 6 + 2]).toBe(1); // Torgersen still encoded
  });
});

describe('loadTable semantics', () => {
  it('drops a row only when every task label is missing', () => {
    const csv = 'f,a,b\n1,x,1.5\n2,,NA\n3,?,2\n4,y,.\n';
    const t = loadTable(csv, {
      features: ['f'],
      tasks: [
        { column: 'a', kind: 'binary' },
        { column: 'b', kind: 'regression' },
      ],
    });
    expect(Array.from(t.rowIndex)).toEqual([0, 2, 3]);
    expect(t.dropped).toEqual([{ row: 3, index: 1, reason: 'every task label is missing ("a", "b")' }]);
    expect(Array.from(t.tasks.a.values)).toEqual([0, Number.NaN, 1]);
    expect(Array.from(t.tasks.b.values)).toEqual([1.5, 2, Number.NaN]);
  });

  it('treats numeric-looking classification labels as categories in numeric order', () => {
    const t = loadTable('f,c\n1,10\n2,2\n3,1.5\n4,2\n', {
      features: ['f'],
      tasks: [{ column: 'c', kind: 'classification' }],
    });
    expect(t.tasks.c.classes).toEqual(['1.5', '2', '10']);
    expect(Array.from(t.tasks.c.values)).toEqual([2, 1, 0, 1]);
    expect(sortLabels(['b', 'B', 'a'])).toEqual(['B', 'a', 'b']);
  });

  it('honours fixed class lists and rejects labels outside them', () => {
    const t = loadTable('f,c\n1,b\n2,a\n', {
      features: ['f'],
      tasks: [{ column: 'c', kind: 'classification', classes: ['b', 'a', 'z'] }],
    });
    expect(Array.from(t.tasks.c.values)).toEqual([0, 1]);
    expect(t.tasks.c.classes).toEqual(['b', 'a', 'z']);
    expect(() =>
      loadTable('f,c\n1,b\n2,q\n', {
        features: ['f'],
        tasks: [{ column: 'c', kind: 'classification', classes: ['a', 'b'] }],
      }),
    ).toThrow(/column "c", line 3: value "q" is not one of the classes "a", "b"/);
  });

  it('reads binary labels: 0/1, true/false, positive, classes', () => {
    const opts = (spec: object) => ({
      features: ['f'],
      tasks: [{ column: 'y', kind: 'binary' as const, ...spec }],
    });
    expect(Array.from(loadTable('f,y\n1,1\n2,0\n3,1.0\n', opts({})).tasks.y.values)).toEqual([1, 0, 1]);
    const tf = loadTable('f,y\n1,TRUE\n2,false\n', opts({})).tasks.y;
    expect([Array.from(tf.values), tf.classes]).toEqual([
      [1, 0],
      ['false', 'true'],
    ]);
    const pos = loadTable('f,y\n1,yes\n2,no\n', opts({ positive: 'no' })).tasks.y;
    expect([Array.from(pos.values), pos.classes]).toEqual([
      [0, 1],
      ['yes', 'no'],
    ]);
    const only = loadTable('f,y\n1,sick\n2,sick\n', opts({ positive: 'sick' })).tasks.y;
    expect(only.classes).toEqual(['not sick', 'sick']);
    const cls = loadTable('f,y\n1,b\n2,a\n', opts({ classes: ['b', 'a'] })).tasks.y;
    expect([Array.from(cls.values), cls.classes]).toEqual([
      [0, 1],
      ['b', 'a'],
    ]);
    expect(() => loadTable('f,y\n1,a\n2,a\n', opts({}))).toThrow(/single label "a"; pass `positive`/);
  });

  it('accepts row objects with nulls, NaN, booleans and absent keys', () => {
    const t = loadTable(
      [
        { a: 1, b: true, y: 'u' },
        { a: 2, b: false, y: null },
        { a: 3, b: 0, z: 1 },
        { a: Number.NaN, b: 1, y: 'v' },
      ],
      {
        features: ['a', 'b'],
        tasks: [
          { column: 'y', kind: 'binary', positive: 'v' },
          { column: 'z', kind: 'regression' },
        ],
      },
    );
    expect(Array.from(t.rowIndex)).toEqual([0, 2]);
    expect(Array.from(t.x)).toEqual([1, 1, 3, 0]);
    expect(t.tasks.y.classes).toEqual(['u', 'v']);
    expect(Array.from(t.tasks.y.values)).toEqual([0, Number.NaN]);
    expect(Array.from(t.tasks.z.values)).toEqual([Number.NaN, 1]);
    expect(t.dropped.map((d) => [d.row, d.reason])).toEqual([
      [2, 'every task label is missing ("y", "z")'],
      [4, 'missing feature value in "a"'],
    ]);
  });

  it('keeps categorical missing values as NaN across the one-hot block when imputing', () => {
    const t = loadTable('c,y\nx,1\n,2\ny,3\n', {
      features: ['c'],
      categorical: ['c'],
      tasks: [{ column: 'y', kind: 'regression' }],
      missingFeatures: 'mean',
    });
    expect(Array.from(t.x)).toEqual([1, 0, Number.NaN, Number.NaN, 0, 1]);
  });

  it('applies fixed categories', () => {
    const t = loadTable('c,y\nx,1\n', {
      features: ['c'],
      categorical: ['c'],
      categories: { c: ['y', 'x'] },
      tasks: [{ column: 'y', kind: 'regression' }],
    });
    expect(t.featureNames).toEqual(['c=y', 'c=x']);
    expect(Array.from(t.x)).toEqual([0, 1]);
    expect(() =>
      loadTable('c,y\nw,1\n', {
        features: ['c'],
        categorical: ['c'],
        categories: { c: ['x'] },
        tasks: [{ column: 'y', kind: 'regression' }],
      }),
    ).toThrow(/column "c", line 2: value "w" is not one of the given categories "x"/);
  });
});

describe('loadTable errors', () => {
  it('lists the available columns for an unknown column', () => {
    const e = thrown(() =>
      loadTable(penguinsCsv(), {
        features: ['Beak Length'],
        tasks: [{ column: 'Species', kind: 'classification' }],
      }),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toContain('unknown column "Beak Length" in features');
    expect(e.message).toContain(
      'Available columns: "Species", "Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"',
    );
    expect(() =>
      loadTable(penguinsCsv(), {
        features: ['Island'],
        tasks: [{ column: 'species', kind: 'classification' }],
      }),
    ).toThrow(/Did you mean "Species"\?/);
  });

  it('names column, row and value of a non-numeric feature and suggests categorical', () => {
    const e = thrown(() =>
      loadTable(penguinsCsv(), {
        features: ['Island', 'Beak Depth (mm)'],
        tasks: [{ column: 'Species', kind: 'classification' }],
      }),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/column "Island", line 2: value "Torgersen" is not a number/);
    expect(e.message).toContain('categorical');
    expect(() =>
      loadTable([{ a: '1' }, { a: 'x1', y: 2 }], {
        features: ['a'],
        tasks: [{ column: 'y', kind: 'regression' }],
      }),
    ).toThrow(/row 2: value "x1"/);
  });

  it('rejects a binary task with three labels', () => {
    const e = thrown(() =>
      loadTable('f,y\n1,a\n2,b\n3,c\n4,\n', { features: ['f'], tasks: [{ column: 'y', kind: 'binary' }] }),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/3 distinct labels \("a", "b", "c"\)/);
    expect(e.message).toContain('classification');
    expect(() =>
      loadTable('f,y\n1,a\n2,b\n3,c\n', {
        features: ['f'],
        tasks: [{ column: 'y', kind: 'binary', positive: 'a' }],
      }),
    ).toThrow(/2 labels/);
  });

  it('rejects empty input and ragged CSV with FormatError', () => {
    const opts = { features: ['f'], tasks: [{ column: 'y', kind: 'regression' as const }] };
    expect(() => loadTable('', opts)).toThrow(FormatError);
    expect(() => loadTable('f,y\n', opts)).toThrow(/no data rows/);
    expect(() => loadTable([], opts)).toThrow(FormatError);
    const e = thrown(() => loadTable('f,y\n1,2\n3\n', opts));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/line 3/);
  });

  it('rejects a non-numeric regression label and bad options', () => {
    expect(() =>
      loadTable('f,y\n1,heavy\n', { features: ['f'], tasks: [{ column: 'y', kind: 'regression' }] }),
    ).toThrow(/value "heavy" is not a number/);
    expect(() => loadTable('f,y\n1,2\n', { features: ['f'], tasks: [] })).toThrow(/at least one task/);
    expect(() =>
      loadTable('f,y\n1,2\n', { features: ['f', 'y'], tasks: [{ column: 'y', kind: 'regression' }] }),
    ).toThrow(/both a feature and the target/);
    expect(() =>
      loadTable('f,y\n1,2\n', {
        features: ['f'],
        categorical: ['y'],
        tasks: [{ column: 'y', kind: 'regression' }],
      }),
    ).toThrow(/not listed in features/);
    expect(() =>
      loadTable('f,y\n1,2\n', {
        features: ['f'],
        tasks: [
          { column: 'y', kind: 'regression' },
          { column: 'y', kind: 'regression' },
        ],
      }),
    ).toThrow(/listed twice/);
    expect(() =>
      loadTable('f,y\n,2\n', { features: ['f'], tasks: [{ column: 'y', kind: 'regression' }] }),
    ).toThrow(/every one of the 1 rows was dropped/);
  });
});

describe('subsetTable and tableFromArrays', () => {
  it('subsets rows and keeps source row indices', () => {
    const t = loadTable(penguinsCsv(), { features: FEATURES, categorical: ['Island'], tasks: TASKS });
    const s = subsetTable(t, [5, 0]);
    expect(s.nRows).toBe(2);
    expect(Array.from(s.rowIndex)).toEqual([t.rowIndex[5], t.rowIndex[0]]);
    expect(Array.from(s.x.subarray(0, 6))).toEqual(Array.from(t.x.subarray(30, 36)));
    expect(s.tasks.mass.values[1]).toBe(t.tasks.mass.values[0]);
    expect(() => subsetTable(t, [t.nRows])).toThrow(ValueError);
  });

  it('wraps numeric arrays', () => {
    const t = tableFromArrays({
      x: [1, 2, 3, 4],
      nRows: 2,
      nFeatures: 2,
      tasks: {
        c: { kind: 'classification', values: [0, 2] },
        b: { kind: 'binary', values: [1, Number.NaN] },
      },
    });
    expect(t.featureNames).toEqual(['x0', 'x1']);
    expect(t.tasks.c.classes).toEqual(['0', '1', '2']);
    expect(t.tasks.b.classes).toEqual(['0', '1']);
    expect(() =>
      tableFromArrays({ x: [1], nRows: 1, nFeatures: 1, tasks: { b: { kind: 'binary', values: [2] } } }),
    ).toThrow(/not a class index/);
  });
});
