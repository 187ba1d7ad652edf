/** HTML tables with escaped cells; numeric columns are right-aligned with tabular figures. */
import { ValueError } from '../errors.js';
import { formatNumber } from './format.js';
import { escapeHtml, str } from './svg.js';

export interface TableColumn {
  key: string;
  label: string;
  /** Default: 'right' when every present value in the column is a number, else 'left'. */
  align?: 'left' | 'right' | 'center';
  /** Turns a cell value into plain text (it is escaped afterwards). Default: see `formatCell`. */
  format?: (value: unknown, row: Record<string, unknown>) => string;
}

export interface TableOptions {
  columns: readonly TableColumn[];
  rows: readonly Record<string, unknown>[];
  caption?: string;
}

/** Default cell text: 4 significant digits for numbers, `–` for null/undefined/NaN, yes/no for booleans. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '\u2013';
  if (typeof v === 'number') return formatNumber(v, 4);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function table(opts: TableOptions): string {
  const { columns, rows } = opts;
  if (!Array.isArray(columns) || columns.length === 0)
    throw new ValueError('table: columns must be a non-empty array');
  if (!Array.isArray(rows)) throw new ValueError('table: rows must be an array');
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    str(`table: columns[${i}].key`, c.key);
    str(`table: columns[${i}].label`, c.label);
    if (seen.has(c.key)) throw new ValueError(`table: duplicate column key "${c.key}"`);
    seen.add(c.key);
    if (c.align !== undefined && !['left', 'right', 'center'].includes(c.align)) {
      throw new ValueError(`table: column "${c.key}" has bad align "${String(c.align)}"`);
    }
    if (c.format !== undefined && typeof c.format !== 'function') {
      throw new ValueError(`table: column "${c.key}" format must be a function`);
    }
  });
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new ValueError(`table: rows[${i}] must be an object`);
  });
  const caption = opts.caption === undefined ? undefined : str('table: caption', opts.caption);

  const aligns = columns.map((c) => {
    if (c.align !== undefined) return c.align;
    const present = rows.map((r) => r[c.key]).filter((v) => v !== null && v !== undefined);
    return present.length > 0 && present.every((v) => typeof v === 'number' || typeof v === 'bigint')
      ? 'right'
      : 'left';
  });
  const cls = (a: string) => (a === 'right' ? ' class="num"' : a === 'center' ? ' class="center"' : '');
  const style = (a: string) => (a === 'left' ? '' : ` style="text-align:${a}"`);

  let html = '<div class="table-wrap"><table class="data">';
  if (caption !== undefined) html += `<caption>${escapeHtml(caption)}</caption>`;
  html += '<thead><tr>';
  columns.forEach((c, i) => {
    html += `<th scope="col"${cls(aligns[i]!)}${style(aligns[i]!)}>${escapeHtml(c.label)}</th>`;
  });
  html += '</tr></thead><tbody>';
  for (const r of rows) {
    html += '<tr>';
    columns.forEach((c, i) => {
      const v = r[c.key];
      const s = c.format ? c.format(v, r) : formatCell(v);
      if (typeof s !== 'string')
        throw new ValueError(`table: format of column "${c.key}" returned ${typeof s}`);
      // Short text stays on one line; long text may wrap.
      const nowrap = aligns[i] === 'left' && s.length <= 28 ? ' class="nowrap"' : cls(aligns[i]!);
      html += `<td${nowrap}${style(aligns[i]!)}>${escapeHtml(s)}</td>`;
    });
    html += '</tr>';
  }
  if (rows.length === 0) html += `<tr><td colspan="${columns.length}" class="empty">No rows</td></tr>`;
  html += '</tbody></table></div>';
  return html;
}
