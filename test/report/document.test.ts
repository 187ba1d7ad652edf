/** Tables, paragraphs and the full document: escaping, alignment, structure and well-formedness. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { lineChart, paragraph, renderReport, sideBySide, table } from '../../src/report/index.js';
import { sampleReport } from '../support/report-sample.js';
import { checkBalanced, checkNoArtefacts } from '../support/svg.js';

describe('table', () => {
  const columns = [
    { key: 'method', label: 'Method' },
    { key: 'acc', label: 'Accuracy' },
    { key: 'dm', label: 'Δm (%)', format: (v: unknown) => `${(v as number).toFixed(2)}` },
  ];

  it('right-aligns numeric columns, left-aligns text, formats and escapes cells', () => {
    const html = table({
      caption: 'Results <final>',
      columns,
      rows: [
        { method: 'PCGrad <b>', acc: 0.98765, dm: -1.5 },
        { method: 'EW & co', acc: null, dm: 2 },
      ],
    });
    checkBalanced(html);
    checkNoArtefacts(html);
    expect(html).toContain('<caption>Results &lt;final&gt;</caption>');
    expect(html).toContain('PCGrad &lt;b&gt;');
    expect(html).toContain('EW &amp; co');
    expect(html).toMatch(/<th scope="col">Method<\/th>/);
    expect(html).toMatch(/<th scope="col" class="num" style="text-align:right">Accuracy<\/th>/);
    expect(html).toMatch(/<td class="num" style="text-align:right">0\.9877<\/td>/);
    expect(html).toMatch(/<td class="num" style="text-align:right">\u2013<\/td>/); // null → dash
    expect(html).toMatch(/<td class="num" style="text-align:right">-1\.50<\/td>/);
    expect((html.match(/<tr>/g) ?? []).length).toBe(3);
  });

  it('honours an explicit alignment and renders an empty body', () => {
    const html = table({ columns: [{ key: 'a', label: 'A', align: 'center' }], rows: [] });
    expect(html).toContain('style="text-align:center"');
    expect(html).toContain('No rows');
    checkBalanced(html);
  });

  it('validates its input', () => {
    expect(() => table({ columns: [], rows: [] })).toThrow(/columns must be a non-empty array/);
    expect(() =>
      table({
        columns: [
          { key: 'a', label: 'A' },
          { key: 'a', label: 'B' },
        ],
        rows: [],
      }),
    ).toThrow(/duplicate column key "a"/);
    expect(() => table({ columns, rows: [null as never] })).toThrow(/rows\[0\] must be an object/);
  });
});

describe('renderReport', () => {
  it('renders a complete, balanced document with a table of contents and a footer', () => {
    const html = renderReport({
      title: 'Run <1>',
      subtitle: 'a & b',
      generated: '2025-01-01',
      sections: [
        { title: 'First', intro: 'Para one.\n\nPara <two>.', blocks: [paragraph('x < y')] },
        {
          title: 'Second',
          blocks: [
            lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[0, 1]] }] }),
          ],
        },
      ],
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const counts = checkBalanced(html);
    checkNoArtefacts(html);
    expect(counts.get('html')).toBe(1);
    expect(counts.get('section')).toBe(2);
    expect(counts.get('svg')).toBe(1);
    expect(html).toContain('<title>Run &lt;1&gt;</title>');
    expect(html).toContain('<p class="subtitle">a &amp; b</p>');
    expect(html).toContain('<a href="#section-1">First</a>');
    expect(html).toContain('<section id="section-2">');
    expect(html).toContain('<p class="para">Para &lt;two&gt;.</p>');
    expect(html).toContain('<p class="para">x &lt; y</p>');
    expect(html).toMatch(/<footer>[\s\S]*2025-01-01[\s\S]*<\/footer>/);
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('validates its input', () => {
    expect(() => renderReport({ title: '', sections: [] })).toThrow(ValueError);
    expect(() => renderReport({ title: 't', sections: [{ title: 's', blocks: [3 as never] }] })).toThrow(
      /blocks\[0\] must be a string/,
    );
    expect(() => renderReport({ title: 't', sections: [{ title: 's' } as never] })).toThrow(
      /blocks must be an array/,
    );
  });

  it('the sample report is well formed: balanced tags, every chart closed, no NaN/undefined text', () => {
    const html = sampleReport();
    const counts = checkBalanced(html);
    checkNoArtefacts(html);
    const opens = (html.match(/<svg[\s>]/g) ?? []).length;
    expect(opens).toBe(6);
    expect((html.match(/<\/svg>/g) ?? []).length).toBe(opens);
    expect(counts.get('table')).toBe(2);
    // Every TOC link points at a section that exists.
    for (const m of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${m[1]}"`);
    // Every chart has an accessible title and a viewBox (scales with the page).
    for (const svg of html.match(/<svg[^>]*>/g) ?? []) {
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
      expect(svg).toMatch(/aria-label="[^"]+"/);
    }
  });
});

describe('sideBySide', () => {
  it('wraps each block in a flex item, in order, and rejects an empty list or a non-string block', () => {
    const html = sideBySide([paragraph('left'), paragraph('right')]);
    checkBalanced(html);
    expect(html).toBe(
      '<div class="side"><div><p class="para">left</p></div><div><p class="para">right</p></div></div>',
    );
    expect(renderReport({ title: 't', sections: [{ title: 's', blocks: [html] }] })).toContain(
      '.side{display:flex',
    );
    expect(() => sideBySide([])).toThrow(/sideBySide: blocks must not be empty/);
    expect(() => sideBySide([1 as never])).toThrow(ValueError);
  });
});
