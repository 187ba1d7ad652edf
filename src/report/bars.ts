/** Grouped bar chart with bars growing from a zero line (negative values go below it). */
import { ValueError } from '../errors.js';
import { formatNumber } from './format.js';
import { chartBasics, chartFrame, type LegendItem, linearAxisTicks, type Plot } from './frame.js';
import {
  AXIS,
  coord,
  escapeHtml,
  line,
  list,
  MUTED,
  niceTicks,
  PALETTE,
  str,
  text,
  textWidth,
  truncate,
  wrapText,
} from './svg.js';

export interface BarGroup {
  name: string;
  /** One value per category. */
  values: readonly number[];
  /** Optional interval [lo, hi] per category (lo ≤ value ≤ hi), drawn as a whisker over the bar. */
  intervals?: readonly (readonly [number, number])[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  categories: readonly string[];
  groups: readonly BarGroup[];
  /** A dashed horizontal line, e.g. a baseline's score. */
  referenceLine?: { value: number; label: string };
  /** A short remark printed under the title, e.g. "negative Δm = better than single-task". */
  note?: string;
  xLabel?: string;
  width?: number;
  height?: number;
}

export function barChart(opts: BarChartOptions): string {
  const basics = chartBasics('barChart', { ...opts, xLabel: opts.xLabel ?? '' });
  const { title, width, height, xLabel } = basics;
  const note = opts.note === undefined ? undefined : str('barChart: note', opts.note);
  const { cats, groups, ref } = checkBars(title, opts);
  const colors = groups.map((_, i) => PALETTE[i % PALETTE.length]!);
  const legend: LegendItem[] =
    groups.length > 1 ? groups.map((g, i) => ({ name: g.name, color: colors[i]!, kind: 'box' })) : [];
  if (ref !== undefined) {
    legend.push({
      name: `${ref.label} (${formatNumber(ref.value, 3)})`,
      color: '#333',
      dashed: true,
      kind: 'line',
    });
  }
  const all = groups.flatMap((g) => [...g.values, ...(g.intervals ?? []).flat()]);
  if (ref !== undefined) all.push(ref.value);
  // Headroom beyond the longest bars for their value labels.
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const room = (hi - lo) * 0.08;
  const yt = niceTicks(lo < 0 ? lo - room : lo, hi > 0 ? hi + room : hi, 7);
  let labels: CategoryLabels | undefined;
  const frame = chartFrame(basics, {
    cls: 'bar-chart',
    legend,
    note,
    y: { ticks: linearAxisTicks(yt), domain: [yt.min, yt.max] },
    below: (left) => {
      labels = layoutLabels(cats, left, (width - 24 - left) / cats.length);
      return labels.height + (xLabel !== '' ? 30 : 10);
    },
  });
  const { plot, sy } = frame;
  const slot = (plot.right - plot.left) / cats.length;
  const marks = bars(groups, cats, colors, plot, sy, slot);
  let body = marks.bars + categoryLabels(cats, labels!, plot, slot);
  body += line(plot.left, plot.top, plot.left, plot.bottom, AXIS);
  body += line(plot.left, plot.bottom, plot.right, plot.bottom, AXIS);
  if (yt.min < 0) body += line(plot.left, sy(0), plot.right, sy(0), '#333', 'stroke-width="1.2"');
  if (ref !== undefined) {
    const ry = sy(ref.value);
    // Labelled in the legend, not on the plot, where it would collide with bars.
    body += line(plot.left, ry, plot.right, ry, '#333', 'stroke-width="1.2" stroke-dasharray="6 4"');
  }
  body += marks.values; // value labels go on top of everything, including the reference line
  if (xLabel !== '') {
    body += text((plot.left + plot.right) / 2, height - 12, xLabel, { size: 13, anchor: 'middle' });
  }
  return `${frame.svg}${body}</svg>`;
}

function checkBars(title: string, opts: BarChartOptions) {
  const cats = list(`barChart "${title}": categories`, opts.categories);
  cats.forEach((c, i) => str(`barChart "${title}": categories[${i}]`, c));
  const groups = list(`barChart "${title}": groups`, opts.groups);
  groups.forEach((g, gi) => {
    str(`barChart "${title}": groups[${gi}].name`, g.name);
    const values = list(`barChart "${title}": group "${g.name}" values`, g.values, false);
    if (values.length !== cats.length) {
      throw new ValueError(
        `barChart "${title}": group "${g.name}" has ${values.length} values but there are ${cats.length} categories`,
      );
    }
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValueError(
          `barChart "${title}": group "${g.name}" value for "${cats[i]}" must be finite, got ${v}`,
        );
      }
      const iv = g.intervals?.[i];
      if (g.intervals !== undefined && !(Array.isArray(iv) && iv[0] <= v && v <= iv[1])) {
        throw new ValueError(
          `barChart "${title}": group "${g.name}" interval for "${cats[i]}" must be [lo, hi] with lo ≤ ${v} ≤ hi, got ${JSON.stringify(iv)}`,
        );
      }
    });
    if (g.intervals !== undefined && g.intervals.length !== cats.length)
      throw new ValueError(`barChart "${title}": group "${g.name}" needs one interval per category`);
  });
  const ref = opts.referenceLine;
  if (ref !== undefined) {
    if (!Number.isFinite(ref.value))
      throw new ValueError(`barChart "${title}": referenceLine.value must be finite`);
    str(`barChart "${title}": referenceLine.label`, ref.label);
  }
  return { cats, groups, ref };
}

