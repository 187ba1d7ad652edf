/** Number formatting for ticks, labels and tables. */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLogTicks, formatNumber, formatTicks, niceTicks } from '../../src/report/index.js';

describe('formatting', () => {
  it('formats linear ticks with just enough decimals and a real minus sign', () => {
    expect(formatTicks([0, 0.5, 1, 1.5], 0.5)).toEqual(['0', '0.5', '1.0', '1.5']);
    expect(formatTicks([-2, 0, 2], 2)).toEqual(['\u22122', '0', '2']);
    expect(formatTicks([0, 10_000, 20_000], 10_000)).toEqual(['0', '10,000', '20,000']);
    expect(formatTicks([0, 2e-5, 4e-5], 2e-5)).toEqual(['0', '2e\u22125', '4e\u22125']);
    expect(formatTicks([0, 1e8, 2e8], 1e8)).toEqual(['0', '1e8', '2e8']);
  });

  it('labels neighbouring ticks distinctly for random ranges', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
        (lo, span) => {
          const t = niceTicks(lo, lo + span);
          const labels = formatTicks(t.values, t.step);
          expect(new Set(labels).size).toBe(labels.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses one notation per log axis', () => {
    expect(formatLogTicks([0.1, 1, 10])).toEqual(['0.1', '1', '10']);
    expect(formatLogTicks([1e-4, 1e-3, 1e-2])).toEqual(['1e\u22124', '1e\u22123', '1e\u22122']);
  });

  it('formats general numbers', () => {
    expect(formatNumber(0.35214)).toBe('0.352');
    expect(formatNumber(-1.526, 3)).toBe('\u22121.53');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(3e-4)).toBe('3e\u22124');
    expect(formatNumber(Number.NaN)).toBe('\u2013');
    expect(formatNumber(undefined)).toBe('\u2013');
    expect(formatNumber(-Infinity)).toBe('\u2212\u221e');
    expect(formatNumber(12345.678, 4)).toBe('12,346'); // integer digits are never rounded away
  });
});
