/** A self-contained HTML document (inline CSS, no scripts, no network) holding charts and tables. */
import { ValueError } from '../errors.js';
import { escapeHtml, FONT, list, str } from './svg.js';

export interface ReportSection {
  title: string;
  /** Plain text; blank lines separate paragraphs. Escaped. */
  intro?: string;
  /** Markup from lineChart, errorBarChart, barChart, heatmap, table or paragraph. Inserted as is. */
  blocks: readonly string[];
}

export interface ReportOptions {
  title: string;
  subtitle?: string;
  /** Free text shown in the header and footer, e.g. an ISO timestamp (kept out of the function for purity). */
  generated?: string;
  sections: readonly ReportSection[];
}

/** A paragraph of escaped plain text, usable as a block. */
export function paragraph(s: string): string {
  return `<p class="para">${escapeHtml(str('paragraph: text', s)).replace(/\s*\n\s*/g, ' ')}</p>`;
}

/** Blocks (charts, tables) next to each other, wrapping onto new lines on narrow screens. */
export function sideBySide(blocks: readonly string[]): string {
  const items = list('sideBySide: blocks', blocks).map((b, i) => str(`sideBySide: blocks[${i}]`, b));
  return `<div class="side">${items.map((b) => `<div>${b}</div>`).join('')}</div>`;
}

function paragraphs(s: string): string {
  return s
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => paragraph(p))
    .join('\n');
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{background:#f4f5f7}
body{margin:0;font-family:${FONT};color:#222;line-height:1.55;font-size:16px;-webkit-font-smoothing:antialiased}
main{max-width:1000px;margin:0 auto;padding:36px 40px 28px;background:#fff;min-height:100vh}
header.top h1{font-size:30px;line-height:1.2;margin:0 0 6px;letter-spacing:-0.01em}
header.top .subtitle{font-size:18px;color:#555;margin:0 0 4px}
header.top .generated{font-size:13px;color:#777;margin:0}
nav.toc{margin:28px 0 8px;padding:14px 22px;background:#f7f8fa;border:1px solid #e4e6ea;border-radius:8px}
nav.toc h2{font-size:13px;text-transform:uppercase;letter-spacing:0.06em;color:#666;margin:0 0 6px;border:0;padding:0}
nav.toc ol{margin:0;padding-left:22px}
nav.toc li{margin:2px 0}
a{color:#0b5cad;text-decoration:none}
a:hover{text-decoration:underline}
section{margin-top:44px}
section h2{font-size:22px;line-height:1.3;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid #e4e6ea}
section h2 .num{color:#888;font-weight:400;margin-right:8px}
p.para{margin:10px 0;max-width:75ch}
.block{margin:22px 0}
.side{display:flex;flex-wrap:wrap;gap:16px}
.side>div{flex:1 1 320px;min-width:0}
svg.chart{display:block;max-width:100%;height:auto;border:1px solid #eceef1;border-radius:6px}
.table-wrap{overflow-x:auto}
table.data{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums;min-width:50%}
table.data caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 8px;color:#333}
table.data th,table.data td{padding:6px 14px;border-bottom:1px solid #e4e6ea;text-align:left;vertical-align:top}
table.data thead th{background:#f4f5f7;border-bottom:2px solid #cfd3d9;font-weight:600;vertical-align:bottom}
table.data td.nowrap{white-space:nowrap}
table.data tbody tr:nth-child(even){background:#fafbfc}
table.data .num{text-align:right}
table.data td.num{white-space:nowrap}
table.data .center{text-align:center}
table.data td.empty{color:#888;font-style:italic;text-align:center}
footer{margin-top:56px;padding-top:12px;border-top:1px solid #e4e6ea;font-size:13px;color:#777}
@media print{html{background:#fff}main{padding:0;max-width:none}nav.toc{display:none}.block,svg.chart,table.data{break-inside:avoid}}
`;

/** The full `<!doctype html>` document with a header, table of contents, numbered sections and a footer. */
export function renderReport(opts: ReportOptions): string {
  const title = str('renderReport: title', opts.title);
  if (title.trim() === '') throw new ValueError('renderReport: title must not be empty');
  const subtitle = opts.subtitle === undefined ? undefined : str('renderReport: subtitle', opts.subtitle);
  const generated = opts.generated === undefined ? undefined : str('renderReport: generated', opts.generated);
  list('renderReport: sections', opts.sections, false).forEach((s, i) => {
    str(`renderReport: sections[${i}].title`, s.title);
    if (s.intro !== undefined) str(`renderReport: sections[${i}].intro`, s.intro);
    list(`renderReport: sections[${i}].blocks`, s.blocks, false).forEach((b, j) =>
      str(`renderReport: sections[${i}].blocks[${j}]`, b),
    );
  });

  const e = escapeHtml;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header class="top">',
    `<h1>${e(title)}</h1>`,
  ];
  if (subtitle !== undefined && subtitle !== '') out.push(`<p class="subtitle">${e(subtitle)}</p>`);
  if (generated !== undefined && generated !== '')
    out.push(`<p class="generated">Generated ${e(generated)}</p>`);
  out.push('</header>');
  if (opts.sections.length > 0) {
    out.push('<nav class="toc" aria-label="Contents">', '<h2>Contents</h2>', '<ol>');
    opts.sections.forEach((s, i) => {
      out.push(`<li><a href="#section-${i + 1}">${e(s.title)}</a></li>`);
    });
    out.push('</ol>', '</nav>');
  }
  opts.sections.forEach((s, i) => {
    out.push(`<section id="section-${i + 1}">`);
    out.push(`<h2><span class="num">${i + 1}</span>${e(s.title)}</h2>`);
    if (s.intro !== undefined) out.push(paragraphs(s.intro));
    for (const b of s.blocks) out.push(`<div class="block">${b}</div>`);
    out.push('</section>');
  });
  out.push(
    '<footer>',
    `<p>Generated by mtlgrad${generated !== undefined && generated !== '' ? ` on ${e(generated)}` : ''}. ` +
      'Self-contained: no scripts, no network requests.</p>',
    '</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
}
