/** heatmap: cells, printed values, the diverging palette, NaN cells, input validation. */
import { describe, expect, it } from 'vitest';
import { divergingColor, heatmap } from '../../src/report/index.js';
import { checkBalanced, checkNoArtefacts, texts } from '../support/svg.js';

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
