/**
 * The primitives of the SVG charts: escaping, "nice" ticks, scales, text and lines, and input checks
 * (the frame built from them, with title, legend and axes, is in frame.ts). Everything here is a pure
 * function returning numbers or markup strings; no DOM is needed.
 */
import { ValueError } from '../errors.js';

/** Okabe–Ito colour-blind-safe palette, ordered for contrast on white (yellow last: it is pale). */
export const PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
];

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const TEXT = '#222';
export const MUTED = '#555';
export const GRID = '#e3e3e3';
export const AXIS = '#888';

/** Escapes a string for HTML text and attribute values (also safe inside SVG). */
export function escapeHtml(s: string): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Rounds a coordinate for compact markup. */
export function coord(v: number): string {
  const s = (Math.round(v * 100) / 100).toString();
  return s === '-0' ? '0' : s;
}

export interface Ticks {
  /** First tick (≤ the data minimum). */
  min: number;
  /** Last tick (≥ the data maximum). */
  max: number;
  /** Tick spacing, 1, 2 or 5 × 10^k. */
  step: number;
  values: number[];
}

/** Strips float noise (0.30000000000000004 → 0.3) from a value that should be a multiple of `step`. */
function clean(v: number, step = Math.abs(v)): number {
  if (v === 0) return 0;
  const digits = Math.floor(Math.log10(Math.max(Math.abs(v), step))) - Math.floor(Math.log10(step)) + 2;
  return Number.parseFloat(v.toPrecision(Math.min(17, Math.max(2, digits))));
}

/**
 * "Nice" linear ticks: multiples of a step 1, 2 or 5 × 10^k that cover [min, max] with at most
 * `maxTicks` (default 7) and, for maxTicks ≥ 5, at least 3 ticks. A degenerate range is widened.
 */
export function niceTicks(min: number, max: number, maxTicks = 7): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ValueError(`niceTicks: range must be finite, got [${min}, ${max}]`);
  }
  if (min > max) [min, max] = [max, min];
  if (maxTicks < 3) throw new ValueError(`niceTicks: maxTicks must be ≥ 3, got ${maxTicks}`);
  if (max - min <= Math.abs(max) * 1e-12 || max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const span = max - min;
  let exp = Math.floor(Math.log10(span / maxTicks)) - 1;
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = clean(m * 10 ** exp);
      // Tolerate float noise in min/step (relative to its size), not whole fractions of a step.
      const qlo = min / step;
      const qhi = max / step;
      let lo = Math.floor(qlo + 1e-9 + Math.abs(qlo) * 4e-15);
      let hi = Math.ceil(qhi - 1e-9 - Math.abs(qhi) * 4e-15);
      // ...but the ticks must still cover [min, max] exactly.
      if (clean(lo * step, step) > min) lo--;
      if (clean(hi * step, step) < max) hi++;
      if (hi - lo + 1 <= maxTicks) {
        const values: number[] = [];
        for (let i = lo; i <= hi; i++) values.push(clean(i * step, step));
        return { min: values[0]!, max: values[values.length - 1]!, step, values };
      }
    }
    exp++;
  }
}

export interface LogTicks {
  min: number;
  max: number;
  /** Labelled ticks. */
  values: number[];
  /** Unlabelled minor grid positions (2…9 × 10^k) when the axis spans few decades. */
  minor: number[];
}

