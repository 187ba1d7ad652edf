import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../src/data/index.js';
import { FormatError } from '../../src/errors.js';

/** Test-side CSV writer, independent of the library's: quotes when needed or when asked to. */
function writeCsv(
  table: string[][],
  opts: { eol: string; bom: boolean; trailing: boolean; forceQuote: boolean[][] },
): string {
  const lines = table.map((row, i) =>
    row
      .map((f, j) => {
        const needs = f === '' || /[",\r\n]/.test(f);
        return needs || opts.forceQuote[i]?.[j] ? `"${f.split('"').join('""')}"` : f;
      })
      .join(','),
  );
  return (opts.bom ? '\uFEFF' : '') + lines.join(opts.eol) + (opts.trailing ? opts.eol : '');
}

const fieldChars = fc.constantFrom(
  'a',
  'b',
  'Z',
  '0',
  '9',
  ' ',
  ',',
  '"',
  '\n',
  '\r',
  '\r\n',
  'é',
  '😀',
  ';',
  '\t',
  "'",
);
const field = fc.array(fieldChars, { maxLength: 8 }).map((cs) => cs.join(''));

describe('parseCsv', () => {
  it('round-trips random fields with quotes, commas and line breaks (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((w) =>
          fc.record({
            header: fc.uniqueArray(field, { minLength: w, maxLength: w }),
            rows: fc.array(fc.array(field, { minLength: w, maxLength: w }), { maxLength: 8 }),
            eol: fc.constantFrom('\n', '\r\n'),
            bom: fc.boolean(),
            trailing: fc.boolean(),
            force: fc.array(fc.array(fc.boolean(), { minLength: w, maxLength: w }), {
              minLength: 9,
              maxLength: 9,
            }),
          }),
        ),
        ({ header, rows, eol, bom, trailing, force }) => {
          const text = writeCsv([header, ...rows], { eol, bom, trailing, forceQuote: force });
          const got = parseCsv(text);
          expect(got.header).toEqual(header);
          expect(got.rows).toEqual(rows);
          expect(got.lines.length).toBe(rows.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('round-trips through the library writer formatCsv (fast-check)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((w) =>
            fc.tuple(
              fc.uniqueArray(field, { minLength: w, maxLength: w }),
              fc.array(fc.array(field, { minLength: w, maxLength: w }), { maxLength: 6 }),
            ),
          ),
        ([header, rows]) => {
          const got = parseCsv(formatCsv(header, rows));
          expect(got).toMatchObject({ header, rows });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles CRLF, BOM, escaped quotes, embedded newlines and a missing final newline', () => {
    const text = '\uFEFFname,quote\r\n"Smith, J","He said ""hi"""\r\nplain,"two\r\nlines"';
    const got = parseCsv(text);
    expect(got.header).toEqual(['name', 'quote']);
    expect(got.rows).toEqual([
      ['Smith, J', 'He said "hi"'],
      ['plain', 'two\r\nlines'],
    ]);
    expect(got.lines).toEqual([2, 3]);
  });

  it('reports the starting line of records that span several lines, and skips blank lines', () => {
    const got = parseCsv('a,b\n"x\ny\nz",1\n\n2,3\n');
    expect(got.rows).toEqual([
      ['x\ny\nz', '1'],
      ['2', '3'],
    ]);
    expect(got.lines).toEqual([2, 6]);
  });

  it('keeps a trailing empty field and supports another delimiter', () => {
    expect(parseCsv('a,b\n1,\n').rows).toEqual([['1', '']]);
    expect(parseCsv('a;b\n1;2,5\n', { delimiter: ';' }).rows).toEqual([['1', '2,5']]);
  });

  it('rejects empty input', () => {
    expect(() => parseCsv('')).toThrow(FormatError);
    expect(() => parseCsv('\uFEFF')).toThrow(/empty/);
    expect(() => parseCsv('\n\r\n')).toThrow(/empty/);
  });

  it('names the line of a ragged row', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n')).toThrow(FormatError);
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n')).toThrow(
      /line 3: 2 fields, but the header \(line 1\) has 3 columns/,
    );
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2: 3 fields/);
  });

  it('names the opening line of an unterminated quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n')).toThrow(FormatError);
    expect(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n')).toThrow(/line 3: quoted field is never closed/);
  });

  it('rejects text after a closing quote and duplicate column names', () => {
    expect(() => parseCsv('a,b\n"x"y,1\n')).toThrow(/line 2: unexpected "y" after the closing quote/);
    expect(() => parseCsv('a,b,a\n1,2,3\n')).toThrow(/"a" appears twice/);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(parseCsv('h\n5\'10"\n').rows).toEqual([['5\'10"']]);
  });
});
