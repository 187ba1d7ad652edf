import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from '../../src/data/csv.js';
import {
  csvRowReader,
  csvRows,
  matchColumn,
  objectRows,
  type RowSource,
  unknownColumnHint,
} from '../../src/data/row-source.js';
import { FormatError, ValueError } from '../../src/errors.js';

/** Test-side CSV writer (quotes a field only when it must). */
function writeCsv(rows: string[][], delimiter: string): string {
  const quote = (f: string) =>
    f === '' || f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.split('"').join('""')}"` : f;
  return `${rows.map((r) => r.map(quote).join(delimiter)).join('\n')}\n`;
}

/** Every cell of a source as `get` gives it. */
function cells(src: RowSource): unknown[][] {
  return Array.from({ length: src.n }, (_, r) => src.columns.map((c) => src.get(r, c)));
}

const cell = fc.oneof(
  fc.constantFrom(
    '',
    'NA',
    '1',
    '1.0',
    '-2.5',
    '007',
    'a',
    'B',
    ' x ',
    'a,b',
    'say "hi"',
    'two\nlines',
    '3e2',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);

describe('csvRows', () => {
  it('reads every cell as its trimmed text, missing as undefined, for random tables (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((w) =>
          fc.record({
            rows: fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 12 }),
            delimiter: fc.constantFrom(',', ';', '\t'),
            w: fc.constant(w),
          }),
        ),
        ({ rows, delimiter, w }) => {
          const header = Array.from({ length: w }, (_, j) => `c${j}`);
          const src = csvRows(writeCsv([header, ...rows], delimiter), { delimiter });
          expect(src.n).toBe(rows.length);
          const want = rows.map((r) =>
            r.map((f) => {
              const t = f.trim();
              return t === '' || t.toLowerCase() === 'na' ? undefined : t;
            }),
          );
          // A number cell may come back as the number when its text is how the number prints.
          const got = cells(src).map((r) => r.map((v) => (typeof v === 'number' ? String(v) : v)));
          expect(got).toEqual(want);
        },
      ),
    );
  });

  it('gives the same columns whatever the chunk boundaries (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (rows, cuts, eol) => {
          const text = writeCsv([['a', 'b', 'c'], ...rows], ',').replace(
            /\n(?=(?:[^"]*"[^"]*")*[^"]*$)/g,
            eol,
          );
          const whole = csvRows(text);
          const reader = csvRowReader();
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const p of points) {
            reader.push(text.slice(from, p));
            from = p;
          }
          const chunked = reader.finish(text.slice(from));
          expect(cells(chunked)).toEqual(cells(whole));
          expect(Array.from({ length: whole.n }, (_, r) => chunked.position(r))).toEqual(
            Array.from({ length: whole.n }, (_, r) => whole.position(r)),
          );
        },
      ),
    );
  });

  it('refuses a record longer than MAX_RECORD_CHARS while reading chunks (a file without line breaks)', () => {
    const reader = csvRowReader({}, 'zeros');
    const chunk = '\u0000'.repeat(1 << 20);
    const push = () => {
      for (let i = 0; i <= MAX_RECORD_CHARS / chunk.length; i++) reader.push(chunk);
    };
    expect(push).toThrow(/zeros: line 1: a record longer than 16777216 characters/);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, and counts lines', () => {
    const src = csvRows('a;b\n"x;y";"say ""hi"""\n"two\nlines";3\n', { delimiter: ';' });
    expect(cells(src)).toEqual([
      ['x;y', 'say "hi"'],
      ['two\nlines', 3],
    ]);
    expect([src.position(0), src.position(1)]).toEqual([2, 3]);
  });

  it('applies missingValues, including numeric ones, case-insensitively after trimming', () => {
    const src = csvRows('a,b\n-999,x\n5, Unknown \n-999.0,y\n', { missingValues: ['-999', 'unknown'] });
    expect(cells(src)).toEqual([
      [undefined, 'x'],
      [5, undefined],
      ['-999.0', 'y'],
    ]);
    expect(Array.from(src.column('a').numbers)).toEqual([Number.NaN, 5, -999]);
  });

  it('stops after maxRows data rows and checks the option', () => {
    expect(csvRows('a\n1\n2\n3\n', { maxRows: 2 }).n).toBe(2);
    expect(csvRows('a\n1\n2\n3\nragged,row\n', { maxRows: 3 }).n).toBe(3); // never reads line 5
    for (const bad of [0, -1, 1.5, Number.NaN, '2']) {
      expect(() => csvRows('a\n1\n', { maxRows: bad as number })).toThrow(
        /maxRows must be a positive integer/,
      );
    }
    expect(() => csvRows('a\n1\n', { maxrows: 2 } as object)).toThrow(
      /unknown option 'maxrows' \(did you mean 'maxRows'\?\)/,
    );
  });

  it('rejects malformed text with FormatError naming the line', () => {
    expect(() => csvRows('')).toThrow(FormatError);
    expect(() => csvRows('a,b\n1\n')).toThrow(/line 2: 1 field, but the header \(line 1\) has 2 columns/);
    expect(() => csvRows('a\n"open\n')).toThrow(/line 2: quoted field is never closed/);
    expect(() => csvRows('a\n1\n', { delimiter: '"' })).toThrow(/delimiter/);
    expect(csvRows('a,b\n').n).toBe(0);
  });
});

describe('objectRows', () => {
  it('takes the union of keys, keeps values as given, reads booleans as numbers', () => {
    const src = objectRows([
      { a: 1, b: true },
      { b: 'NA', c: 'x' },
    ]);
    expect(src.columns).toEqual(['a', 'b', 'c']);
    expect(cells(src)).toEqual([
      [1, true, undefined],
      [undefined, 'NA', 'x'],
    ]);
    expect(Array.from(src.column('b').numbers)).toEqual([1, Number.NaN]);
    expect(src.column('b').codes[1]).toBe(-1); // 'NA' is missing
    expect([src.unit, src.position(1)]).toEqual(['row', 2]);
  });

  it('records a value that is neither text nor a number, and rejects non-objects', () => {
    const src = objectRows([{ a: 1 }, { a: { nested: true } }]);
    expect(src.column('a').firstUnsupported).toEqual({ row: 1, value: { nested: true } });
    expect(() => objectRows([{ a: 1 }, 3] as object[])).toThrow(/row 2 is not an object/);
    expect(() => objectRows([{ a: 1 }], { delimiter: ';' })).toThrow(ValueError);
  });
});

describe('column names', () => {
  const src = csvRows('Species, Beak Length ,mass\n1,2,3\n');

  it('matches exactly, else the one name equal up to case and surrounding spaces', () => {
    expect(matchColumn(src, 'mass')).toBe('mass');
    expect(matchColumn(src, 'species')).toBe('Species');
    expect(matchColumn(src, 'beak length')).toBe(' Beak Length ');
    expect(matchColumn(src, 'wings')).toBeUndefined();
    expect(() => src.column('wings')).toThrow(ValueError);
  });

  it('suggests the closest name and lists the columns', () => {
    expect(unknownColumnHint(src, 'mas')).toBe(
      ' Did you mean "mass"? Available columns: "Species", " Beak Length ", "mass"',
    );
    expect(unknownColumnHint(src, 'zzzzzz')).toBe(' Available columns: "Species", " Beak Length ", "mass"');
  });
});
