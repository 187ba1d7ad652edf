/** errorBarChart: the λ = 0 slot behind an axis break, the highlighted point, input validation. */
import { describe, expect, it } from 'vitest';
import { errorBarChart } from '../../src/report/index.js';
import { attrs, checkBalanced, checkNoArtefacts, texts } from '../support/svg.js';

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