/** Category labels: one line, two wrapped lines, or rotated when they do not fit their slot. */
interface CategoryLabels {
  fits: boolean;
  wrapped: string[][];
  rotated: string[];
  /** Height they need under the plot. */
  height: number;
}

function layoutLabels(cats: readonly string[], left: number, slot: number): CategoryLabels {
  const wrapped = cats.map((c) => wrapText(c, 12, slot - 8));
  const fits = wrapped.every((ls) => ls.length <= 2 && ls.every((l) => textWidth(l, 12) <= slot - 4));
  // Rotated labels (−35°) are cut to 150 px and to the room left of their slot; the tooltip has the full name.
  const rotated = cats.map((c, i) => truncate(c, 12, Math.min(150, (left + (i + 0.5) * slot - 8) / 0.82)));
  const maxW = Math.max(...rotated.map((c) => textWidth(c, 12)));
  const height = fits ? Math.max(...wrapped.map((ls) => ls.length)) * 15 + 8 : maxW * 0.58 + 22;
  return { fits, wrapped, rotated, height };
}

function categoryLabels(cats: readonly string[], labels: CategoryLabels, plot: Plot, slot: number): string {
  let body = '';
  cats.forEach((cat, ci) => {
    const cx = plot.left + (ci + 0.5) * slot;
    if (labels.fits) {
      labels.wrapped[ci]!.forEach((ln, k) => {
        body += text(cx, plot.bottom + 18 + k * 15, ln, { size: 12, anchor: 'middle' });
      });
    } else {
      const t = text(cx + 4, plot.bottom + 14, labels.rotated[ci]!, { size: 12, anchor: 'end', rotate: -35 });
      body += labels.rotated[ci] === cat ? t : `<g><title>${escapeHtml(cat)}</title>${t}</g>`;
    }
  });
  return body;
}

/** The bars with their tooltips, and the value labels (on white plates) drawn later on top. */
function bars(
  groups: readonly BarGroup[],
  cats: readonly string[],
  colors: string[],
  plot: Plot,
  sy: (v: number) => number,
  slot: number,
): { bars: string; values: string } {
  let body = '';
  let values = '';
  const y0 = sy(0);
  const inner = slot * 0.8;
  const bw = inner / groups.length;
  const gap = bw > 8 ? 2 : 0;
  cats.forEach((cat, ci) => {
    const sx0 = plot.left + ci * slot + (slot - inner) / 2;
    groups.forEach((g, gi) => {
      const v = g.values[ci]!;
      const x = sx0 + gi * bw + gap / 2;
      const yv = sy(v);
      const top = Math.min(y0, yv);
      const h = Math.abs(yv - y0);
      const tip = `${g.name} · ${cat}: ${formatNumber(v, 4)}`;
      body +=
        `<rect x="${coord(x)}" y="${coord(top)}" width="${coord(bw - gap)}" height="${coord(h)}" fill="${colors[gi]}">` +
        `<title>${escapeHtml(tip)}</title></rect>`;
      const cx = x + (bw - gap) / 2;
      const iv = g.intervals?.[ci];
      if (iv !== undefined) {
        const [ylo, yhi] = [sy(iv[0]), sy(iv[1])];
        body += `<g class="interval">${line(cx, ylo, cx, yhi, '#333', 'stroke-width="1.3"')}`;
        body += `${line(cx - 4, ylo, cx + 4, ylo, '#333', 'stroke-width="1.3"')}${line(cx - 4, yhi, cx + 4, yhi, '#333', 'stroke-width="1.3"')}</g>`;
      }
      const lbl = formatNumber(v, 3);
      const lw = textWidth(lbl, 10.5);
      if (lw <= bw + 6) {
        // On a white plate, so reference and grid lines running through the label do not strike it out; past the
        // whisker's end when there is one.
        const end = iv === undefined ? yv : sy(v >= 0 ? iv[1] : iv[0]);
        const ly = v >= 0 ? end - 4 : end + 12;
        values += `<rect x="${coord(cx - lw / 2 - 2)}" y="${coord(ly - 10)}" width="${coord(lw + 4)}" height="13" rx="2" fill="#fff" fill-opacity="0.9"/>`;
        values += text(cx, ly, lbl, { size: 10.5, anchor: 'middle', fill: MUTED });
      }
    });
  });
  return { bars: body, values };
}
