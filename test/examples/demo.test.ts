import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../examples/demo.js';

describe('npm run demo (quick mode)', () => {
  it('prints the four tables and writes a self-contained report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-demo-'));
    try {
      const lines: string[] = [];
      const out = join(dir, 'report.html');
      const result = runDemo({ quick: true, out, log: (s) => lines.push(s), progress: () => {} });
      const text = lines.join('\n');
      for (const heading of [
        '1. Choosing λ',
        '2. Multi-task',
        '3. Weight decay',
        '4. Weighting methods',
        '5. Imbalanced tasks',
        '6. Cosine',
      ]) {
        expect(text).toContain(heading);
      }
      for (const method of [
        'EW',
        'UW',
        'DWA',
        'GradNorm',
        'PCGrad',
        'MGDA',
        'CAGrad',
        'IMTL',
        'NashMTL',
        'FAMO',
        'RLW',
      ]) {
        expect(result.tables.weighting).toContain(method);
      }
      expect(Number.isFinite(result.deltaM)).toBe(true);
      expect(text).toContain(`Report written to ${out}`);
      const html = readFileSync(out, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      // No scripts and no network: the only URL is the SVG namespace.
      expect(html).not.toMatch(/<script/);
      expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
      expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(6);
      expect(html).not.toMatch(/NaN|undefined/);
      // The TAG affinity heatmap beside the gradient cosines, and the grouping it implies.
      expect(html).toMatch(
        /<div class="side"><div><svg[\s\S]*gradient cosine[\s\S]*<\/div><div><svg[\s\S]*TAG affinity Z\(i→j\)/,
      );
      expect(text).toMatch(/TAG affinity \(rows i → columns j\): .*; best 2 groups: .+ \| .+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
