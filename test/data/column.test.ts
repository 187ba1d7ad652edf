import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MISSING, NUMBER, plainDecimal, printsAsWritten, textCodes } from '../../src/data/column.js';
import { csvRows } from '../../src/data/row-source.js';

/** Decimal-looking strings: sign, digits with leading zeros, a point, trailing zeros, spaces. */
const decimalText = fc
  .tuple(
    fc.constantFrom('', '-', '+', ' ', '\t'),
    fc.stringMatching(/^[0-9]{0,9}$/),
    fc.constantFrom('', '.'),
    fc.stringMatching(/^[0-9]{0,8}$/),
    fc.constantFrom('', ' ', 'e3', 'x'),
  )
  .map(([a, b, c, d, e]) => a + b + c + d + e);

describe('plainDecimal', () => {
  it('is Number(text) for a plain decimal of up to 15 digits, NaN otherwise (fast-check)', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const x = plainDecimal(text, 0, text.length);
        const t = text.trim();
        const plain = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) && t.replace(/\D/g, '').length <= 15;
        if (plain) expect(Object.is(x, Number(t))).toBe(true);
        else expect(x).toBeNaN();
      }),
      { numRuns: 3000 },
    );
  });

  it('says the number prints as written only when String(number) is the trimmed text (fast-check)', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const x = plainDecimal(text, 0, text.length);
        if (!Number.isNaN(x) && printsAsWritten) expect(String(x)).toBe(text.trim());
        if (!Number.isNaN(x) && String(x) === text.trim()) expect(printsAsWritten).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a range of a longer text, with hand-checked cases', () => {
    expect(plainDecimal('a,12.5,b', 2, 6)).toBe(12.5);
    expect(plainDecimal('0.1', 0, 3)).toBe(0.1);
    expect(plainDecimal('-0', 0, 2)).toBe(-0);
    expect(printsAsWritten).toBe(false); // String(-0) is "0"
    expect(plainDecimal('0.0000001', 0, 9)).toBe(1e-7);
    expect(printsAsWritten).toBe(false); // String(1e-7) is "1e-7"
    expect(plainDecimal('1234567890123456', 0, 16)).toBeNaN(); // 16 digits: left to Number
  });
});

describe('typed columns', () => {
  it('codes canonical numbers as NUMBER and interns every other text once', () => {
    const src = csvRows('a\n1\n1.0\n01\nNA\n1\nx\n 1.0 \n');
    const col = src.column('a');
    expect(Array.from(col.numbers)).toEqual([1, 1, 1, Number.NaN, 1, Number.NaN, 1]);
    expect(col.texts).toEqual(['1.0', '01', 'x']);
    expect(Array.from(col.codes)).toEqual([NUMBER, 0, 1, MISSING, NUMBER, 2, 0]);
    expect(col.firstNonNumber).toEqual({ row: 5, value: 'x' });
  });

  it('keeps no text for long or exponent numbers that print as written', () => {
    const col = csvRows('a\n0.30000000000000004\n1e-7\n1E-7\n12345678901234567\n').column('a');
    expect(Array.from(col.codes)).toEqual([NUMBER, NUMBER, 0, 1]);
    expect(col.texts).toEqual(['1E-7', '12345678901234567']); // String() gives 1e-7 and 12345678901234568
    expect(Array.from(col.numbers)).toEqual([0.30000000000000004, 1e-7, 1e-7, 12345678901234568]);
  });

  it('textCodes gives every cell the code of its text, numbers by String(number)', () => {
    const col = csvRows('a\n2\n1.0\n2\n\n7\n').column('a');
    const { codes, texts } = textCodes(col);
    const shown = Array.from(codes, (c) => (c === MISSING ? null : texts[c]));
    expect(shown).toEqual(['2', '1.0', '2', '7']);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
