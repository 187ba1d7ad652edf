/** Line chart: several series of (x, y) points, optional log-scale y, gaps at non-finite points. */
import { ValueError } from '../errors.js';
import {
  axisLines,
  chartBasics,
  chartFrame,
  linearAxisTicks,
  logAxisTicks,
  type Tick,
  xAxis,
  xAxisRoom,
} from './frame.js';
import { coord, escapeHtml, linearScale, list, logTicks, niceTicks, PALETTE, str } from './svg.js';

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Draw with a dashed stroke (e.g. validation vs training curves). */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Log10 y axis; points with y ≤ 0 are then treated like NaN (gaps). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/**
 * An SVG line chart. Points whose x or y is NaN/±Infinity (or y ≤ 0 with `logY`) are skipped and break the
 * line, so a diverged run shows a gap instead of a plunge to 0. An isolated finite point is drawn as a dot.
 */
export function lineChart(opts: LineChartOptions): string {
  const basics = chartBasics('lineChart', opts);
  const logY = opts.logY === true;
  const usable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  const ext = extent(basics.title, opts.series, usable, logY);
  const colors = opts.series.map((_, i) => PALETTE[i % PALETTE.length]!);
  const legend = opts.series.map((s, i) => ({ name: s.name, color: colors[i]!, dashed: s.dashed === true }));

  const xt = niceTicks(ext.xmin, ext.xmax, 8);
  let y: { ticks: Tick[]; domain: [number, number]; log: boolean; minor: number[] };
  if (logY) {
    const lt = logTicks(ext.ymin, ext.ymax);
    y = { ticks: logAxisTicks(lt), domain: [lt.min, lt.max], log: true, minor: lt.minor };
  } else {
    const yt = niceTicks(ext.ymin, ext.ymax, 7);
    y = { ticks: linearAxisTicks(yt), domain: [yt.min, yt.max], log: false, minor: [] };
  }
  const frame = chartFrame(basics, { cls: 'line-chart', legend, y, below: xAxisRoom(basics.xLabel) });
  const { plot, sy } = frame;
  const sx = linearScale(xt.min, xt.max, plot.left, plot.right);

  let body = xAxis(plot, linearAxisTicks(xt), sx, basics.xLabel) + axisLines(plot);
  opts.series.forEach((s, i) => {
    body += seriesMarks(s, colors[i]!, (x, yv) =>
      usable(x, yv) ? `${coord(sx(x))} ${coord(sy(yv))}` : null,
    );
  });
  return `${frame.svg}${body}</svg>`;
}

/** Checks the series and returns the range of their usable points. */
function extent(
  title: string,
  series: readonly LineSeries[],
  usable: (x: number, y: number) => boolean,
  logY: boolean,
): { xmin: number; xmax: number; ymin: number; ymax: number } {
  list(`lineChart "${title}": series`, series);
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  series.forEach((s, i) => {
    str(`lineChart "${title}": series[${i}].name`, s.name);
    list(`lineChart "${title}": series "${s.name}" points`, s.points, false).forEach((p, j) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
        throw new ValueError(
          `lineChart "${title}": series "${s.name}" point ${j} must be an [x, y] pair of numbers`,
        );
      }
      const [x, y] = p;
      if (!usable(x, y)) return;
      xmin = Math.min(xmin, x);
      xmax = Math.max(xmax, x);
      ymin = Math.min(ymin, y);
      ymax = Math.max(ymax, y);
    });
  });
  if (xmin > xmax) {
    throw new ValueError(
      `lineChart "${title}": no finite${logY ? ', positive' : ''} points to draw in ${series.length} series`,
    );
  }
  return { xmin, xmax, ymin, ymax };
}

/** One series: a path through each run of usable points (`at` gives "x y" or null), a dot for a lone point. */
function seriesMarks(s: LineSeries, color: string, at: (x: number, y: number) => string | null): string {
  const segments: string[][] = [];
  let cur: string[] = [];
  for (const [x, y] of s.points) {
    const xy = at(x, y);
    if (xy !== null) cur.push(xy);
    else if (cur.length > 0) {
      segments.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) segments.push(cur);
  const d = segments
    .filter((seg) => seg.length > 1)
    .map((seg) => `M${seg.join(' L')}`)
    .join(' ');
  const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
  let out = `<g class="series"><title>${escapeHtml(s.name)}</title>`;
  if (d !== '') {
    out +=
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" ` +
      `stroke-linejoin="round" stroke-linecap="round"${dash}/>`;
  }
  for (const seg of segments) {
    if (seg.length !== 1) continue;
    const [cx, cy] = seg[0]!.split(' ');
    out += `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`;
  }
  return `${out}</g>`;
}
