/** Line chart: several series of (x, y) points, optional log-scale y, gaps at non-finite points. */
import { ValueError } from '../errors.js';
import { formatLogTicks, formatTicks } from './format.js';
import {
  axisLines,
  coord,
  dim,
  escapeHtml,
  header,
  leftMargin,
  linearScale,
  list,
  logScale,
  logTicks,
  niceTicks,
  PALETTE,
  type Plot,
  str,
  svgOpen,
  xAxis,
  yAxis,
} from './svg.js';

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
  const title = str('lineChart: title', opts.title);
  const xLabel = str('lineChart: xLabel', opts.xLabel);
  const yLabel = str('lineChart: yLabel', opts.yLabel);
  const width = dim('lineChart: width', opts.width, 900, 200);
  const height = dim('lineChart: height', opts.height, 400, 150);
  const logY = opts.logY === true;
  list(`lineChart "${title}": series`, opts.series);
  const usable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  opts.series.forEach((s, i) => {
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
      `lineChart "${title}": no finite${logY ? ', positive' : ''} points to draw in ${opts.series.length} series`,
    );
  }

  const colors = opts.series.map((_, i) => PALETTE[i % PALETTE.length]!);
  const head = header(
    width,
    title,
    opts.series.map((s, i) => ({ name: s.name, color: colors[i]!, dashed: s.dashed === true })),
  );

  const xt = niceTicks(xmin, xmax, 8);
  const xTicks = formatTicks(xt.values, xt.step).map((label, i) => ({ value: xt.values[i]!, label }));
  let yTicks: { value: number; label: string }[];
  let yDomain: [number, number];
  let minor: number[] = [];
  if (logY) {
    const lt = logTicks(ymin, ymax);
    yTicks = formatLogTicks(lt.values).map((label, i) => ({ value: lt.values[i]!, label }));
    yDomain = [lt.min, lt.max];
    minor = lt.minor;
  } else {
    const yt = niceTicks(ymin, ymax, 7);
    yTicks = formatTicks(yt.values, yt.step).map((label, i) => ({ value: yt.values[i]!, label }));
    yDomain = [yt.min, yt.max];
  }

  const plot: Plot = {
    left: leftMargin(
      yTicks.map((t) => t.label),
      yLabel !== '',
    ),
    top: head.bottom + 14,
    right: width - 24,
    bottom: height - (xLabel !== '' ? 56 : 34),
  };
  const sx = linearScale(xt.min, xt.max, plot.left, plot.right);
  const sy = (logY ? logScale : linearScale)(yDomain[0], yDomain[1], plot.bottom, plot.top);

  let body = yAxis(plot, yTicks, sy, yLabel, minor) + xAxis(plot, xTicks, sx, xLabel) + axisLines(plot);
  opts.series.forEach((s, i) => {
    const segments: string[][] = [];
    let cur: string[] = [];
    for (const [x, y] of s.points) {
      if (usable(x, y)) cur.push(`${coord(sx(x))} ${coord(sy(y))}`);
      else if (cur.length > 0) {
        segments.push(cur);
        cur = [];
      }
    }
    if (cur.length > 0) segments.push(cur);
    const color = colors[i]!;
    const d = segments
      .filter((seg) => seg.length > 1)
      .map((seg) => `M${seg.join(' L')}`)
      .join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    body += `<g class="series"><title>${escapeHtml(s.name)}</title>`;
    if (d !== '') {
      body +=
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" ` +
        `stroke-linejoin="round" stroke-linecap="round"${dash}/>`;
    }
    for (const seg of segments) {
      if (seg.length !== 1) continue;
      const [cx, cy] = seg[0]!.split(' ');
      body += `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`;
    }
    body += '</g>';
  });

  return `${svgOpen(width, height, title, 'line-chart')}${head.svg}${body}</svg>`;
}
