import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMethods } from '../../examples/demo/methods.js';
import { context } from '../../examples/demo/runner.js';
import { type DemoResult, renderDemo, runDemo } from '../../examples/demo.js';
import { WEIGHTING_NAMES } from '../../src/mtl/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-demo-'));
const lines: string[] = [];
let result: DemoResult;

beforeAll(() => {
  result = runDemo({
    quick: true,
    out: join(dir, 'report.html'),
    json: join(dir, 'results.json'),
    log: (s) => lines.push(s),
    progress: () => {},
  });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A {mean, ci95: [lo, hi]} with lo ≤ mean ≤ hi, all finite. */
function expectSummary(s: unknown): void {
  expect(s).toMatchObject({ mean: expect.any(Number), ci95: [expect.any(Number), expect.any(Number)] });
  const { mean, ci95 } = s as { mean: number; ci95: [number, number] };
  expect(Number.isFinite(mean)).toBe(true);
  expect(ci95[0]).toBeLessThanOrEqual(mean);
  expect(mean).toBeLessThanOrEqual(ci95[1]);
}

describe('npm run demo -- --quick --json FILE', () => {
  it('writes the fields of the results schema', () => {
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json.learningCurve.length).toBeGreaterThanOrEqual(2);
    for (const p of json.learningCurve) {
      expect(p.trainRows).toEqual(expect.any(Number));
      expect(p.repeats).toBeGreaterThanOrEqual(2);
      expectSummary(p.deltaM);
      for (const t of ['species', 'sex', 'mass']) {
        expectSummary(p.tasks[t].mtl);
        expectSummary(p.tasks[t].stl);
      }
    }
    // Training sizes grow and the last one is the full training set.
    const rows = json.learningCurve.map((p: { trainRows: number }) => p.trainRows);
    expect(rows).toEqual([...rows].sort((a: number, b: number) => a - b));
    expect(rows.at(-1)).toBe(json.data.split.train);
    expect(json.learningCurveDiagnostics.related.map((c: { relatedness: number }) => c.relatedness)).toEqual([
      0.9, 0,
    ]);

    const names = json.methods.map((m: { name: string }) => m.name);
    for (const n of [
      'EW',
      'UW',
      'DWA',
      'RLW',
      'FAMO',
      'GradNorm',
      'MGDA',
      'MGDA-UB',
      'PCGrad',
      'CAGrad',
      'IMTL',
      'NashMTL',
    ])
      expect(names).toContain(n);
    for (const m of json.methods) {
      expect(m.repeats).toBe(json.meta.seeds.length);
      expectSummary(m.deltaM);
      expect(m.msPerStep).toBeGreaterThan(0);
    }
    expectSummary(json.comparison.deltaM);
    expectSummary(json.comparison.tasks.mass.stl);

    expect(json.lambda.curve.length).toBeGreaterThanOrEqual(2);
    for (const c of json.lambda.curve)
      for (const k of ['valLoss', 'trainLoss', 'gap', 'weightNorm']) expectSummary(c[k]);
    expect(json.lambda.outer).toHaveLength(json.lambda.outerFolds);
    expect(json.lambda.decay.map((d: { decay: string }) => d.decay)).toEqual(
      expect.arrayContaining(['l2', 'coupled', 'decoupled']),
    );

    const models = new Set(json.mmoeSynthetic.rows.map((r: { model: string }) => r.model));
    expect([...models]).toEqual(['shared-bottom', 'OMoE', 'MMoE', 'CGC']);
    for (const r of json.mmoeSynthetic.rows) expectSummary(r.mse);
    expect(json.mmoeSynthetic.finding).toMatch(/paper/);
  });

  it('has one set of numbers: the EW row, the comparison and the full-size learning-curve point agree exactly', () => {
    const { json } = result;
    const ew = json.methods.find((m) => m.name === 'EW')!;
    expect(ew.deltaM).toEqual(json.comparison.deltaM);
    expect(json.learningCurve.at(-1)!.deltaM).toEqual(json.comparison.deltaM);
    expect(ew.tasks.sex).toEqual(json.comparison.tasks.sex.mtl);
  });

  it('draws the report from the JSON alone', () => {
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(renderDemo(json)).toBe(readFileSync(result.reportPath, 'utf8'));
  });

  it('writes a self-contained report with every section', () => {
    const html = readFileSync(result.reportPath, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // No scripts and no network: the only URL is the SVG namespace.
    expect(html).not.toMatch(/<script/);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    for (const title of [
      'Learning curves',
      'nested cross-validation',
      'L2 in the loss vs AdamW',
      'What sharing buys',
      'Weighting methods',
      'MMoE synthetic benchmark',
      'Imbalanced tasks',
      'gradient conflict',
    ])
      expect(html).toContain(title);
    expect((html.match(/class="chart interval-chart"/g) ?? []).length).toBeGreaterThanOrEqual(4);
    // The TAG affinity heatmap beside the gradient cosines.
    expect(html).toMatch(
      /<div class="side"><div><svg[\s\S]*gradient cosine[\s\S]*<\/div><div><svg[\s\S]*TAG affinity Z\(i→j\)/,
    );
  });

  it('measures the TAG affinity and groups the tasks by it', () => {
    const { affinity, groups } = result.json.conflict;
    expect(affinity).toHaveLength(3);
    for (const row of affinity) expect(row).toHaveLength(3);
    expect(groups).toHaveLength(2);
    expect(groups.flat().sort()).toEqual(['mass', 'sex', 'species']);
    expect(lines.join('\n')).toMatch(/TAG affinity \(rows i → columns j\): .*; best 2 groups: .+ \| .+/);
  });

  it('prints the six parts', () => {
    const text = lines.join('\n');
    for (const heading of [
      '1. Learning curves',
      '2. Choosing λ',
      '3. Multi-task',
      '4. The MMoE',
      '5. Imbalanced',
      '6. Cosine',
    ])
      expect(text).toContain(heading);
    expect(text).toContain(`Report written to ${result.reportPath}`);
  });
});

describe('npm run experiment', () => {
  it('lists the experiments and exits 2 for an unknown name', () => {
    const root = resolve(import.meta.dirname, '../..');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'examples/experiments/run.ts', 'nope'], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      status = err.status;
      stderr = err.stderr.toString();
    }
    expect(status).toBe(2);
    for (const name of ['learning-curve', 'lambda', 'methods', 'mmoe-synthetic', 'all-methods'])
      expect(stderr).toContain(name);
  });
});

describe('the all-methods experiment', () => {
  it('runs every registry method on the same splits, EW first, each with a finite Δm', () => {
    const res = allMethods.run(context(true, () => {}));
    expect(res.methods.map((m) => m.name)).toHaveLength(WEIGHTING_NAMES.length);
    expect(res.methods[0].name).toBe('EW');
    for (const m of res.methods) {
      expect(m.repeats).toBe(res.seeds.length);
      expectSummary(m.deltaM);
    }
    // EW's row is the comparison: the same runs.
    expect(res.methods[0].deltaM).toEqual(res.comparison.deltaM);
  }, 120_000);
});
