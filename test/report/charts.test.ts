/** Line, error-bar, bar and heatmap charts: structure, escaping, gaps, log axes and input validation. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { barChart, divergingColor, errorBarChart, heatmap, lineChart } from '../../src/report/index.js';
import { attrs, checkBalanced, checkNoArtefacts, texts } from './helpers.js';

const XSS = '<script>alert("x")</script>';

function paths(svg: string): string[] {
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
}

describe('lineChart', () => {
  const base = { title: 'Loss', xLabel: 'Epoch', yLabel: 'Loss (nats)' };

  it('draws one path per series with a legend entry, axes labels and ticks', () => {
    const svg = lineChart({
      ...base,
      series: [
        {
          name: 'train',
          points: [
            [0, 1],
            [1, 0.5],
            [2, 0.25],
          ],
        },
        {
          name: 'val',
          points: [
            [0, 1.1],
            [1, 0.7],
            [2, 0.6],
          ],
          dashed: true,
        },
      ],
    });
    checkBalanced(svg);
    checkNoArtefacts(svg);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(paths(svg)).toHaveLength(2);
    expect(svg).toMatch(/<path [^>]*stroke-dasharray/);
    const t = texts(svg);
    for (const s of ['Loss', 'Epoch', 'Loss (nats)', 'train', 'val', '0', '0.5', '2.0'])
      expect(t).toContain(s);
  });

  it('escapes every user string', () => {
    const svg = lineChart({
      title: `T ${XSS}`,
      xLabel: 'a & b',
      yLabel: "it's",
      series: [
        {
          name: XSS,
          points: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('a &amp; b');
    expect(svg).toContain('it&#39;s');
    checkBalanced(svg);
  });

  it('skips NaN and Infinity points, leaving a gap (two subpaths) instead of dropping to 0', () => {
    const svg = lineChart({
      ...base,
      series: [
        {
          name: 'diverged',
          points: [
            [0, 1],
            [1, 0.8],
            [2, Number.NaN],
            [3, Number.POSITIVE_INFINITY],
            [4, 0.6],
            [5, 0.5],
          ],
        },
      ],
    });
    checkNoArtefacts(svg);
    const [d] = paths(svg);
    expect(d!.match(/M/g)).toHaveLength(2);
    expect(d!.match(/L/g)).toHaveLength(2);
    // No vertex at y = 0 (the plot's bottom is the 0.5 tick, not 0).
    const ys = [...d!.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => Number(m[2]));
    expect(ys).toHaveLength(4);
    const t = texts(svg);
    expect(t).not.toContain('NaN');
  });

  it('draws an isolated finite point between gaps as a dot; leading/trailing NaNs add no segment', () => {
    const svg = lineChart({
      ...base,
      series: [
        {
          name: 's',
          points: [
            [0, Number.NaN],
            [1, 1],
            [2, 2],
            [3, Number.NaN],
            [4, 3],
            [5, Number.NaN],
          ],
        },
      ],
    });
    expect(paths(svg)[0]!.match(/M/g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('with logY, skips y ≤ 0 and places ticks at decades or 1/2/5 multiples', () => {
    const svg = lineChart({
      ...base,
      logY: true,
      series: [
        {
          name: 's',
          points: [
            [0, 2],
            [1, 0],
            [2, 0.5],
            [3, 0.2],
            [4, -1],
            [5, 0.15],
          ],
        },
      ],
    });
    checkNoArtefacts(svg);
    // (0, 2) and (5, 0.15) are isolated by the skipped points: dots; (2, 0.5)–(3, 0.2) is a segment.
    expect(paths(svg)[0]!.match(/M/g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    const t = texts(svg);
    for (const s of ['0.1', '0.2', '0.5', '1', '2']) expect(t).toContain(s);
  });

  it('validates its input', () => {
    expect(() => lineChart({ ...base, series: [] })).toThrow(/series must not be empty/);
    expect(() => lineChart({ ...base, series: [{ name: 'a', points: [[0, Number.NaN]] }] })).toThrow(
      ValueError,
    );
    expect(() => lineChart({ ...base, series: [{ name: 'a', points: [[0, 1, 2] as never] }] })).toThrow(
      /point 0 must be an \[x, y\] pair/,
    );
    expect(() => lineChart({ ...base, logY: true, series: [{ name: 'a', points: [[0, 0]] }] })).toThrow(
      /no finite, positive points/,
    );
    expect(() =>
      lineChart({ ...base, width: Number.NaN, series: [{ name: 'a', points: [[0, 1]] }] }),
    ).toThrow(ValueError);
  });
});

describe('errorBarChart', () => {
  const base = { title: 'Validation loss vs λ', xLabel: 'Weight decay λ', yLabel: 'Loss' };
  const lambdas = [0, 1e-4, 1e-3, 1e-2];
  const points = lambdas.map((x, i) => ({
    x,
    mean: [0.41, 0.37, 0.35, 0.5][i]!,
    std: 0.02,
    label: `λ=${x}`,
  }));

  it('puts λ = 0 at a labelled position left of the smallest positive value, behind an axis break', () => {
    const svg = errorBarChart({ ...base, points, logX: true, highlight: 2 });
    checkBalanced(svg);
    checkNoArtefacts(svg);
    const cx = attrs(svg, 'circle class="mark"', 'cx');
    expect(cx).toHaveLength(4);
    expect(cx[0]!).toBeLessThan(cx[1]!);
    expect(cx[1]!).toBeLessThan(cx[2]!);
    expect(cx[2]!).toBeLessThan(cx[3]!);
    // Decades equally spaced on the log part.
    expect(cx[2]! - cx[1]!).toBeCloseTo(cx[3]! - cx[2]!, 1);
    expect(svg).toContain('class="axis-break"');
    const t = texts(svg);
    expect(t).toContain('0');
    expect(t).toContain('1e\u22124');
    // The "0" tick label sits at the zero point's x.
    const zero = /<text x="([\d.]+)"[^>]*>0<\/text>/.exec(svg);
    expect(Number(zero![1])).toBeCloseTo(cx[0]!, 1);
  });

  it('highlights the chosen point in a distinct colour with an annotation', () => {
    const svg = errorBarChart({ ...base, points, logX: true, highlight: 2 });
    const fills = [...svg.matchAll(/<circle class="mark" [^>]*fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]);
    expect(new Set([fills[0], fills[1], fills[3]]).size).toBe(1);
    expect(fills[2]).not.toBe(fills[0]);
    expect(svg).toMatch(/class="point chosen"/);
    expect(svg).toMatch(/class="annotation"[^>]*>λ=0\.001: 0\.35 ± 0\.02</);
  });

  it('works without zero or without log scale (no axis break)', () => {
    const noZero = errorBarChart({ ...base, points: points.slice(1), logX: true });
    expect(noZero).not.toContain('axis-break');
    const lin = errorBarChart({ ...base, points: [1, 2, 3].map((x) => ({ x, mean: x, std: 0.1 })) });
    expect(lin).not.toContain('axis-break');
    checkNoArtefacts(lin);
    checkBalanced(lin);
  });

  it('validates its input', () => {
    expect(() => errorBarChart({ ...base, points: [] })).toThrow(/points must not be empty/);
    expect(() => errorBarChart({ ...base, points, highlight: 4 })).toThrow(
      /highlight must be an index in \[0, 3\]/,
    );
    expect(() => errorBarChart({ ...base, points: [{ x: -1, mean: 1, std: 0 }], logX: true })).toThrow(
      /negative/,
    );
    expect(() => errorBarChart({ ...base, points: [{ x: 0, mean: 1, std: 0 }], logX: true })).toThrow(
      /x > 0/,
    );
    expect(() => errorBarChart({ ...base, points: [{ x: 1, mean: Number.NaN, std: 0 }] })).toThrow(/mean/);
    expect(() => errorBarChart({ ...base, points: [{ x: 1, mean: 1, std: -1 }] })).toThrow(/std must be ≥ 0/);
  });
});

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

describe('heatmap', () => {
  const labels = ['species', 'sex', 'mass'];
  const matrix = [
    [1, 0.42, -0.18],
    [0.42, 1, -0.31],
    [-0.18, -0.31, 1],
  ];

  it('draws n² cells with printed values on a diverging palette', () => {
    const svg = heatmap({ title: 'Cosine similarity', labels, matrix });
    checkBalanced(svg);
    checkNoArtefacts(svg);
    const t = texts(svg);
    for (const s of ['1.00', '0.42', '\u22120.18', '\u22120.31']) expect(t).toContain(s);
    expect(t.filter((s) => s === '1.00')).toHaveLength(3);
    expect(svg.match(/<rect [^>]*stroke="#fff"[^>]*><title>/g)).toHaveLength(9);
    expect(divergingColor(0.5)).toBe('#f7f7f7');
    expect(divergingColor(0)).toBe('#2166ac');
    expect(divergingColor(1)).toBe('#b2182b');
    // The cell for 1 uses the red end; its text is white for contrast.
    expect(svg).toMatch(/fill="#b2182b"/);
  });

  it('shows NaN cells as "–" and validates its input', () => {
    const svg = heatmap({
      title: 't',
      labels: ['a', 'b'],
      matrix: [
        [1, Number.NaN],
        [Number.NaN, 1],
      ],
    });
    checkNoArtefacts(svg);
    expect(texts(svg).filter((s) => s === '\u2013')).toHaveLength(2);
    expect(() => heatmap({ title: 't', labels, matrix: matrix.slice(1) })).toThrow(
      /2 rows but there are 3 labels/,
    );
    expect(() =>
      heatmap({
        title: 't',
        labels,
        matrix: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      }),
    ).toThrow(/row 0 has 2 values/);
    expect(() => heatmap({ title: 't', labels, matrix, min: 1, max: 1 })).toThrow(/min < max/);
    expect(() => heatmap({ title: 't', labels: [], matrix: [] })).toThrow(/labels must not be empty/);
  });
});
