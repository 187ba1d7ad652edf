/**
 * Error-bar chart: mean ± std at each x, e.g. validation loss against weight decay λ. With `logX`, an x of
 * 0 gets its own labelled "0" slot left of the log axis, separated by an axis-break mark.
 */
import { ValueError } from '../errors.js';
import { formatNumber } from './format.js';
import {
  chartBasics,
  chartFrame,
  linearAxisTicks,
  logAxisTicks,
  type Plot,
  type Tick,
  xAxis,
  xAxisRoom,
} from './frame.js';
import {
  AXIS,
  coord,
  escapeHtml,
  GRID,
  line,
  linearScale,
  list,
  logScale,
  logTicks,
  niceTicks,
  PALETTE,
  str,
  text,
  textWidth,
} from './svg.js';

export interface ErrorBarPoint {
  x: number;
  mean: number;
  /** One standard deviation (≥ 0); the bar spans mean ± std. */
  std: number;
  /** Shown in the tooltip and, for the highlighted point, in its annotation. */
  label?: string;
}

export interface ErrorBarChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly ErrorBarPoint[];
  /** Log10 x axis; x must be ≥ 0 and at least one x > 0. x = 0 is drawn in a separate slot. */
  logX?: boolean;
  /** Index into `points` of the chosen point: drawn in a distinct colour and annotated. */
  highlight?: number;
  /** The legend's name for the bars (default 'mean ± 1 std'); say so when `std` holds another half-width. */
  barLabel?: string;
  width?: number;
  height?: number;
}

const BASE = PALETTE[0]!;
const CHOSEN = PALETTE[3]!;
const PAD = 18;

export function errorBarChart(opts: ErrorBarChartOptions): string {
  const basics = chartBasics('errorBarChart', opts);
  const logX = opts.logX === true;
  const pts = checkPoints(basics.title, opts.points, logX);
  const hi = opts.highlight;
  if (hi !== undefined && (!Number.isInteger(hi) || hi < 0 || hi >= pts.length)) {
    throw new ValueError(
      `errorBarChart "${basics.title}": highlight must be an index in [0, ${pts.length - 1}], got ${hi}`,
    );
  }
  const barLabel =
    opts.barLabel === undefined
      ? 'mean ± 1 std'
      : str(`errorBarChart "${basics.title}": barLabel`, opts.barLabel);
  const legend = [{ name: barLabel, color: BASE, kind: 'marker' as const }];
  if (hi !== undefined) legend.push({ name: 'chosen', color: CHOSEN, kind: 'marker' });
  const yt = niceTicks(
    Math.min(...pts.map((p) => p.mean - p.std)),
    Math.max(...pts.map((p) => p.mean + p.std)),
    7,
  );
  const frame = chartFrame(basics, {
    cls: 'errorbar-chart',
    legend,
    y: { ticks: linearAxisTicks(yt), domain: [yt.min, yt.max] },
    below: xAxisRoom(basics.xLabel),
  });
  const { plot, sy } = frame;
  const xs = placeX(pts, logX, plot);
  let body = xAxisWithBreak(plot, xs, basics.xLabel);
  body += points(pts, xs, sy, hi);
  if (hi !== undefined) body += annotate(pts[hi]!, xs.sx, sy, plot);
  return `${frame.svg}${body}</svg>`;
}

function checkPoints(
  title: string,
  points: readonly ErrorBarPoint[],
  logX: boolean,
): readonly ErrorBarPoint[] {
  const pts = list(`errorBarChart "${title}": points`, points);
  pts.forEach((p, i) => {
    for (const k of ['x', 'mean', 'std'] as const) {
      if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) {
        throw new ValueError(
          `errorBarChart "${title}": points[${i}].${k} must be a finite number, got ${p[k]}`,
        );
      }
    }
    if (p.std < 0)
      throw new ValueError(`errorBarChart "${title}": points[${i}].std must be ≥ 0, got ${p.std}`);
    if (logX && p.x < 0) {
      throw new ValueError(
        `errorBarChart "${title}": points[${i}].x = ${p.x} is negative, impossible with logX`,
      );
    }
    if (p.label !== undefined) str(`errorBarChart "${title}": points[${i}].label`, p.label);
  });
  if (logX && !pts.some((p) => p.x > 0)) {
    throw new ValueError(`errorBarChart "${title}": logX needs at least one x > 0`);
  }
  return pts;
}

/** Where x values go: a log or linear region, plus a "0" slot on the left when logX and some x is 0. */
interface XPlacement {
  sx: (v: number) => number;
  ticks: Tick[];
  minor: number[];
  hasZero: boolean;
  /** The axis-break position between the 0 slot and the log region. */
  breakX: number;
  /** Where the log (or linear) region starts. */
  regionLeft: number;
}

