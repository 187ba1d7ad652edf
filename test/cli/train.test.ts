import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { penguinsCsv } from '../../src/data/penguins.js';
import { WEIGHTING_NAMES, WEIGHTINGS, type WeightingEntry } from '../../src/mtl/registry.js';
import { parseArgs } from '../../src/node/cli/args.js';
import { runTrain, TRAIN_FLAGS, trainOptions } from '../../src/node/cli/train.js';
import { FAST, ROOT, run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir, withoutWarnings } from './helpers.js';

const csv = parseCsv(readFileSync(SHAPES, 'utf8'));
const col = (name: string) => csv.header.indexOf(name);

/** Share of the most frequent label among the rows that have one. */
function majorityRate(column: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const r of csv.rows) {
    const v = r[col(column)];
    if (v === '') continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  return Math.max(...counts.values()) / n;
}

interface TrainJson {
  tasks: Record<string, Record<string, number | null> & { baseline?: Record<string, unknown> }>;
  warnings: string[];
  rows: { train: number; test: number; dropped: number };
  dropped: { row: number; line?: number; reason: string }[];
  config: Record<string, unknown>;
}

describe('mtlgrad train', () => {
  let shapesJson: TrainJson;
  beforeAll(async () => {
    const r = await run(['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--json']);
    expect(withoutWarnings(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    shapesJson = JSON.parse(r.stdout);
  });

  it('--json prints one object with metrics in range and better than chance', () => {
    const { tasks, rows } = shapesJson;
    expect(Object.keys(tasks)).toEqual(['shape', 'flag', 'value']);
    expect(Object.keys(tasks.shape).sort()).toEqual(['accuracy', 'baseline', 'count', 'logLoss', 'macroF1']);
    expect(Object.keys(tasks.flag).sort()).toEqual([
      'accuracy',
      'auc',
      'baseline',
      'count',
      'logLoss',
      'macroF1',
    ]);
    expect(Object.keys(tasks.value).sort()).toEqual(['baseline', 'count', 'mae', 'mse', 'r2']);
    for (const t of ['shape', 'flag']) {
      for (const m of ['accuracy', 'macroF1']) {
        expect(tasks[t][m]).toBeGreaterThanOrEqual(0);
        expect(tasks[t][m]).toBeLessThanOrEqual(1);
      }
      expect(tasks[t].logLoss).toBeGreaterThan(0);
    }
    expect(tasks.shape.accuracy).toBeGreaterThan(majorityRate('shape') + 0.2);
    expect(tasks.flag.accuracy).toBeGreaterThan(majorityRate('flag') + 0.1);
    expect(tasks.flag.auc).toBeGreaterThan(0.8);
    expect(tasks.flag.auc).toBeLessThanOrEqual(1);
    expect(tasks.value.r2).toBeGreaterThan(0.7);
    expect(tasks.value.r2).toBeLessThanOrEqual(1);
    expect(tasks.value.mae).toBeGreaterThan(0);
    // Rows: 150 in the file, 4 dropped (3 missing x2, 1 without any label), 20% test.
    expect(rows).toEqual({ train: 117, test: 29, dropped: 4 });
    // Labels may be missing per task: fewer labelled test rows for flag and value.
    expect(tasks.shape.count).toBe(29);
    expect(tasks.flag.count).toBeLessThan(29);
    expect(tasks.value.count).toBeLessThan(29);
  });

  it('reports every dropped row with its row number, CSV line and reason', () => {
    expect(shapesJson.dropped).toEqual([
      { row: 18, line: 19, reason: 'missing feature value in "x2"' },
      { row: 64, line: 65, reason: 'missing feature value in "x2"' },
      { row: 89, line: 90, reason: 'every task label is missing ("shape", "flag", "value")' },
      { row: 122, line: 123, reason: 'missing feature value in "x2"' },
    ]);
  });

  it('echoes the configuration', () => {
    expect(shapesJson.config).toMatchObject({
      features: ['x1', 'x2', 'noise level', 'color'],
      categorical: { color: ['blue', 'green', 'red'] },
      tasks: [
        { name: 'shape', kind: 'classification', classes: ['circle', 'square', 'triangle'] },
        { name: 'flag', kind: 'binary', classes: ['no', 'yes'] },
        { name: 'value', kind: 'regression' },
      ],
      hidden: [16],
      activation: 'relu',
      epochs: 40,
      batchSize: 16,
      lr: 0.01,
      weightDecay: 0,
      decay: 'l2',
      weighting: 'ew',
      testSplit: 0.2,
      stratify: 'shape',
      seed: 1,
      missing: 'drop',
      save: null,
    });
  });

  it('reports regression metrics in the original units of the labels', async () => {
    const args = parseArgs(
      ['--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST],
      TRAIN_FLAGS,
      'train',
    );
    const result = await runTrain(trainOptions(args), {
      stdout: { write: () => true },
      stderr: { write: () => true },
      cwd: ROOT,
    });
    // The same run as the --json one: same metrics.
    expect(result.metrics.value.mse).toBe(shapesJson.tasks.value.mse);
    // The test rows' labels from the file, in original units.
    const ys: number[] = [];
    for (const i of result.test.rowIndex) {
      const v = csv.rows[i][col('value')];
      if (v !== '') ys.push(Number(v));
    }
    expect(ys.length).toBe(result.metrics.value.count);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const variance = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length;
    expect(variance).toBeGreaterThan(20); // the labels are not standardised
    // r2 = 1 − mse / var holds only if mse is on the labels' scale.
    expect(1 - (result.metrics.value.mse as number) / variance).toBeCloseTo(
      result.metrics.value.r2 as number,
      10,
    );
  });

  it('prints a readable table by default', async () => {
    const r = await run(['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Trained on 117 rows; tested on 29 rows; dropped 4 rows/);
    expect(r.stdout).toMatch(
      /^task\s+kind\s+predictor\s+n\s+accuracy\s+macroF1\s+logLoss\s+auc\s+r2\s+mse\s+mae$/m,
    );
    expect(r.stdout).toMatch(/^shape\s+classification\s+model\s+29\s+\d(\.\d+)?\s/m);
    expect(r.stdout).toMatch(/^shape\s+classification\s+majority\s+29\s+\d(\.\d+)?\s/m);
    expect(r.stdout).toMatch(/^value\s+regression\s+model\s+\d+\s+\d(\.\d+)?\s+\d/m);
    expect(r.stdout).toMatch(/^value\s+regression\s+mean\s+\d+\s+/m);
    expect(r.stdout).toContain('row 89 (line 90): every task label is missing');
  });

  it('reads a JSON array of row objects like the CSV', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const rows = csv.rows.map((r) => {
        const o: Record<string, string | number | null> = {};
        csv.header.forEach((h, j) => {
          const v = r[j];
          o[h] = v === '' ? null : ['x1', 'x2', 'noise level', 'value'].includes(h) ? Number(v) : v;
        });
        return o;
      });
      writeFileSync(join(dir, 'shapes.json'), JSON.stringify(rows));
      const r = await run(
        ['train', '--data', 'shapes.json', ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--json'],
        {
          cwd: dir,
        },
      );
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as TrainJson;
      expect(out.tasks).toEqual(shapesJson.tasks);
      expect(out.rows).toEqual(shapesJson.rows);
      expect(out.dropped[0]).toEqual({ row: 18, reason: 'missing feature value in "x2"' });
    } finally {
      cleanup();
    }
  });

  it('--missing mean keeps rows with missing features (imputed from the training rows)', async () => {
    const r = await run([
      'train',
      '--data',
      SHAPES,
      ...SHAPE_FEATURES,
      ...SHAPE_TASKS,
      ...FAST,
      '--missing',
      'mean',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as TrainJson;
    expect(out.rows.dropped).toBe(1);
    expect(out.rows.train + out.rows.test).toBe(149);
    expect(out.tasks.shape.accuracy).toBeGreaterThan(majorityRate('shape'));
  });

  it('accepts every weighting method, decoupled weight decay and --test-split 0', async () => {
    const base = [
      'train',
      '--data',
      SHAPES,
      ...SHAPE_FEATURES,
      ...SHAPE_TASKS,
      '--hidden',
      '8',
      '--epochs',
      '1',
      '--json',
    ];
    for (const name of WEIGHTING_NAMES) {
      // A method with required options runs with its example options.
      const w = (WEIGHTINGS[name] as WeightingEntry).example ?? name;
      const r = await run([...base, '--weighting', w]);
      expect(withoutWarnings(r.stderr), w).toBe('');
      expect(r.code, w).toBe(0);
      expect(JSON.parse(r.stdout).config.weighting).toBe(w);
    }
    const d = await run([...base, '--weight-decay', '0.01', '--decoupled', '--activation', 'tanh']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout).config).toMatchObject({
      decay: 'decoupled',
      weightDecay: 0.01,
      activation: 'tanh',
    });
    const all = await run([...base, '--test-split', '0']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ tasks: {}, rows: { train: 146, test: 0, dropped: 4 } });
  });

  it('is deterministic for a seed', async () => {
    const argv = [
      'train',
      '--data',
      SHAPES,
      ...SHAPE_FEATURES,
      ...SHAPE_TASKS,
      '--hidden',
      '8',
      '--epochs',
      '3',
      '--json',
    ];
    const a = await run([...argv, '--seed', '5']);
    const b = await run([...argv, '--seed', '5']);
    expect(a.stdout).toBe(b.stdout);
  });

  it('draws progress on stderr only when it is a terminal, and not with --quiet', async () => {
    const argv = [
      'train',
      '--data',
      SHAPES,
      ...SHAPE_FEATURES,
      ...SHAPE_TASKS,
      '--hidden',
      '8',
      '--epochs',
      '2',
      '--json',
    ];
    const tty = await run(argv, { tty: true });
    expect(tty.stderr).toContain('epoch 2/2');
    expect(JSON.parse(tty.stdout).rows.train).toBe(117);
    expect(withoutWarnings((await run([...argv, '--quiet'], { tty: true })).stderr)).toBe('');
    expect(withoutWarnings((await run(argv)).stderr)).toBe('');
  });
});

describe('mtlgrad train on the penguins', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('trains species, sex and body mass from columns with spaces and parentheses', async () => {
    writeFileSync(join(dir, 'penguins.csv'), penguinsCsv());
    const r = await run(
      [
        'train',
        '--data',
        'penguins.csv',
        '--features',
        'Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Island',
        '--categorical',
        'Island',
        '--task',
        'Species:classification',
        '--task',
        'Sex:binary',
        '--task',
        'Body Mass (g):regression',
        '--hidden',
        '16',
        '--epochs',
        '25',
        '--lr',
        '0.01',
        '--save',
        'penguins.safetensors',
        '--json',
      ],
      { cwd: dir },
    );
    expect(withoutWarnings(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as TrainJson;
    expect(out.rows).toEqual({ train: 274, test: 68, dropped: 2 });
    expect(out.config.features).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Island',
    ]);
    // Majority rates: Adelie 152/344 ≈ 0.44; MALE 168/333 ≈ 0.5.
    expect(out.tasks.Species.accuracy).toBeGreaterThan(0.9);
    expect(out.tasks.Sex.accuracy).toBeGreaterThan(0.7);
    expect(out.tasks.Sex.auc).toBeGreaterThan(0.8);
    expect(out.tasks['Body Mass (g)'].r2).toBeGreaterThan(0.6);
    // In grams: a mean absolute error of a few hundred grams, not a fraction of a standard deviation.
    expect(out.tasks['Body Mass (g)'].mae).toBeGreaterThan(50);
    expect(out.tasks['Body Mass (g)'].mae).toBeLessThan(600);

    const p = await run(['predict', '--model', 'penguins.safetensors', '--data', 'penguins.csv', '--json'], {
      cwd: dir,
    });
    expect(p.code).toBe(0);
    const preds = JSON.parse(p.stdout);
    expect(preds.predictions).toHaveLength(342);
    expect(preds.skipped.map((s: { row: number }) => s.row)).toEqual([4, 340]);
    expect(preds.predictions[0].tasks.Species.label).toBe('Adelie');
    expect(['MALE', 'FEMALE']).toContain(preds.predictions[0].tasks.Sex.label);
    expect(preds.predictions[0].tasks['Body Mass (g)'].value).toBeGreaterThan(2500);
  });
});
