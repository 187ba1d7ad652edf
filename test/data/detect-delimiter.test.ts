import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, LIKELY_DELIMITERS } from '../../src/data/csv.js';
import { csvRows, readDecimalCommas } from '../../src/data/row-source.js';

describe('detectDelimiter', () => {
  it('finds the separator of small real-shaped tables', () => {
    expect(detectDelimiter('popul\tTVnews\tselfLR\n0.0\t7\t7\n190.0\t1\t3\n')).toBe('\t');
    expect(detectDelimiter('rate_marriage;age;yrs_married\n3,0;32,0;9,0\n3,0;27,0;13,0\n')).toBe(';');
    expect(detectDelimiter('Title|Gross|Rating\nAvatar|2.7e9|PG-13\nUp|7.3e8|PG\n')).toBe('|');
    expect(detectDelimiter('Weight,Waist,Pulse\n191,36,50\n189,37,52\n')).toBe(',');
  });

  it('ignores delimiters inside quoted fields, also across lines', () => {
    expect(detectDelimiter('name;note\n"a,b,c";1\n"x\ny,z";2\n')).toBe(';');
    expect(detectDelimiter('"a;b",c\n"1;2;3",4\n')).toBe(',');
  });

  it('prefers the delimiter with the most fields when several are consistent', () => {
    // One comma per line everywhere (2 fields), but three tabs (4 fields).
    expect(detectDelimiter('a,b\tc\td\te\n1,2\t3\t4\t5\n')).toBe('\t');
    // A tie keeps the order of preference: comma first.
    expect(detectDelimiter('a,b;c\n1,2;3\n')).toBe(',');
  });

  it('is undefined for one column or inconsistent counts', () => {
    expect(detectDelimiter('value\n1\n2\n')).toBeUndefined();
    expect(detectDelimiter('a,b\n1,2,3\n')).toBeUndefined();
    expect(detectDelimiter('')).toBeUndefined();
  });

  it('ignores a cut last line of a file head', () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5')).toBe(';');
    expect(detectDelimiter('a;b;c')).toBe(';');
  });

  it('finds the delimiter a table was written with (property)', () => {
    const cell = fc.stringMatching(/^[a-z0-9.]{1,6}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...LIKELY_DELIMITERS),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        cell,
        (d, width, rows, c) => {
          const line = Array.from({ length: width }, (_, j) => `${c}${j}`).join(d);
          const text = Array.from({ length: rows + 1 }, () => line).join('\n') + '\n';
          expect(detectDelimiter(text)).toBe(d);
        },
      ),
    );
  });
});

describe('readDecimalCommas', () => {
  it('reads decimal-comma cells as numbers and keeps their text', () => {
    const src = csvRows('x;y;c\n4,5;-0,25;a\n3;,5;b\n', { delimiter: ';' });
    readDecimalCommas(src);
    expect(Array.from(src.column('x').numbers)).toEqual([4.5, 3]);
    expect(Array.from(src.column('y').numbers)).toEqual([-0.25, 0.5]);
    expect(src.column('x').firstNonNumber).toBeNull();
    expect(src.column('c').firstNonNumber).toEqual({ row: 0, value: 'a' });
    expect(src.get(0, 'x')).toBe('4,5');
  });

  it('leaves text that is not one decimal number as text', () => {
    const src = csvRows('x\n"1,2,3"\n4,5\n', { delimiter: ';' });
    readDecimalCommas(src);
    expect(src.column('x').numbers[0]).toBeNaN();
    expect(src.column('x').numbers[1]).toBe(4.5);
    expect(src.column('x').firstNonNumber).toEqual({ row: 0, value: '1,2,3' });
  });
});
