/** barChart: bars from the zero line, groups and legend, escaping, input validation. */
import { describe, expect, it } from 'vitest';
import { barChart } from '../../src/report/index.js';
import { checkBalanced, checkNoArtefacts, texts } from '../support/svg.js';

const XSS = '<script>alert("x")</script>';

describe('barChart', () => {
  const base = { title: 'Δm per method', yLabel: 'Δm (%)', categories: ['EW', 'UW', 'PCGrad'] };

  it('grows negative bars down from the zero line and positive bars up', () => {
    const svg = barChart({
      ...base,
      note: 'negative = better',
      groups: [{ name: 'Δm', values: [-2, 1, -0.5] }],
      referenceLine: { value: -1, label: 'baseline' },
    });
    checkBalanced(svg);
    checkNoArtefacts(svg);
    const bars = [
      ...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#/g),
    ].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(bars).toHaveLength(3);
    const zeroY = bars[1]![0] + bars[1]![1]; // bottom of the positive bar
    expect(bars[0]![0]).toBeCloseTo(zeroY, 1); // negative bars start at the zero line...
    expect(bars[2]![0]).toBeCloseTo(zeroY, 1);
    expect(bars[0]![1] / bars[2]![1]).toBeCloseTo(4, 1); // ...and their lengths are proportional
    expect(bars[1]![1] / bars[2]![1]).toBeCloseTo(2, 1);
    expect(texts(svg)).toContain('negative = better');
    expect(texts(svg).some((s) => s.startsWith('baseline'))).toBe(true);
    expect(svg).toMatch(/stroke-dasharray="6 4"/);
  });

  it('draws grouped bars with a legend and escapes category names', () => {
    const svg = barChart({
      ...base,
      categories: ['a', XSS, 'c'],
      groups: [
        { name: 'task 1', values: [1, 2, 3] },
        { name: 'task <2>', values: [-1, -2, -3] },
      ],
    });
    expect(svg).not.toContain('<script');
    expect(texts(svg)).toContain('task &lt;2&gt;');
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#/g)).toHaveLength(6);
    checkBalanced(svg);
  });

  it('validates its input', () => {
    expect(() => barChart({ ...base, groups: [] })).toThrow(/groups must not be empty/);
    expect(() => barChart({ ...base, categories: [], groups: [{ name: 'g', values: [] }] })).toThrow(
      /categories must not be empty/,
    );
    expect(() => barChart({ ...base, groups: [{ name: 'g', values: [1, 2] }] })).toThrow(
      'group "g" has 2 values but there are 3 categories',
    );
    expect(() => barChart({ ...base, groups: [{ name: 'g', values: [1, Number.NaN, 2] }] })).toThrow(
      /finite/,
    );
  });
});