function placeX(pts: readonly ErrorBarPoint[], logX: boolean, plot: Plot): XPlacement {
  const hasZero = logX && pts.some((p) => p.x === 0);
  const zeroX = plot.left + PAD + 8;
  const breakX = zeroX + 28;
  const regionLeft = hasZero ? breakX + 14 : plot.left;
  if (!logX) {
    const xt = niceTicks(Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x)), 8);
    const sx = linearScale(xt.min, xt.max, plot.left + PAD, plot.right - PAD);
    return { sx, ticks: linearAxisTicks(xt), minor: [], hasZero, breakX, regionLeft };
  }
  const positive = pts.filter((p) => p.x > 0).map((p) => p.x);
  const lt = logTicks(Math.min(...positive), Math.max(...positive));
  const ls = logScale(lt.min, lt.max, regionLeft + PAD, plot.right - PAD);
  const ticks = logAxisTicks(lt);
  if (hasZero) ticks.unshift({ value: 0, label: '0' });
  return { sx: (v) => (v === 0 ? zeroX : ls(v)), ticks, minor: lt.minor, hasZero, breakX, regionLeft };
}

/** The x grid, ticks and label, and both axis lines; with a 0 slot the x axis is broken before the log region. */
function xAxisWithBreak(plot: Plot, xs: XPlacement, xLabel: string): string {
  let body = xAxis(plot, xs.ticks, xs.sx, '', xs.minor);
  if (xLabel !== '') {
    body += text((xs.regionLeft + plot.right) / 2, plot.bottom + 42, xLabel, { size: 13, anchor: 'middle' });
  }
  body += line(plot.left, plot.top, plot.left, plot.bottom, AXIS);
  if (!xs.hasZero) return body + line(plot.left, plot.bottom, plot.right, plot.bottom, AXIS);
  // A gap with two slanted strokes.
  const { breakX } = xs;
  body += line(plot.left, plot.bottom, breakX - 4, plot.bottom, AXIS);
  body += line(breakX + 4, plot.bottom, plot.right, plot.bottom, AXIS);
  body += `<g class="axis-break" stroke="${AXIS}" stroke-width="1.5">`;
  for (const dx of [-4, 4])
    body += line(breakX + dx - 3, plot.bottom + 6, breakX + dx + 3, plot.bottom - 6, AXIS);
  body += '</g>';
  return body + line(breakX, plot.top, breakX, plot.bottom, GRID, 'stroke-dasharray="1 4"');
}

/** A thin connecting line in x order (dotted across the axis break), then each bar and marker. */
function points(
  pts: readonly ErrorBarPoint[],
  xs: XPlacement,
  sy: (v: number) => number,
  hi: number | undefined,
): string {
  const { sx } = xs;
  let body = '';
  const order = pts.map((_, i) => i).sort((a, b) => pts[a]!.x - pts[b]!.x);
  for (let k = 1; k < order.length; k++) {
    const a = pts[order[k - 1]!]!;
    const b = pts[order[k]!]!;
    const dash = xs.hasZero && a.x === 0 && b.x > 0 ? ' stroke-dasharray="2 3"' : '';
    body += line(
      sx(a.x),
      sy(a.mean),
      sx(b.x),
      sy(b.mean),
      BASE,
      `stroke-width="1.2" stroke-opacity="0.5"${dash}`,
    );
  }
  pts.forEach((p, i) => {
    const chosen = i === hi;
    const c = chosen ? CHOSEN : BASE;
    const x = sx(p.x);
    const y0 = sy(p.mean - p.std);
    const y1 = sy(p.mean + p.std);
    const tip = `${p.label !== undefined ? `${p.label}: ` : ''}x = ${formatNumber(p.x)}, ${formatNumber(p.mean, 4)} ± ${formatNumber(p.std, 2)}`;
    body += `<g class="point${chosen ? ' chosen' : ''}"><title>${escapeHtml(tip)}</title>`;
    body += line(x, y0, x, y1, c, 'stroke-width="1.6"');
    body +=
      line(x - 5, y0, x + 5, y0, c, 'stroke-width="1.6"') +
      line(x - 5, y1, x + 5, y1, c, 'stroke-width="1.6"');
    body += `<circle class="mark" cx="${coord(x)}" cy="${coord(sy(p.mean))}" r="${chosen ? 6 : 4}" fill="${c}" stroke="#fff" stroke-width="1.5"/>`;
    body += '</g>';
  });
  return body;
}

function annotate(
  p: ErrorBarPoint,
  sx: (v: number) => number,
  sy: (v: number) => number,
  plot: Plot,
): string {
  const msg = `${p.label ?? 'chosen'}: ${formatNumber(p.mean, 4)} ± ${formatNumber(p.std, 2)}`;
  const x = sx(p.x);
  const w = textWidth(msg, 12);
  const above = sy(p.mean + p.std) - 12;
  const y = above - 14 >= plot.top ? above : sy(p.mean - p.std) + 22;
  let anchor: 'start' | 'middle' | 'end' = 'middle';
  if (x - w / 2 < plot.left + 4) anchor = 'start';
  else if (x + w / 2 > plot.right - 4) anchor = 'end';
  const tx = anchor === 'start' ? x - 6 : anchor === 'end' ? x + 6 : x;
  return text(tx, y, msg, { size: 12, weight: 600, fill: CHOSEN, anchor, halo: true, cls: 'annotation' });
}
