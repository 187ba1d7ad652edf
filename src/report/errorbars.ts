/**
 * Error-bar chart: mean ± std at each x, e.g. validation loss against weight decay λ. With `logX`, an x of
 * 0 gets its own labelled "0" slot left of the log axis, separated by an axis-break mark.
 */
import { ValueError } from '../errors.js';
import { formatLogTicks, formatNumber, formatTicks } from './format.js';
import {
  AXIS,
  coord,
  dim,
  escapeHtml,
  GRID,
  header,
  leftMargin,
  line,
  linearScale,
  list,
  logScale,
  logTicks,
  MUTED,
  niceTicks,
  PALETTE,
  type Plot,
  str,
  svgOpen,
  text,
  textWidth,
  yAxis,
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
  width?: number;
  height?: number;
}

const BASE = PALETTE[0]!;
const CHOSEN = PALETTE[3]!;
const PAD = 18;

export function errorBarChart(opts: ErrorBarChartOptions): string {
  const title = str('errorBarChart: title', opts.title);
  const xLabel = str('errorBarChart: xLabel', opts.xLabel);
  const yLabel = str('errorBarChart: yLabel', opts.yLabel);
  const width = dim('errorBarChart: width', opts.width, 900, 200);
  const height = dim('errorBarChart: height', opts.height, 400, 150);
  const logX = opts.logX === true;
  const pts = list(`errorBarChart "${title}": points`, opts.points);
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
  const hi = opts.highlight;
  if (hi !== undefined && (!Number.isInteger(hi) || hi < 0 || hi >= pts.length)) {
    throw new ValueError(
      `errorBarChart "${title}": highlight must be an index in [0, ${pts.length - 1}], got ${hi}`,
    );
  }
  const positive = pts.filter((p) => p.x > 0).map((p) => p.x);
  if (logX && positive.length === 0) {
    throw new ValueError(`errorBarChart "${title}": logX needs at least one x > 0`);
  }

  const legend = [{ name: 'mean ± 1 std', color: BASE, kind: 'marker' as const }];
  if (hi !== undefined) legend.push({ name: 'chosen', color: CHOSEN, kind: 'marker' });
  const head = header(width, title, legend);

  const yt = niceTicks(
    Math.min(...pts.map((p) => p.mean - p.std)),
    Math.max(...pts.map((p) => p.mean + p.std)),
    7,
  );
  const yTicks = formatTicks(yt.values, yt.step).map((label, i) => ({ value: yt.values[i]!, label }));
  const plot: Plot = {
    left: leftMargin(
      yTicks.map((t) => t.label),
      yLabel !== '',
    ),
    top: head.bottom + 14,
    right: width - 24,
    bottom: height - (xLabel !== '' ? 56 : 34),
  };
  const sy = linearScale(yt.min, yt.max, plot.bottom, plot.top);

  // x placement: a log or linear region, plus a "0" slot on the left when logX and some x is 0.
  const hasZero = logX && pts.some((p) => p.x === 0);
  const zeroX = plot.left + PAD + 8;
  const breakX = zeroX + 28;
  const regionLeft = hasZero ? breakX + 14 : plot.left;
  let sx: (v: number) => number;
  let xTicks: { value: number; label: string }[];
  let minor: number[] = [];
  if (logX) {
    const lt = logTicks(Math.min(...positive), Math.max(...positive));
    const ls = logScale(lt.min, lt.max, regionLeft + PAD, plot.right - PAD);
    sx = (v) => (v === 0 ? zeroX : ls(v));
    xTicks = formatLogTicks(lt.values).map((label, i) => ({ value: lt.values[i]!, label }));
    if (hasZero) xTicks.unshift({ value: 0, label: '0' });
    minor = lt.minor;
  } else {
    const xt = niceTicks(Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x)), 8);
    sx = linearScale(xt.min, xt.max, plot.left + PAD, plot.right - PAD);
    xTicks = formatTicks(xt.values, xt.step).map((label, i) => ({ value: xt.values[i]!, label }));
  }

  let body = yAxis(plot, yTicks, sy, yLabel);
  for (const v of minor) {
    body += line(sx(v), plot.top, sx(v), plot.bottom, GRID, 'stroke-width="0.6" stroke-dasharray="2 3"');
  }
  for (const t of xTicks) {
    const x = sx(t.value);
    body += line(x, plot.top, x, plot.bottom, GRID) + line(x, plot.bottom, x, plot.bottom + 5, AXIS);
    body += text(x, plot.bottom + 19, t.label, { size: 11.5, anchor: 'middle', fill: MUTED });
  }
  if (xLabel !== '') {
    body += text((regionLeft + plot.right) / 2, plot.bottom + 42, xLabel, { size: 13, anchor: 'middle' });
  }
  body += line(plot.left, plot.top, plot.left, plot.bottom, AXIS);
  if (hasZero) {
    // Axis broken between the 0 slot and the log region: a gap with two slanted strokes.
    body += line(plot.left, plot.bottom, breakX - 4, plot.bottom, AXIS);
    body += line(breakX + 4, plot.bottom, plot.right, plot.bottom, AXIS);
    body += `<g class="axis-break" stroke="${AXIS}" stroke-width="1.5">`;
    for (const dx of [-4, 4])
      body += line(breakX + dx - 3, plot.bottom + 6, breakX + dx + 3, plot.bottom - 6, AXIS);
    body += '</g>';
    body += line(breakX, plot.top, breakX, plot.bottom, GRID, 'stroke-dasharray="1 4"');
  } else {
    body += line(plot.left, plot.bottom, plot.right, plot.bottom, AXIS);
  }

  // Thin connecting line in x order (dotted across the axis break), then bars and markers.
  const order = pts.map((_, i) => i).sort((a, b) => pts[a]!.x - pts[b]!.x);
  for (let k = 1; k < order.length; k++) {
    const a = pts[order[k - 1]!]!;
    const b = pts[order[k]!]!;
    const dash = hasZero && a.x === 0 && b.x > 0 ? ' stroke-dasharray="2 3"' : '';
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
  if (hi !== undefined) body += annotate(pts[hi]!, sx, sy, plot);

  return `${svgOpen(width, height, title, 'errorbar-chart')}${head.svg}${body}</svg>`;
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
