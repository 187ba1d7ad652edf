/** lineChart: structure, escaping, gaps at non-finite points, log y and input validation. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { lineChart } from '../../src/report/index.js';
import { checkBalanced, checkNoArtefacts, texts } from '../support/svg.js';

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
