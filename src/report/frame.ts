/**
 * The frame that the charts share, in one place: their common options checked once, the title, note
 * and legend stacked at the top, the plot area under them, and the axes (grid lines, tick labels,
 * axis labels). `chartFrame` draws all but the x axis, which each chart lays out its own way (ticks,
 * categories, or a broken axis) from the pieces below; then it adds its marks and closes the svg.
 */
import { formatLogTicks, formatTicks } from './format.js';
import {
  AXIS,
  coord,
  dim,
  GRID,
  type LogTicks,
  line,
  linearScale,
  logScale,
  MUTED,
  str,
  svgOpen,
  type Ticks,
  text,
  textWidth,
  truncate,
  wrapText,
} from './svg.js';

/** A tick position and its label. */
export interface Tick {
  value: number;
  label: string;
}

/** The labelled ticks of a linear axis. */
export function linearAxisTicks(t: Ticks): Tick[] {
  return formatTicks(t.values, t.step).map((label, i) => ({ value: t.values[i]!, label }));
}

/** The labelled (major) ticks of a log axis. */
export function logAxisTicks(t: LogTicks): Tick[] {
  return formatLogTicks(t.values).map((label, i) => ({ value: t.values[i]!, label }));
}

/** The options every chart takes, after checking. */
export interface ChartBasics {
  title: string;
  xLabel: string;
  yLabel: string;
  width: number;
  height: number;
}

/** Checks the options every chart takes, naming the chart function `fn` in errors. */
export function chartBasics(
  fn: string,
  opts: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): ChartBasics {
  return {
    title: str(`${fn}: title`, opts.title),
    xLabel: str(`${fn}: xLabel`, opts.xLabel),
    yLabel: str(`${fn}: yLabel`, opts.yLabel),
    width: dim(`${fn}: width`, opts.width, 900, 200),
    height: dim(`${fn}: height`, opts.height, 400, 150),
  };
}

/** Room under the plot for x tick labels, plus the x-axis label when there is one. */
export function xAxisRoom(xLabel: string): number {
  return xLabel !== '' ? 56 : 34;
}

export interface FrameSpec {
  /** The chart's CSS class on the `<svg>`. */
  cls: string;
  legend: LegendItem[];
  /** A remark under the title. */
  note?: string;
  y: {
    ticks: Tick[];
    domain: readonly [number, number];
    log?: boolean;
    /** Minor grid lines (log axes). */
    minor?: number[];
  };
  /** Height under the plot area, given the plot's left edge (which the y tick labels decide). */
  below: number | ((left: number) => number);
}

export interface Frame {
  plot: Plot;
  /** Maps a y value to its pixel row. */
  sy: (v: number) => number;
  /** The opening `<svg>`, title, note, legend and y axis; the chart appends its marks and `</svg>`. */
  svg: string;
}

export function chartFrame(basics: ChartBasics, spec: FrameSpec): Frame {
  const { width, height, title, yLabel } = basics;
  const head = header(width, title, spec.legend, spec.note);
  const left = leftMargin(
    spec.y.ticks.map((t) => t.label),
    yLabel !== '',
  );
  const below = typeof spec.below === 'number' ? spec.below : spec.below(left);
  const plot: Plot = { left, top: head.bottom + 14, right: width - 24, bottom: height - below };
  const [d0, d1] = spec.y.domain;
  const sy = (spec.y.log === true ? logScale : linearScale)(d0, d1, plot.bottom, plot.top);
  const svg =
    svgOpen(width, height, title, spec.cls) + head.svg + yAxis(plot, spec.y.ticks, sy, yLabel, spec.y.minor);
  return { plot, sy, svg };
}

export interface Header {
  svg: string;
  /** y coordinate just below the title, note and legend. */
  bottom: number;
}

export interface LegendItem {
  name: string;
  color: string;
  dashed?: boolean;
  kind?: 'line' | 'box' | 'marker';
}

