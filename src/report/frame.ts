/**
 * The frame that the bar, error-bar and line charts share: their common options checked once, the
 * title, note and legend stacked at the top, the plot area under them, and the y axis (grid lines,
 * tick labels, axis label). A chart adds its x axis and its marks to `frame.svg` and closes it.
 */
import { formatLogTicks, formatTicks } from './format.js';
import {
  dim,
  header,
  type LegendItem,
  type LogTicks,
  leftMargin,
  linearScale,
  logScale,
  type Plot,
  str,
  svgOpen,
  type Ticks,
  yAxis,
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
