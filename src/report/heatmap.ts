/** Square heatmap with a diverging palette, e.g. cosine similarity between task gradients. */
import { ValueError } from '../errors.js';
import { formatNumber, formatTicks } from './format.js';
import { header } from './frame.js';
import {
  AXIS,
  coord,
  dim,
  escapeHtml,
  line,
  list,
  MUTED,
  niceTicks,
  str,
  svgOpen,
  text,
  textWidth,
  truncate,
} from './svg.js';

export interface HeatmapOptions {
  title: string;
  /** Row and column labels (the matrix is square). */
  labels: readonly string[];
  /** labels.length × labels.length values; NaN cells are drawn grey with "–". */
  matrix: readonly (readonly number[])[];
  /** Value mapped to the blue end (default −1). */
  min?: number;
  /** Value mapped to the red end (default 1). The midpoint is white. */
  max?: number;
  /** Decimals printed in cells (default 2). */
  digits?: number;
  width?: number;
}

/** ColorBrewer RdBu (7 classes, reversed): blue → white → red; readable with common colour-vision deficiencies. */
const STOPS: readonly [number, number, number][] = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43],
];

/** Colour for t ∈ [0, 1] on the diverging scale. */
export function divergingColor(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(u));
  const f = u - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function isDark(hex: string): boolean {
  const [r, g, b] = [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 0.45;
}

export function heatmap(opts: HeatmapOptions): string {
  const title = str('heatmap: title', opts.title);
  const min = opts.min ?? -1;
  const max = opts.max ?? 1;
  const digits = opts.digits ?? 2;
  const width = dim('heatmap: width', opts.width, 900, 200);
  const labels = list(`heatmap "${title}": labels`, opts.labels);
  labels.forEach((l, i) => str(`heatmap "${title}": labels[${i}]`, l));
  const n = labels.length;
  const matrix = list(`heatmap "${title}": matrix`, opts.matrix);
  if (matrix.length !== n) {
    throw new ValueError(`heatmap "${title}": matrix has ${matrix.length} rows but there are ${n} labels`);
  }
  matrix.forEach((row, i) => {
    if (list(`heatmap "${title}": matrix row ${i}`, row).length !== n) {
      throw new ValueError(`heatmap "${title}": matrix row ${i} has ${row.length} values, expected ${n}`);
    }
    row.forEach((v, j) => {
      if (typeof v !== 'number')
        throw new ValueError(`heatmap "${title}": matrix[${i}][${j}] is not a number`);
    });
  });
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    throw new ValueError(`heatmap "${title}": need finite min < max, got min=${min}, max=${max}`);
  }
  if (!Number.isInteger(digits) || digits < 0 || digits > 6) {
    throw new ValueError(`heatmap "${title}": digits must be an integer in [0, 6], got ${digits}`);
  }

  const short = labels.map((l) => truncate(l, 12, 150));
  const rowW = Math.max(...short.map((l) => textWidth(l, 12)));
  const left = Math.ceil(rowW + 30);
  const barSpace = 90;
  const cell = Math.max(14, Math.min(64, Math.floor((width - left - barSpace - 20) / n)));
  // Shrink the canvas to the content (a small matrix needs no 760 px), but keep the title on one line.
  const w = Math.ceil(Math.min(width, Math.max(left + n * cell + barSpace + 20, textWidth(title, 16) + 48)));
  const head = header(w, title, []);
  const horizontal = short.every((l) => textWidth(l, 12) <= cell - 6);
  const colH = horizontal ? 20 : Math.min(rowW, 150) * 0.72 + 12;
  const top = head.bottom + 10 + colH;
  const fontSize = Math.max(8, Math.min(13, cell * 0.28));
  const height = Math.ceil(top + n * cell + 30);

  let body = '';
  short.forEach((l, i) => {
    const cy = top + (i + 0.5) * cell;
    body += text(left - 8, cy, l, { size: 12, anchor: 'end', baseline: 'middle' });
    const cx = left + (i + 0.5) * cell;
    body += horizontal
      ? text(cx, top - 8, l, { size: 12, anchor: 'middle' })
      : text(cx - 2, top - 8, l, { size: 12, rotate: -45 });
  });
  matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      const finite = Number.isFinite(v);
      const fill = finite ? divergingColor((v - min) / (max - min)) : '#d9d9d9';
      const shown = finite ? formatNumber(v, 4) : 'n/a';
      const label = finite ? fixedDigits(v, digits) : '\u2013';
      body +=
        `<rect x="${coord(x)}" y="${coord(y)}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff" stroke-width="1">` +
        `<title>${escapeHtml(`${labels[i]} × ${labels[j]}: ${shown}`)}</title></rect>`;
      body += text(x + cell / 2, y + cell / 2, label, {
        size: fontSize,
        anchor: 'middle',
        baseline: 'middle',
        fill: finite && isDark(fill) ? '#fff' : '#222',
      });
    });
  });

  // Colour bar: stacked bands (no gradient ids, so several heatmaps can share a page).
  const bx = left + n * cell + 28;
  const bh = Math.max(n * cell, 120);
  const bands = 48;
  for (let k = 0; k < bands; k++) {
    const y = top + (k * bh) / bands;
    const fill = divergingColor(1 - (k + 0.5) / bands);
    body += `<rect x="${coord(bx)}" y="${coord(y)}" width="14" height="${coord(bh / bands + 0.5)}" fill="${fill}"/>`;
  }
  body += `<rect x="${coord(bx)}" y="${coord(top)}" width="14" height="${coord(bh)}" fill="none" stroke="${AXIS}"/>`;
  const ct = niceTicks(min, max, 5);
  const vals = ct.values.filter((v) => v >= min - 1e-12 && v <= max + 1e-12);
  formatTicks(vals, ct.step).forEach((lbl, k) => {
    const y = top + ((max - vals[k]!) / (max - min)) * bh;
    body += line(bx + 14, y, bx + 18, y, AXIS);
    body += text(bx + 21, y, lbl, { size: 11, baseline: 'middle', fill: MUTED });
  });

  const h = Math.max(height, Math.ceil(top + bh + 20));
  return `${svgOpen(w, h, title, 'heatmap')}${head.svg}${body}</svg>`;
}

function fixedDigits(v: number, digits: number): string {
  const s = v.toFixed(digits);
  const z = Number(s) === 0;
  return z ? (0).toFixed(digits) : s.startsWith('-') ? `\u2212${s.slice(1)}` : s;
}