/** Title, optional note (wrapped, italic) and a wrapping horizontal legend, stacked from the top. */
export function header(width: number, title: string, legend: LegendItem[], note?: string): Header {
  let y = 14;
  let svg = '';
  if (title !== '') {
    for (const ln of wrapText(title, 16, width - 40)) {
      y += 20;
      svg += text(20, y, ln, { size: 16, weight: 600 });
    }
  }
  if (note !== undefined && note !== '') {
    for (const ln of wrapText(note, 12, width - 40)) {
      y += 17;
      svg += text(20, y, ln, { size: 12, fill: MUTED, italic: true });
    }
  }
  if (legend.length > 0) {
    y += 10;
    let x = 20;
    let rowY = y + 9;
    for (const item of legend) {
      const name = truncate(item.name, 12, width - 90);
      const w = 28 + textWidth(name, 12) + 18;
      if (x > 20 && x + w > width - 20) {
        x = 20;
        rowY += 20;
      }
      svg += legendSwatch(x, rowY, item);
      svg += text(x + 28, rowY, name, { size: 12, baseline: 'middle' });
      x += w;
    }
    y = rowY + 10;
  }
  return { svg, bottom: y };
}

function legendSwatch(x: number, y: number, it: LegendItem): string {
  if (it.kind === 'box') {
    return `<rect x="${coord(x + 4)}" y="${coord(y - 6)}" width="16" height="12" rx="2" fill="${it.color}"/>`;
  }
  if (it.kind === 'marker') {
    return (
      line(x, y, x + 22, y, it.color, 'stroke-width="1.5"') +
      `<circle cx="${coord(x + 11)}" cy="${coord(y)}" r="4" fill="${it.color}"/>`
    );
  }
  const dash = it.dashed ? ' stroke-dasharray="6 4"' : '';
  return line(x, y, x + 22, y, it.color, `stroke-width="2.5"${dash}`);
}

export interface Plot {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Horizontal grid lines and y tick labels, plus the rotated y-axis label. */
export function yAxis(
  plot: Plot,
  ticks: { value: number; label: string }[],
  scale: (v: number) => number,
  label: string,
  minor: number[] = [],
): string {
  let s = '';
  for (const v of minor) {
    const y = scale(v);
    s += line(plot.left, y, plot.right, y, GRID, 'stroke-width="0.6" stroke-dasharray="2 3"');
  }
  for (const t of ticks) {
    const y = scale(t.value);
    s += line(plot.left, y, plot.right, y, GRID);
    s += text(plot.left - 8, y, t.label, { size: 11.5, anchor: 'end', baseline: 'middle', fill: MUTED });
  }
  if (label !== '') {
    const cy = (plot.top + plot.bottom) / 2;
    s += text(18, cy, label, { size: 13, anchor: 'middle', rotate: -90, baseline: 'middle' });
  }
  return s;
}

/** Vertical grid lines, x tick labels under the plot and the x-axis label. */
export function xAxis(
  plot: Plot,
  ticks: { value: number; label: string }[],
  scale: (v: number) => number,
  label: string,
  minor: number[] = [],
): string {
  let s = '';
  for (const v of minor) {
    const x = scale(v);
    s += line(x, plot.top, x, plot.bottom, GRID, 'stroke-width="0.6" stroke-dasharray="2 3"');
  }
  for (const t of ticks) {
    const x = scale(t.value);
    s += line(x, plot.top, x, plot.bottom, GRID);
    s += line(x, plot.bottom, x, plot.bottom + 5, AXIS);
    s += text(x, plot.bottom + 19, t.label, { size: 11.5, anchor: 'middle', fill: MUTED });
  }
  if (label !== '') {
    s += text((plot.left + plot.right) / 2, plot.bottom + 42, label, { size: 13, anchor: 'middle' });
  }
  return s;
}

/** The left and bottom axis lines. */
export function axisLines(plot: Plot): string {
  return (
    line(plot.left, plot.top, plot.left, plot.bottom, AXIS) +
    line(plot.left, plot.bottom, plot.right, plot.bottom, AXIS)
  );
}

/** Width needed for the y tick labels plus the rotated y-axis label. */
export function leftMargin(labels: string[], hasAxisLabel: boolean): number {
  const w = Math.max(0, ...labels.map((l) => textWidth(l, 11.5)));
  return Math.ceil(w + 14 + (hasAxisLabel ? 30 : 10));
}
