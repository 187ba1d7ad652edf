/**
 * Interval chart: one or more series of means with a shaded band from lo to hi at each x, e.g. Δm against the
 * training-set size with its 95 % interval, or test error against task correlation per model.
 */
import { ValueError } from '../errors.js';
import { formatNumber } from './format.js';
import { axisLines, chartBasics, chartFrame, linearAxisTicks, xAxis, xAxisRoom } from './frame.js';
import { coord, escapeHtml, linearScale, list, MUTED, niceTicks, PALETTE, str, text } from './svg.js';

export interface IntervalPoint {
  x: number;
  mean: number;
  /** The interval's ends, lo ≤ mean ≤ hi. */
  lo: number;
  hi: number;
}

export interface IntervalSeries {
  name: string;
  points: readonly IntervalPoint[];
  /** A CSS colour; default: the palette colour of the series' position (pass one to match another chart). */
  color?: string;
}

export interface IntervalChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly IntervalSeries[];
  /** What the bands are, shown under the title (e.g. "bands: 95 % t interval over 5 splits"). */
  note?: string;
  /** A horizontal dashed line, e.g. Δm = 0 (single-task). */
  referenceLine?: { value: number; label: string };
  width?: number;
  height?: number;
}

/** An SVG chart of each series' means (line and dots) over its shaded interval band. */
export function intervalChart(opts: IntervalChartOptions): string {
  const basics = chartBasics('intervalChart', opts);
  const note = opts.note === undefined ? undefined : str('intervalChart: note', opts.note);
  const series = checkSeries(basics.title, opts.series);
  const ref = opts.referenceLine;
  if (ref !== undefined && (!Number.isFinite(ref.value) || typeof ref.label !== 'string'))
    throw new ValueError(`intervalChart "${basics.title}": referenceLine needs a finite value and a label`);
  const all = series.flatMap((s) => s.points);
  const ys = all.flatMap((p) => [p.lo, p.hi]).concat(ref === undefined ? [] : [ref.value]);
  const xt = niceTicks(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)), 8);
  const yt = niceTicks(Math.min(...ys), Math.max(...ys), 7);
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const frame = chartFrame(basics, {
    cls: 'interval-chart',
    legend: series.map((s, i) => ({ name: s.name, color: colors[i]!, kind: 'marker' as const })),
    note,
    y: { ticks: linearAxisTicks(yt), domain: [yt.min, yt.max] },
    below: xAxisRoom(basics.xLabel),
  });
  const { plot, sy } = frame;
  const sx = linearScale(xt.min, xt.max, plot.left + 12, plot.right - 12);
  let body = xAxis(plot, linearAxisTicks(xt), sx, basics.xLabel) + axisLines(plot);
  if (ref !== undefined) {
    const y = coord(sy(ref.value));
    body += `<line x1="${coord(plot.left)}" y1="${y}" x2="${coord(plot.right)}" y2="${y}" stroke="${MUTED}" stroke-width="1.2" stroke-dasharray="5 4"/>`;
    body += text(plot.left + 6, sy(ref.value) - 6, ref.label, {
      size: 11.5,
      anchor: 'start',
      fill: MUTED,
      halo: true,
    });
  }
  series.forEach((s, i) => {
    body += seriesMarks(s, colors[i]!, sx, sy);
  });
  return `${frame.svg}${body}</svg>`;
}

function checkSeries(title: string, series: readonly IntervalSeries[]): IntervalSeries[] {
  const out = list(`intervalChart "${title}": series`, series).map((s, i) => {
    str(`intervalChart "${title}": series[${i}].name`, s?.name);
    const pts = list(`intervalChart "${title}": series "${s.name}" points`, s.points);
    pts.forEach((p, j) => {
      for (const k of ['x', 'mean', 'lo', 'hi'] as const) {
        if (typeof p?.[k] !== 'number' || !Number.isFinite(p[k])) {
          throw new ValueError(
            `intervalChart "${title}": series "${s.name}" point ${j}: ${k} must be a finite number, got ${p?.[k]}`,
          );
        }
      }
      if (!(p.lo <= p.mean && p.mean <= p.hi)) {
        throw new ValueError(
          `intervalChart "${title}": series "${s.name}" point ${j}: expected lo ≤ mean ≤ hi, got ${p.lo}, ${p.mean}, ${p.hi}`,
        );
      }
    });
    if (s.color !== undefined) str(`intervalChart "${title}": series "${s.name}" color`, s.color);
    // Escaped: it goes into attributes.
    const color = s.color === undefined ? undefined : escapeHtml(s.color);
    return { name: s.name, color, points: [...pts].sort((a, b) => a.x - b.x) };
  });
  return out;
}

/** The band (upper edge left to right, lower edge back), the mean line and a dot with a tooltip per point. */
function seriesMarks(
  s: IntervalSeries,
  color: string,
  sx: (v: number) => number,
  sy: (v: number) => number,
): string {
  const upper = s.points.map((p) => `${coord(sx(p.x))} ${coord(sy(p.hi))}`);
  const lower = s.points.map((p) => `${coord(sx(p.x))} ${coord(sy(p.lo))}`).reverse();
  let out = `<g class="series"><title>${escapeHtml(s.name)}</title>`;
  if (s.points.length > 1) {
    out += `<path class="band" d="M${[...upper, ...lower].join(' L')} Z" fill="${color}" fill-opacity="0.16" stroke="${color}" stroke-opacity="0.35" stroke-width="0.8"/>`;
    const mean = s.points.map((p) => `${coord(sx(p.x))} ${coord(sy(p.mean))}`);
    out += `<path d="M${mean.join(' L')}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`;
  }
  for (const p of s.points) {
    const x = coord(sx(p.x));
    const tip = `${s.name}: x = ${formatNumber(p.x)}, ${formatNumber(p.mean, 4)} [${formatNumber(p.lo, 4)}, ${formatNumber(p.hi, 4)}]`;
    // A lone point (or any point) also gets a vertical bar, so its interval shows without a band.
    out += `<g class="point"><title>${escapeHtml(tip)}</title>`;
    out += `<line x1="${x}" y1="${coord(sy(p.lo))}" x2="${x}" y2="${coord(sy(p.hi))}" stroke="${color}" stroke-width="1.2" stroke-opacity="0.7"/>`;
    out += `<circle cx="${x}" cy="${coord(sy(p.mean))}" r="3.5" fill="${color}" stroke="#fff" stroke-width="1.2"/></g>`;
  }
  return `${out}</g>`;
}
