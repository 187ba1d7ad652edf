/** intervalChart: bands that enclose their means, the reference line, escaping and input validation. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { barChart, errorBarChart, intervalChart } from '../../src/report/index.js';
import { checkBalanced, checkNoArtefacts, texts } from '../support/svg.js';

const base = { title: 'Δm vs size', xLabel: 'training rows', yLabel: 'Δm (%)' };
const pts = [
  { x: 20, mean: 1, lo: -1, hi: 3 },
  { x: 50, mean: 0, lo: -0.5, hi: 0.5 },
  { x: 100, mean: -1, lo: -1.2, hi: -0.8 },
];

/** The vertices of each band path, as [x, y] pixel pairs. */
function bands(svg: string): number[][][] {
  return [...svg.matchAll(/<path class="band" d="M([^"]*) Z"/g)].map((m) =>
    m[1]!.split(' L').map((xy) => xy.split(' ').map(Number)),
  );
}

describe('intervalChart', () => {
  it('draws per series a band of 2n vertices around its mean line, and a legend', () => {
    const svg = intervalChart({
      ...base,
      note: 'bands: 95 % t interval',
      series: [
        { name: 'penguins', points: pts },
        {
          name: 'unrelated <b>',
          points: pts.map((p) => ({ ...p, mean: p.mean + 1, lo: p.lo + 1, hi: p.hi + 1 })),
        },
      ],
    });
    checkBalanced(svg);
    checkNoArtefacts(svg);
    const b = bands(svg);
    expect(b).toHaveLength(2);
    expect(b[0]).toHaveLength(6);
    const dots = [...svg.matchAll(/<circle cx="([^"]*)" cy="([^"]*)" r="3.5"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(dots).toHaveLength(6);
    // Upper edge left to right, then the lower edge back: the dot at x_i lies between b[i] and b[5 − i]
    // (SVG y grows downwards, so hi has the smaller y).
    for (let i = 0; i < 3; i++) {
      const [ux, uy] = b[0][i]!;
      const [lx, ly] = b[0][5 - i]!;
      expect(ux).toBe(lx);
      expect(dots[i]![0]).toBe(ux);
      expect(uy).toBeLessThan(dots[i]![1]!);
      expect(dots[i]![1]).toBeLessThan(ly!);
    }
    // x increases along the upper edge, and equal steps in data give proportional steps in pixels.
    const xs = b[0].slice(0, 3).map((p) => p[0]!);
    expect((xs[2]! - xs[1]!) / (xs[1]! - xs[0]!)).toBeCloseTo(50 / 30, 1);
    const t = texts(svg);
    expect(t).toContain('penguins');
    expect(t).toContain('unrelated &lt;b&gt;');
    expect(svg).not.toContain('<b>');
    expect(t).toContain('bands: 95 % t interval');
  });

  it('sorts points by x and draws a reference line with its label', () => {
    const svg = intervalChart({
      ...base,
      series: [{ name: 'a', points: [...pts].reverse() }],
      referenceLine: { value: 0, label: 'single-task' },
    });
    const xs = bands(svg)[0]!
      .slice(0, 3)
      .map((p) => p[0]!);
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
    expect(texts(svg)).toContain('single-task');
    expect(svg).toContain('stroke-dasharray="5 4"');
  });

  it('draws a lone point as a dot with an interval bar, without a band', () => {
    const svg = intervalChart({ ...base, series: [{ name: 'one', points: [pts[0]!] }] });
    expect(bands(svg)).toHaveLength(0);
    expect(svg).toMatch(/<circle/);
  });

  it('names the chart, series and point of bad input', () => {
    const bad = (points: unknown[]) => () =>
      intervalChart({ ...base, series: [{ name: 's', points: points as typeof pts }] });
    expect(bad([{ x: 1, mean: 2, lo: 3, hi: 4 }])).toThrow(
      /"Δm vs size": series "s" point 0: expected lo ≤ mean ≤ hi/,
    );
    expect(bad([{ x: 1, mean: Number.NaN, lo: 0, hi: 1 }])).toThrow(ValueError);
    expect(bad([])).toThrow(ValueError);
    expect(() => intervalChart({ ...base, series: [] })).toThrow(ValueError);
  });
});

describe('errorBarChart barLabel', () => {
  it('names the bars in the legend', () => {
    const svg = errorBarChart({
      ...base,
      points: [{ x: 1, mean: 1, std: 0.5 }],
      barLabel: 'mean ± 95 % t interval',
    });
    expect(texts(svg)).toContain('mean ± 95 % t interval');
    expect(texts(errorBarChart({ ...base, points: [{ x: 1, mean: 1, std: 0.5 }] }))).toContain(
      'mean ± 1 std',
    );
  });
});

describe('barChart intervals', () => {
  const opts = {
    title: 'Δm per method',
    yLabel: 'Δm (%)',
    categories: ['EW', 'UW'],
    groups: [
      {
        name: 'Δm',
        values: [-2, 1],
        intervals: [
          [-5, 1],
          [0, 3],
        ] as [number, number][],
      },
    ],
  };

  it('draws a whisker per bar spanning its interval, and widens the axis to hold it', () => {
    const svg = barChart(opts);
    checkBalanced(svg);
    const whiskers = [
      ...svg.matchAll(/<g class="interval"><line x1="([^"]*)" y1="([^"]*)" x2="[^"]*" y2="([^"]*)"/g),
    ];
    expect(whiskers).toHaveLength(2);
    // Pixel lengths are proportional to the intervals' widths (6 and 3).
    const len = whiskers.map((m) => Math.abs(Number(m[2]) - Number(m[3])));
    expect(len[0]! / len[1]!).toBeCloseTo(2, 1);
    expect(texts(svg)).toContain('−6'); // the axis reaches past the lowest whisker end, −5
  });

  it('rejects an interval that does not hold its value', () => {
    expect(() =>
      barChart({
        ...opts,
        groups: [
          {
            ...opts.groups[0]!,
            intervals: [
              [-1, 0],
              [0, 3],
            ],
          },
        ],
      }),
    ).toThrow(/interval for "EW" must be \[lo, hi\]/);
  });
});

describe('intervalChart colours', () => {
  it('uses a series colour when given, so two charts can match', () => {
    const svg = intervalChart({ ...base, series: [{ name: 'MMoE', color: '#123456', points: pts }] });
    expect(svg).toContain('fill="#123456"');
  });
});