/** Ticks for a log10 axis over positive [min, max]: decades, or 1/2/5 × 10^k when the range is short. */
export function logTicks(min: number, max: number): LogTicks {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ValueError(`logTicks: range must be positive and finite, got [${min}, ${max}]`);
  }
  if (min > max) [min, max] = [max, min];
  const lmin = Math.log10(min);
  const lmax = Math.log10(max);
  if (lmax - lmin < 0.4) {
    // Under half a decade: linear nice ticks look best; the domain is the data padded in log space.
    const pad = Math.max((lmax - lmin) * 0.08, 0.02);
    const dmin = 10 ** (lmin - pad);
    const dmax = 10 ** (lmax + pad);
    const t = niceTicks(dmin, dmax, 6);
    return { min: dmin, max: dmax, values: t.values.filter((v) => v >= dmin && v <= dmax), minor: [] };
  }
  const lo = Math.floor(lmin + 1e-9);
  let hi = Math.ceil(lmax - 1e-9);
  if (hi === lo) hi++;
  const decades = hi - lo;
  if (decades <= 2) {
    const cands: number[] = [];
    for (let e = lo; e <= hi; e++) for (const m of [1, 2, 5]) cands.push(clean(m * 10 ** e));
    const dmin = Math.max(...cands.filter((c) => c <= min * (1 + 1e-9)));
    const dmax = Math.min(...cands.filter((c) => c >= max * (1 - 1e-9)));
    const values = cands.filter((c) => c >= dmin && c <= dmax);
    const minor: number[] = [];
    for (let e = lo; e <= hi; e++) {
      for (let m = 2; m <= 9; m++) {
        const v = clean(m * 10 ** e);
        if (v > dmin && v < dmax && !values.includes(v)) minor.push(v);
      }
    }
    return { min: dmin, max: dmax, values, minor };
  }
  const stride = Math.max(1, Math.ceil(decades / 8));
  hi = lo + stride * Math.ceil(decades / stride);
  const values: number[] = [];
  for (let e = lo; e <= hi; e += stride) values.push(clean(10 ** e));
  const minor: number[] = [];
  if (stride === 1 && decades <= 6) {
    for (let e = lo; e < hi; e++) for (let m = 2; m <= 9; m++) minor.push(clean(m * 10 ** e));
  }
  return { min: values[0]!, max: values[values.length - 1]!, values, minor };
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A log10 map from positive [d0, d1] to [r0, r1]. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const s = linearScale(Math.log10(d0), Math.log10(d1), r0, r1);
  return (v) => s(Math.log10(v));
}

/** Rough rendered width of `s` in a sans-serif font of size `size` px. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[ilj.,:;'|!]/.test(ch) ? 0.3 : /[MWmw@%]/.test(ch) ? 0.85 : 0.58;
  return w * size;
}

/** Shortens `s` with a trailing ellipsis so that it is at most `maxWidth` px wide. */
export function truncate(s: string, size: number, maxWidth: number): string {
  if (textWidth(s, size) <= maxWidth) return s;
  const chars = [...s];
  while (chars.length > 1 && textWidth(`${chars.join('')}\u2026`, size) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}\u2026`;
}

/** Splits plain text into lines of at most `maxWidth` px (word wrap). */
export function wrapText(s: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of s.split(/\s+/).filter((w) => w !== '')) {
    const next = cur === '' ? word : `${cur} ${word}`;
    if (cur !== '' && textWidth(next, size) > maxWidth) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

export interface TextOpts {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold' | number;
  fill?: string;
  rotate?: number;
  baseline?: 'auto' | 'middle' | 'hanging';
  italic?: boolean;
  cls?: string;
  /** Draw a white outline behind the glyphs so the text stays readable over grid lines and marks. */
  halo?: boolean;
}

/** A `<text>` element with escaped content. */
export function text(x: number, y: number, content: string, o: TextOpts = {}): string {
  const attrs = [`x="${coord(x)}"`, `y="${coord(y)}"`, `font-size="${o.size ?? 12}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight && o.weight !== 'normal') attrs.push(`font-weight="${o.weight}"`);
  attrs.push(`fill="${o.fill ?? TEXT}"`);
  if (o.baseline === 'middle') attrs.push('dominant-baseline="central"');
  else if (o.baseline === 'hanging') attrs.push('dominant-baseline="hanging"');
  if (o.italic) attrs.push('font-style="italic"');
  if (o.rotate) attrs.push(`transform="rotate(${o.rotate} ${coord(x)} ${coord(y)})"`);
  if (o.cls) attrs.push(`class="${o.cls}"`);
  if (o.halo) attrs.push('stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"');
  return `<text ${attrs.join(' ')}>${escapeHtml(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`;
}

/** Opening `<svg>` tag (responsive via viewBox) with an accessible `<title>`. */
export function svgOpen(width: number, height: number, title: string, cls: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${cls}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}" ` +
    `font-family="${escapeHtml(FONT)}" style="max-width:100%;height:auto">` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="#fff"/>`
  );
}

/** Validates a chart dimension option. */
export function dim(name: string, v: number | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < min)
    throw new ValueError(`${name} must be a finite number ≥ ${min}, got ${v}`);
  return v;
}

/** Throws a ValueError unless `s` is a string. */
export function str(where: string, s: unknown): string {
  if (typeof s !== 'string') throw new ValueError(`${where} must be a string, got ${typeof s}`);
  return s;
}

/** Throws a ValueError unless `v` is an array (optionally non-empty); returns it with its static type. */
export function list<T>(where: string, v: readonly T[], nonEmpty = true): readonly T[] {
  if (!Array.isArray(v))
    throw new ValueError(`${where} must be an array, got ${v === null ? 'null' : typeof v}`);
  if (nonEmpty && v.length === 0) throw new ValueError(`${where} must not be empty`);
  return v;
}
